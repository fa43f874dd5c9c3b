/* Recovery after a crash: a fresh instance of the variant, its own mount
 * procedure (journal replay, ...), then every sector ever written read back
 * through the protocol and judged by the oracle, and one write tried in each
 * 62-sector group that could not be read. Internal to sim/. */
#ifndef CSUMSIM_SIM_RECOVER_H
#define CSUMSIM_SIM_RECOVER_H

#include "reports/metrics.h"
#include "sim/world.h"
#include "util/err.h"

/* Recovers w (crashed, nothing in flight) and adds what the read-back found
 * to cr. 0, or -1 with err set. */
int recover(struct world *w, struct crash_report *cr, struct cs_err *err);

/* A look at the read-back, request by request (incremental verification). */
struct recover_tap {
	/* each read-back request as it completes, before it is counted;
	 * nonzero: read nothing more */
	int (*on_run)(void *arg, uint64_t sector, uint32_t count, int result,
		      const uint8_t *classes);
	void *arg;
	/* when not NULL: read only these runs, in this order (no probe
	 * writes) instead of every sector ever written; a failed run's sectors
	 * are then read again one by one (as the full read-back does) only
	 * if on_run let it go on */
	const uint64_t *run_sector;
	const uint32_t *run_count;
	uint64_t n_runs;
	/* with run_sector: unreadable sectors found before; when there are
	 * any, the first of each group (with any this read finds) is probed
	 * with a write after the runs, as at the end of a full read-back */
	const uint64_t *probe;
	uint64_t n_probe;
	/* with run_sector: probe the groups of the unreadable sectors these
	 * runs find even when probe names none (a crash state's own, as the
	 * full read-back would); false: no probe unless probe names some */
	bool probe_found;
};

/* A look at the mount (the variant's recovery step), for crashes during
 * recovery: called as each of its writes and flushes completes (reads are
 * not shown); nonzero: the power fails there, the mount stops where it
 * stands (nothing more of it runs; what is in flight stays in flight). */
struct mount_tap {
	int (*on_io)(void *arg, const struct csum_io *io, int error);
	void *arg;
};

/* The mount alone on a fresh instance of the variant (no injection): 0
 * done, 1 stopped by tap, 2 hung, 3 failed, -1 with err set. */
int recover_mount(struct world *w, const struct mount_tap *tap, struct cs_err *err);
/* The read-back requests a full recovery starts with, in its order (runs
 * of the sectors ever written), before any re-read of a failed one or probe;
 * new arrays (caller frees). 0, or -1 out of memory. */
int recover_plan(struct world *w, uint64_t **sector, uint32_t **count, uint64_t *n);

/* recover, with tap (may be NULL). */
int recover_tapped(struct world *w, struct crash_report *cr, const struct recover_tap *tap,
		   struct cs_err *err);

#endif
