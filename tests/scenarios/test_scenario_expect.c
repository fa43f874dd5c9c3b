/* expect: and quick: read from YAML and --set, written back, checked; the
 * compact form "METRIC OP NUMBER"; every error with file:line:col. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sc_tmp.h"
#include "scenarios/sc_expect.h"
#include "scenarios/scenario.h"

static void parse_ok(const char *text, int metric, int op, double value)
{
	struct sc_expect e;
	char why[SC_EXPECT_WHY] = "";

	if (sc_expect_parse(text, &e, why) != 0)
		fail_msg("'%s': %s", text, why);
	assert_int_equal(e.metric, metric);
	assert_int_equal(e.op, op);
	assert_true(e.value == value);
}

static void parse_bad(const char *text, const char *want)
{
	struct sc_expect e;
	char why[SC_EXPECT_WHY] = "";

	assert_int_equal(sc_expect_parse(text, &e, why), -1);
	if (strstr(why, want) == NULL)
		fail_msg("'%s': got '%s', want '%s'", text, why, want);
}

static void test_compact_form(void **state)
{
	(void)state;
	parse_ok("false_positive == 0", SCM_FALSE_POSITIVE, SC_OP_EQ, 0);
	parse_ok("silent<=0", SCM_SILENT, SC_OP_LE, 0);
	parse_ok("  detection_rate >= 0.9999 ", SCM_DETECTION_RATE, SC_OP_GE, 0.9999);
	parse_ok("hung.write < 3", SCM_HUNG_WRITE, SC_OP_LT, 3);
	parse_ok("overhead.latency_p99 > 1.5e0", SCM_OVH_LATENCY_P99, SC_OP_GT, 1.5);
	parse_ok("violations >= -1", SCM_VIOLATIONS, SC_OP_GE, -1);
	parse_bad("fals_positive == 0", "unknown metric 'fals_positive' (did you mean false_positive?");
	parse_bad("zzzzzzzzzzzz == 0", "unknown metric 'zzzzzzzzzzzz' (e.g. false_positive");
	parse_bad("silent = 0", "unknown operator '='");
	parse_bad("silent != 0", "unknown operator '!='");
	parse_bad("silent ==", "expected a number after '=='");
	parse_bad("silent 0", "expected an operator");
	parse_bad("== 0", "expected METRIC OP NUMBER");
	parse_bad("silent == zero", "value: not a number: 'zero'");
	parse_bad("silent == 1e999", "number out of range");
}

/* Every metric name reads back through the compact form, and every op. */
static void test_format_round_trip(void **state)
{
	char buf[160];

	(void)state;
	for (int m = 0; m < SCM_COUNT; m++) {
		for (int op = SC_OP_EQ; op <= SC_OP_GT; op++) {
			struct sc_expect e = {0};

			e.metric = (uint16_t)m;
			e.op = (uint8_t)op;
			e.value = m * 0.1 + op;
			sc_expect_format(&e, buf, sizeof(buf));
			parse_ok(buf, m, op, e.value);
		}
	}
	assert_null(sc_metric_names[SCM_COUNT]);
}

static void load_ok(const char *yaml, struct scenario *s)
{
	struct cs_err err = {{0}};

	if (sc_tmp_load(yaml, s, &err, NULL, 0) != 0)
		fail_msg("%s", err.msg);
}

static void load_bad(const char *yaml, const char *want)
{
	struct scenario s;
	struct cs_err err = {{0}};
	char path[128];

	scenario_defaults(&s);
	assert_int_equal(sc_tmp_load(yaml, &s, &err, path, sizeof(path)), -1);
	if (strncmp(err.msg, path, strlen(path)) != 0 || strstr(err.msg, want) == NULL)
		fail_msg("got '%s', want '%s%s'", err.msg, path, want);
}

static void test_load_forms(void **state)
{
	struct scenario s;

	(void)state;
	load_ok("trace: {file: x}\n"
		"expect:\n"
		"  - false_positive == 0\n"
		"  - {metric: hung, op: \"<=\", value: 2}\n"
		"  - \"detection_rate>=0.5\"\n",
		&s);
	assert_int_equal(s.n_expect, 3);
	assert_int_equal(s.expect[0].metric, SCM_FALSE_POSITIVE);
	assert_int_equal(s.expect[1].metric, SCM_HUNG);
	assert_int_equal(s.expect[1].op, SC_OP_LE);
	assert_true(s.expect[1].value == 2);
	assert_int_equal(s.expect[2].op, SC_OP_GE);
	/* a lone string is a one-item list; [] empties it */
	load_ok("trace: {file: x}\nexpect: silent == 0\n", &s);
	assert_int_equal(s.n_expect, 1);
	load_ok("trace: {file: x}\nexpect: []\n", &s);
	assert_int_equal(s.n_expect, 0);
	load_ok("trace: {generator: {requests: 100}}\ncrash: {mode: random, count: 4}\n"
		"quick: {trace.generator.requests: 10, crash.count: 2, crash.tear: prefix}\n",
		&s);
	assert_int_equal(s.n_quick, 3);
	assert_string_equal(s.quick[0].key, "trace.generator.requests");
	assert_string_equal(s.quick[0].value, "10");
	/* the file's values are untouched until quick mode applies them */
	assert_int_equal(s.trace.gen.requests, 100);
}

static void test_load_errors(void **state)
{
	(void)state;
	load_bad("trace: {file: x}\nexpect:\n  - silent == 0\n  - fals_positive == 0\n",
		 ":4:5: field 'expect[1]': unknown metric 'fals_positive' (did you mean "
		 "false_positive?");
	load_bad("trace: {file: x}\nexpect: [{metric: silent, op: \"=\", value: 0}]\n",
		 ":2:31: field 'expect[0].op': unknown operator '='");
	load_bad("trace: {file: x}\nexpect: [{metric: silent, value: 0}]\n",
		 ":2:10: field 'expect[0]': needs metric, op and value (missing: op)");
	load_bad("trace: {file: x}\nexpect: [{metric: silent, op: <, value: 0, why: x}]\n",
		 ":2:44: field 'expect[0].why': unknown key (accepted: metric, op, value)");
	load_bad("trace: {file: x}\nexpect: [{metric: silent, op: <, value: one}]\n",
		 ":2:41: field 'expect[0].value': not a number: 'one'");
	load_bad("trace: {file: x}\nexpect: {silent: 0}\n",
		 ":2:9: field 'expect': expected a sequence, got a mapping");
	load_bad("trace: {file: x}\nexpect: [[silent]]\n",
		 ":2:10: field 'expect[0]': expected \"METRIC OP NUMBER\" or {metric, op, value}, "
		 "got a sequence");
	/* quick: keys are --set keys, values are tried where they stand */
	load_bad("trace: {file: x}\nquick: {trace.limt: 5}\n",
		 ":2:9: field 'quick.trace.limt': unknown key 'trace.limt'");
	load_bad("trace: {file: x}\nquick: {trace.limit: -5}\n",
		 ":2:22: field 'trace.limit': negative value not allowed");
	load_bad("trace: {file: x}\nquick: {crash.count: 2}\n",
		 ":2:22: field 'crash.count': only with crash.mode random");
	load_bad("trace: {file: x}\nquick: {quick: {}}\n",
		 ":2:9: field 'quick.quick': quick cannot override itself");
	load_bad("trace: {file: x}\nquick: {disk: {profile: hdd}}\n",
		 ":2:15: field 'quick.disk': a quick value is a scalar or a list of scalars");
	load_bad("trace: {file: x}\nquick: [trace.limit]\n",
		 ":2:8: field 'quick': expected a mapping of KEY: VALUE");
}

static void test_apply_quick(void **state)
{
	struct scenario s;
	struct cs_err err = {{0}};

	(void)state;
	load_ok("trace: {generator: {requests: 100}}\n"
		"crash: {mode: time, at: [1s]}\n"
		"expect: [requests == 100]\n"
		"quick: {trace.generator.requests: 10, crash.at: [1ms, 2ms], \"crash.tear\": "
		"\"prefix\", expect: [\"requests == 10\", hung == 0]}\n",
		&s);
	assert_int_equal(scenario_apply_quick(&s, &err), 0);
	assert_int_equal(s.trace.gen.requests, 10);
	assert_int_equal(s.crash.n_at, 2);
	assert_true(s.crash.at[1] == 2000000);
	assert_int_equal(s.crash.tear, SC_TEAR_PREFIX);
	assert_int_equal(s.n_expect, 2);
	assert_true(s.expect[0].value == 10);
	assert_int_equal(scenario_validate(&s, &err), 0);
	/* an override that only the whole scenario refuses names the file */
	load_ok("trace: {generator: {requests: 100}}\ncrash: {mode: random, count: 3}\n"
		"quick: {crash.mode: time}\n",
		&s);
	assert_int_equal(scenario_apply_quick(&s, &err), 0);
	assert_int_not_equal(scenario_validate(&s, &err), 0);
	assert_non_null(strstr(err.msg, "crash.at"));
}

static void test_set(void **state)
{
	struct scenario s;
	struct cs_err err = {{0}};

	(void)state;
	load_ok("trace: {file: x}\nexpect: [silent == 0, stale == 0]\n", &s);
	assert_int_equal(scenario_set(&s, "expect=hung == 0", &err), 0);
	assert_int_equal(s.n_expect, 1);
	assert_int_equal(s.expect[0].metric, SCM_HUNG);
	assert_int_equal(scenario_set(&s, "expect=[violations >= 1, {metric: silent, op: '<', "
					  "value: 1}]", &err), 0);
	assert_int_equal(s.n_expect, 2);
	assert_int_equal(scenario_set(&s, "expect=[hungg == 0]", &err), -1);
	assert_string_equal(err.msg, "--set: field 'expect[0]': unknown metric 'hungg' (did you "
				     "mean hung? every metric: docs/SCENARIO.md, expect)");
	assert_int_equal(s.n_expect, 2); /* a failed --set leaves it as it was */
	assert_int_equal(scenario_set(&s, "quick={trace.limit: 7}", &err), 0);
	assert_int_equal(s.n_quick, 1);
	assert_int_equal(scenario_set(&s, "quick={trace.limit: x}", &err), -1);
	assert_non_null(strstr(err.msg, "'trace.limit'"));
	assert_int_equal(s.n_quick, 1);
}

/* Canonical YAML keeps both lists, and reads back to the same struct. */
static void test_round_trip(void **state)
{
	struct scenario s, back;
	struct cs_err err = {{0}};
	char path[128];
	char *y, *y2;

	(void)state;
	load_ok("trace: {file: x}\ncrash: {mode: random, count: 4}\n"
		"expect: [silent == 0, {metric: detection_rate, op: '>=', value: 0.9999},"
		" overhead.throughput > 0.125]\n"
		"quick: {trace.limit: 2000, crash.count: 2, name: 'a b: c', crash.tear: subset,"
		" description: \"q\\\"x\", expect: [hung == 0]}\n",
		&s);
	y = scenario_to_yaml(&s);
	assert_non_null(y);
	assert_non_null(strstr(y, "expect:\n  - \"silent == 0\"\n  - \"detection_rate >= 0.9999\"\n"
				  "  - \"overhead.throughput > 0.125\"\n"));
	assert_non_null(strstr(y, "quick:\n  trace.limit: 2000\n  crash.count: 2\n  name: \"a b: c\"\n"));
	if (sc_tmp_load(y, &back, &err, path, sizeof(path)) != 0)
		fail_msg("%s\n%s", err.msg, y);
	memset(s.file, 0, sizeof(s.file));
	strcpy(s.file, path);
	assert_memory_equal(&back, &s, sizeof(s));
	y2 = scenario_to_yaml(&back);
	assert_string_equal(y, y2);
	assert_int_equal(scenario_apply_quick(&back, &err), 0);
	assert_string_equal(back.name, "a b: c");
	assert_string_equal(back.description, "q\"x");
	free(y);
	free(y2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact_form),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_load_forms),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_apply_quick),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
