/* crash.budget's saved progress for every command that runs scenarios
 * (run, check, sweep, compare): DIR/explore.state beside each run's report,
 * loaded back by --resume (docs/CLI.md). */
#ifndef CSUMSIM_CLI_EXPLORE_RESUME_H
#define CSUMSIM_CLI_EXPLORE_RESUME_H

#include <stdbool.h>
#include <stdint.h>

#include "scenarios/scenario.h"
#include "sim/explore_state.h"
#include "util/err.h"

/* The running csumsim executable as explore.state names it: 16 hex digits
 * of a hash of its bytes (another build may explore differently). */
void cli_binary_id(char out[24]);

/* Whether a run of sc keeps its exploration's progress: a budget, and its
 * crash points on. */
bool cli_explore_kept(const struct scenario *sc, bool crashes);

/* Sets up xs for a run of sc (only_crash: --crash, UINT32_MAX all) whose
 * state file is `path`, when cli_explore_kept: with resume, loaded from
 * path, and refused (-1, err naming the file and what differs) when it is
 * missing or another run's. Not kept: 0 and nothing set up, but with
 * resume -1 (the message names `what`, the scenario). */
int cli_explore_setup(const struct scenario *sc, const char *what, const char *path,
		      bool resume, bool crashes, uint32_t only_crash, const char *binary,
		      struct explore_state *xs, struct cs_err *err);

/* The report of a run into dir (cli_write_run_report), with its
 * exploration's progress as explore.state when xs is not NULL. */
struct run_metrics;
int cli_write_kept_report(const char *dir, const struct scenario *sc, const struct run_metrics *m,
			  const struct run_metrics *base, const char *reproduce,
			  const struct explore_state *xs, struct cs_err *err);

/* After a kept run whose report is that of `limit` states: sc's budget
 * becomes that count, and the --set list of its reproduce line (sets,
 * *nsets of at most max) ends with crash.budget=N in buf, every earlier
 * crash.budget dropped. -1 when the list is full. */
int cli_budget_reached(struct scenario *sc, uint64_t limit, char **sets, int *nsets, int max,
		       char buf[48]);

#endif
