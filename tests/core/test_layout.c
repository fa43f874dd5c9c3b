#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/commands.h"
#include "core/layout.h"

static void rows(void **state)
{
	struct csum_table t = { .len = 130, .placement = CSUM_PLACE_SAME };
	struct layout_row r;
	char fl[40];

	(void)state;
	layout_row(&t, 0, &r);
	assert_int_equal(r.data, 3);
	assert_int_equal(r.m1, 1);
	assert_int_equal(r.flags, 0);
	layout_row(&t, 129, &r);
	assert_int_equal(r.data, 136);
	assert_int_equal(r.flags, LAYOUT_OUTSIDE); /* 1 past the validated 136 */
	assert_string_equal(layout_flags_str(r.flags, fl), "OUTSIDE");

	t.data_start = 5;
	layout_row(&t, 58, &r); /* data 66 is M2 of group 1 */
	assert_int_equal(r.data, 66);
	assert_true(r.flags & LAYOUT_OVERLAP);
	layout_row(&t, 62, &r); /* its M1/M2 65, 66 are data of 57, 58 */
	assert_true(r.flags & LAYOUT_OVERLAP);
	layout_row(&t, 0, &r); /* M1/M2 at 1, 2: below data_start */
	assert_true(r.flags & LAYOUT_OUTSIDE);
	layout_row(&t, 10, &r);
	assert_false(r.flags & LAYOUT_OVERLAP);

	t.data_start = 1; /* M1 of group 0 is the reserved sector */
	layout_row(&t, 0, &r);
	assert_true(r.flags & LAYOUT_RESERVED);

	t = (struct csum_table){ .begin = 10, .len = 130, .placement = CSUM_PLACE_SEPARATE };
	layout_row(&t, 10, &r);
	assert_int_equal(r.tuple, 10);
	assert_int_equal(r.group, 0);
	assert_string_equal(layout_flags_str(r.flags, fl), "SHIFTED");
	layout_row(&t, 139, &r); /* last group: imd 7, 8 past [0, 6); data 130 past */
	assert_int_equal(r.m1, 7);
	assert_int_equal(r.data, 130);
	assert_string_equal(layout_flags_str(r.flags, fl), "OUTSIDE,SHIFTED");
}

/* Runs cmd_layout with stdout and stderr captured into out/err. */
static int run(char **argv, int argc, char *out, size_t outsz, char *err, size_t errsz)
{
	FILE *fo = tmpfile(), *fe = tmpfile();
	int so, se, rc;
	size_t n;

	assert_non_null(fo);
	assert_non_null(fe);
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	dup2(fileno(fo), 1);
	dup2(fileno(fe), 2);
	rc = cmd_layout(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	rewind(fo);
	rewind(fe);
	n = fread(out, 1, outsz - 1, fo);
	out[n] = '\0';
	n = fread(err, 1, errsz - 1, fe);
	err[n] = '\0';
	fclose(fo);
	fclose(fe);
	return rc;
}

static void command(void **state)
{
	static char out[1 << 16], err[4096];
	char *a1[] = { "layout", "--variant", "rfc", "--placement", "same", "--data-sectors", "130",
		       "--data-offset", "5", "--sector", "58", "--sector", "129" };
	char *a2[] = { "layout", "--variant", "rfc", "--placement", "sideways", "--data-sectors", "1" };
	char *a3[] = { "layout", "--variant", "rfc", "--placement", "same", "--data-sectors", "-3" };
	char *a4[] = { "layout", "--variant", "rfc", "--placement", "same", "--data-sectors",
		       "2000000" };
	char *a5[] = { "layout", "--variant", "rfc", "--placement", "separate", "--data-sectors", "130" };
	char *a6[] = { "layout", "--variant", "rfc", "--placement", "same", "--data-sectors", "10",
		       "--sector", "10" };
	char *a7[] = { "layout", "--bogus" };
	const char *p;
	int lines = 0;

	(void)state;
	assert_int_equal(run(a1, 13, out, sizeof(out), err, sizeof(err)), EXIT_OK);
	assert_non_null(strstr(out, "# table: 0 130 csum <data> 5\n"));
	assert_non_null(strstr(out, "# data device: validated [5, 141), data touched [8, 142)"));
	assert_non_null(strstr(out, "\n58 data 66 data 1 2 0 58 OUTSIDE,OVERLAP\n"));
	assert_non_null(strstr(out, "\n129 data 141 data 129 130 2 5 OUTSIDE,OVERLAP\n"));

	assert_int_equal(run(a2, 7, out, sizeof(out), err, sizeof(err)), EXIT_USAGE);
	assert_string_equal(err, "csumsim layout: --placement: must be same or separate: 'sideways'\n");
	assert_int_equal(run(a3, 7, out, sizeof(out), err, sizeof(err)), EXIT_USAGE);
	assert_non_null(strstr(err, "--data-sectors"));
	assert_int_equal(run(a4, 7, out, sizeof(out), err, sizeof(err)), EXIT_USAGE);
	assert_non_null(strstr(err, "limit"));
	assert_string_equal(out, "");
	assert_int_equal(run(a6, 9, out, sizeof(out), err, sizeof(err)), EXIT_USAGE);
	assert_non_null(strstr(err, "--sector"));
	assert_int_equal(run(a7, 2, out, sizeof(out), err, sizeof(err)), EXIT_USAGE);
	assert_non_null(strstr(err, "--bogus"));

	assert_int_equal(run(a5, 7, out, sizeof(out), err, sizeof(err)), EXIT_OK);
	for (p = out; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	assert_int_equal(lines, 7 + 130);
	assert_non_null(strstr(out, "# imd device: validated [0, 6), imd touched [3, 9)\n"));
	assert_non_null(strstr(out, "\n0 data 1 imd 3 4 0 0 -\n"));
	assert_non_null(strstr(out, "\n62 data 63 imd 5 6 1 0 OUTSIDE\n"));
}

/* dm-integrity: tag places by get_metadata_sector_and_offset() with the
 * kernel defaults (see tests/core/test_dmi_format.c for the arithmetic). */
static void dmi(void **state)
{
	static char out[1 << 16], err[4096];
	char *a1[] = { "layout", "--variant", "dmi-journal", "--data-sectors", "1048576", "--sector",
		       "200", "--sector", "32768" };
	char *a2[] = { "layout", "--variant", "dmi-direct", "--placement", "separate",
		       "--data-sectors", "100" };
	char *a3[] = { "layout", "--variant", "rfc", "--placement", "same", "--data-sectors", "100",
		       "--interleave-sectors", "64" };
	char *a4[] = { "layout", "--variant", "dmi-bitmap", "--data-sectors", "4096",
		       "--interleave-sectors", "32" };

	(void)state;
	assert_int_equal(run(a1, 9, out, sizeof(out), err, sizeof(err)), EXIT_OK);
	assert_non_null(strstr(out, "46 sections of 176 sectors"));
	assert_non_null(strstr(out, "\n200 8560 0 8105 288\n"));
	assert_non_null(strstr(out, "\n32768 41384 1 41128 0\n"));
	assert_int_equal(run(a2, 7, out, sizeof(out), err, sizeof(err)), EXIT_USAGE);
	assert_non_null(strstr(err, "--placement"));
	assert_int_equal(run(a3, 9, out, sizeof(out), err, sizeof(err)), EXIT_USAGE);
	assert_non_null(strstr(err, "dmi-*"));
	assert_int_equal(run(a4, 7, out, sizeof(out), err, sizeof(err)), EXIT_USAGE);
	assert_non_null(strstr(err, "at least 64"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rows),
		cmocka_unit_test(command),
		cmocka_unit_test(dmi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
