/* For the tests that run the built csumsim as a user would: where it is,
 * running a shell command and keeping its output, looking for a line. */
#ifndef CSUMSIM_TESTS_CLI_SHELL_H
#define CSUMSIM_TESTS_CLI_SHELL_H

#include <stdbool.h>
#include <stddef.h>

/* $CSUMSIM_BIN/cli/csumsim (ctest sets CSUMSIM_BIN; else build/). */
const char *cli_bin(void);

/* Runs cmd with sh: its exit code (-1: killed). Its stdout, and its stderr
 * too when with_stderr, goes to out (n bytes, NUL-terminated; the rest is
 * read and dropped); out NULL: all of it is dropped. */
int cli_sh(const char *cmd, bool with_stderr, char *out, size_t n);

/* A fresh folder /tmp/csumsim-TAG-XXXXXX, its name in buf (n >= 64): 0 or -1. */
int cli_tmpdir(char *buf, size_t n, const char *tag);
/* Whether the path made from fmt exists (lstat). */
bool cli_exists(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* rm -rf dir: 0 or -1. */
int cli_rmtree(const char *dir);

/* Runs `csumsim ARGS` (ARGS from fmt; stderr kept in out as cli_sh):
 * its exit code. */
int cli_run(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same, killed after secs seconds (exit code 124): for inputs that
 * once made csumsim run for minutes. */
int cli_run_within(char *out, size_t n, unsigned secs, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Fails the current test, showing the first differences, unless dir/a and
 * dir/b hold the same files byte for byte. */
void cli_same_dirs(const char *dir, const char *a, const char *b);

/* Fails the current test, showing out, when want is not in it. */
void cli_has(const char *out, const char *want);

#endif
