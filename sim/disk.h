/* The emulated disk: a timing model (HDD, SSD or RAM profile), a request
 * queue, a volatile write cache with the flush/FUA/barrier semantics of Linux
 * 2.6.30, and the persistent media underneath.
 *
 * Semantics (the contract the protocol and the oracle rely on):
 * - READ: returns the newest content of each sector, from the cache if it
 *   holds the sector, else from the media.
 * - WRITE (plain): with the cache enabled it completes once in the cache (not
 *   durable); the cache destages oldest-first when full, at a flush, or after
 *   destage_idle_ms of idleness. Without a cache it completes when on media.
 * - FUA write: completes when its own sectors are on the media.
 * - PREFLUSH on a write: every write completed before it is made durable
 *   first.
 * - FLUSH (empty): completes when every write completed before it is durable.
 * - BARRIER write (2.6.30): waits until every request submitted earlier has
 *   completed (drain), then preflush, then the write with FUA (or write and
 *   postflush when the device lacks FUA); requests submitted after it are
 *   held until it completes. On completion the barrier write and everything
 *   submitted before it are durable.
 * - A crash (disk_crash) stops the disk: requests in flight never complete;
 *   the cache's contents are lost or kept as the fault hooks decide. */
#ifndef CSUMSIM_SIM_DISK_H
#define CSUMSIM_SIM_DISK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/csum.h"
#include "faults/hooks.h"
#include "scenarios/scenario.h"
#include "sim/engine.h"
#include "sim/media.h"
#include "util/err.h"

struct disk_req;
typedef void (*disk_done_fn)(void *arg, struct disk_req *r);

struct disk_req {
	/* filled by the submitter */
	uint8_t kind;      /* enum csum_io_kind */
	uint32_t flags;    /* CSUM_IOF_* */
	uint64_t sector;
	uint32_t count;
	uint8_t *buf;      /* count*512: source (write) or destination (read) */
	uint64_t *tags;    /* count tags or NULL (see core/csum.h) */
	disk_done_fn done;
	void *arg;
	/* filled by the disk */
	int error;         /* 0 or -CSUM_EIO */
	uint64_t t_submit, t_start, t_done;
	/* private to the disk */
	struct disk_req *next;
	uint64_t seq;
	uint32_t state;
	uint32_t flush_epoch; /* flushes submitted before it (a preflush counts) */
	bool append;          /* it reached past every write submitted before it */
};

struct disk_stats {
	uint64_t reads, writes, flushes;     /* requests completed, by kind */
	uint64_t read_sectors, write_sectors;
	uint64_t fua_writes, barrier_writes, preflushes;
	uint64_t cache_flushes; /* flush operations executed: empty flushes, pre- and postflushes */
	uint64_t media_writes, media_write_sectors; /* what reached the platters/flash */
	uint64_t destaged_sectors;
	uint64_t busy_ns;                    /* time with a request in service */
	uint64_t seeks;                      /* HDD: head moves */
};

struct disk;

/* `dev` is the backing-device number used with the media and the hooks;
 * `sectors` bounds requests (a request beyond it fails with -EIO). */
struct disk *disk_new(struct engine *e, const struct sc_disk *p, struct media *m,
		      unsigned dev, uint64_t sectors, const struct fault_hooks *hooks,
		      struct cs_err *err);
void disk_free(struct disk *d);
/* Queue a request; r->done(r->arg, r) is called from an engine event when it
 * completes. The disk does not copy r: it must live until then. */
void disk_submit(struct disk *d, struct disk_req *r);
/* A hint: sectors [sector, sector + count) will be asked for a few requests
 * from now; entry: only the media's table entries (the earlier step), else
 * the media's values. Changes nothing. */
void disk_prefetch(const struct disk *d, uint64_t sector, uint32_t count, bool entry);
/* The same for count metadata sectors (stored as bytes on the media). */
void disk_prefetch_meta(const struct disk *d, uint64_t sector, uint32_t count, bool entry);
/* A request for the protocol's sub-I/O io, completing through done(arg). */
void disk_req_from_io(struct disk_req *r, const struct csum_io *io, disk_done_fn done, void *arg);
/* Power loss now: apply the crash hooks to the cache, drop everything in
 * flight (their callbacks never run), and leave the disk empty and idle so a
 * recovery pass can use it again. */
void disk_crash(struct disk *d);
const struct disk_stats *disk_stats(const struct disk *d);
/* Sectors sitting in the volatile cache now (not durable). */
uint64_t disk_cached_sectors(const struct disk *d);
/* The writes that are not durable now, in acceptance order: the volatile
 * cache's entries (in_service false), then the writes in service on the
 * media (in_service true: a power failure catches them mid-way). *out points
 * into the disk; valid until the next call that changes the disk. Returns
 * the count. */
uint32_t disk_volatile_writes(struct disk *d, const struct fault_cached_write **out);

/* libfiu failure points (SQLite-style I/O errors). fiu_fail(point) is asked
 * once per request of that kind, at disk_submit, in submission order; a
 * failing request completes with -CSUM_EIO one command overhead after it is
 * admitted, without touching cache or media. See docs/DISK.md. */
#define SIM_DISK_READ_ERROR "sim/disk/read_error"
#define SIM_DISK_WRITE_ERROR "sim/disk/write_error"
#define SIM_DISK_FLUSH_ERROR "sim/disk/flush_error"
/* The three names above, NULL-terminated. */
extern const char *const sim_disk_points[];
/* The run enabled no libfiu point: stop asking libfiu at every submission
 * (it would answer 0; asking takes its lock). A new disk asks. */
void disk_no_fault_points(struct disk *d);
/* A new disk, on d's engine, media and hooks, as d would be after
 * disk_crash(d) with nothing kept: empty, idle, its counters (submission
 * order, flush epochs, furthest write, stats) going on from d's. d itself is
 * not touched: a crash state explored in the replay's process recovers on it
 * while the replay keeps d. NULL with err set. */
struct disk *disk_power_cycled(const struct disk *d, struct cs_err *err);

#endif
