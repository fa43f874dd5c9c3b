/* A budgeted exploration's progress (crash.budget, --resume): the states
 * the crash points have, how many of them are done (always the first ones
 * of the budget's order, docs/SCENARIO.md), and their results so far, per
 * point. sim/explore_budget.c fills it; the CLI saves it as DIR/explore.state
 * and loads it back to continue. */
#ifndef CSUMSIM_SIM_EXPLORE_STATE_H
#define CSUMSIM_SIM_EXPLORE_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "scenarios/scenario.h"
#include "sim/explore_slice.h"
#include "util/err.h"

struct xs_point {
	bool wanted;              /* explored in this run (--crash: one point) */
	uint64_t space;           /* states the point has */
	uint64_t done;            /* the first `done` of them are explored */
	struct point_result acc;  /* their results; acc.fresh: every distinct hash met */
	uint64_t cap_fresh;
};

struct explore_state {
	bool loaded;              /* in: continue from here */
	char fingerprint[40];     /* of `scenario` */
	char binary[24];          /* the csumsim executable that explored (cli/) */
	char *scenario;           /* the scenario as run (explore_scenario_text) */
	char variant[64];
	uint64_t seed;
	uint64_t explored;        /* states done, all points */
	uint64_t limit;           /* the budget of states this is the report of
				   * (>= explored: a budget past the space) */
	uint32_t ncp;
	struct xs_point *pt;      /* ncp */
};

void explore_state_free(struct explore_state *xs);

/* The file: JSON, deterministic bytes (malloc'd; NULL: out of memory). */
char *explore_state_text(const struct explore_state *xs);
/* Loads a file explore_state_text wrote; loaded set. 0, or -1 with err
 * naming the file and what is wrong with it. */
int explore_state_read(struct explore_state *xs, const char *path, struct cs_err *err);

/* What a state file must match to be continued: the scenario as run
 * (canonical YAML, seed and variant included, crash.budget left out) and
 * --crash (UINT32_MAX: all). malloc'd; NULL: out of memory. */
char *explore_scenario_text(const struct scenario *sc, uint32_t only_crash);
/* Its hash: 32 hex digits. */
void explore_fingerprint(const char *scenario_text, char out[40]);

/* Whether the saved state xs (read from path) continues the exploration of
 * scenario_text made by `binary`: 0, or -1 with err naming the file and the
 * first thing that differs (the binary, or a key of the scenario and its
 * two values). */
int explore_state_match(const struct explore_state *xs, const char *path,
			const char *scenario_text, const char *binary, struct cs_err *err);

#endif
