/* merge's reader of a sweep run's point.json on any bytes, as run 1 of a
 * fixed two-variant sweep (the corpus holds that run's real file, so the
 * label check passes and the metrics and verdict readers are reached). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "reports/sweep_priv.h"
#include "scenarios/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char sweep_yaml[] =
	"name: fuzz-point\n"
	"variant: rfc\n"
	"device: {sectors: 65536}\n"
	"trace: {generator: {requests: 200}}\n"
	"crash: {mode: every_flush, max_crashes: 2}\n"
	"output: {plots: false, baseline: true, capacity: false}\n"
	"sweep:\n"
	"  replicas: 2\n"
	"  params:\n"
	"    variant: [rfc, fixed]\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scenario sc; /* large: not on the stack */
	static int loaded;
	struct sw_run r;
	struct cs_err err;
	json_error_t je;
	json_t *root;

	if (!loaded) {
		if (scenario_load_text(&sc, "fuzz-point.yaml", (const unsigned char *)sweep_yaml,
				       strlen(sweep_yaml), &err) != 0 ||
		    scenario_validate(&sc, &err) != 0)
			abort();
		loaded = 1;
	}
	root = json_loadb((const char *)data, size, 0, &je);
	if (root == NULL)
		return 0;
	memset(&r, 0, sizeof(r));
	if (sweep_point_from_json(root, "runs/000001", &sc, 1, &r, &err) == 0 &&
	    r.has_vd && r.vd.detection.n < r.vd.detection.k)
		abort(); /* what the sweep's aggregate relies on */
	json_decref(root);
	return 0;
}
