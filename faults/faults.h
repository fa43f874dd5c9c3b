/* The fault models of a run and their ledger. A fault_set acts on the disks
 * through the hooks of faults/hooks.h (lost and misdirected writes, latent
 * sector errors), on the media at rest (bit rot, latent errors arriving over
 * simulated time, targeted one-shot events), and records every fault it
 * injects with the user (dm) sectors it affects, so that the next read of
 * those sectors decides its outcome (reports/metrics.h: enum fault_outcome).
 * Every random choice comes from streams of the run's seed. */
#ifndef CSUMSIM_FAULTS_FAULTS_H
#define CSUMSIM_FAULTS_FAULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/csum.h"
#include "faults/clock_if.h"
#include "faults/field.h"
#include "faults/hooks.h"
#include "faults/media_if.h"
#include "reports/metrics.h"
#include "scenarios/scenario.h"
#include "util/err.h"

struct fault_env {
	struct fault_clock clock;            /* wired by sim/ (sim/engine_if.h) */
	struct fault_media media;            /* wired by sim/ (sim/media_if.h) */
	const struct csum_variant_ops *ops;
	const void *ctx;                     /* the variant instance: layout queries */
	unsigned n_devs;
	uint64_t dev_sectors[CSUM_MAX_DEVS];
	uint64_t dm_sectors;                 /* sectors the device exports */
};

struct fault_set;

/* NULL with err set on a bad configuration or ENOMEM. `seed` is the run's. */
struct fault_set *fault_set_new(const struct sc_faults *cfg, uint64_t seed,
				const struct fault_env *env, struct cs_err *err);
void fault_set_free(struct fault_set *fs);
/* A deep copy (ledger, pending faults, latent-error set, random streams):
 * crash exploration gives each crash state its own copy. Faults already
 * judged keep their outcome in the copy; only unread ones are judged there. */
struct fault_set *fault_set_clone(const struct fault_set *fs);
/* Point the set at another variant instance or media (after a clone). */
void fault_set_rebind(struct fault_set *fs, const struct fault_env *env);

/* Hooks for every disk of the run (ctx = fs). */
const struct fault_hooks *fault_set_hooks(struct fault_set *fs);
/* Schedule the at-rest faults from the clock's now on. 0 or -1 (ENOMEM). */
int fault_set_start(struct fault_set *fs);
/* Power is off for `ns`: at-rest faults of that period are applied now. */
int fault_set_idle(struct fault_set *fs, uint64_t ns);
/* The media sectors the last fault_set_idle changed (bits flipped, latent
 * errors marked): keys dev << 60 | sector (sim/media.h's media_log_key), in
 * order, repeats kept; valid until the next fault_set_idle or free. A crash
 * state's incremental judgement re-reads what reads them. */
void fault_set_idle_changes(const struct fault_set *fs, const uint64_t **keys, size_t *n);

/* Record a fault injected elsewhere (crash states, failed sub-I/Os,
 * allocation failures) on backing sectors [sector, sector+count) of dev;
 * the dm sectors affected come from the variant's sector_info. */
int fault_set_record(struct fault_set *fs, uint8_t type, unsigned dev, uint64_t sector,
		     uint32_t count, uint64_t time_ns);
/* Record a fault that affects dm sectors directly (a user request failed). */
int fault_set_record_dm(struct fault_set *fs, uint8_t type, uint64_t dm_sector, uint32_t count,
			uint64_t time_ns);

/* A user read of dm sectors finished with these per-sector oracle classes
 * (enum oracle_class), each a verdict on its sector: every fault waiting on
 * one of them takes the worst of its own sectors' verdicts so far. */
void fault_set_observe_read(struct fault_set *fs, uint64_t dm_sector, uint32_t count,
			    const uint8_t *classes);
/* The dm sectors whose first read would still judge some fault, ascending,
 * in a new array *out (NULL when none; caller frees). 0, or -1 on ENOMEM. */
int fault_set_waiting(const struct fault_set *fs, uint64_t **out, uint64_t *n);
/* Outcomes so far, pending faults counted as FO_UNREAD, added into out. */
void fault_set_outcomes(const struct fault_set *fs, struct fault_outcomes *out);
/* Faults injected so far, by type. */
uint64_t fault_set_injected(const struct fault_set *fs, int type);
/* Targeted at-rest events dropped because rejection sampling found no sector
 * of the target kind within its attempts (docs/FAULTS.md). */
uint64_t fault_set_target_misses(const struct fault_set *fs);
/* The field model's parameters and what it did; false when the run has none. */
bool fault_set_field(const struct fault_set *fs, struct field_params *p, struct field_stats *st);
/* The same as the exposure the risk per TB-year needs (on = false: none). */
void field_exposure_of(const struct fault_set *fs, struct field_exposure *out);
/* Sectors with a latent error now. */
uint64_t fault_set_latent_errors(const struct fault_set *fs);

#endif
