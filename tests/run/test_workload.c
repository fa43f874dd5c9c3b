/* Loading a workload: the address rule for requests past the device's end,
 * and the record numbers a crash names (kept only once a request is dropped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scenarios/scenario.h"
#include "sim/run.h"

static struct scenario *sc_for(uint8_t rule)
{
	struct scenario *sc = malloc(sizeof(*sc));

	assert_non_null(sc);
	scenario_defaults(sc);
	snprintf(sc->file, sizeof(sc->file), "tests/run/fixtures/x.yaml");
	snprintf(sc->trace.path, sizeof(sc->trace.path), "beyond.native");
	sc->trace.kind = SC_TRACE_FILE;
	sc->trace.format = SC_FMT_NATIVE;
	sc->device.sectors = 100;
	sc->host.map_rule = rule;
	return sc;
}

static void test_wrap(void **state)
{
	struct scenario *sc = sc_for(SC_MAP_WRAP);
	struct sim_workload w;
	struct cs_err err = { { 0 } };

	(void)state;
	assert_int_equal(sim_workload_load(&w, sc, &err), 0);
	assert_int_equal(w.n, 5);
	assert_int_equal(w.rq[0].sector, 10); /* fits: untouched */
	assert_int_equal(w.rq[1].sector, 50); /* 150 mod 100 */
	assert_int_equal(w.rq[2].sector, 92); /* 95 fits, 95+8 does not: ends at 100 */
	assert_int_equal(w.rq[3].op, CSUM_OP_FLUSH);
	assert_int_equal(w.rq[4].sector, 99); /* 399 mod 100 */
	assert_int_equal(w.remapped, 3);
	assert_int_equal(w.t_ns[4], 400);
	/* nothing dropped: request i is record i + 1, no array for it */
	assert_null(w.rec);
	for (size_t i = 0; i < w.n; i++)
		assert_int_equal(sim_workload_rec(&w, i), i + 1);
	/* the flush's P flag and its op come through the 16-byte record */
	assert_int_equal(w.rq[3].flags, CSUM_RQ_PREFLUSH);
	{
		struct csum_request rq = sim_workload_req(&w, 3);

		assert_int_equal(rq.op, CSUM_OP_FLUSH);
		assert_int_equal(rq.flags, CSUM_RQ_PREFLUSH);
		assert_int_equal(rq.now_ns, 0);
		rq = sim_workload_req(&w, 2);
		assert_int_equal(rq.sector, 92);
		assert_int_equal(rq.count, 8);
		assert_int_equal(rq.op, CSUM_OP_WRITE);
	}
	sim_workload_free(&w);
	free(sc);
}

static void test_scale(void **state)
{
	struct scenario *sc = sc_for(SC_MAP_SCALE);
	struct sim_workload w;
	struct cs_err err = { { 0 } };

	(void)state;
	assert_int_equal(sim_workload_load(&w, sc, &err), 0);
	/* highest end 400: starts times 100/400 */
	assert_int_equal(w.rq[0].sector, 2);
	assert_int_equal(w.rq[1].sector, 37);
	assert_int_equal(w.rq[2].sector, 23);
	assert_int_equal(w.rq[4].sector, 99);
	sim_workload_free(&w);
	free(sc);
}

static void test_drop_and_error(void **state)
{
	struct scenario *sc = sc_for(SC_MAP_DROP);
	struct sim_workload w;
	struct cs_err err = { { 0 } };

	(void)state;
	assert_int_equal(sim_workload_load(&w, sc, &err), 0);
	assert_int_equal(w.n, 2); /* the write at 10 and the flush */
	assert_int_equal(w.dropped, 3);
	/* the kept requests are records 1 and 4 of the trace */
	assert_non_null(w.rec);
	assert_int_equal(sim_workload_rec(&w, 0), 1);
	assert_int_equal(sim_workload_rec(&w, 1), 4);
	assert_int_equal(w.trace_requests, 5);
	sim_workload_free(&w);
	sc->host.map_rule = SC_MAP_ERROR;
	assert_int_equal(sim_workload_load(&w, sc, &err), -1);
	assert_non_null(strstr(err.msg, "host.map"));
	assert_non_null(strstr(err.msg, "request 1"));
	free(sc);
}

static void test_time_scale_and_limit(void **state)
{
	struct scenario *sc = sc_for(SC_MAP_WRAP);
	struct sim_workload w;
	struct cs_err err = { { 0 } };

	(void)state;
	sc->host.time_scale = 2.5;
	sc->trace.limit = 3;
	assert_int_equal(sim_workload_load(&w, sc, &err), 0);
	assert_int_equal(w.n, 3);
	assert_int_equal(w.t_ns[2], 500);
	assert_int_equal(w.trace_requests, 3);
	assert_int_equal(sim_workload_rec(&w, 2), 3);
	sim_workload_free(&w);
	free(sc);
}

/* The target owns dm sectors [begin, begin + len): requests land there. */
static void test_begin_offsets_requests(void **state)
{
	struct scenario *sc = sc_for(SC_MAP_WRAP);
	struct sim_workload w;
	struct cs_err err = { { 0 } };

	(void)state;
	sc->device.begin = 10;
	assert_int_equal(sim_workload_load(&w, sc, &err), 0);
	assert_int_equal(w.rq[0].sector, 20);  /* 10 + 10 */
	assert_int_equal(w.rq[1].sector, 60);  /* 10 + 150 mod 100 */
	assert_int_equal(w.rq[2].sector, 102); /* 10 + 92 */
	assert_int_equal(w.rq[3].sector, 0);   /* a flush has no address */
	sim_workload_free(&w);
	free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_drop_and_error),
		cmocka_unit_test(test_time_scale_and_limit),
		cmocka_unit_test(test_begin_offsets_requests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
