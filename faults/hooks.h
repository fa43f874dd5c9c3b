/* Where fault models act on the disk and its media. The disk calls these at
 * defined points; a NULL hook means "no fault": everything cached is lost at
 * a crash, every write persists whole where it was sent, every read works.
 * faults/ implements the models (issue 4 adds tearing, rot, loss, ...). */
#ifndef CSUMSIM_FAULTS_HOOKS_H
#define CSUMSIM_FAULTS_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/csum.h"

/* One write that sat in a volatile cache: completed to the host, not durable. */
struct fault_cached_write {
	unsigned dev;
	uint64_t sector;
	uint32_t count;
	uint64_t seq;          /* order in which the disk accepted it */
	const uint64_t *tags;  /* per sector, CSUM_TAG_NONE where bytes apply */
	const uint8_t *bytes;  /* count * 512 bytes */
	bool in_service;       /* being written to the media when power failed */
	uint32_t flush_epoch;  /* flushes submitted before it (disk.contract.reorder) */
	bool append;           /* reached past every earlier write (safe_append) */
};

/* A write about to persist on the media (write-through, FUA or destage). The
 * hook may change where and what persists: set *skip to lose it whole, or
 * rewrite *sector (misdirect), or persist fewer sectors via *persist_mask
 * (bit i: sector i persists; only the first 64 sectors are maskable). */
struct fault_persist {
	unsigned dev;
	uint64_t sector;
	uint32_t count;
	bool skip;
	uint64_t persist_mask; /* all ones by default */
};

struct fault_hooks {
	void *ctx;
	/* At a crash: keep[i] = true for each cached write that persists
	 * anyway; they are applied in the order of `order` (indices), which the
	 * hook may permute. Default: nothing kept. */
	void (*on_crash)(void *ctx, const struct fault_cached_write *w, uint32_t n,
			 bool *keep, uint32_t *order);
	void (*on_persist)(void *ctx, struct fault_persist *p);
	/* A media read of one sector: return nonzero to fail it (latent error). */
	int (*on_read)(void *ctx, unsigned dev, uint64_t sector);
};

#endif
