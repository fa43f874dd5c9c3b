/* `csumsim contract` on the D1 reproducer trace (scenarios/ci): violations
 * known by hand come out (rfc's D1 even on the strongest disk: 4 good
 * sectors refused; bitmap's silent sector only when writes may be shorn),
 * `fixed` holds down to the weakest set, the lattice order is fixed, the
 * output is the same twice, each reproducer re-runs alone to its violation,
 * and bad input is exit 2 with nothing written. */
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

static const char *const lattice[12] = {
	"write-inorder", "write-shorn-inorder", "4k-inorder", "write-reorder",
	"4k-shorn-inorder", "sector-inorder", "write-shorn-reorder", "4k-reorder",
	"sector-shorn-inorder", "4k-shorn-reorder", "sector-reorder", "sector-shorn-reorder",
};

static void test_matrix(void **state)
{
	json_t *root, *c, *s;
	size_t i;
	char cmd[1024];

	(void)state;
	assert_int_equal(contract(D1 " --variants rfc,fixed,bitmap", "a"), 0);
	root = load("a");
	assert_int_equal(json_array_size(json_object_get(root, "lattice")), 12);
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
	for (i = 0; i < 12; i++) {
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
	cli_has(out, "| `write-inorder` | violates 1/1 | holds 0/1 | holds 0/35 |");
	cli_has(out, "| bitmap | `sector-reorder` |");
	assert_true(cli_exists("%s/a/report.html", tmpdir));
	/* the same again, byte for byte */
	assert_int_equal(contract(D1 " --variants rfc,fixed,bitmap", "b"), 0);
	snprintf(cmd, sizeof(cmd), "cmp %s/a/contract.json %s/b/contract.json && "
		 "cmp %s/a/contract.md %s/b/contract.md", tmpdir, tmpdir, tmpdir, tmpdir);
	assert_int_equal(cli_sh(cmd, true, out, sizeof(out)), 0);
}

/* csumsim run on one reproducer: one violating state; the verdict's `key`. */
static json_int_t rerun(const char *rel, const char *dir, const char *key)
{
	char cmd[1024];
	json_error_t e;
	json_t *root, *v;
	json_int_t k;

	snprintf(cmd, sizeof(cmd), "%s run %s/r/%s -o %s/%s --json 2>/dev/null", cli_bin(),
		 tmpdir, rel, tmpdir, dir);
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

/* Each reproducer alone: one crash state, the same violation. */
static void test_reproducers(void **state)
{
	(void)state;
	assert_int_equal(contract(D1 " --variants rfc,bitmap", "r"), 0);
	assert_int_equal(rerun("cells/rfc/write-inorder/reproducers/violation-0.yaml", "r1",
			       "false_positive_sectors"), 4);
	assert_int_equal(rerun("cells/bitmap/4k-shorn-inorder/reproducers/violation-0.yaml", "r2",
			       "silent_sectors"), 1);
}

static void test_bad_input(void **state)
{
	(void)state;
	assert_int_equal(contract(D1 " --variants rfc,nope", "x"), 2);
	cli_has(out, "nope");
	assert_int_equal(contract(D1 " --variants rfc,rfc", "x"), 2);
	cli_has(out, "listed twice");
	assert_int_equal(contract(D1 " --set crash.mode=none", "x"), 2);
	cli_has(out, "crash.mode");
	assert_int_equal(contract(D1 " --set disk.contract.atomic=bogus", "x"), 2);
	assert_int_equal(contract(D1 " --set disk.contract.shorn=true", "x"), 2);
	cli_has(out, "field 'disk.contract.atomic': the contract needs atomic");
	assert_int_equal(contract(D1 " --set disk.contract.atomic=4k --set crash.tear=prefix",
				  "x"), 2);
	cli_has(out, "field 'crash.tear': with disk.contract");
	assert_false(cli_exists("%s/x", tmpdir));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_reproducers),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
