/* The emulated disk's internals, shared by the files that make it up
 * (sim/disk.c: requests, cache and media server; sim/disk_volatile.c: what
 * a power cut finds in the cache). Internal to sim/disk*.c. */
#ifndef CSUMSIM_SIM_DISK_PRIV_H
#define CSUMSIM_SIM_DISK_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/disk.h"
#include "sim/disk_model.h"
#include "sim/disk_index.h"

enum job_phase { J_DRAIN = 0, J_PRE, J_DATA, J_POST, J_END };

enum op_kind {
	OP_READ = 0,  /* media read for a host read */
	OP_WRITE,     /* media write for a host write (no cache, FUA, oversize) */
	OP_DESTAGE,   /* media write of one cache entry */
	OP_FLUSH,     /* the flush command itself (after its destages) */
	OP_BUS_READ,  /* a read served wholly from the cache */
	OP_BUS_WRITE, /* a plain write transferred into the cache */
};

struct centry {
	uint64_t num;    /* position in the cache: acceptance order, contiguous */
	uint64_t seq;    /* submission number of the write it came from */
	uint64_t sector;
	uint32_t count;
	bool destaging, landed;
	bool in_svc;     /* its destage is being written to the media now */
	bool append;     /* the write's append flag (disk.contract.safe_append) */
	uint32_t flush_epoch;
	uint64_t *tags;  /* count tags, CSUM_TAG_NONE where bytes apply */
	uint8_t *bytes;  /* count*512, only the NONE sectors valid; NULL if none */
	/* storage kept across reuse (disk.spare_entries): tags and bytes point
	 * into it */
	struct centry_own {
		uint64_t *tags;
		uint8_t *bytes;
		uint32_t room, bytes_room; /* sectors each has room for */
	} own;
	struct centry *next_spare;
};

struct job {
	struct disk_req *r;
	uint32_t slot;         /* index in disk.jobs, for events */
	uint8_t phase;
	bool barrier, preflush, in_cache, started, flush_is_pre, is_free;
	int err;
	uint64_t flush_target; /* flush waits until every entry below is landed */
	uint64_t entry_num;    /* its own cache entry, when in_cache */
	struct job *next;      /* free list or flush waiters */
};

struct op {
	uint8_t kind;
	bool host, is_free;
	bool in_svc;           /* taken by the media server, not yet done */
	uint32_t slot;
	uint64_t sector;
	uint32_t count;
	struct job *job;
	struct centry *entry;
	struct op *prev, *next;
};

struct oplist {
	struct op *head, *tail;
};

struct disk {
	bool no_fault_points; /* see disk_no_fault_points() */
	struct engine *e;
	struct disk_model model;
	struct media *m;
	unsigned dev;
	uint64_t sectors;
	struct fault_hooks hooks;
	struct disk_stats st;
	uint32_t epoch;      /* bumped at a crash: stale events are ignored */
	uint64_t seq;        /* request submission counter */
	uint32_t flush_epoch;/* flushes submitted so far (the contract's epochs) */
	uint64_t written_end;/* one past the furthest sector any write reached */

	struct op **ops;     /* every op ever allocated, by slot */
	uint32_t n_ops, cap_ops;
	struct op *free_ops;
	struct job **jobs;
	uint32_t n_jobs, cap_jobs;
	struct job *free_jobs;

	/* media: drive queue (the scheduler picks among these) and the host
	 * FIFO beyond the HDD's queue depth */
	struct oplist drive, hostq;
	uint32_t host_in_drive, in_service;
	/* bus between host and cache: one transfer at a time, FIFO */
	struct oplist bus;
	bool bus_busy;
	uint32_t busy_count;
	uint64_t busy_since;

	uint64_t active;     /* admitted requests not yet completed */
	struct job *barrier; /* the barrier holding later requests */
	struct disk_req *held_head, *held_tail;
	struct disk_req *done_head, *done_tail;
	struct job *waiters; /* flushes waiting for destages */
	uint32_t idle_gen;

	/* cache: entries by num in a ring, [head_num, tail_num) */
	struct centry **cq;
	uint64_t cq_cap;
	/* landed entries kept for reuse with their buffers: three mallocs and
	 * frees per cached write were a few per cent of a replay */
	struct centry *spare_entries;
	uint64_t head_num, tail_num, cursor; /* cursor: next entry to destage */
	uint64_t cached, reserved, destaging; /* sectors */
	struct disk_index cmap; /* sector -> struct cslot (sim/disk_index.h) */

	/* disk_volatile_writes' answer: records, their tags and bytes */
	struct fault_cached_write *vw;
	uint32_t vw_cap;
	uint64_t *vw_tags;   /* one per sector listed */
	uint8_t *vw_bytes;   /* 512 per sector listed */
	size_t vw_sect_cap;
	size_t *vw_first;    /* per record: its first sector in vw_tags */
	struct op **vw_ops;  /* scratch: media writes in service */
	uint32_t vw_ops_cap;
};

/* disk_req.state bits */
#define REQ_INJECTED 1u /* a libfiu point failed it at submission */

static inline void die_oom(void)
{
	/* A simulation cannot continue consistently without memory. It is the
	 * machine's failure, not a bug: exit 3 (could not finish), not abort's
	 * 134; no output exists yet (outputs are written after the run). */
	fputs("csumsim: out of memory in the disk model; could not finish\n", stderr);
	exit(3);
}

/* The cache entry at position num of the ring, or NULL outside it. */
static inline struct centry *entry_at(const struct disk *d, uint64_t num)
{
	if (num < d->head_num || num >= d->tail_num)
		return NULL;
	return d->cq[num & (d->cq_cap - 1)];
}

#endif
