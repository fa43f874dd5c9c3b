/* What every command that runs a scenario shares: its common options, and
 * loading the scenario with them (load, --set, --seed, validate, check the
 * fault points). */
#ifndef CSUMSIM_CLI_COMMON_H
#define CSUMSIM_CLI_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenarios/scenario.h"
#include "util/err.h"

#define CLI_MAX_SETS 64

struct run_metrics;

struct cli_common {
	const char *cmd;     /* "run", "compare": for messages */
	const char *file;    /* the scenario */
	const char *outdir;  /* -o DIR, or NULL */
	char *sets[CLI_MAX_SETS];
	int nsets;
	bool have_seed;
	uint64_t seed;
	bool crashes;        /* false with --no-crashes */
	bool quiet;          /* -q: no progress */
	bool verbose;        /* -v: a progress line per phase */
	bool json;           /* --json: the summary as JSON on stdout */
};

void cli_common_init(struct cli_common *c, const char *cmd);
/* Takes argv[*i] when it is an option every scenario command has (and its
 * value, advancing *i) or the scenario file: 1. Not one of them: 0. A usage
 * error: -1, after printing it. */
int cli_common_arg(struct cli_common *c, int argc, char **argv, int *i);
/* After the arguments: -1 (printed) when no scenario file was given. */
int cli_common_done(const struct cli_common *c);
/* Loads the scenario with the options applied and checked; -1 with err. */
int cli_load_scenario(const struct cli_common *c, struct scenario *sc, struct cs_err *err);

int cli_parse_u64(const char *s, uint64_t *out);
/* mkdir -p of the directory that will hold `path`. */
int cli_make_parents(const char *path, struct cs_err *err);
/* The full report of a run into dir (its parents made), with one
 * reproducer scenario per kept violation (reproducers/violation-K.yaml). */
struct run_metrics;
int cli_write_run_report(const char *dir, const struct scenario *sc, const struct run_metrics *m,
			 const struct run_metrics *base, const char *reproduce,
			 struct cs_err *err);
/* The same, with one more file in the directory (more: NULL for none). */
struct report_file;
int cli_write_run_report_with(const char *dir, const struct scenario *sc,
			      const struct run_metrics *m, const struct run_metrics *base,
			      const char *reproduce, const struct report_file *more,
			      struct cs_err *err);
/* Checks what a scenario needs to run beyond its own validation: a known
 * variant and known fault points. `file` names the source in messages. */
int cli_check_runnable(const struct scenario *sc, const char *file, struct cs_err *err);

/* Loads the workload of sc and replays it through its variant into m (and
 * through `none` into base when `baseline`, unless the variant is `none`:
 * *base_ran then). m and base must be initialised by the caller. On
 * failure -1 with err, and *bad_input when the input (trace) was at fault.
 * *n_requests: the workload's requests. */
struct sim_options;
int cli_simulate(const struct scenario *sc, const struct sim_options *opt, bool baseline,
		 struct run_metrics *m, struct run_metrics *base, bool *base_ran, bool *bad_input,
		 uint64_t *n_requests, struct cs_err *err);

/* --json: until cli_json_end, everything the command prints for people on
 * stdout goes to stderr, so stdout carries the JSON document alone. Returns
 * the saved stdout (a file descriptor), or -1 when it could not be saved. */
int cli_json_begin(void);
/* Puts stdout back (fd from cli_json_begin; -1: nothing to do). */
void cli_json_end(int fd);

/* trace.file "-" (standard input) is read once: refused (-1, err) for
 * sweep and check, which read a trace more than once, and when the
 * scenario itself came from standard input. */
int cli_check_stdin(const char *cmd, const char *file, const struct scenario *sc,
		    struct cs_err *err);

/* A warning on stderr when the run refused requests (discards its variant
 * does not support): refused requests are never silent. */
void cli_warn_refused(const struct run_metrics *m);

/* Writes text to the file path (created or truncated); every write checked. */
int cli_write_text(const char *path, const char *text, struct cs_err *err);

/* Copies the directory tree src to dst (which must not exist): directories
 * and regular files only. */
int cli_copy_tree(const char *src, const char *dst, struct cs_err *err);

/* The `csumsim run` line that reproduces a run: FILE, then --seed (a
 * sweep's run: --point K, and --seed only when one was given, as it is the
 * sweep's), --variant when given, every --set, --no-crashes, --crash K
 * (only_crash, UINT64_MAX: all), --no-baseline. */
void cli_run_reproduce(char *buf, size_t n, const struct cli_common *c, uint64_t seed,
		       uint64_t point, const char *variant, uint64_t only_crash,
		       bool no_baseline);

/* "rfc, none, ..." */
void cli_known_variants(char *buf, size_t n);

#endif
