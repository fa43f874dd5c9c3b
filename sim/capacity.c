#include "sim/capacity.h"

#include <assert.h>
#include <stdlib.h>

int sim_capacity(const struct scenario *sc, const char *variant, const struct sim_workload *w,
		 uint32_t queue_depth, struct capacity_info *out, struct cs_err *err)
{
	const struct sim_options opt = { .crashes = false, .only_crash = UINT32_MAX };
	struct scenario *one = malloc(sizeof(*one));
	struct scenario *clean = malloc(sizeof(*clean));
	struct run_metrics *m = malloc(sizeof(*m));
	uint64_t bytes = 0;
	int rc = -1;

	assert(queue_depth > 0);
	if (one == NULL || clean == NULL || m == NULL) {
		cs_err_set(err, "out of memory");
		goto out;
	}
	*one = *sc;
	scenario_defaults(clean);
	one->faults = clean->faults;
	one->n_fiu = 0;
	one->crash.kind = SC_CRASH_NONE;
	one->host.mode = SC_HOST_CLOSED;
	one->host.queue_depth = queue_depth;
	one->output.per_request_csv = false;
	one->output.progress = false;
	run_metrics_init(m, variant ? variant : sc->variant, 0);
	if (sim_run(one, variant, w, &opt, m, err) != 0) {
		run_metrics_free(m);
		goto out;
	}
	for (uint32_t i = 0; i < m->tput.n_bins; i++)
		bytes += m->tput.read_bytes[i] + m->tput.write_bytes[i];
	*out = (struct capacity_info){
		.measured = true,
		.stalled = m->stalled_at != UINT64_MAX,
		.queue_depth = queue_depth,
		.time_ns = m->sim_time_ns,
		.requests_done = m->lat_all.count,
		.bytes_done = bytes,
	};
	assert(out->requests_done <= w->n);
	if (m->sim_time_ns > 0) {
		double s = (double)m->sim_time_ns * 1e-9;

		out->iops = (double)out->requests_done / s;
		out->mib_s = (double)bytes / (1024.0 * 1024.0) / s;
	}
	run_metrics_free(m);
	rc = 0;
out:
	free(m);
	free(clean);
	free(one);
	return rc;
}
