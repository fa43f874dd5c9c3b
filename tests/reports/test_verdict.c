/* The verdict and the table model: computed from crafted metrics, summed
 * over a sweep's runs, through JSON and back, and rendered with the same
 * cells and marks in Markdown and HTML. */
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reports/jsonb.h"
#include "reports/verdict.h"

static void crafted(struct run_metrics *m, const char *variant)
{
	run_metrics_init(m, variant, 1000000);
	m->user_requests[CSUM_OP_READ] = 60;
	m->user_requests[CSUM_OP_WRITE] = 40;
	m->sub_ios[CSUM_ROLE_DATA_READ] = 60;
	m->sub_ios[CSUM_ROLE_DATA_WRITE] = 40;
	m->requests_total = 100;
}

static void test_of_and_add(void **state)
{
	(void)state;
	struct run_metrics a, none;
	struct verdict v, w, sum;
	crafted(&a, "rfc");
	crafted(&none, "none");
	a.sub_ios[CSUM_ROLE_IMD_WRITE] = 100;  /* twice none's sub-I/Os */
	a.reads.sectors[ORC_FALSE_POS] = 3;
	a.faults.n[FT_BITROT][FO_DETECTED] = 9;
	a.faults.n[FT_BITROT][FO_SILENT] = 1;
	a.crash_states = 10;
	a.violations = 2;
	a.stalled_at = 41;
	a.user_hung[CSUM_OP_WRITE] = 1;
	a.capacity = (struct capacity_info){ .measured = true, .mib_s = 1.0 };
	none.capacity = (struct capacity_info){ .measured = true, .mib_s = 4.0 };
	verdict_of("rfc", NULL, &a, &none, &v);
	assert_false(v.integrity_ok);
	assert_true(v.stalled);
	assert_int_equal(v.false_pos, 3);
	assert_int_equal(v.detection.k, 9);
	assert_int_equal(v.detection.n, 10);
	assert_true(fabs(v.capacity_ratio - 0.25) < 1e-12);
	assert_true(fabs(v.sub_io_ratio - 2.0) < 1e-12);
	verdict_of("none", NULL, &none, &none, &w);
	assert_true(w.integrity_ok);
	assert_false(w.stalled);
	assert_true(fabs(w.capacity_ratio - 1.0) < 1e-12);

	/* two runs of rfc: counts add, the rate is over the summed k and n,
	 * the ratios are averaged, one stalled run makes the sum stalled */
	struct verdict v2 = v;
	v2.stalled = false;
	v2.runs_stalled = 0;
	v2.capacity_ratio = 0.75;
	v2.detection.k = 1;
	v2.detection.n = 10;
	verdict_add(&sum, &v, true);
	verdict_add(&sum, &v2, false);
	assert_int_equal(sum.runs, 2);
	assert_int_equal(sum.runs_stalled, 1);
	assert_int_equal(sum.false_pos, 6);
	assert_int_equal(sum.detection.k, 10);
	assert_int_equal(sum.detection.n, 20);
	assert_true(fabs(sum.detection.value - 0.5) < 1e-12);
	assert_true(fabs(sum.capacity_ratio - 0.5) < 1e-12);
	assert_true(sum.stalled);
	assert_int_equal(sum.stalled_at, UINT64_MAX);

	/* JSON and back */
	struct jb b = { 0 };
	json_t *j = verdict_json(&b, &v);
	assert_int_equal(b.oom, 0);
	struct verdict back;
	assert_int_equal(verdict_from_json(j, &back), 0);
	assert_string_equal(back.variant, "rfc");
	assert_int_equal(back.stalled_at, 41);
	assert_int_equal(back.detection.k, 9);
	assert_true(fabs(back.capacity_ratio - 0.25) < 1e-12);
	assert_false(back.integrity_ok);
	json_object_del(j, "hung");
	assert_int_equal(verdict_from_json(j, &back), -1);
	json_decref(j);
	run_metrics_free(&a);
	run_metrics_free(&none);
}

static char *render(const struct verdict *v, size_t n, enum doc_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	struct doc d;
	struct cs_err err = { { 0 } };
	doc_begin(&d, f, fmt, NULL, "t", &err);
	assert_int_equal(verdict_block(&d, v, n, false), 0);
	assert_int_equal(doc_end(&d), 0);
	fclose(f);
	return buf;
}

/* Not measured is said, never 0; no none run is said; a stalled variant's
 * ratios are partial; the same words in both formats, colour in HTML. */
static void test_table_cells(void **state)
{
	(void)state;
	struct run_metrics a;
	struct verdict v[2];
	crafted(&a, "rfc");
	verdict_of("rfc", NULL, &a, NULL, &v[0]);
	a.user_unsupported = 202;
	a.load.saturated = true;
	a.load.busy_frac = 0.97;
	verdict_of("fixed", NULL, &a, &a, &v[1]);
	struct tbl t;
	verdict_table(v, 2, false, &t);
	assert_string_equal(tbl_at(&t, 0, 1)->text, "pass");
	assert_int_equal(tbl_at(&t, 0, 1)->mark, TBL_PASS);
	assert_string_equal(tbl_at(&t, 0, 9)->text, "n/a (no none run)");
	assert_string_equal(tbl_at(&t, 1, 1)->text, "pass, refuses I/O");
	assert_int_equal(tbl_at(&t, 1, 1)->mark, TBL_WARN);
	assert_string_equal(tbl_at(&t, 1, 9)->text, "not measured");
	assert_int_equal(tbl_at(&t, 1, 9)->mark, TBL_NA);
	assert_string_equal(tbl_at(&t, 1, 10)->text, "x1.000");
	assert_string_equal(tbl_at(&t, 1, 11)->text, "saturated (busy 97%): latency is queueing");
	assert_null(tbl_at(&t, 2, 0));
	tbl_free(&t);
	char *md = render(v, 2, DOC_MARKDOWN), *html = render(v, 2, DOC_HTML);
	assert_non_null(strstr(md, "| fixed | pass, refuses I/O | n/a (no crash states) | 0 |"));
	assert_non_null(strstr(html, "<td class=\"warn\">pass, refuses I/O</td>"));
	assert_non_null(strstr(html, "<td class=\"n na\">not measured</td>"));
	assert_non_null(strstr(html, "<td class=\"pass\">pass</td>"));
	free(md);
	free(html);
	run_metrics_free(&a);
}

/* A run that stalled (a fault stopped the device) with a capacity replay
 * that did not (it runs apart, fault-free): the capacity ratio is whole, the
 * costs of the run are partial, and the load says the run stalled rather
 * than "kept up"; a stalled capacity replay is partial. */
static void test_stalled_run_whole_capacity(void **state)
{
	(void)state;
	struct run_metrics a, none;
	struct verdict v;
	struct tbl t;
	crafted(&a, "rfc");
	crafted(&none, "none");
	a.stalled_at = 10;
	a.user_hung[CSUM_OP_WRITE] = 90;
	a.load.busy_frac = 0.19;
	a.capacity = (struct capacity_info){ .measured = true, .mib_s = 1.0 };
	none.capacity = (struct capacity_info){ .measured = true, .mib_s = 4.0 };
	verdict_of("rfc", NULL, &a, &none, &v);
	verdict_table(&v, 1, false, &t);
	assert_string_equal(tbl_at(&t, 0, 9)->text, "x0.250");
	assert_string_equal(tbl_at(&t, 0, 10)->text, "x1.000 partial");
	assert_string_equal(tbl_at(&t, 0, 11)->text, "stalled (busy 19% before it)");
	tbl_free(&t);
	a.capacity.stalled = true;
	verdict_of("rfc", NULL, &a, &none, &v);
	verdict_table(&v, 1, false, &t);
	assert_string_equal(tbl_at(&t, 0, 9)->text, "x0.250 partial");
	tbl_free(&t);
	run_metrics_free(&a);
	run_metrics_free(&none);
}

/* A model with a short row is refused, not rendered half. */
/* Crashes during recovery count in the verdict: a run whose first-level
 * states all hold but whose second-level ones break fails, the cell says
 * both, and the counts survive JSON (older JSON without them reads as 0). */
static void test_recovery_crashes(void **state)
{
	(void)state;
	struct run_metrics a;
	struct crash_report cr;
	struct verdict v, back, sum;
	struct tbl t;
	struct jb b = {0};

	crafted(&a, "bitmap");
	memset(&cr, 0, sizeof(cr));
	cr.states = 4;
	cr.recovery.states = 12;
	cr.recovery.violating = 3;
	assert_int_equal(run_metrics_add_crash(&a, &cr), 0);
	a.crash_states = 4;
	verdict_of("bitmap", NULL, &a, NULL, &v);
	assert_int_equal(v.rec_states, 12);
	assert_int_equal(v.rec_violating, 3);
	assert_false(v.integrity_ok);
	verdict_table(&v, 1, false, &t);
	assert_string_equal(tbl_at(&t, 0, 1)->text, "FAIL");
	assert_string_equal(tbl_at(&t, 0, 2)->text, "yes (0 / 4); during recovery NO (3 / 12)");
	assert_int_equal(tbl_at(&t, 0, 2)->mark, TBL_FAIL);
	tbl_free(&t);
	json_t *o = verdict_json(&b, &v);
	assert_int_equal(verdict_from_json(o, &back), 0);
	assert_int_equal(back.rec_states, 12);
	assert_int_equal(back.rec_violating, 3);
	verdict_add(&sum, &v, true);
	verdict_add(&sum, &back, false);
	assert_int_equal(sum.rec_violating, 6);
	json_object_del(o, "recovery_states");
	json_object_del(o, "recovery_violating_states");
	assert_int_equal(verdict_from_json(o, &back), 0);
	assert_int_equal(back.rec_states, 0);
	json_object_set_new(o, "recovery_states", json_integer(1));
	json_object_set_new(o, "recovery_violating_states", json_integer(2));
	assert_int_equal(verdict_from_json(o, &back), -1); /* more violating than states */
	json_decref(o);
	run_metrics_free(&a);
}

static void test_incomplete_model(void **state)
{
	(void)state;
	struct tbl t;
	tbl_init(&t);
	tbl_col(&t, "a", NULL, 'l');
	tbl_col(&t, "b", "us", 'r');
	tbl_row(&t);
	tbl_cell(&t, TBL_PLAIN, "x");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct doc d;
	struct cs_err err = { { 0 } };
	doc_begin(&d, f, DOC_MARKDOWN, NULL, "t", &err);
	assert_int_equal(tbl_render(&t, &d), -1);
	assert_int_equal(doc_end(&d), -1);
	assert_non_null(strstr(err.msg, "incomplete model"));
	fclose(f);
	free(buf);
	/* complete: the header carries the unit */
	tbl_cell(&t, TBL_FAIL, "1|2");
	buf = NULL;
	f = open_memstream(&buf, &len);
	doc_begin(&d, f, DOC_MARKDOWN, NULL, "t", &err);
	assert_int_equal(tbl_render(&t, &d), 0);
	assert_int_equal(doc_end(&d), 0);
	fclose(f);
	assert_string_equal(buf, "| a | b (us) |\n|---|---:|\n| x | 1/2 |\n");
	free(buf);
	tbl_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_of_and_add),
		cmocka_unit_test(test_table_cells),
		cmocka_unit_test(test_stalled_run_whole_capacity),
		cmocka_unit_test(test_incomplete_model),
		cmocka_unit_test(test_recovery_crashes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
