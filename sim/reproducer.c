#include "sim/reproducer.h"

#include <assert.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults/crash.h"

/* sc cut to one crash point (kind, value; the trace up to record_limit)
 * and one state there, with nothing else to judge. */
static int one_state(const struct scenario *sc, uint8_t kind, uint64_t value,
		     uint64_t record_limit, uint32_t state, const char *dest_dir,
		     struct scenario *out, struct cs_err *err)
{
	/* a point the run reached: a request index or a time, never "no crash" */
	assert(kind == CRASH_BEFORE_REQUEST || kind == CRASH_AT_TIME);
	memset(out->crash.at, 0, sizeof(out->crash.at));
	out->crash.kind = kind == CRASH_BEFORE_REQUEST ? SC_CRASH_AT_REQUEST : SC_CRASH_AT_TIME;
	out->crash.at[0] = value;
	out->crash.n_at = 1;
	out->crash.random_count = 0;
	out->crash.max_crashes = 0;
	out->crash.only_state = state;
	out->crash.budget_kind = SC_BUDGET_NONE; /* one state: no budget to spread */
	out->crash.budget_limit = 0;
	out->trace.limit = record_limit;
	out->output.baseline = false;
	out->output.plots = false;
	out->output.per_request_csv = false;
	/* The scenario's expectations judge its whole run, not this one state,
	 * and its quick overrides are already in sc when it ran in quick mode. */
	memset(out->expect, 0, sizeof(out->expect));
	out->n_expect = 0;
	memset(out->quick, 0, sizeof(out->quick));
	out->n_quick = 0;
	memset(&out->sweep, 0, sizeof(out->sweep));
	out->sweep.replicas = 1;
	if (scenario_rebase_trace(out, sc->file, dest_dir, err) != 0)
		return cs_err_set(err, "reproducer: cannot express the trace path '%s' "
				  "relative to '%s'", sc->trace.path, dest_dir);
	return 0;
}

/* The description, cut to fit, never overflowed. */
static void describe(struct scenario *out, const char *d)
{
	snprintf(out->description, sizeof(out->description), "%.*s",
		 (int)sizeof(out->description) - 1, d);
}

int sim_reproducer(const struct scenario *sc, const struct violation *v, uint32_t number,
		   const char *dest_dir, struct scenario *out, struct cs_err *err)
{
	char d[512];

	*out = *sc;
	snprintf(out->name, sizeof(out->name), "%.40s-violation-%u", sc->name[0] ? sc->name : "run",
		 number);
	snprintf(d, sizeof(d),
		 "reproduces crash %u (%s), state %u (%s) of %.60s: %" PRIu64 " stale, %"
		 PRIu64 " silent, %" PRIu64 " false-positive sectors, %" PRIu64 " hung",
		 v->crash, v->trigger, v->state, v->label, sc->name,
		 v->counts.sectors[ORC_STALE], v->counts.sectors[ORC_SILENT],
		 v->counts.sectors[ORC_FALSE_POS], v->counts.not_completed);
	describe(out, d);
	return one_state(sc, v->crash_kind, v->crash_value, v->record_limit, v->state, dest_dir,
			 out, err);
}

int sim_reproducer_recovery(const struct scenario *sc, const struct recovery_violation *v,
			    uint32_t number, const char *dest_dir, struct scenario *out,
			    struct cs_err *err)
{
	char d[512];

	*out = *sc;
	snprintf(out->name, sizeof(out->name), "%.40s-recovery-violation-%u",
		 sc->name[0] ? sc->name : "run", number);
	snprintf(d, sizeof(d),
		 "reproduces a crash during recovery: crash %u, state %u, its mount's write or "
		 "flush %" PRIu64 ", state %u there (%s) of %.60s: %" PRIu64 " stale, %" PRIu64
		 " silent, %" PRIu64 " false-positive sectors, %" PRIu64 " hung",
		 v->crash, v->state, v->mount_io, v->rstate, v->label, sc->name,
		 v->counts.sectors[ORC_STALE], v->counts.sectors[ORC_SILENT],
		 v->counts.sectors[ORC_FALSE_POS], v->counts.not_completed);
	describe(out, d);
	/* that one point of that one mount, that one state there */
	assert(v->mount_io <= UINT32_MAX); /* crash.recovery_at is 32 bits */
	out->crash.recovery = SC_RECOVERY_EACH_WRITE;
	out->crash.recovery_points = 0;
	out->crash.recovery_at = (uint32_t)v->mount_io;
	out->crash.recovery_state = v->rstate;
	return one_state(sc, v->crash_kind, v->crash_value, v->record_limit, v->state, dest_dir,
			 out, err);
}
