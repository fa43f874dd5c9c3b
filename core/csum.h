/* The protocol interface: how a variant (dm-csum as the RFC wrote it, a fixed
 * variant, or a baseline) turns one block request into sub-I/Os with ordering
 * constraints, and judges the data it is handed.
 *
 * The core is a pure state machine: no time, no files, no randomness, no
 * allocation. The simulator owns all memory (it allocates ctx_size and
 * job_size bytes for the variant) and schedules the sub-I/Os; the core only
 * asks "may this allocation succeed?" at the RFC's allocation sites, through
 * named libfiu points (see core/points.h).
 *
 * Life of a user request:
 *   1. ops->split() cuts it into pieces ("nice bios") and says how many
 *      piece completions end the request (RFC: handle_evil_bio()).
 *   2. Each piece waits for the variant's lock (RFC: one global semaphore),
 *      then ops->start() returns its first step.
 *   3. A step is a batch of sub-I/Os submitted in order; when every one of
 *      them has completed (each with an error code), ops->resume() returns the
 *      next step, until a DONE step gives the piece's result.
 */
#ifndef CSUMSIM_CORE_CSUM_H
#define CSUMSIM_CORE_CSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CSUM_SECTOR 512u

/* Linux errno values, as the RFC returns them. */
#define CSUM_EIO 5
#define CSUM_ENOMEM 12
#define CSUM_EINVAL 22
#define CSUM_EOPNOTSUPP 95

/* ---- user requests --------------------------------------------------- */

enum csum_op {
	CSUM_OP_READ = 0,
	CSUM_OP_WRITE = 1,
	CSUM_OP_FLUSH = 2,   /* empty flush (blkparse "F" with no sector) */
	CSUM_OP_DISCARD = 3,
};

/* Request flags, as a block trace's RWBS column carries them. */
enum {
	CSUM_RQ_SYNC = 1u << 0,
	CSUM_RQ_META = 1u << 1,
	CSUM_RQ_PREFLUSH = 1u << 2,
	CSUM_RQ_FUA = 1u << 3,
	CSUM_RQ_AHEAD = 1u << 4, /* readahead */
	CSUM_RQ_BARRIER = 1u << 5,
};

/* A request as a workload keeps it, 16 bytes (a workload holds millions):
 * a struct csum_request without the start time the host sets. */
struct csum_wl_req {
	uint64_t sector;
	uint32_t count;
	uint16_t flags; /* CSUM_RQ_*, all below CSUM_WL_FLAGS_MAX */
	uint8_t op;     /* enum csum_op */
	uint8_t pad;    /* zero */
};
#define CSUM_WL_FLAGS_MAX (1u << 16)

struct csum_request {
	uint64_t sector; /* in the exported (dm) device, 512-byte units */
	uint32_t count;  /* sectors; 0 only for CSUM_OP_FLUSH */
	uint8_t op;      /* enum csum_op */
	uint32_t flags;  /* CSUM_RQ_* */
	/* Simulated time (ns) when the piece starts: the host sets it before
	 * ops->start, so variants with timers (dm-integrity's commit_time and
	 * bitmap_flush_interval) can run what fell due since. */
	uint64_t now_ns;
};

/* ---- placement: the dm table line ------------------------------------- */

enum csum_placement {
	CSUM_PLACE_SAME = 0,     /* data and imd interleaved on one device */
	CSUM_PLACE_SEPARATE = 1, /* data on device 0, imd on device 1 */
};

/* Backing devices as sub-I/Os name them. With CSUM_PLACE_SAME both data and
 * imd I/O go to CSUM_DEV_DATA. */
enum { CSUM_DEV_DATA = 0, CSUM_DEV_IMD = 1, CSUM_MAX_DEVS = 2 };

struct csum_table {
	uint64_t begin;      /* ti->begin: first dm sector of this target */
	uint64_t len;        /* ti->len: data sectors the target exports */
	uint64_t data_start; /* <data dev offset> */
	uint64_t imd_start;  /* <integrity dev offset> (separate placement) */
	uint8_t placement;   /* enum csum_placement */
};

/* ---- sub-I/Os --------------------------------------------------------- */

enum csum_io_kind { CSUM_IO_READ = 0, CSUM_IO_WRITE = 1, CSUM_IO_FLUSH = 2 };

/* Sub-I/O flags, as the 2.6.30 block layer knows them. A BARRIER write is
 * ordered after every write submitted before it to the same device and is
 * durable, with them, when it completes (drain, preflush, write, FUA or
 * postflush). */
enum {
	CSUM_IOF_BARRIER = 1u << 0,
	CSUM_IOF_FUA = 1u << 1,
	CSUM_IOF_PREFLUSH = 1u << 2,
	CSUM_IOF_SYNC = 1u << 3,
	CSUM_IOF_META = 1u << 4,
};

/* What a sub-I/O is for, so that metrics can count by purpose. */
enum csum_io_role {
	CSUM_ROLE_DATA_READ = 0,
	CSUM_ROLE_DATA_WRITE,
	CSUM_ROLE_IMD_READ,
	CSUM_ROLE_IMD_WRITE,
	CSUM_ROLE_FLUSH,
	CSUM_ROLE_JOURNAL_WRITE,
	CSUM_ROLE_BITMAP_WRITE,
	CSUM_ROLE_COUNT
};

/* Content tags: a data sector's content is identified by a 64-bit tag from
 * which the simulator regenerates its 512 bytes (tag 0 is all zeros). Tags
 * let the media store 8 bytes instead of 512 per sector. A data sub-I/O
 * carries the user's tag array (in for writes, out for reads); metadata
 * sub-I/Os carry NULL and real bytes. On reads the media reports
 * CSUM_TAG_NONE for a sector whose bytes are no clean generated content
 * (torn, rotted, metadata). */
#define CSUM_TAG_NONE UINT64_MAX

struct csum_io {
	uint8_t kind;  /* enum csum_io_kind */
	uint8_t dev;   /* CSUM_DEV_* */
	uint8_t role;  /* enum csum_io_role */
	uint32_t flags;/* CSUM_IOF_* */
	uint64_t sector;
	uint32_t count;   /* sectors; 0 for a flush */
	uint8_t *buf;     /* count * 512 bytes, owned by the job or the user */
	uint64_t *tags;   /* count tags or NULL, see above */
	int error;        /* set by the simulator: 0 or -CSUM_EIO */
};

/* ---- steps ------------------------------------------------------------ */

#define CSUM_STEP_MAX_IO 8

enum csum_step_kind { CSUM_STEP_IO = 0, CSUM_STEP_DONE = 1 };

/* Per-sector verdict of a read, how the data was judged. */
enum csum_verdict {
	CSUM_V_UNCHECKED = 0, /* not judged (earlier mismatch, or no checksum) */
	CSUM_V_NEWER = 1,     /* matched the newer imd copy */
	CSUM_V_OLDER = 2,     /* matched only the older copy: the fallback */
	CSUM_V_MISMATCH = 3,  /* matched neither: the read fails */
	CSUM_V_NOCHECK = 4,   /* the variant keeps no checksum for it */
};

struct csum_step {
	uint8_t kind; /* enum csum_step_kind */
	/* CSUM_STEP_IO: submit io[0..n_io) in this order; resume when all are done */
	unsigned n_io;
	struct csum_io *io[CSUM_STEP_MAX_IO];
	/* CSUM_STEP_DONE */
	int result;          /* 0 or a negative CSUM_E* */
	bool lock_released;  /* false: the RFC's error paths that never up() */
	const char *why;     /* short reason for a failure, static string */
	/* Bytes the variant checksummed to reach this step (CPU time). The host
	 * zeroes the whole step before each start/resume call. */
	uint32_t crc_bytes;
};

/* ---- splitting -------------------------------------------------------- */

struct csum_piece {
	uint64_t sector;   /* dm sector of the piece */
	uint32_t count;
	uint32_t offset;   /* sectors from the start of the user request */
};

struct csum_split {
	/* What csum_map() returns: 0, or a negative errno that fails the whole
	 * user request at once (nothing was queued). */
	int map_result;
	bool evil;          /* bio_is_evil() */
	/* Pieces queued, in queue order, in a caller array of `cap` entries. */
	struct csum_piece *piece;
	uint32_t cap;
	uint32_t n_pieces;
	/* The user request completes after this many piece completions; more
	 * than n_pieces means it never completes (RFC: no prelude). */
	uint32_t expected;
	/* The request ends in -EIO whatever its pieces do (a piece could not
	 * be prepared after others were queued). */
	bool error;
	/* The arithmetic, for reports and tests */
	uint64_t prelude, postlude;
	uint64_t nmiddle;
};

/* Pieces a request of `count` sectors can be cut into, at most: size the
 * piece array with this. */
uint32_t csum_split_cap(uint32_t count);
/* Clears every result field of out (keeps piece and cap): nothing queued. */
void csum_split_reset(struct csum_split *out);
/* Asserts what every split promises of out for a request [sector, +count)
 * (count 0: a flush): at most cap pieces, none on a refusal; pieces in
 * order, contiguous from the request's start, each inside it, covering it
 * unless out->error; expected >= n_pieces. O(n_pieces); nothing with
 * NDEBUG. */
void csum_split_check(uint64_t sector, uint32_t count, const struct csum_split *out);

/* ---- layout queries (for fault targeting and outcome attribution) ----- */

enum csum_sector_kind {
	CSUM_SK_NONE = 0,     /* unused by the variant */
	CSUM_SK_DATA = 1,     /* holds one dm sector's data */
	CSUM_SK_IMD = 2,      /* integrity metadata (checksums) of a range of dm sectors */
	CSUM_SK_RESERVED = 3, /* the RFC's reserved sectors */
	CSUM_SK_JOURNAL = 4,  /* a journal block */
	CSUM_SK_BITMAP = 5,   /* a dirty-bitmap block */
};

struct csum_sector_info {
	uint8_t kind;          /* enum csum_sector_kind */
	uint8_t copy;          /* CSUM_SK_IMD: which copy (rfc: 0 = M1, 1 = M2) */
	uint16_t header_bytes; /* CSUM_SK_IMD: leading bytes that are a header (rfc: 8) */
	uint64_t first;        /* the dm sectors this sector serves: [first, first+count) */
	uint32_t count;
};

#define CSUM_MAX_META 4
struct csum_location {
	uint8_t data_dev;
	uint64_t data_sector;
	uint8_t n_meta;                   /* metadata sectors that protect it */
	uint8_t meta_dev[CSUM_MAX_META];
	uint64_t meta_sector[CSUM_MAX_META];
};

/* ---- variants --------------------------------------------------------- */

enum csum_lock_scope {
	CSUM_LOCK_GLOBAL = 0, /* one piece at a time across every device (RFC) */
	CSUM_LOCK_GROUP = 1,  /* one piece at a time per imd group */
	CSUM_LOCK_NONE = 2,
};

/* How the variant handles user flushes (empty, or PREFLUSH on a write). */
enum csum_flush_policy {
	CSUM_FLUSH_DROP = 0,    /* completed by dm without I/O (RFC: no num_flush_requests) */
	CSUM_FLUSH_FORWARD = 1, /* flushed on every backing device */
};

/* How the dm core around the target treats a barrier (an empty flush, or a
 * write with PREFLUSH): a property of the kernel a variant is modelled in. */
enum csum_dm_barrier {
	/* passed to the target in order with everything else, no waiting
	 * (dm since 2.6.37, REQ_FLUSH/FUA) */
	CSUM_BARRIER_PASS = 0,
	/* 2.6.30 bio-based dm (dm_wq_work, process_barrier): the barrier waits
	 * until every bio dm has mapped completed, then runs alone, and every
	 * later bio queues behind it; a bio that never completes stalls the
	 * device at the next barrier */
	CSUM_BARRIER_DRAIN = 1,
};

struct csum_options {
	uint8_t flush_policy; /* enum csum_flush_policy */
	/* Baselines (docs/BASELINES.md); 0 picks the default. */
	uint32_t journal_sectors;        /* journal: region incl. superblock (8192) */
	uint32_t commit_interval_writes; /* journal: records per commit, 1..32 (1) */
	uint32_t bitmap_region_sectors;  /* bitmap: dm sectors per bit, k*62 (7936) */
	/* rfc-family variants with M1 and M2 apart (rfc-apart, fixed-strong):
	 * the least M2 - M1 distance in sectors, rounded up to the layout's
	 * unit (docs/PROTOCOL.md "Variants"); 0: the variant's default. Other
	 * variants ignore it. */
	uint64_t apart_sectors;
	/* The run enabled no libfiu point, so every fiu_fail() would answer 0:
	 * the rfc family then does not ask (each call takes libfiu's lock and
	 * hashes the name, about ten per request). false: always ask. */
	bool no_fault_points;
	/* dmi-* (docs/DMINTEGRITY.md), the kernel's target arguments; 0 picks
	 * the kernel default. journal_sectors above is also theirs. */
	uint32_t dmi_interleave_sectors; /* interleave_sectors (32768), >= 64 */
	uint32_t dmi_sectors_per_bit;    /* sectors_per_bit (32768) */
	uint32_t dmi_commit_time_ms;     /* commit_time (10000) */
	uint32_t dmi_bitmap_flush_ms;    /* bitmap_flush_interval (10000) */
	uint32_t dmi_journal_watermark;  /* journal_watermark, percent (50) */
	bool dmi_allow_discards;         /* allow_discards (off) */
};

struct csum_variant_ops {
	const char *name;
	const char *summary;
	size_t ctx_size; /* per device instance */
	size_t job_size; /* per piece in flight */
	uint8_t lock_scope;
	uint8_t n_devs;  /* backing devices this variant needs for a placement */
	uint8_t dm_barrier; /* enum csum_dm_barrier of the modelled kernel (0: pass) */

	/* Returns 0, or -1 with a static reason in *why. */
	int (*init)(void *ctx, const struct csum_table *t, const struct csum_options *o,
		    const char **why);
	/* Size of backing device `dev` this table needs, in sectors. */
	uint64_t (*dev_sectors)(const void *ctx, unsigned dev);
	/* What an unwritten sector of a freshly formatted device holds. */
	void (*initial_sector)(const void *ctx, unsigned dev, uint64_t sector,
			       uint8_t out[CSUM_SECTOR]);
	int (*split)(void *ctx, const struct csum_request *rq, struct csum_split *out);
	/* Lock key of a piece under CSUM_LOCK_GROUP. */
	uint64_t (*lock_key)(const void *ctx, const struct csum_piece *p);
	/* `buf`/`tags` are the user's, already offset to this piece. */
	void (*start)(void *ctx, void *job, const struct csum_request *rq,
		      const struct csum_piece *p, uint8_t *buf, uint64_t *tags,
		      struct csum_step *out);
	void (*resume)(void *ctx, void *job, struct csum_step *out);
	/* The read verdicts of a finished piece (count entries), or NULL. */
	const uint8_t *(*verdicts)(const void *job);
	/* What backing sector (dev, sector) holds in this variant's layout.
	 * Where layouts collide (rfc with offsets) the metadata role wins, as
	 * in initial_sector. */
	void (*sector_info)(const void *ctx, unsigned dev, uint64_t sector,
			    struct csum_sector_info *out);
	/* Where dm sector s lives: its data sector and the metadata sectors
	 * that hold its checksums (rfc: M1 and M2). */
	void (*locate)(const void *ctx, uint64_t dm_sector, struct csum_location *out);
	/* Optional (NULL: nothing to do): the procedure a variant runs when the
	 * device is set up again after a crash, before any user I/O (journal
	 * replay, recomputing dirty regions). Steps as for a piece: this
	 * returns the first, ops->resume the next ones, until DONE. Runs with
	 * a job of job_size bytes, alone (no user I/O in parallel). */
	void (*recover_start)(void *ctx, void *job, struct csum_step *out);
};

/* The registry of variants, by name. */
const struct csum_variant_ops *csum_variant_find(const char *name);
/* NULL-terminated list of every registered variant. */
const struct csum_variant_ops *const *csum_variant_all(void);

#endif
