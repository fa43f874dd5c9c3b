#include "sc_tmp.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

void sc_tmp_write(struct sc_tmp *t, const char *text)
{
	FILE *f;

	snprintf(t->dir, sizeof(t->dir), "/tmp/csumsim-sc-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/s.yaml", t->dir);
	f = fopen(t->path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

void sc_tmp_remove(struct sc_tmp *t)
{
	unlink(t->path);
	rmdir(t->dir);
}

int sc_tmp_load(const char *text, struct scenario *s, struct cs_err *err, char *path_out,
		size_t path_len)
{
	struct sc_tmp t;
	int rc;

	sc_tmp_write(&t, text);
	rc = scenario_load(s, t.path, err);
	if (path_out)
		snprintf(path_out, path_len, "%s", t.path);
	sc_tmp_remove(&t);
	return rc;
}
