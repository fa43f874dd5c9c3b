/* Scenario tests: YAML text into a temporary file, loaded from there. */
#ifndef CSUMSIM_TESTS_SC_TMP_H
#define CSUMSIM_TESTS_SC_TMP_H

#include "scenarios/scenario.h"

struct sc_tmp {
	char dir[64];
	char path[96]; /* dir/s.yaml */
};

/* Writes text to a new temporary file; aborts the test on failure. */
void sc_tmp_write(struct sc_tmp *t, const char *text);
void sc_tmp_remove(struct sc_tmp *t);
/* Loads text through a temporary file: scenario_load's return value. */
int sc_tmp_load(const char *text, struct scenario *s, struct cs_err *err, char *path_out,
		size_t path_len);

#endif
