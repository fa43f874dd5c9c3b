#include "one_write.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/run.h"

struct scenario *one_write_scenario(const char *variant)
{
	struct scenario *sc = malloc(sizeof(*sc));

	assert_non_null(sc);
	scenario_defaults(sc);
	snprintf(sc->file, sizeof(sc->file), "test");
	snprintf(sc->variant, sizeof(sc->variant), "%s", variant);
	sc->device.sectors = 8192;
	sc->vopts.bitmap_region_sectors = 62;
	sc->disk.profile = SC_DISK_SSD;
	sc->disk.cache.enabled = false;
	sc->output.progress = false;
	sc->trace.kind = SC_TRACE_GENERATOR;
	sc->trace.gen.requests = 1;
	sc->trace.gen.read_fraction = 0;
	sc->trace.gen.sizes[0] = 8;
	sc->trace.gen.n_sizes = 1;
	sc->trace.gen.span = 8;
	sc->crash.kind = SC_CRASH_END;
	return sc;
}

void one_write_run(const struct scenario *sc, struct run_metrics *m)
{
	struct sim_options o = { .crashes = true, .only_crash = UINT32_MAX };
	struct cs_err err = { { 0 } };
	struct sim_workload w;

	if (sim_workload_load(&w, sc, &err) != 0)
		fail_msg("workload: %s", err.msg);
	run_metrics_init(m, sc->variant, 0);
	if (sim_run(sc, NULL, &w, &o, m, &err) != 0)
		fail_msg("sim_run: %s", err.msg);
	sim_workload_free(&w);
}
