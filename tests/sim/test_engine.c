#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sim/engine.h"
#include "util/rng.h"

struct rec {
	uint64_t times[4096];
	uint64_t ids[4096];
	size_t n;
	struct engine *e;
};

static void note(void *arg, uint64_t a)
{
	struct rec *r = arg;

	r->times[r->n] = r->e->now;
	r->ids[r->n] = a;
	r->n++;
}

static void test_equal_times_in_schedule_order(void **state)
{
	struct engine e;
	struct rec *r = calloc(1, sizeof(*r));

	(void)state;
	engine_init(&e);
	r->e = &e;
	/* interleave two time points so a plain heap would scramble ties */
	for (uint64_t i = 0; i < 100; i++)
		assert_int_equal(engine_at(&e, (i % 2) ? 50 : 10, note, r, i), 0);
	while (engine_step(&e))
		;
	assert_int_equal(r->n, 100);
	for (size_t i = 0; i < 50; i++) {
		assert_int_equal(r->times[i], 10);
		assert_int_equal(r->ids[i], 2 * i);
		assert_int_equal(r->times[50 + i], 50);
		assert_int_equal(r->ids[50 + i], 2 * i + 1);
	}
	assert_int_equal(e.executed, 100);
	engine_free(&e);
	free(r);
}

struct ref {
	uint64_t t, seq;
};

static int ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

static void test_heap_stress_against_sorted_reference(void **state)
{
	struct engine e;
	struct rec *r = calloc(1, sizeof(*r));
	struct ref ref[4000];
	uint64_t x = 42;

	(void)state;
	engine_init(&e);
	r->e = &e;
	for (uint64_t i = 0; i < 4000; i++) {
		x = cs_mix64(x);
		ref[i].t = x % 97; /* many ties */
		ref[i].seq = i;
		assert_int_equal(engine_at(&e, ref[i].t, note, r, i), 0);
	}
	assert_int_equal(engine_pending(&e), 4000);
	qsort(ref, 4000, sizeof(ref[0]), ref_cmp);
	while (engine_step(&e))
		;
	assert_int_equal(r->n, 4000);
	for (size_t i = 0; i < 4000; i++) {
		assert_int_equal(r->times[i], ref[i].t);
		assert_int_equal(r->ids[i], ref[i].seq);
	}
	engine_free(&e);
	free(r);
}

/* an event that schedules more events while running */
static void chain(void *arg, uint64_t a)
{
	struct rec *r = arg;

	note(arg, a);
	if (a < 5)
		assert_int_equal(engine_after(r->e, 7, chain, r, a + 1), 0);
}

static void test_run_until_after_and_clear(void **state)
{
	struct engine e;
	struct rec *r = calloc(1, sizeof(*r));

	(void)state;
	engine_init(&e);
	r->e = &e;
	assert_int_equal(engine_at(&e, 100, chain, r, 0), 0);
	engine_run_until(&e, 114);
	assert_int_equal(r->n, 3); /* 100, 107, 114 */
	assert_int_equal(r->times[2], 114);
	assert_int_equal(e.now, 114);
	engine_run_until(&e, 116);
	assert_int_equal(e.now, 116);
	assert_int_equal(engine_pending(&e), 1);
	engine_clear(&e);
	assert_int_equal(engine_pending(&e), 0);
	assert_int_equal(engine_step(&e), 0);
	assert_int_equal(r->n, 3);
	/* a time in the past runs at now, after what is already due */
	assert_int_equal(engine_at(&e, 5, note, r, 99), 0);
	assert_int_equal(engine_step(&e), 1);
	assert_int_equal(r->times[3], 116);
	engine_free(&e);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_times_in_schedule_order),
		cmocka_unit_test(test_heap_stress_against_sorted_reference),
		cmocka_unit_test(test_run_until_after_and_clear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
