/* One simulation: a scenario's workload replayed through a variant on the
 * emulated disks, then, for each crash point, the same replay cut short by a
 * power failure and followed by a recovery pass that reads back every sector
 * ever written. Each crash is simulated from the start, so crash results are
 * independent and each is reproducible alone. */
#ifndef CSUMSIM_SIM_RUN_H
#define CSUMSIM_SIM_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/csum.h"
#include "reports/metrics.h"
#include "scenarios/scenario.h"
#include "util/err.h"

/* The user requests of a run, already mapped onto the device: 24 bytes a
 * request (the workload is the largest table of a long replay). */
struct sim_workload {
	size_t n;
	uint64_t *t_ns;            /* arrival time (open loop), scaled */
	struct csum_wl_req *rq;
	/* trace records read up to and including request i; NULL while that is
	 * i + 1 (nothing dropped): read it through sim_workload_rec */
	uint64_t *rec;
	uint64_t remapped, dropped;/* by the address rule */
	uint64_t trace_requests;   /* records read */
};

static inline uint64_t sim_workload_rec(const struct sim_workload *w, size_t i)
{
	return w->rec != NULL ? w->rec[i] : (uint64_t)i + 1;
}

/* Request i as the host takes it (start time 0: the host sets it). */
static inline struct csum_request sim_workload_req(const struct sim_workload *w, size_t i)
{
	const struct csum_wl_req *q = &w->rq[i];

	return (struct csum_request){ .sector = q->sector, .count = q->count, .op = q->op,
				      .flags = q->flags };
}

/* Reads the scenario's trace (or runs its generator) and maps addresses onto
 * the device by the host's rule. */
int sim_workload_load(struct sim_workload *w, const struct scenario *sc, struct cs_err *err);
void sim_workload_free(struct sim_workload *w);

/* The media as a dump sees it (sim/dump.h reads it): the backing devices,
 * their lengths as the variant asks for them, and when it was taken. */
struct media;
struct sim_media_view {
	const struct media *media;
	const struct csum_table *table;
	const char *variant;
	unsigned n_devs;
	uint64_t dev_sectors[CSUM_MAX_DEVS];
	uint32_t crash;    /* plan index; UINT32_MAX: the end of the main replay */
	uint32_t state;    /* crash state index (crash != UINT32_MAX) */
};

/* Called with the media at the end of the main replay and, for each crash
 * state, as the state left it before recovery reads it back. During the
 * crash points it runs in a forked child: it must flush what it writes.
 * Nonzero: the run stops with an error. */
typedef int (*sim_media_fn)(void *arg, const struct sim_media_view *v);

/* Where a run stands, for a progress display on stderr (cli/progress.c);
 * never part of any output file. */
enum sim_progress_event {
	SIM_PROGRESS_TICK,      /* a request submitted or a crash state judged */
	SIM_PROGRESS_POINT,     /* a crash point explored (its states, violations) */
	SIM_PROGRESS_DONE,      /* the phase ended */
};
struct sim_progress {
	enum sim_progress_event event;
	const char *phase;      /* "rfc replay", "rfc crashes" */
	uint64_t request, requests;   /* submitted, of the workload */
	uint32_t point, points;       /* crash points explored, of the plan (0: none) */
	uint64_t state, states;       /* in the point being explored (0 of 0: none) */
	/* SIM_PROGRESS_POINT: the point (plan index) and what it found */
	uint32_t point_index;
	uint64_t point_states, point_violations;
};
typedef void sim_progress_fn(void *arg, const struct sim_progress *p);

struct explore_slice;
struct explore_state;
struct sim_options {
	bool crashes;      /* run the crash points too */
	/* progress reports (NULL: none); called often, the callee throttles */
	sim_progress_fn *progress;
	void *progress_arg;
	bool records;      /* keep per-request records */
	/* Only this crash point (0-based; UINT32_MAX: all of them). */
	uint32_t only_crash;
	sim_media_fn media_tap; /* NULL: nobody looks (csumsim dump does) */
	void *media_tap_arg;
	/* Skip the closed-loop capacity replays (output.capacity) because no
	 * report or expectation will read them: `check` without -o. */
	bool no_capacity;
	/* ... and replayed in this process, not a child of their own: a sweep
	 * whose workers already fill its -j N processes */
	bool capacity_here;
	/* crash.budget's passes (sim/explore_slice.h); NULL: every state */
	const struct explore_slice *slice;
	/* crash.budget's progress (sim/explore_state.h): loaded, the run goes
	 * on from it; filled with where the run stands (NULL: not kept) */
	struct explore_state *explore;
	/* explore every crash point in a forked child, as before crash points
	 * were explored in the replay's process (tests compare the two) */
	bool crash_fork;
	/* the crash pass replays the trace on its own, after the main replay,
	 * instead of riding on it (tests compare the two) */
	bool crash_own_replay;
	/* test hook: the incremental judgement leaves out what each state's
	 * faults change while the power is off (tests show they must not) */
	bool incr_drop_changes;
};

/* Runs `variant` (NULL: the scenario's) over the workload and fills m (which
 * the caller has initialised). 0, or -1 with err set; SIM_BAD_OPTION when
 * opt->only_crash is past the run's crash points (bad input, not a failure). */
#define SIM_BAD_OPTION (-2)
int sim_run(const struct scenario *sc, const char *variant, const struct sim_workload *w,
	    const struct sim_options *opt, struct run_metrics *m, struct cs_err *err);

/* What a run cost the simulator itself, for bench/ (not part of any report). */
struct sim_counts {
	uint64_t replay_events;  /* engine events of the main replay */
	uint64_t crash_events;   /* engine events of the crash replays */
	uint64_t state_events;   /* engine events recovering the crash states */
	uint64_t states;         /* crash states recovered */
	double states_s;         /* wall seconds recovering them (restore + read-back) */
	/* CPU time of this process (CLOCK_PROCESS_CPUTIME_ID), ns: the crash
	 * states' loop (as states_s), each explored point whole (its setup,
	 * states and undo), the main replay, and the crash pass (its replay
	 * and points); a point explored in a forked child counts nowhere */
	uint64_t states_cpu_ns, points_cpu_ns, main_cpu_ns, pass_cpu_ns;
	/* replays run again only for the memory numbers: a crash pass riding
	 * on the main replay grew the media's or oracle's tables */
	uint64_t memory_replays;
	uint64_t incr_states;    /* of those, judged incrementally (crash.verify) */
	uint64_t incr_distinct;  /* of those, distinct (the others shared a verdict) */
	/* read-back requests of the durable images: kept from the previous
	 * crash point's judgement, and read (sim/verify_carry.h) */
	uint64_t carry_kept, carry_read;
};

/* sim_run, also filling counts (zeroed first) when it is not NULL. */
int sim_run_counted(const struct scenario *sc, const char *variant,
		    const struct sim_workload *w, const struct sim_options *opt,
		    struct run_metrics *m, struct sim_counts *counts, struct cs_err *err);

/* The libfiu points a scenario may name, NULL-terminated. */
const char *const *sim_fault_points(void);

#endif
