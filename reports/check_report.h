/* The results of `csumsim check` for CI systems: TAP version 13 and JUnit
 * XML. One test per expectation; a scenario that could not be loaded or run
 * is one test that failed with an error; one without expectations is one
 * skipped test. Both outputs depend on the results alone (no time stamps,
 * durations 0), so the same check gives the same bytes. */
#ifndef CSUMSIM_REPORTS_CHECK_REPORT_H
#define CSUMSIM_REPORTS_CHECK_REPORT_H

#include <stddef.h>
#include <stdio.h>

enum check_status {
	CHECK_PASS = 0,  /* the expectation holds */
	CHECK_FAIL = 1,  /* it does not (or its metric had no value) */
	CHECK_ERROR = 2, /* the scenario could not be loaded or run */
	CHECK_SKIP = 3,  /* the scenario states no expectation */
};

struct check_case {
	char suite[128];      /* the scenario file, as given */
	char name[192];       /* "false_positive == 0", or "load" / "run" / "expect" */
	int status;           /* enum check_status */
	char detail[1100];    /* "measured 0", the error, why skipped */
	char reproduce[2048]; /* the command that reproduces the run ("" if none) */
};

/* TAP version 13: the plan, then "ok N - SUITE: NAME" or "not ok ...",
 * with a YAML diagnostic block for failures and errors. 0, or -1 when a
 * write failed. */
int check_write_tap(FILE *o, const struct check_case *c, size_t n);
/* JUnit XML: <testsuites> with one <testsuite> per scenario (consecutive
 * cases of one suite), one <testcase> per case, <failure>, <error> or
 * <skipped> inside. 0, or -1 when a write failed. */
int check_write_junit(FILE *o, const struct check_case *c, size_t n);

#endif
