/* What `--json` prints on stdout (run, compare, check): the verdict of each
 * run as an object, for scripts, in place of the human lines. The same
 * numbers as the verdict block of the report (reports/verdict.h). */
#ifndef CSUMSIM_REPORTS_SUMMARY_JSON_H
#define CSUMSIM_REPORTS_SUMMARY_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "reports/check_report.h"
#include "reports/jsonb.h"
#include "reports/verdict.h"

/* {"command", "report", "exit", "verdicts": [...]} on o, one document, each
 * verdict as report.json writes it (verdict_json). 0, or
 * -1 when memory ran out or the write failed. */
int summary_json_print(FILE *o, const char *command, const char *report_dir,
		       const struct verdict *v, size_t n, int exit_code);

/* The verdict of every run of a comparison, profile by profile, each
 * against the `none` run of its profile when `none` was compared; *n rows
 * (v holds COMPARE_MAX_VARIANTS * COMPARE_MAX_PROFILES). */
void compare_verdicts(const struct compare_input *in, struct verdict *v, size_t *n);

/* {"command", "report", "exit", "verdicts"} of a comparison, on o. */
int compare_json_print(FILE *o, const struct compare_input *in, const char *report_dir,
		       int exit_code);

/* {"command": "check", "exit", "passed", "failed", "errors", "skipped",
 * "cases": [{suite, name, status, detail, reproduce}]} on o. */
int check_json_print(FILE *o, const struct check_case *c, size_t n, int exit_code);

#endif
