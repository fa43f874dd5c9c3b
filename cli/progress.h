/* Progress on stderr for long commands: on a terminal one line redrawn in
 * place (cleared before the final message); elsewhere (a CI log) a plain
 * line every few seconds. -q silences it, -v adds a line per phase. Never
 * written to any output file. */
#ifndef CSUMSIM_CLI_PROGRESS_H
#define CSUMSIM_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/run.h"

/* CSUMSIM_PROGRESS_MS overrides the interval between lines (tests). */
#define CLI_PROGRESS_TTY_MS 200
#define CLI_PROGRESS_LOG_MS 5000

struct cli_progress {
	const char *cmd;         /* "run": lines start "csumsim run: " */
	bool on, tty, verbose;
	uint64_t interval_ns;
	uint64_t phase_start_ns, last_ns;
	uint64_t count_start_ns;  /* cli_progress_count's clock */
	char phase[64];          /* the phase the clock was started for */
	char prefix[128];        /* "rfc on ssd (3 of 8): " */
	bool shown;              /* a redrawn line is on the terminal */
};

/* on: the command asked for progress (no -q, the scenario allows it). */
void cli_progress_init(struct cli_progress *p, const char *cmd, bool on, bool verbose);
/* Wires a simulation's reports to p (nothing when p is off). */
void cli_progress_attach(struct cli_progress *p, struct sim_options *opt);
/* The progress of opt when it was attached, else NULL. */
struct cli_progress *cli_progress_of(const struct sim_options *opt);
/* Put before each line, e.g. which run of a comparison. */
void cli_progress_prefix(struct cli_progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* -v: a line of its own (the redrawn line cleared first). */
void cli_progress_note(struct cli_progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* k of n units of `what` done (sweep runs, check scenarios), with an ETA
 * from when the count started (k == 0 starts it). */
void cli_progress_count(struct cli_progress *p, const char *what, uint64_t k, uint64_t n,
			const char *detail);
/* Removes the redrawn line, before any final message. */
void cli_progress_clear(struct cli_progress *p);

#endif
