/* Expectations judged on hand-built metrics: each metric family, every
 * operator at its boundary, undefined values; TAP and JUnit output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reports/check_report.h"
#include "reports/expect.h"
#include "scenarios/sc_expect.h"

static struct run_metrics *metrics(void)
{
	struct run_metrics *m = malloc(sizeof(*m));
	struct crash_report c;

	assert_non_null(m);
	run_metrics_init(m, "fixed", 0);
	m->user_requests[CSUM_OP_READ] = 60;
	m->user_requests[CSUM_OP_WRITE] = 40;
	m->user_sectors[CSUM_OP_READ] = 480;
	m->user_sectors[CSUM_OP_WRITE] = 320;
	m->user_hung[CSUM_OP_WRITE] = 2;
	m->user_hung[CSUM_OP_FLUSH] = 1;
	m->user_errors[CSUM_OP_READ] = 5;
	m->lock_lost = true;
	m->reads.sectors[ORC_CORRECT] = 470;
	m->reads.sectors[ORC_SILENT] = 3;
	m->reads.not_completed = 4;
	m->sub_ios[CSUM_ROLE_DATA_READ] = 60;
	m->sub_ios[CSUM_ROLE_IMD_WRITE] = 140;
	m->n_devs = 1;
	m->dev[0].flushes = 25;
	m->sim_time_ns = 1000000000;
	for (int i = 0; i < 100; i++)
		hist_add(&m->lat_all, 1000);
	m->faults.n[FT_BITROT][FO_DETECTED] = 6;
	m->faults.n[FT_BITROT][FO_SILENT] = 1;
	m->crash_faults.n[FT_TORN][FO_DETECTED] = 2;
	m->crash_faults.n[FT_TORN][FO_STALE] = 1;
	m->crash_faults.n[FT_TORN][FO_MASKED] = 10;
	m->crash_states = 9;
	m->violations = 2;
	for (uint32_t i = 0; i < 3; i++) {
		memset(&c, 0, sizeof(c));
		c.index = i;
		c.counts.sectors[ORC_FALSE_POS] = 4;
		c.counts.sectors[ORC_STALE] = i;
		c.counts.sectors[ORC_DETECTED] = 1;
		assert_int_equal(run_metrics_add_crash(m, &c), 0);
	}
	return m;
}

static double measure(int metric, const struct run_metrics *m, const struct run_metrics *b)
{
	double v = -1;
	char why[128];

	if (expect_measure(metric, m, b, &v, why, sizeof(why)) != 0)
		fail_msg("%s: %s", sc_metric_names[metric], why);
	return v;
}

static void test_measure(void **state)
{
	struct run_metrics *m = metrics(), *b = metrics();
	double v;
	char why[128];

	(void)state;
	assert_true(measure(SCM_FALSE_POSITIVE, m, NULL) == 12);
	assert_true(measure(SCM_STALE, m, NULL) == 3);
	assert_true(measure(SCM_SILENT, m, NULL) == 0);
	assert_true(measure(SCM_DETECTED, m, NULL) == 3);
	assert_true(measure(SCM_CRASH_POINTS, m, NULL) == 3);
	assert_true(measure(SCM_CRASH_STATES, m, NULL) == 9);
	assert_true(measure(SCM_VIOLATIONS, m, NULL) == 2);
	assert_true(measure(SCM_REQUESTS, m, NULL) == 100);
	assert_true(measure(SCM_HUNG, m, NULL) == 3);
	assert_true(measure(SCM_HUNG_WRITE, m, NULL) == 2);
	assert_true(measure(SCM_HUNG_FLUSH, m, NULL) == 1);
	assert_true(measure(SCM_HUNG_READ, m, NULL) == 0);
	assert_true(measure(SCM_ERRORS, m, NULL) == 5);
	assert_true(measure(SCM_ERRORS_READ, m, NULL) == 5);
	assert_true(measure(SCM_LOCK_LOST, m, NULL) == 1);
	assert_true(measure(SCM_READS_CORRECT, m, NULL) == 470);
	assert_true(measure(SCM_READS_SILENT, m, NULL) == 3);
	assert_true(measure(SCM_READS_NOT_COMPLETED, m, NULL) == 4);
	assert_true(measure(SCM_FAULTS_INJECTED, m, NULL) == 20);
	assert_true(measure(SCM_FAULTS_DETECTED, m, NULL) == 8);
	assert_true(measure(SCM_FAULTS_STALE, m, NULL) == 1);
	/* detected / (detected + silent + stale), replay and crash together */
	assert_true(measure(SCM_DETECTION_RATE, m, NULL) == 0.8);
	assert_true(measure(SCM_SUB_IOS_PER_REQUEST, m, NULL) == 2);
	assert_true(measure(SCM_FLUSHES_PER_REQUEST, m, NULL) == 0.25);
	assert_true(measure(SCM_LATENCY_P99_NS, m, NULL) == 1000);
	/* ratios to the baseline: 1 against itself, twice with twice the I/Os */
	assert_true(measure(SCM_OVH_SUB_IOS_PER_REQUEST, m, b) == 1);
	b->sub_ios[CSUM_ROLE_IMD_WRITE] = 40;
	assert_true(measure(SCM_OVH_SUB_IOS_PER_REQUEST, m, b) == 2);
	/* refused, stalled, saturated; capacity, undefined until measured */
	assert_true(measure(SCM_REFUSED, m, NULL) == 0);
	assert_true(measure(SCM_STALLED, m, NULL) == 0);
	assert_true(measure(SCM_SATURATED, m, NULL) == 0);
	m->user_unsupported = 7;
	m->stalled_at = 41;
	m->load.saturated = true;
	assert_true(measure(SCM_REFUSED, m, NULL) == 7);
	assert_true(measure(SCM_STALLED, m, NULL) == 1);
	assert_true(measure(SCM_SATURATED, m, NULL) == 1);
	assert_int_equal(expect_measure(SCM_CAPACITY_IOPS, m, NULL, &v, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "capacity not measured"));
	assert_int_equal(expect_measure(SCM_OVH_CAPACITY, m, b, &v, why, sizeof(why)), -1);
	m->capacity = (struct capacity_info){ .measured = true, .iops = 500, .mib_s = 2 };
	b->capacity = (struct capacity_info){ .measured = true, .iops = 2000, .mib_s = 8 };
	assert_true(measure(SCM_CAPACITY_IOPS, m, NULL) == 500);
	assert_true(measure(SCM_CAPACITY_MIB_S, m, NULL) == 2);
	assert_true(measure(SCM_OVH_CAPACITY, m, b) == 0.25);
	assert_true(expect_needs_baseline(SCM_OVH_CAPACITY));
	assert_true(expect_needs_baseline(SCM_OVH_THROUGHPUT));
	assert_false(expect_needs_baseline(SCM_THROUGHPUT));
	/* undefined: no baseline; nothing judged; unknown metric */
	assert_int_equal(expect_measure(SCM_OVH_LATENCY_P99, m, NULL, &v, why, sizeof(why)), -1);
	assert_string_equal(why, "undefined: no baseline run");
	memset(&m->faults, 0, sizeof(m->faults));
	memset(&m->crash_faults, 0, sizeof(m->crash_faults));
	assert_int_equal(expect_measure(SCM_DETECTION_RATE, m, NULL, &v, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "no fault was judged"));
	assert_int_equal(expect_measure(SCM_COUNT, m, NULL, &v, why, sizeof(why)), -1);
	/* crashes during recovery: undefined while crash.recovery is off, then
	 * summed over the crash points */
	assert_int_equal(expect_measure(SCM_RECOVERY_VIOLATING, m, NULL, &v, why, sizeof(why)),
			 -1);
	assert_string_equal(why, "undefined: crash.recovery is off");
	m->recovery_mode = SC_RECOVERY_EACH_WRITE;
	{
		struct crash_report c;

		memset(&c, 0, sizeof(c));
		c.recovery.points = 3;
		c.recovery.states = 5;
		c.recovery.violating = 2;
		c.recovery.counts.sectors[ORC_FALSE_POS] = 16;
		c.recovery.counts.not_completed = 1;
		assert_int_equal(run_metrics_add_crash(m, &c), 0);
		assert_int_equal(run_metrics_add_crash(m, &c), 0);
	}
	assert_true(measure(SCM_RECOVERY_POINTS, m, NULL) == 6);
	assert_true(measure(SCM_RECOVERY_STATES, m, NULL) == 10);
	assert_true(measure(SCM_RECOVERY_VIOLATING, m, NULL) == 4);
	assert_true(measure(SCM_RECOVERY_FALSE_POSITIVE, m, NULL) == 32);
	assert_true(measure(SCM_RECOVERY_SILENT, m, NULL) == 0);
	assert_true(measure(SCM_RECOVERY_HUNG, m, NULL) == 2);
	run_metrics_free(m);
	run_metrics_free(b);
	free(m);
	free(b);
}

static void test_holds(void **state)
{
	static const struct {
		int op;
		double measured, bound;
		bool want;
	} t[] = {
		{SC_OP_EQ, 4, 4, true},  {SC_OP_EQ, 4, 4.0000001, false},
		{SC_OP_LE, 4, 4, true},  {SC_OP_LE, 5, 4, false},
		{SC_OP_GE, 4, 4, true},  {SC_OP_GE, 0.9998, 0.9999, false},
		{SC_OP_LT, 3, 4, true},  {SC_OP_LT, 4, 4, false},
		{SC_OP_GT, 5, 4, true},  {SC_OP_GT, 4, 4, false},
		{99, 1, 1, false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (expect_holds(t[i].op, t[i].measured, t[i].bound) != t[i].want)
			fail_msg("case %zu", i);
}

static void test_judge(void **state)
{
	struct run_metrics *m = metrics();
	struct sc_expect e = {0};
	struct expect_result r;

	(void)state;
	e.metric = SCM_FALSE_POSITIVE;
	e.op = SC_OP_EQ;
	e.value = 0;
	expect_judge(&e, m, NULL, &r);
	assert_false(r.ok);
	assert_true(r.defined);
	assert_string_equal(r.text, "false_positive == 0");
	/* the fixture left 3 requests hung: its numbers are partial, and say so */
	assert_string_equal(r.measured_text, "12, partial: stalled (3 hung)");
	e.metric = SCM_DETECTION_RATE;
	e.op = SC_OP_GE;
	e.value = 0.8;
	expect_judge(&e, m, NULL, &r);
	assert_true(r.ok);
	assert_string_equal(r.measured_text, "0.8, partial: stalled (3 hung)");
	e.metric = SCM_OVH_THROUGHPUT;
	expect_judge(&e, m, NULL, &r);
	assert_false(r.ok);
	assert_false(r.defined);
	/* a stalled run: every measured value says it covers a prefix */
	m->stalled_at = 41;
	m->requests_total = 900;
	e.metric = SCM_DETECTION_RATE;
	expect_judge(&e, m, NULL, &r);
	assert_true(r.ok);
	assert_string_equal(r.measured_text, "0.8, partial: stalled at request 42 of 900");
	run_metrics_free(m);
	free(m);
}

static const struct check_case cases[] = {
	{"ci/a.yaml", "silent == 0", CHECK_PASS, "measured 0", ""},
	{"ci/a.yaml", "hung < 1", CHECK_FAIL, "measured 2 <&>\"'", "csumsim run 'ci/a.yaml' --seed 1"},
	{"ci/b#1.yaml", "load", CHECK_ERROR, "ci/b#1.yaml:3:4: field 'x': bad\nline", ""},
	{"ci/c.yaml", "expect", CHECK_SKIP, "no expectations", ""},
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static char *render(int (*fn)(FILE *, const struct check_case *, size_t))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fn(f, cases, N_CASES), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_tap(void **state)
{
	char *a = render(check_write_tap), *b = render(check_write_tap);

	(void)state;
	assert_string_equal(a, b);
	assert_string_equal(a,
			    "TAP version 13\n"
			    "1..4\n"
			    "ok 1 - ci/a.yaml: silent == 0\n"
			    "not ok 2 - ci/a.yaml: hung < 1\n"
			    "  ---\n"
			    "  message: \"measured 2 <&>\\\"'\"\n"
			    "  severity: fail\n"
			    "  reproduce: \"csumsim run 'ci/a.yaml' --seed 1\"\n"
			    "  ...\n"
			    "not ok 3 - ci/b\\#1.yaml: load\n"
			    "  ---\n"
			    "  message: \"ci/b#1.yaml:3:4: field 'x': bad\\nline\"\n"
			    "  severity: error\n"
			    "  ...\n"
			    "ok 4 - ci/c.yaml # SKIP no expectations\n");
	free(a);
	free(b);
}

static void test_junit(void **state)
{
	char *a = render(check_write_junit), *b = render(check_write_junit);

	(void)state;
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "
				  "name=\"csumsim check\" tests=\"4\" failures=\"1\" errors=\"1\" "
				  "skipped=\"1\" time=\"0\">\n"));
	assert_non_null(strstr(a, "  <testsuite name=\"ci/a.yaml\" tests=\"2\" failures=\"1\" "
				  "errors=\"0\" skipped=\"0\" time=\"0\">\n"
				  "    <testcase classname=\"ci/a\" name=\"silent == 0\" time=\"0\"/>\n"
				  "    <testcase classname=\"ci/a\" name=\"hung &lt; 1\" time=\"0\">\n"
				  "      <failure type=\"expectation\" message=\"measured 2 "
				  "&lt;&amp;&gt;&quot;&apos;\">measured 2 &lt;&amp;&gt;&quot;&apos;"
				  "&#10;reproduce: csumsim run &apos;ci/a.yaml&apos; --seed 1"
				  "</failure>\n    </testcase>\n  </testsuite>\n"));
	assert_non_null(strstr(a, "<error type=\"error\" message=\"ci/b#1.yaml:3:4: field "
				  "&apos;x&apos;: bad&#10;line\">"));
	assert_non_null(strstr(a, "<testcase classname=\"ci/c\" name=\"expect\" time=\"0\">\n"
				  "      <skipped message=\"no expectations\"/>\n"));
	assert_non_null(strstr(a, "</testsuites>\n"));
	/* one testsuite per scenario */
	size_t suites = 0;
	for (const char *p = a; (p = strstr(p, "<testsuite ")) != NULL; p++)
		suites++;
	assert_int_equal(suites, 3);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_measure),
		cmocka_unit_test(test_holds),
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_tap),
		cmocka_unit_test(test_junit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
