/* Generators: determinism, bounds, mix, Zipf skew, flushes and FUA, gaps. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "helpers.h"

#define DEV 2097152u

static struct sc_trace gen_spec(int pattern, uint64_t requests)
{
	struct sc_trace s;

	memset(&s, 0, sizeof(s));
	s.kind = SC_TRACE_GENERATOR;
	s.gen.pattern = (uint8_t)pattern;
	s.gen.requests = requests;
	s.gen.read_fraction = 0.5;
	s.gen.sizes[0] = 8;
	s.gen.n_sizes = 1;
	s.gen.align = 8;
	s.gen.zipf_theta = 0.99;
	s.gen.zipf_regions = 1024;
	s.gen.interarrival_us = 100;
	return s;
}

static void gen(const struct sc_trace *s, uint64_t seed, struct req_list *l)
{
	struct cs_err err = { "" };

	if (read_spec(s, NULL, DEV, seed, l, &err) != 0)
		print_error("%s\n", err.msg);
	assert_string_equal(err.msg, "");
}

static int same(const struct req_list *a, const struct req_list *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->r[i].time_ns != b->r[i].time_ns || a->r[i].sector != b->r[i].sector ||
		    a->r[i].count != b->r[i].count || a->r[i].op != b->r[i].op ||
		    a->r[i].flags != b->r[i].flags)
			return 0;
	return 1;
}

static void determinism(void **state)
{
	(void)state;
	for (int p = SC_GEN_SEQUENTIAL; p <= SC_GEN_ZIPF; p++) {
		struct sc_trace s = gen_spec(p, 2000);
		struct req_list a, b, c;

		s.gen.sizes[1] = 16;
		s.gen.sizes[2] = 64;
		s.gen.n_sizes = 3;
		s.gen.flush_every = 7;
		gen(&s, 42, &a);
		gen(&s, 42, &b);
		gen(&s, 43, &c);
		assert_true(same(&a, &b));
		assert_false(same(&a, &c));
		req_list_free(&a);
		req_list_free(&b);
		req_list_free(&c);
	}
}

static void bounds_and_alignment(void **state)
{
	(void)state;
	for (int p = SC_GEN_SEQUENTIAL; p <= SC_GEN_ZIPF; p++) {
		struct sc_trace s = gen_spec(p, 5000);
		struct req_list l;
		uint32_t seen_big = 0;

		s.gen.span = 100000; /* not a multiple of anything in particular */
		s.gen.sizes[1] = 128;
		s.gen.sizes[2] = 1000;
		s.gen.n_sizes = 3;
		s.gen.zipf_regions = 300;
		gen(&s, 7, &l);
		assert_int_equal(l.n, 5000);
		for (size_t i = 0; i < l.n; i++) {
			assert_true(l.r[i].sector + l.r[i].count <= 100000);
			assert_int_equal(l.r[i].sector % 8, 0);
			assert_int_equal(l.r[i].line, 0);
			seen_big += l.r[i].count == 1000;
		}
		assert_true(seen_big > 1000 && seen_big < 2300); /* a third of 5000 */
		req_list_free(&l);
	}
}

static void sequential_wraps(void **state)
{
	struct sc_trace s = gen_spec(SC_GEN_SEQUENTIAL, 10);
	struct req_list l;
	static const uint64_t want[] = { 0, 8, 16, 24, 32, 40, 48, 56, 0, 8 };

	(void)state;
	s.gen.span = 64;
	gen(&s, 1, &l);
	assert_int_equal(l.n, 10);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(l.r[i].sector, want[i]);
	req_list_free(&l);
}

static void read_mix(void **state)
{
	struct sc_trace s = gen_spec(SC_GEN_UNIFORM, 20000);
	struct req_list l;
	size_t reads = 0;

	(void)state;
	s.gen.read_fraction = 0.3;
	gen(&s, 5, &l);
	for (size_t i = 0; i < l.n; i++)
		reads += l.r[i].op == CSUM_OP_READ;
	assert_true(fabs((double)reads / (double)l.n - 0.3) < 0.015);
	req_list_free(&l);
}

static double top_region_share(int pattern, double theta)
{
	struct sc_trace s = gen_spec(pattern, 50000);
	struct req_list l;
	uint32_t hits[100] = { 0 };
	uint32_t top = 0;

	s.gen.span = 100 * 1024;
	s.gen.zipf_regions = 100;
	s.gen.zipf_theta = theta;
	gen(&s, 11, &l);
	for (size_t i = 0; i < l.n; i++)
		hits[l.r[i].sector / 1024]++;
	for (size_t k = 0; k < 100; k++)
		if (hits[k] > top)
			top = hits[k];
	if (pattern == SC_GEN_ZIPF && theta > 0.5)
		assert_int_equal(top, hits[0]); /* region 0 is the hottest */
	req_list_free(&l);
	return (double)top / 50000.0;
}

static void zipf_skew(void **state)
{
	double h = 0.0, p0;
	double zipf, uniform;

	(void)state;
	for (int k = 1; k <= 100; k++)
		h += 1.0 / pow(k, 0.99);
	p0 = 1.0 / h; /* about 0.19 */
	zipf = top_region_share(SC_GEN_ZIPF, 0.99);
	uniform = top_region_share(SC_GEN_UNIFORM, 0.99);
	assert_true(fabs(zipf - p0) < 0.01);
	assert_true(uniform < 0.02);
	/* theta 0: every region equally likely */
	assert_true(top_region_share(SC_GEN_ZIPF, 0.0) < 0.02);
}

static void flushes_and_fua(void **state)
{
	struct sc_trace s = gen_spec(SC_GEN_UNIFORM, 40);
	struct req_list l;
	uint32_t writes = 0, flushes = 0;

	(void)state;
	s.gen.read_fraction = 0.5;
	s.gen.flush_every = 4;
	s.gen.fua_every = 3;
	gen(&s, 3, &l);
	for (size_t i = 0; i < l.n; i++) {
		const struct trace_req *r = &l.r[i];

		if (r->op == CSUM_OP_FLUSH) {
			flushes++;
			assert_int_equal(r->count, 0);
			/* right after every 4th write */
			assert_true(i > 0 && l.r[i - 1].op == CSUM_OP_WRITE);
			assert_int_equal(writes % 4, 0);
			continue;
		}
		if (r->op == CSUM_OP_WRITE) {
			writes++;
			assert_int_equal((r->flags & CSUM_RQ_FUA) != 0, writes % 3 == 0);
		} else {
			assert_int_equal(r->flags, 0);
		}
	}
	assert_int_equal(l.n, 40 + flushes);
	assert_int_equal(flushes, writes / 4);
	assert_true(writes > 8);
	req_list_free(&l);
}

static void interarrival(void **state)
{
	struct sc_trace s = gen_spec(SC_GEN_UNIFORM, 20000);
	struct req_list l;
	double mean;

	(void)state;
	s.gen.interarrival_us = 250;
	gen(&s, 9, &l);
	assert_int_equal(l.r[0].time_ns, 0);
	for (size_t i = 1; i < l.n; i++)
		assert_true(l.r[i].time_ns >= l.r[i - 1].time_ns);
	mean = (double)l.r[l.n - 1].time_ns / (double)(l.n - 1) / 1000.0;
	assert_true(fabs(mean - 250.0) < 250.0 * 0.03);
	req_list_free(&l);
	s.gen.interarrival_us = 0;
	gen(&s, 9, &l);
	assert_int_equal(l.r[l.n - 1].time_ns, 0);
	req_list_free(&l);
}

static void limit_and_big_sizes(void **state)
{
	struct sc_trace s = gen_spec(SC_GEN_UNIFORM, 10);
	struct req_list l;

	(void)state;
	s.gen.sizes[0] = 10000; /* cut into 8192 + 1808 */
	s.gen.read_fraction = 0.0;
	s.gen.fua_every = 1;
	s.limit = 5;
	gen(&s, 2, &l);
	assert_int_equal(l.n, 5);
	assert_int_equal(l.r[0].count, 8192);
	assert_int_equal(l.r[0].flags, 0);
	assert_int_equal(l.r[1].count, 1808);
	assert_int_equal(l.r[1].flags, CSUM_RQ_FUA);
	assert_int_equal(l.r[1].sector, l.r[0].sector + 8192);
	req_list_free(&l);
}

static void bad_generators(void **state)
{
	static const struct {
		int what;
		const char *field;
	} c[] = {
		{ 0, "field 'span'" },        { 1, "field 'read_fraction'" },
		{ 2, "field 'sizes'" },       { 3, "field 'sizes'" },
		{ 4, "field 'zipf_regions'" }, { 5, "field 'interarrival_us'" },
		{ 6, "field 'pattern'" },
		/* the last request's time past the uint64 ns clock */
		{ 7, "field 'interarrival_us'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct sc_trace s = gen_spec(SC_GEN_ZIPF, 10);
		struct req_list l;
		struct cs_err err = { "" };

		switch (c[i].what) {
		case 0: s.gen.span = DEV + 1; break;
		case 1: s.gen.read_fraction = 1.5; break;
		case 2: s.gen.n_sizes = 0; break;
		case 3: s.gen.sizes[0] = 0; break;
		case 4: s.gen.zipf_regions = 0; break;
		case 5: s.gen.interarrival_us = -1; break;
		case 7: s.gen.interarrival_us = 3.6e9; s.gen.requests = 10000000; break;
		default: s.gen.pattern = 9; break;
		}
		assert_int_equal(read_spec(&s, NULL, DEV, 1, &l, &err), -1);
		if (strstr(err.msg, c[i].field) == NULL)
			print_error("case %zu: %s\n", i, err.msg);
		assert_non_null(strstr(err.msg, "trace.generator"));
		assert_non_null(strstr(err.msg, c[i].field));
		req_list_free(&l);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(determinism),
		cmocka_unit_test(bounds_and_alignment),
		cmocka_unit_test(sequential_wraps),
		cmocka_unit_test(read_mix),
		cmocka_unit_test(zipf_skew),
		cmocka_unit_test(flushes_and_fua),
		cmocka_unit_test(interarrival),
		cmocka_unit_test(limit_and_big_sizes),
		cmocka_unit_test(bad_generators),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
