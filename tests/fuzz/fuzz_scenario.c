/* The scenario loader on any text. Beyond "no crash": whatever it accepts,
 * its canonical YAML loads back and prints the same (a fixed point), and
 * the cross-field checks and the sweep expansion run on it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenario.h"
#include "scenarios/sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scenario s, back, one; /* large: not on the stack */
	struct cs_err err;
	char *y, *y2;

	if (scenario_load_text(&s, "fuzz.yaml", data, size, &err) != 0)
		return 0;
	(void)scenario_validate(&s, &err);
	y = scenario_to_yaml(&s);
	if (y == NULL)
		abort();
	if (scenario_load_text(&back, "fuzz.yaml", (const unsigned char *)y, strlen(y), &err) != 0)
		abort(); /* printed text that does not load */
	y2 = scenario_to_yaml(&back);
	if (y2 == NULL || strcmp(y, y2) != 0)
		abort(); /* print -> load -> print moved */
	free(y);
	free(y2);
	if (scenario_is_sweep(&s) && scenario_validate(&s, &err) == 0) {
		struct sweep_coord co;
		uint64_t n = sweep_count(&s);

		/* the first and the last point are enough to walk the expansion */
		(void)sweep_point(&s, 0, &one, &co, &err);
		if (n > 1)
			(void)sweep_point(&s, n - 1, &one, &co, &err);
	}
	return 0;
}
