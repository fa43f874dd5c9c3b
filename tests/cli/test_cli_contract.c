/* `csumsim contract` on the D1 reproducer trace (scenarios/ci): violations
 * known by hand come out (rfc's D1 even on the strongest disk: 4 good
 * sectors refused; bitmap's silent sector only when writes may be shorn;
 * fixed losing acknowledged data only when the disk ignores flushes, bitmap
 * when it ignores FUA), `fixed` holds down to the weakest honest set, the
 * lattice order is fixed, sampled cells say so, the output is the same
 * twice, each reproducer re-runs alone to its violation, and bad input is
 * exit 2 with nothing written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "tests/cli_shell.h"

#define D1 "scenarios/ci/rfc-crash-d1-repro.yaml"

static char tmpdir[64];
static char out[65536];

static int setup(void **state)
{
	(void)state;
	return cli_tmpdir(tmpdir, sizeof(tmpdir), "contract");
}

static int teardown(void **state)
{
	(void)state;
	return cli_rmtree(tmpdir);
}

static int contract(const char *args, const char *dir)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "%s contract %s -o %s/%s --quiet", cli_bin(), args, tmpdir,
		 dir);
	return cli_sh(cmd, true, out, sizeof(out));
}

static json_t *load(const char *dir)
{
	char path[256];
	json_error_t e;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s/contract.json", tmpdir, dir);
	j = json_load_file(path, 0, &e);
	if (j == NULL)
		fail_msg("%s: %s", path, e.text);
	return j;
}

static json_t *cell(json_t *root, const char *variant, const char *set)
{
	size_t i, k;
	json_t *v, *c;

	json_array_foreach(json_object_get(root, "variants"), i, v) {
		if (strcmp(json_string_value(json_object_get(v, "variant")), variant) != 0)
			continue;
		json_array_foreach(json_object_get(v, "cells"), k, c)
			if (!strcmp(json_string_value(json_object_get(c, "set")), set))
				return c;
	}
	fail_msg("no cell %s %s", variant, set);
	return NULL;
}

static const char *weakest(json_t *root, const char *variant)
{
	static char buf[256];
	size_t i, k;
	json_t *v, *w;

	buf[0] = '\0';
	json_array_foreach(json_object_get(root, "variants"), i, v) {
		if (strcmp(json_string_value(json_object_get(v, "variant")), variant) != 0)
			continue;
		json_array_foreach(json_object_get(v, "weakest_holding"), k, w) {
			strcat(buf, k ? " " : "");
			strcat(buf, json_string_value(w));
		}
	}
	return buf;
}

static json_int_t first_int(json_t *c, const char *key)
{
	json_t *f = json_object_get(c, "first_violation");

	assert_true(json_is_object(f));
	return json_integer_value(json_object_get(f, key));
}

/* atomic x shorn x reorder, by steps weaker (reorder never 0, within_epoch
 * 1, any 2), then reorder, atomic, shorn */
static const char *const lattice[18] = {
	"write-inorder",
	"write-shorn-inorder", "4k-inorder", "write-epoch",
	"4k-shorn-inorder", "sector-inorder", "write-shorn-epoch", "4k-epoch", "write-reorder",
	"sector-shorn-inorder", "4k-shorn-epoch", "sector-epoch", "write-shorn-reorder",
	"4k-reorder",
	"sector-shorn-epoch", "4k-shorn-reorder", "sector-reorder",
	"sector-shorn-reorder",
};

#define AXES3 " --axes atomic,shorn,reorder"

static void test_matrix(void **state)
{
	json_t *root, *c, *s;
	size_t i;
	char cmd[1024];

	(void)state;
	assert_int_equal(contract(D1 " --variants rfc,fixed,bitmap" AXES3, "a"), 0);
	root = load("a");
	assert_int_equal(json_array_size(json_object_get(root, "lattice")), 18);
	json_array_foreach(json_object_get(root, "lattice"), i, s)
		assert_string_equal(json_string_value(json_object_get(s, "id")), lattice[i]);
	/* D1: the in-place update of the older imd copy refuses 4 good sectors
	 * even when nothing was cached (docs/PROTOCOL.md §12.1) */
	c = cell(root, "rfc", "write-inorder");
	assert_string_equal(json_string_value(json_object_get(c, "verdict")), "violates");
	assert_int_equal(first_int(c, "false_positive"), 4);
	assert_int_equal(first_int(c, "silent"), 0);
	assert_string_equal(weakest(root, "rfc"), "");
	/* fixed holds under sector-atomic writes with honoured flushes, down to
	 * the weakest set */
	for (i = 0; i < 18; i++) {
		c = cell(root, "fixed", lattice[i]);
		assert_string_equal(json_string_value(json_object_get(c, "verdict")), "holds");
		assert_true(json_integer_value(json_object_get(c, "states")) > 0);
	}
	assert_string_equal(weakest(root, "fixed"), "sector-shorn-reorder");
	/* bitmap: whole sectors hold, a shorn one passes silently */
	c = cell(root, "bitmap", "write-inorder");
	assert_string_equal(json_string_value(json_object_get(c, "verdict")), "holds");
	c = cell(root, "bitmap", "write-shorn-inorder");
	assert_string_equal(json_string_value(json_object_get(c, "verdict")), "violates");
	assert_int_equal(first_int(c, "silent"), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "first_violation"),
							      "state")),
			    "in order: first 1 of 34 units, unit 1 shorn");
	assert_string_equal(weakest(root, "bitmap"), "sector-reorder");
	json_decref(root);
	/* the table a reviewer reads */
	snprintf(cmd, sizeof(cmd), "cat %s/a/contract.md", tmpdir);
	assert_int_equal(cli_sh(cmd, false, out, sizeof(out)), 0);
	cli_has(out, "### bitmap");
	cli_has(out, "| write / cache | `inorder` | `epoch` | `reorder` |");
	cli_has(out, "| `write` | holds 0/35 | holds 0/68 ~ | holds 0/68 ~ |");
	cli_has(out, "| bitmap | `sector-reorder` |");
	assert_true(cli_exists("%s/a/report.html", tmpdir));
	/* the same again, byte for byte */
	assert_int_equal(contract(D1 " --variants rfc,fixed,bitmap" AXES3, "b"), 0);
	snprintf(cmd, sizeof(cmd), "cmp %s/a/contract.json %s/b/contract.json && "
		 "cmp %s/a/contract.md %s/b/contract.md", tmpdir, tmpdir, tmpdir, tmpdir);
	assert_int_equal(cli_sh(cmd, true, out, sizeof(out)), 0);
}

/* csumsim run on one reproducer of the matrix in `from`: one violating
 * state; the verdict's `key`. */
static json_int_t rerun_in(const char *from, const char *rel, const char *dir, const char *key)
{
	char cmd[1024];
	json_error_t e;
	json_t *root, *v;
	json_int_t k;

	snprintf(cmd, sizeof(cmd), "%s run %s/%s/%s -o %s/%s --json 2>/dev/null", cli_bin(),
		 tmpdir, from, rel, tmpdir, dir);
	assert_int_equal(cli_sh(cmd, false, out, sizeof(out)), 0);
	root = json_loads(out, 0, &e);
	assert_non_null(root);
	v = json_array_get(json_object_get(root, "verdicts"), 0);
	assert_int_equal(json_integer_value(json_object_get(v, "crash_states")), 1);
	assert_int_equal(json_integer_value(json_object_get(v, "violating_states")), 1);
	k = json_integer_value(json_object_get(v, key));
	json_decref(root);
	return k;
}

static json_int_t rerun(const char *rel, const char *dir, const char *key)
{
	return rerun_in("r", rel, dir, key);
}

/* Each reproducer alone: one crash state, the same violation. */
static void test_reproducers(void **state)
{
	(void)state;
	assert_int_equal(contract(D1 " --variants rfc,bitmap" AXES3, "r"), 0);
	assert_int_equal(rerun("cells/rfc/write-inorder/reproducers/violation-0.yaml", "r1",
			       "false_positive_sectors"), 4);
	assert_int_equal(rerun("cells/bitmap/4k-shorn-inorder/reproducers/violation-0.yaml", "r2",
			       "silent_sectors"), 1);
}

/* A disk that lies about flush or FUA: fixed keeps its contract when FUA
 * is ignored (it flushes), not when flushes are (acknowledged data lost);
 * so does bitmap on this trace (its FUA-ignored violations were an artefact
 * of recovery probes left in the write cache from one state to the next,
 * which no reproducer re-ran to). The reproducer of a lying-disk cell
 * re-runs alone to the same violation. */
static void test_cache_lies(void **state)
{
	json_t *root, *c;
	json_int_t fp;

	(void)state;
	assert_int_equal(contract(D1 " --variants fixed,bitmap --axes flush,fua", "l"), 0);
	root = load("l");
	assert_int_equal(json_array_size(json_object_get(root, "lattice")), 4);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(root, "lattice"), 1), "id")),
			    "write-reorder-nofua");
	assert_string_equal(json_string_value(json_object_get(root, "axes")), "flush,fua");
	c = cell(root, "fixed", "write-reorder");
	assert_string_equal(json_string_value(json_object_get(c, "verdict")), "holds");
	c = cell(root, "fixed", "write-reorder-nofua");
	assert_string_equal(json_string_value(json_object_get(c, "verdict")), "holds");
	c = cell(root, "fixed", "write-reorder-noflush");
	assert_string_equal(json_string_value(json_object_get(c, "verdict")), "violates");
	/* more volatile units than crash.exhaustive_max: the fixed list */
	assert_true(json_is_true(json_object_get(c, "sampled")));
	assert_true(json_integer_value(json_object_get(c, "sampled_states")) > 0);
	fp = first_int(c, "false_positive") + first_int(c, "stale");
	assert_true(fp > 0);
	assert_string_equal(weakest(root, "fixed"), "write-reorder-nofua");
	c = cell(root, "bitmap", "write-reorder");
	assert_string_equal(json_string_value(json_object_get(c, "verdict")), "holds");
	c = cell(root, "bitmap", "write-reorder-nofua");
	assert_string_equal(json_string_value(json_object_get(c, "verdict")), "holds");
	c = cell(root, "bitmap", "write-reorder-noflush");
	assert_string_equal(json_string_value(json_object_get(c, "verdict")), "violates");
	assert_string_equal(weakest(root, "bitmap"), "write-reorder-nofua");
	json_decref(root);
	/* the reproducer alone: one state, the same sectors */
	assert_int_equal(rerun_in("l", "cells/fixed/write-reorder-noflush/reproducers/"
				  "violation-0.yaml", "l1", "false_positive_sectors") +
			 rerun_in("l", "cells/fixed/write-reorder-noflush/reproducers/"
				  "violation-0.yaml", "l2", "stale_sectors"), fp);
}

static void test_bad_input(void **state)
{
	/* each: exit 2, its message names the field or option (NULL: any) */
	static const char *const bad[][2] = {
		{" --variants rfc,nope", "nope"},
		{" --variants rfc,rfc", "listed twice"},
		{" --set crash.mode=none", "crash.mode"},
		{" --set disk.contract.atomic=bogus", NULL},
		{" --set disk.contract.shorn=true",
		 "field 'disk.contract.atomic': the contract needs atomic"},
		{" --set disk.contract.atomic=4k --set crash.tear=prefix",
		 "field 'crash.tear': with disk.contract"},
		{" --axes flush,nope", "--axes: 'nope' is not an axis"},
		{" --axes flush,flush", "listed twice"},
		{" --set disk.contract.flush=ignored",
		 "field 'disk.contract.atomic': the contract needs atomic"},
		{" --set disk.contract.atomic=4k --set disk.contract.reorder=sometimes",
		 "disk.contract.reorder"},
		{" --set device.placement=separate --set imd_disk.contract.flush=ignored",
		 "field 'imd_disk.contract'"},
	};
	char args[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(args, sizeof(args), "%s%s", D1, bad[i][0]);
		assert_int_equal(contract(args, "x"), 2);
		if (bad[i][1] != NULL)
			cli_has(out, bad[i][1]);
	}
	assert_false(cli_exists("%s/x", tmpdir));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_reproducers),
		cmocka_unit_test(test_cache_lies),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
