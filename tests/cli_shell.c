#include "tests/cli_shell.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

const char *cli_bin(void)
{
	static char path[512];
	const char *b = getenv("CSUMSIM_BIN");

	snprintf(path, sizeof(path), "%s/cli/csumsim", b ? b : "build");
	return path;
}

int cli_sh(const char *cmd, bool with_stderr, char *out, size_t n)
{
	char *full = malloc(strlen(cmd) + 8);
	char sink[4096];
	size_t got = 0;
	FILE *p;
	int st;

	assert_non_null(full);
	sprintf(full, "%s%s", cmd, with_stderr ? " 2>&1" : "");
	p = popen(full, "r");
	free(full);
	assert_non_null(p);
	if (out != NULL && n > 0) {
		got = fread(out, 1, n - 1, p);
		out[got] = '\0';
	}
	while (fread(sink, 1, sizeof(sink), p) > 0)
		;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void cli_has(const char *out, const char *want)
{
	if (strstr(out, want) == NULL)
		fail_msg("missing '%s' in:\n%s", want, out);
}

int cli_tmpdir(char *buf, size_t n, const char *tag)
{
	snprintf(buf, n, "/tmp/csumsim-%s-XXXXXX", tag);
	return mkdtemp(buf) == NULL ? -1 : 0;
}

int cli_rmtree(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

bool cli_exists(const char *fmt, ...)
{
	char path[1024];
	struct stat st;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return lstat(path, &st) == 0; /* a dangling link is something left behind too */
}

__attribute__((format(printf, 4, 0)))
static int vrun(char *out, size_t n, unsigned secs, const char *fmt, va_list ap)
{
	char args[2048], cmd[4096];

	vsnprintf(args, sizeof(args), fmt, ap);
	if (secs > 0)
		snprintf(cmd, sizeof(cmd), "timeout %u %s %s", secs, cli_bin(), args);
	else
		snprintf(cmd, sizeof(cmd), "%s %s", cli_bin(), args);
	return cli_sh(cmd, true, out, n);
}

int cli_run(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vrun(out, n, 0, fmt, ap);
	va_end(ap);
	return rc;
}

int cli_run_within(char *out, size_t n, unsigned secs, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vrun(out, n, secs, fmt, ap);
	va_end(ap);
	return rc;
}

void cli_same_dirs(const char *dir, const char *a, const char *b)
{
	char cmd[1024], out[4096];

	snprintf(cmd, sizeof(cmd), "diff -r '%s/%s' '%s/%s' 2>&1 | head -c 3000", dir, a, dir, b);
	assert_int_equal(cli_sh(cmd, true, out, sizeof(out)), 0);
	if (out[0] != '\0')
		fail_msg("%s and %s differ:\n%s", a, b, out);
}
