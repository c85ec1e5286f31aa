/*
 * params.c - PB_* environment parameters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postbox.h"
#include "core/params.h"

int pb_parse_size(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	uint64_t mul = 1;
	switch (*end) {
	case 'k': case 'K': mul = 1ull << 10; end++; break;
	case 'm': case 'M': mul = 1ull << 20; end++; break;
	case 'g': case 'G': mul = 1ull << 30; end++; break;
	default: break;
	}
	/* after a multiplier: nothing, "B" or "iB" (4K, 4KB, 4KiB); after
	 * plain digits: nothing or "B" */
	if (mul > 1 && end[0] == 'i' && end[1] == 'B')
		end += 2;
	else if (*end == 'B')
		end++;
	if (*end || (v && mul > UINT64_MAX / v))
		return -1;
	*out = v * mul;
	return 0;
}

static int is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* Read a size variable within [lo, hi]; pow2 when asked. */
static int get_size(const char *var, uint64_t def, uint64_t lo, uint64_t hi,
		    int pow2, uint64_t *out, char *err, size_t errlen)
{
	const char *s = getenv(var);
	uint64_t v;
	if (!s || !*s) {
		*out = def;
		return 0;
	}
	if (pb_parse_size(s, &v) || v < lo || v > hi || (pow2 && !is_pow2(v))) {
		snprintf(err, errlen,
			 "%s=\"%s\" is not valid: expected %s%s between %llu "
			 "and %llu (suffixes K, M, G allowed)",
			 var, s, pow2 ? "a power of two" : "a size",
			 pow2 ? "" : "", (unsigned long long)lo,
			 (unsigned long long)hi);
		return PB_EPARAM;
	}
	*out = v;
	return 0;
}

int pb_params_load(struct pb_params *p, char *err, size_t errlen)
{
	uint64_t v;
	int rc;

	if ((rc = get_size("PB_POSTBOXES", PB_DEF_POSTBOXES, 2, 65536, 1, &v,
			   err, errlen)))
		return rc;
	p->slots = (uint32_t)v;
	if ((rc = get_size("PB_INLINE", PB_DEF_INLINE, 0, 4080, 0, &v, err,
			   errlen)))
		return rc;
	p->inline_max = (uint32_t)v;
	if ((rc = get_size("PB_BLOCK_SIZE", PB_DEF_BLOCK_SIZE, 64, 1u << 30, 1,
			   &v, err, errlen)))
		return rc;
	p->block_size = (uint32_t)v;
	if ((rc = get_size("PB_POOL_SIZE", PB_DEF_POOL_SIZE, 64, 1ull << 36, 0,
			   &v, err, errlen)))
		return rc;
	p->pool_size = v;
	if ((rc = get_size("PB_CYCLE_SIZE", PB_DEF_CYCLE_SIZE, 64, 1ull << 30,
			   0, &v, err, errlen)))
		return rc;
	p->cycle_size = v;
	if (p->pool_size < p->block_size || p->pool_size % p->block_size) {
		snprintf(err, errlen,
			 "PB_POOL_SIZE=%llu must be a multiple of "
			 "PB_BLOCK_SIZE=%u",
			 (unsigned long long)p->pool_size, p->block_size);
		return PB_EPARAM;
	}
	if (p->cycle_size < p->block_size || p->cycle_size % p->block_size ||
	    p->cycle_size > p->pool_size) {
		snprintf(err, errlen,
			 "PB_CYCLE_SIZE=%llu must be a multiple of "
			 "PB_BLOCK_SIZE=%u and at most PB_POOL_SIZE=%llu",
			 (unsigned long long)p->cycle_size, p->block_size,
			 (unsigned long long)p->pool_size);
		return PB_EPARAM;
	}
	const char *w = getenv("PB_WAIT");
	if (!w || !*w || !strcmp(w, "yield"))
		p->wait_mode = PB_WAIT_YIELD;
	else if (!strcmp(w, "spin"))
		p->wait_mode = PB_WAIT_SPIN;
	else if (!strcmp(w, "sleep"))
		p->wait_mode = PB_WAIT_SLEEP;
	else {
		snprintf(err, errlen,
			 "PB_WAIT=\"%s\" is not valid: expected spin, yield "
			 "or sleep", w);
		return PB_EPARAM;
	}
	if ((rc = get_size("PB_SPIN", PB_DEF_SPIN, 0, 1u << 30, 0, &v, err,
			   errlen)))
		return rc;
	p->spin = (uint32_t)v;
	const char *cm = getenv("PB_CMA");
	if (!cm || !*cm || !strcmp(cm, "on"))
		p->cma = PB_CMA_ON;
	else if (!strcmp(cm, "off"))
		p->cma = PB_CMA_OFF;
	else if (!strcmp(cm, "fallback"))
		p->cma = PB_CMA_FALLBACK;
	else {
		snprintf(err, errlen,
			 "PB_CMA=\"%s\" is not valid: expected on, off or "
			 "fallback", cm);
		return PB_EPARAM;
	}
	if ((rc = get_size("PB_CMA_MIN", PB_DEF_CMA_MIN, 1, 1ull << 40, 0, &v,
			   err, errlen)))
		return rc;
	p->cma_min = v;
	const char *md = getenv("PB_MEDIUM");
	if (!md || !*md || !strcmp(md, "auto"))
		p->medium = PB_MEDIUM_AUTO;
	else if (!strcmp(md, "shm"))
		p->medium = PB_MEDIUM_SHM;
	else if (!strcmp(md, "ofi"))
		p->medium = PB_MEDIUM_OFI;
	else {
		snprintf(err, errlen,
			 "PB_MEDIUM=\"%s\" is not valid: expected auto, shm or "
			 "ofi", md);
		return PB_EPARAM;
	}
	const char *t = getenv("PB_PEER_TIMEOUT");
	p->peer_timeout = PB_DEF_PEER_TIMEOUT;
	if (t && *t) {
		char *end;
		errno = 0;
		double d = strtod(t, &end);
		if (errno || end == t || *end || !(d > 0) || d > 86400) {
			snprintf(err, errlen,
				 "PB_PEER_TIMEOUT=\"%s\" is not valid: "
				 "expected seconds, more than 0 and at most "
				 "86400", t);
			return PB_EPARAM;
		}
		p->peer_timeout = d;
	}
	return 0;
}
