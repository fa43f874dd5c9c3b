/* merge's reader of a shard's shard.json on any bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "cli/sweep_shard.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shard_info si;
	struct cs_err err;
	char *text = NULL;

	fuzz_write(SHARD_MARKER, data, size);
	if (shard_info_read(fuzz_dir(), &si, &text, &err) == 0 && si.reproduce == NULL)
		abort();
	free(text);
	return 0;
}
