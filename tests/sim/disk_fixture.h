/* Shared scaffolding for the disk tests: an engine, a media and one disk,
 * requests that log their completion order. */
#ifndef CSUMSIM_TESTS_SIM_DISK_FIXTURE_H
#define CSUMSIM_TESTS_SIM_DISK_FIXTURE_H

#include <stdint.h>

#include "sim/disk.h"
#include "sim/engine.h"
#include "sim/media.h"

#define TF_MAX_REQ 64
#define TF_MAX_SECT 80

struct treq {
	struct disk_req r;
	struct tfix *f;
	int completed;
	uint8_t buf[TF_MAX_SECT * CSUM_SECTOR];
	uint64_t tags[TF_MAX_SECT];
};

struct tfix {
	struct engine e;
	struct media *m;
	struct disk *d;
	struct sc_disk p;
	uint64_t sectors;
	struct treq req[TF_MAX_REQ];
	unsigned n_req;
	struct treq *order[TF_MAX_REQ]; /* completion order */
	unsigned n_done;
};

/* The documented defaults of scenarios/scenario.h for one profile, cache off. */
void tf_defaults(struct sc_disk *p, uint8_t profile);
/* Engine, media (seed 1, zero image) and disk of `sectors` sectors. */
struct tfix *tf_new(const struct sc_disk *p, uint64_t sectors, const struct fault_hooks *h);
void tf_free(struct tfix *f);
/* Submit now; tags are tag0, tag0+1, ... (tag0 = CSUM_TAG_NONE: bytes 0xNN). */
struct treq *tf_write(struct tfix *f, uint64_t sector, uint32_t count, uint64_t tag0,
		      uint32_t flags);
struct treq *tf_read(struct tfix *f, uint64_t sector, uint32_t count);
struct treq *tf_flush(struct tfix *f, uint32_t flags);
void tf_run(struct tfix *f);
/* Power loss: clear the engine, crash the disk. */
void tf_crash(struct tfix *f);
/* Index of r in the completion order, or -1. */
int tf_done_pos(const struct tfix *f, const struct treq *r);
/* Tag of one sector as a fresh read sees it (runs the engine). */
uint64_t tf_read_tag(struct tfix *f, uint64_t sector);

#endif
