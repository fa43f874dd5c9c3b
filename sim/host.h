/* The host: takes user requests, runs each through the protocol variant
 * (split into pieces, the variant's lock, step after step of sub-I/Os on the
 * disks), and reports every completion to the oracle and the metrics.
 * A request can hang (a piece that never releases the lock, a split that
 * waits for a piece that was never queued): that is a result, counted, not a
 * failure of the simulator. */
#ifndef CSUMSIM_SIM_HOST_H
#define CSUMSIM_SIM_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "core/csum.h"
#include "reports/metrics.h"
#include "sim/disk.h"
#include "sim/engine.h"
#include "sim/oracle.h"

struct host;

#define HOST_MAX_MD 2 /* mapped devices one host serves (host_cfg.md_split) */

struct host_done_info {
	uint64_t id;
	uint8_t op;
	int result;
	uint64_t sector;
	uint32_t count;
	/* per sector oracle classes (reads only, else NULL) */
	const uint8_t *classes;
};

typedef void (*host_done_fn)(void *arg, const struct host_done_info *info);

struct host_cfg {
	const struct csum_variant_ops *ops;
	void *ctx;                        /* the variant's instance, initialised */
	struct engine *engine;
	struct disk *disk[CSUM_MAX_DEVS]; /* by backing-device number */
	struct oracle *oracle;
	struct run_metrics *metrics;      /* NULL: count nothing (recovery) */
	uint64_t content_seed;
	uint64_t stage_ns;                /* CPU time per step */
	double crc_ns_per_byte;
	bool crash_floor;                 /* reads judged against durability (recovery) */
	uint8_t barrier;                  /* enum csum_dm_barrier of the dm core around the target */
	/* 0: one mapped device. Else dm sectors [md_split, ...) are a second
	 * mapped device with its own dm core (its own barrier drain) sharing
	 * the variant's lock: two targets on one global semaphore. */
	uint64_t md_split;
	bool keep_records;
	host_done_fn done;                /* called at each user completion, may be NULL */
	void *done_arg;
	/* called at each completed read whose verdict is a verdict on each of
	 * its sectors (it succeeded, or it was one sector: a failed run of
	 * several says nothing about each), with per-sector oracle classes, to
	 * judge the faults that hit them; may be NULL */
	void (*observe_read)(void *arg, uint64_t sector, uint32_t count, const uint8_t *classes);
	void *observe_arg;
};

/* A request's result from its pieces', as dm ends the bio: a request the
 * variant split (evil) fails -EIO when a piece or the split failed; a
 * nice one gives its last failing piece's result. */
static inline int host_request_result(bool evil, bool split_error, bool any_error,
				      int piece_result)
{
	if (evil)
		return any_error || split_error ? -CSUM_EIO : 0;
	return any_error ? piece_result : 0;
}

struct host *host_new(const struct host_cfg *cfg);
/* Frees every request and piece still alive (hung, or cut by a crash)
 * without completing them. */
void host_free(struct host *h);
/* Submit a user request now. 0, or -1 when memory or an oracle limit runs out. */
int host_submit(struct host *h, const struct csum_request *rq, uint64_t id);
/* Where the variant puts dm sector `sector`: false when it cannot say. */
bool host_locate(const struct host *h, uint64_t sector, struct csum_location *loc);
/* A hint: a request of count sectors from the dm sector located at *loc
 * comes a few requests from now: starts loading the media state of its
 * data's and its metadata's sectors (entry: the table entries only, the
 * earlier step). Changes nothing. */
void host_prefetch(const struct host *h, const struct csum_location *loc, uint32_t count,
		   bool entry);
/* User requests submitted and not completed (queued behind a barrier too). */
uint64_t host_inflight(const struct host *h);
/* CSUM_BARRIER_DRAIN: user requests dm holds back (the barrier it drains
 * for, and every request queued behind it), never handed to the target. */
uint64_t host_deferred(const struct host *h);
bool host_lock_lost(const struct host *h);
/* Adds the user requests still alive (never completed) to by_op[op]. */
void host_count_live(const struct host *h, uint64_t by_op[4]);
/* The smallest id among the user requests still alive (the first that
 * never completed), or UINT64_MAX when none is. */
uint64_t host_first_live(const struct host *h);
/* With per-request records kept: adds one (t_done = UINT64_MAX) for every
 * request still alive, i.e. hung. 0 or -1 (ENOMEM). */
int host_record_live(const struct host *h);
/* Set when the host ran out of memory or an oracle limit inside a callback. */
bool host_failed(const struct host *h);
/* The dm sectors the host is working on right now (the piece whose step is
 * being computed or submitted): 0, or -1 when none (between events). Lets a
 * fault that fires inside a step be attributed to what it hit. */
int host_current(const struct host *h, uint64_t *sector, uint32_t *count);

#endif
