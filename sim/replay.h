/* The replay: the workload's requests submitted through a host on a world,
 * open loop (at their arrival times) or closed (queue depth), until the end,
 * a request to stop before, or a simulated time. Internal to sim/. */
#ifndef CSUMSIM_SIM_REPLAY_H
#define CSUMSIM_SIM_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/run.h"
#include "sim/world.h"

struct replay {
	struct world *w;
	const struct sim_workload *wl;
	const struct sim_options *opt;
	size_t next;         /* next request to submit */
	size_t stop_before;  /* crash before submitting this one (SIZE_MAX: never) */
	bool stop;           /* the crash point was reached */
	bool failed;
	bool closed;
	/* the offered load: user requests submitted and not yet completed */
	uint64_t completed;
	uint64_t backlog_max, backlog_end;
	const char *phase;
	uint32_t points_done, points; /* crash points explored, of (crash pass) */
	/* called before request i is submitted, and before each event (NULL:
	 * not); they may stop the replay (crash points met on the way) */
	void (*at_request)(void *arg, struct replay *rp, size_t i);
	void (*at_step)(void *arg, struct replay *rp);
	void *hook_arg;
	/* where the requests ahead live, located once for both prefetch steps:
	 * slot i % REPLAY_RING holds request ahead_req - 1 (0: none) */
	struct replay_ahead {
		uint64_t req;
		struct csum_location loc;
	} ahead[8];
};
#define REPLAY_RING 8u

/* The load at the trace's rate from a finished replay: the busiest device's
 * busy share, the backlog, and whether it saturated (docs/CAPACITY.md). The
 * devices' metrics in m must be filled first. */
void replay_load(const struct replay *rp, struct run_metrics *m);

/* Replays until the end of the workload or the stop; with at_time set,
 * stops at simulated time t_stop. 0, or -1 with err set. */
int replay(struct replay *rp, struct run_metrics *m, bool at_time, uint64_t t_stop,
	   struct cs_err *err);
/* What replay() would return if it stopped here: 0, or -1 with err set when
 * the replay or its host failed. */
int replay_status(const struct replay *rp, struct cs_err *err);
/* Tells opt->progress (when set) where the replay stands: ev, and for a
 * point explored (SIM_PROGRESS_POINT) or a state judged, the extra fields of
 * `more` (NULL: none). */
void replay_progress(const struct replay *rp, enum sim_progress_event ev,
		     const struct sim_progress *more);

#endif
