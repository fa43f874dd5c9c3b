/* --set KEY=VALUE on any text, over the defaults; whatever it accepts must
 * still print and load back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BASE "trace: {file: x}\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scenario s, back;
	struct cs_err err;
	char *text = malloc(size + 1), *y;

	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0'; /* argv strings end at the first NUL */
	/* the smallest scenario the loader takes: the defaults have no trace */
	if (scenario_load_text(&s, "fuzz.yaml", (const unsigned char *)BASE, strlen(BASE), &err))
		abort();
	if (scenario_set(&s, text, &err) == 0) {
		y = scenario_to_yaml(&s);
		if (y == NULL)
			abort();
		if (scenario_load_text(&back, "fuzz.yaml", (const unsigned char *)y, strlen(y),
				       &err) != 0)
			abort();
		free(y);
	}
	free(text);
	return 0;
}
