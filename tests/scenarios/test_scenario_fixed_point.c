/* For every scenario the loader accepts (the shipped ones and every test
 * fixture), print -> load -> print is a fixed point: the canonical YAML of
 * a report or a sweep shard always reads back to the same scenario. */
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "sc_tmp.h"
#include "scenarios/scenario.h"

struct tally {
	unsigned loaded, refused;
};

static bool is_yaml(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".yaml") == 0;
}

static void check_file(const char *path, struct tally *t)
{
	struct scenario s, back;
	struct cs_err err = { { 0 } };
	char *y, *y2;

	if (scenario_load(&s, path, &err) != 0) {
		t->refused++; /* deliberately bad fixtures */
		return;
	}
	t->loaded++;
	y = scenario_to_yaml(&s);
	assert_non_null(y);
	if (sc_tmp_load(y, &back, &err, NULL, 0) != 0)
		fail_msg("%s: its canonical YAML does not load: %s\n%s", path, err.msg, y);
	y2 = scenario_to_yaml(&back);
	assert_non_null(y2);
	if (strcmp(y, y2) != 0)
		fail_msg("%s: print -> load -> print changed the text", path);
	free(y);
	free(y2);
}

/* Every .yaml under dir, recursively, in name order (stable output). */
static void walk(const char *dir, struct tally *t)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		char path[1024];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				walk(path, t);
			else if (is_yaml(names[i]->d_name))
				check_file(path, t);
		}
		free(names[i]);
	}
	free(names);
}

static void test_every_scenario(void **state)
{
	struct tally t = { 0, 0 };

	(void)state;
	walk("scenarios", &t);
	walk("tests", &t);
	print_message("%u scenarios round-tripped, %u refused by the loader\n", t.loaded,
		      t.refused);
	assert_true(t.loaded >= 30); /* the walk found the tree */
}

/* The case that was broken: replicas and no params. */
static void test_replicas_only(void **state)
{
	struct tally t = { 0, 0 };

	(void)state;
	check_file("tests/scenarios/fixtures/replicas-only.yaml", &t);
	assert_int_equal(t.loaded, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replicas_only),
		cmocka_unit_test(test_every_scenario),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
