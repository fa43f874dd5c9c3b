#include "sim/reproducer.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults/crash.h"

int sim_reproducer(const struct scenario *sc, const struct violation *v, uint32_t number,
		   const char *dest_dir, struct scenario *out, struct cs_err *err)
{
	*out = *sc;
	snprintf(out->name, sizeof(out->name), "%.40s-violation-%u", sc->name[0] ? sc->name : "run",
		 number);
	{
		/* a description longer than the field is cut, never overflowed */
		char d[512];

		snprintf(d, sizeof(d),
			 "reproduces crash %u (%s), state %u (%s) of %.60s: %" PRIu64 " stale, %"
			 PRIu64 " silent, %" PRIu64 " false-positive sectors, %" PRIu64 " hung",
			 v->crash, v->trigger, v->state, v->label, sc->name,
			 v->counts.sectors[ORC_STALE], v->counts.sectors[ORC_SILENT],
			 v->counts.sectors[ORC_FALSE_POS], v->counts.not_completed);
		snprintf(out->description, sizeof(out->description), "%.*s",
			 (int)sizeof(out->description) - 1, d);
	}
	memset(out->crash.at, 0, sizeof(out->crash.at));
	out->crash.kind = v->crash_kind == CRASH_BEFORE_REQUEST ? SC_CRASH_AT_REQUEST
								: SC_CRASH_AT_TIME;
	out->crash.at[0] = v->crash_value;
	out->crash.n_at = 1;
	out->crash.random_count = 0;
	out->crash.max_crashes = 0;
	out->crash.only_state = v->state;
	out->crash.budget_kind = SC_BUDGET_NONE; /* one state: no budget to spread */
	out->crash.budget_limit = 0;
	out->trace.limit = v->record_limit;
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
