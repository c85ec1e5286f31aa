/*
 * test_params.c - PB_* environment parameters (src/core/params.c).
 *
 * Shows: with an empty environment every parameter takes its documented
 * default; each variable accepts good values (sizes with K/M/G suffixes)
 * and refuses bad ones with PB_EPARAM and a message that names the
 * variable and the value; the cross checks (pool a multiple of the block,
 * cycle between block and pool) name the variables involved.
 */
#include <string.h>

#include "postbox.h"
#include "core/params.h"
#include "check.h"

static const char *const vars[] = {
	"PB_POSTBOXES", "PB_INLINE", "PB_BLOCK_SIZE", "PB_POOL_SIZE",
	"PB_CYCLE_SIZE", "PB_WAIT", "PB_SPIN", "PB_PEER_TIMEOUT",
};

static void clear_env(void)
{
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
}

static void expect_defaults(const struct pb_params *p, int line)
{
	if (p->slots != PB_DEF_POSTBOXES || p->inline_max != PB_DEF_INLINE ||
	    p->block_size != PB_DEF_BLOCK_SIZE ||
	    p->pool_size != PB_DEF_POOL_SIZE ||
	    p->cycle_size != PB_DEF_CYCLE_SIZE ||
	    p->wait_mode != PB_WAIT_YIELD || p->spin != PB_DEF_SPIN ||
	    p->peer_timeout != PB_DEF_PEER_TIMEOUT) {
		check_failures++;
		fprintf(stderr, "%s:%d: not the defaults: slots %u inline %u "
			"block %u pool %llu cycle %llu wait %d spin %u "
			"timeout %g\n", __FILE__, line, p->slots, p->inline_max,
			p->block_size, (unsigned long long)p->pool_size,
			(unsigned long long)p->cycle_size, p->wait_mode,
			p->spin, p->peer_timeout);
	}
}

static void test_defaults(void)
{
	struct pb_params p;
	char err[256] = "";
	clear_env();
	memset(&p, 0xff, sizeof(p));
	CHECK_EQ(pb_params_load(&p, err, sizeof(err)), 0);
	expect_defaults(&p, __LINE__);
	/* the documented defaults themselves */
	CHECK_EQ(p.slots, 64);
	CHECK_EQ(p.inline_max, 112);
	CHECK_EQ(p.block_size, 4096);
	CHECK_EQ(p.pool_size, 1 << 20);
	CHECK_EQ(p.cycle_size, 256 << 10);
	CHECK(p.peer_timeout == 5.0);

	/* set but empty means default too */
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		setenv(vars[i], "", 1);
	memset(&p, 0xff, sizeof(p));
	CHECK_EQ(pb_params_load(&p, err, sizeof(err)), 0);
	expect_defaults(&p, __LINE__);
	clear_env();
}

/* One variable set (others default); on success the loaded params. */
static int load_with(const char *var, const char *val, struct pb_params *p,
		     char *err, size_t errlen)
{
	clear_env();
	setenv(var, val, 1);
	err[0] = 0;
	int rc = pb_params_load(p, err, errlen);
	clear_env();
	return rc;
}

#define GOOD(var, val, field, want)                                          \
	do {                                                                 \
		struct pb_params p_;                                         \
		char err_[512];                                              \
		int rc_ = load_with(var, val, &p_, err_, sizeof(err_));      \
		CHECKF(rc_ == 0, "%s=\"%s\" refused (%d): %s", var, val, rc_, \
		       err_);                                                \
		if (rc_ == 0)                                                \
			CHECKF(p_.field == (want), "%s=\"%s\": %s = %llu, "  \
			       "want %llu", var, val, #field,                \
			       (unsigned long long)p_.field,                 \
			       (unsigned long long)(want));                  \
	} while (0)

/* A bad value: PB_EPARAM, and the message names the variable (and the
 * value when it is the one at fault). */
static void bad(const char *var, const char *val, const char *mention,
		int line)
{
	struct pb_params p;
	char err[512];
	int rc = load_with(var, val, &p, err, sizeof(err));
	if (rc != PB_EPARAM) {
		check_failures++;
		fprintf(stderr, "%s:%d: %s=\"%s\" gave %d, want PB_EPARAM\n",
			__FILE__, line, var, val, rc);
		return;
	}
	if (!strstr(err, var) || (mention && !strstr(err, mention))) {
		check_failures++;
		fprintf(stderr, "%s:%d: %s=\"%s\": message \"%s\" should name "
			"%s%s%s\n", __FILE__, line, var, val, err, var,
			mention ? " and " : "", mention ? mention : "");
	}
}
#define BAD(var, val) bad((var), (val), (val), __LINE__)
#define BAD_NAMES(var, val, mention) bad((var), (val), (mention), __LINE__)

static void test_each_variable(void)
{
	/* PB_POSTBOXES: a power of two, 2..65536 */
	GOOD("PB_POSTBOXES", "2", slots, 2);
	GOOD("PB_POSTBOXES", "16", slots, 16);
	GOOD("PB_POSTBOXES", "65536", slots, 65536);
	GOOD("PB_POSTBOXES", "64K", slots, 65536);
	BAD("PB_POSTBOXES", "0");
	BAD("PB_POSTBOXES", "1");
	BAD("PB_POSTBOXES", "3");
	BAD("PB_POSTBOXES", "100");
	BAD("PB_POSTBOXES", "131072");
	BAD("PB_POSTBOXES", "-4");
	BAD("PB_POSTBOXES", "lots");
	BAD("PB_POSTBOXES", "64x");

	/* PB_INLINE: 0..4080 */
	GOOD("PB_INLINE", "0", inline_max, 0);
	GOOD("PB_INLINE", "100", inline_max, 100);
	GOOD("PB_INLINE", "4080", inline_max, 4080);
	BAD("PB_INLINE", "4081");
	BAD("PB_INLINE", "4K");
	BAD("PB_INLINE", "-1");
	BAD("PB_INLINE", "big");

	/* PB_BLOCK_SIZE: a power of two 64..1G; pool and cycle must follow,
	 * so the good ones are set with them */
	GOOD("PB_BLOCK_SIZE", "64", block_size, 64);
	GOOD("PB_BLOCK_SIZE", "8K", block_size, 8192);
	GOOD("PB_BLOCK_SIZE", "256k", block_size, 256 << 10);
	BAD("PB_BLOCK_SIZE", "32");
	BAD("PB_BLOCK_SIZE", "100");
	BAD("PB_BLOCK_SIZE", "6K");
	BAD("PB_BLOCK_SIZE", "2G");
	BAD("PB_BLOCK_SIZE", "4k5");
	BAD("PB_BLOCK_SIZE", "0");
	/* a good block size the default cycle cannot hold: names a variable
	 * (the cycle check names PB_CYCLE_SIZE and PB_BLOCK_SIZE) */
	BAD_NAMES("PB_BLOCK_SIZE", "512K", "PB_CYCLE_SIZE");

	/* PB_POOL_SIZE: 64..64G, a multiple of the block size */
	GOOD("PB_POOL_SIZE", "2M", pool_size, 2 << 20);
	GOOD("PB_POOL_SIZE", "1G", pool_size, 1ull << 30);
	GOOD("PB_POOL_SIZE", "64G", pool_size, 64ull << 30);
	GOOD("PB_POOL_SIZE", "262144", pool_size, 262144);
	BAD("PB_POOL_SIZE", "63");
	BAD("PB_POOL_SIZE", "65G");
	BAD("PB_POOL_SIZE", "1T");
	BAD("PB_POOL_SIZE", "1.5M");
	BAD("PB_POOL_SIZE", "none");
	/* not a multiple of the block, though larger than the cycle */
	BAD_NAMES("PB_POOL_SIZE", "300000", "PB_BLOCK_SIZE");
	BAD_NAMES("PB_POOL_SIZE", "4096", "PB_CYCLE_SIZE"); /* < the cycle */

	/* PB_CYCLE_SIZE: a multiple of the block, at most the pool */
	GOOD("PB_CYCLE_SIZE", "4K", cycle_size, 4096);
	GOOD("PB_CYCLE_SIZE", "1M", cycle_size, 1 << 20);
	GOOD("PB_CYCLE_SIZE", "12288", cycle_size, 12288);
	BAD_NAMES("PB_CYCLE_SIZE", "100", NULL);
	BAD_NAMES("PB_CYCLE_SIZE", "2048", "PB_BLOCK_SIZE");
	BAD_NAMES("PB_CYCLE_SIZE", "5000", "PB_BLOCK_SIZE");
	BAD_NAMES("PB_CYCLE_SIZE", "2M", "PB_POOL_SIZE");
	BAD("PB_CYCLE_SIZE", "-4K");
	BAD("PB_CYCLE_SIZE", "x");

	/* PB_WAIT */
	GOOD("PB_WAIT", "spin", wait_mode, PB_WAIT_SPIN);
	GOOD("PB_WAIT", "yield", wait_mode, PB_WAIT_YIELD);
	GOOD("PB_WAIT", "sleep", wait_mode, PB_WAIT_SLEEP);
	BAD("PB_WAIT", "busy");
	BAD("PB_WAIT", "SPIN");
	BAD("PB_WAIT", "spin ");
	BAD("PB_WAIT", "1");

	/* PB_SPIN: 0..2^30 */
	GOOD("PB_SPIN", "0", spin, 0);
	GOOD("PB_SPIN", "100", spin, 100);
	GOOD("PB_SPIN", "1K", spin, 1024);
	GOOD("PB_SPIN", "1G", spin, 1u << 30);
	BAD("PB_SPIN", "2G");
	BAD("PB_SPIN", "-1");
	BAD("PB_SPIN", "often");

	/* PB_PEER_TIMEOUT: seconds, > 0, <= 86400 */
	GOOD("PB_PEER_TIMEOUT", "0.5", peer_timeout * 1000, 500);
	GOOD("PB_PEER_TIMEOUT", "86400", peer_timeout, 86400);
	GOOD("PB_PEER_TIMEOUT", "30", peer_timeout, 30);
	BAD("PB_PEER_TIMEOUT", "0");
	BAD("PB_PEER_TIMEOUT", "-1");
	BAD("PB_PEER_TIMEOUT", "86401");
	BAD("PB_PEER_TIMEOUT", "nan");
	BAD("PB_PEER_TIMEOUT", "inf");
	BAD("PB_PEER_TIMEOUT", "5s");
	BAD("PB_PEER_TIMEOUT", "soon");
}

/* Several variables at once, the way the tests' tiny configuration sets
 * them. */
static void test_combined(void)
{
	struct pb_params p;
	char err[256];
	clear_env();
	setenv("PB_BLOCK_SIZE", "256", 1);
	setenv("PB_POOL_SIZE", "4K", 1);
	setenv("PB_CYCLE_SIZE", "1K", 1);
	setenv("PB_POSTBOXES", "4", 1);
	setenv("PB_INLINE", "16", 1);
	setenv("PB_WAIT", "sleep", 1);
	CHECK_EQ(pb_params_load(&p, err, sizeof(err)), 0);
	CHECK_EQ(p.block_size, 256);
	CHECK_EQ(p.pool_size, 4096);
	CHECK_EQ(p.cycle_size, 1024);
	CHECK_EQ(p.slots, 4);
	CHECK_EQ(p.inline_max, 16);
	CHECK_EQ(p.wait_mode, PB_WAIT_SLEEP);
	/* block bigger than the default pool, pool and cycle raised along */
	clear_env();
	setenv("PB_BLOCK_SIZE", "1M", 1);
	setenv("PB_POOL_SIZE", "4M", 1);
	setenv("PB_CYCLE_SIZE", "2M", 1);
	CHECK_EQ(pb_params_load(&p, err, sizeof(err)), 0);
	CHECK_EQ(p.block_size, 1 << 20);
	CHECK_EQ(p.cycle_size, 2 << 20);
	/* two bad variables: one of them is named */
	clear_env();
	setenv("PB_POSTBOXES", "7", 1);
	setenv("PB_WAIT", "nope", 1);
	CHECK_EQ(pb_params_load(&p, err, sizeof(err)), PB_EPARAM);
	CHECK(strstr(err, "PB_POSTBOXES") || strstr(err, "PB_WAIT"));
	/* a tiny error buffer is not overrun (a sanitizer build checks) */
	char small[8];
	CHECK_EQ(pb_params_load(&p, small, sizeof(small)), PB_EPARAM);
	CHECK(strlen(small) < sizeof(small));
	clear_env();
}

static void test_parse_size(void)
{
	static const struct {
		const char *s;
		uint64_t v;
	} good[] = {
		{"0", 0},
		{"1", 1},
		{"4096", 4096},
		{"4K", 4096},
		{"4k", 4096},
		{"4KB", 4096},
		{"4KiB", 4096},
		{"2M", 2ull << 20},
		{"2m", 2ull << 20},
		{"2MiB", 2ull << 20},
		{"1G", 1ull << 30},
		{"3g", 3ull << 30},
		{"16G", 16ull << 30},
		{"16777215G", 16777215ull << 30},
		{"0K", 0},
		{"18446744073709551615", UINT64_MAX},
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint64_t v = 12345;
		int rc = pb_parse_size(good[i].s, &v);
		CHECKF(rc == 0 && v == good[i].v, "\"%s\": rc %d value %llu",
		       good[i].s, rc, (unsigned long long)v);
	}
	static const char *const badv[] = {
		"",  "-1", "-0", "K", "M4", "4X", "4T", "4KK", "4 K", "4.5K",
		"0x10", "4Kx", "4KiBx", "4MiBB",
		"18446744073709551616",  /* 2^64 */
		"17179869184G",          /* 2^34 G = 2^64 */
		"18014398509481984K",    /* 2^54 K = 2^64 */
		"4i", "4iB",             /* a binary suffix without a unit */
	};
	for (size_t i = 0; i < sizeof(badv) / sizeof(badv[0]); i++) {
		uint64_t v = 777;
		int rc = pb_parse_size(badv[i], &v);
		CHECKF(rc == -1, "\"%s\" accepted as %llu", badv[i],
		       (unsigned long long)v);
		if (rc == -1)
			CHECKF(v == 777, "\"%s\" refused but wrote %llu",
			       badv[i], (unsigned long long)v);
	}
	uint64_t v;
	CHECK_EQ(pb_parse_size(NULL, &v), -1);
}

int main(void)
{
	test_defaults();
	test_each_variable();
	test_combined();
	test_parse_size();
	return check_done("test_params");
}
