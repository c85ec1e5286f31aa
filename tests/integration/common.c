/*
 * common.c - helpers of the integration programs (see common.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

int t_rank = -1;
int t_size = 0;

void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "rank %d: %s:%d: %s\n", t_rank, file, line, msg);
	fflush(stderr);
	exit(1);
}

pb_job *t_open(void)
{
	pb_job *job = NULL;
	int rc = pb_open(&job);
	if (rc)
		t_fail(__FILE__, __LINE__, "pb_open: %d (%s)", rc,
		       pb_strerror(rc));
	CHECK(job != NULL);
	t_rank = pb_rank(job);
	t_size = pb_size(job);
	CHECK(t_rank >= 0 && t_size >= 1 && t_rank < t_size);
	return job;
}

void t_close(pb_job *job, const char *name)
{
	CHECK_OK(pb_close(job));
	if (t_rank == 0) {
		printf("%s: OK (%d ranks)\n", name, t_size);
		fflush(stdout);
	}
}

/* splitmix64: good mixing, one multiply chain per word */
static inline uint64_t mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t t_seed(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return mix(mix(mix(mix(a) ^ b) ^ c) ^ d);
}

/* Word k of the pattern. Cheap enough for hundreds of MiB: one mix. */
static inline uint64_t word(uint64_t seed, uint64_t k)
{
	return mix(seed + k * 0xd1b54a32d192ed03ull);
}

void t_fill(void *buf, size_t len, uint64_t seed)
{
	uint8_t *p = buf;
	size_t k = 0, n = len / 8;
	for (; k < n; k++) {
		uint64_t w = word(seed, k);
		memcpy(p + 8 * k, &w, 8);
	}
	if (len % 8) {
		uint64_t w = word(seed, k);
		memcpy(p + 8 * k, &w, len % 8);
	}
}

size_t t_diff(const void *buf, size_t len, uint64_t seed, size_t off)
{
	const uint8_t *p = buf;
	size_t i = 0;
	/* bytes until off+i is word aligned in the pattern */
	while (i < len && (off + i) % 8) {
		uint64_t w = word(seed, (off + i) / 8);
		if (p[i] != ((const uint8_t *)&w)[(off + i) % 8])
			return i;
		i++;
	}
	for (; i + 8 <= len; i += 8) {
		uint64_t w = word(seed, (off + i) / 8), v;
		memcpy(&v, p + i, 8);
		if (v != w) {
			for (int b = 0; b < 8; b++)
				if (p[i + b] != ((const uint8_t *)&w)[b])
					return i + b;
		}
	}
	for (; i < len; i++) {
		uint64_t w = word(seed, (off + i) / 8);
		if (p[i] != ((const uint8_t *)&w)[(off + i) % 8])
			return i;
	}
	return SIZE_MAX;
}

uint64_t t_sum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t h = 0xcbf29ce484222325ull ^ len;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t v;
		memcpy(&v, p + i, 8);
		h = mix(h ^ v);
	}
	for (; i < len; i++)
		h = mix(h ^ p[i]);
	return h;
}

static uint64_t hdr_seed(int src, int dst, int tag, uint64_t seq,
			 uint64_t len)
{
	return t_seed(((uint64_t)(uint32_t)src << 32) | (uint32_t)dst,
		      (uint64_t)(uint32_t)tag, seq, len);
}

void t_msg_fill(void *buf, size_t len, int src, int dst, int tag,
		uint64_t seq)
{
	uint64_t seed = hdr_seed(src, dst, tag, seq, len);
	t_fill(buf, len, seed);
	if (len >= T_HDR_SIZE) {
		struct t_hdr h = {T_HDR_MAGIC, src, dst, tag, seq, len, 0};
		h.sum = t_seed(h.magic, seed, seq, len);
		memcpy(buf, &h, sizeof(h));
	}
}

void t_msg_verify(const void *buf, size_t len, int src, int dst, int tag,
		  uint64_t seq, const char *file, int line)
{
	uint64_t seed = hdr_seed(src, dst, tag, seq, len);
	size_t start = 0;
	if (len >= T_HDR_SIZE) {
		struct t_hdr h;
		memcpy(&h, buf, sizeof(h));
		if (h.magic != T_HDR_MAGIC || h.src != src || h.dst != dst ||
		    h.tag != tag || h.seq != seq || h.len != len)
			t_fail(file, line,
			       "wrong message: expected src %d dst %d tag %d "
			       "seq %llu len %zu, header says magic %#x src %d "
			       "dst %d tag %d seq %llu len %llu",
			       src, dst, tag, (unsigned long long)seq, len,
			       h.magic, h.src, h.dst, h.tag,
			       (unsigned long long)h.seq,
			       (unsigned long long)h.len);
		start = T_HDR_SIZE;
	}
	size_t d = t_diff((const uint8_t *)buf + start, len - start, seed,
			  start);
	if (d != SIZE_MAX)
		t_fail(file, line,
		       "payload differs at byte %zu of %zu (src %d dst %d tag "
		       "%d seq %llu)",
		       start + d, len, src, dst, tag, (unsigned long long)seq);
}

void t_msg_header(const void *buf, size_t len, struct t_hdr *h,
		  const char *file, int line)
{
	if (len < T_HDR_SIZE)
		t_fail(file, line, "message of %zu bytes has no header", len);
	memcpy(h, buf, sizeof(*h));
	uint64_t seed = hdr_seed(h->src, h->dst, h->tag, h->seq, h->len);
	if (h->magic != T_HDR_MAGIC ||
	    h->sum != t_seed(T_HDR_MAGIC, seed, h->seq, h->len))
		t_fail(file, line, "message header is garbage (magic %#x)",
		       h->magic);
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end == 'i' && end[1] == 'B')
		end += 2;
	else if (*end == 'B')
		end++;
	if (*end)
		return -1;
	*out = v;
	return 0;
}

uint64_t t_arg(int argc, char **argv, int i, uint64_t def)
{
	uint64_t v;
	if (i >= argc)
		return def;
	if (parse_size(argv[i], &v))
		t_fail(__FILE__, __LINE__, "argument %d '%s' is not a number",
		       i, argv[i]);
	return v;
}

const char *t_arg_str(int argc, char **argv, int i, const char *def)
{
	return i < argc ? argv[i] : def;
}

uint64_t t_env_size(const char *var, uint64_t def)
{
	const char *s = getenv(var);
	uint64_t v;
	if (!s || !*s)
		return def;
	if (parse_size(s, &v))
		t_fail(__FILE__, __LINE__, "%s='%s' is not a size", var, s);
	return v;
}

int t_parse_list(const char *s, uint64_t *out, int max)
{
	int n = 0;
	char *copy = strdup(s), *save = NULL;
	CHECK(copy);
	for (char *tok = strtok_r(copy, ",", &save); tok && n < max;
	     tok = strtok_r(NULL, ",", &save))
		if (parse_size(tok, &out[n++]))
			t_fail(__FILE__, __LINE__, "'%s' is not a size", tok);
	free(copy);
	return n;
}

void t_geom(struct t_geom *g)
{
	/* defaults documented in docs/parameters.md */
	uint64_t inl = t_env_size("PB_INLINE", 112);
	g->block = t_env_size("PB_BLOCK_SIZE", 4096);
	g->pool = t_env_size("PB_POOL_SIZE", 1 << 20);
	g->cycle = t_env_size("PB_CYCLE_SIZE", 256 << 10);
	g->slots = t_env_size("PB_POSTBOXES", 64);
	/* a slot is 16 header bytes plus the inline room, in whole cache
	 * lines; what rounding adds is inline room too */
	uint64_t body = inl > 16 ? inl : 16;
	g->inline_max = (16 + body + 63) / 64 * 64 - 16;
}

double t_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void t_sleep_us(long us)
{
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void *t_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		t_fail(__FILE__, __LINE__, "out of memory for %zu bytes", n);
	return p;
}

uint64_t t_rand(uint64_t *s)
{
	*s += 0x9e3779b97f4a7c15ull;
	return mix(*s);
}
