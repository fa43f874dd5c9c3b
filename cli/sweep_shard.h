/* shard.json: what a shard of a sweep holds (csumsim sweep --shard I/N),
 * read back by csumsim merge to check that the shards belong together. */
#ifndef CSUMSIM_CLI_SWEEP_SHARD_H
#define CSUMSIM_CLI_SWEEP_SHARD_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

#define SHARD_MARKER "shard.json"

struct shard_info {
	uint32_t shard, of;    /* this is shard `shard` of `of` */
	uint64_t n_runs;       /* of the whole sweep */
	uint64_t fingerprint;  /* of sweep.yaml (scenarios/sweep.h) */
	const char *reproduce; /* the command that runs the whole sweep */
	bool plots;
};

int shard_info_write(const char *dir, const struct shard_info *si, struct cs_err *err);
/* Reads dir/shard.json; si->reproduce points into *text_out, which the
 * caller frees. */
int shard_info_read(const char *dir, struct shard_info *si, char **text_out, struct cs_err *err);

#endif
