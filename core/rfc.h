/* The rfc family: one implementation of the RFC's protocol (core/rfc.c)
 * driven by a profile that names which defects it fixes and which features
 * it adds. Variant "rfc" is the empty profile; every other member is a row
 * of core/rfc_variants.c. docs/PROTOCOL.md "Variants" documents each. */
#ifndef CSUMSIM_CORE_RFC_H
#define CSUMSIM_CORE_RFC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/csum.h"

/* One bit per defect of docs/PROTOCOL.md section 9 that a profile fixes. */
enum rfc_fix {
	RFC_FIX_COPY = 1u << 0,     /* D1: the updated copy starts from the newer's tuples */
	RFC_FIX_SPLIT = 1u << 1,    /* D2: expected = pieces queued */
	RFC_FIX_UNLOCK = 1u << 2,   /* D3: every ending releases the lock */
	RFC_FIX_OFFSETS = 1u << 3,  /* D4-D6: the clean layout (core/placement.h) */
	RFC_FIX_RELATIVE = 1u << 4, /* D7: tuple index and cuts relative to begin */
	RFC_FIX_ERRNO = 1u << 5,    /* D8: undecidable copies on read -> -EIO */
	RFC_FIX_TWODEV = 1u << 6,   /* D9: imd write, imd flush, then the data write */
	RFC_FIX_FLUSH = 1u << 7,    /* D10: flushes forwarded, FUA on the imd write too */
	RFC_FIX_GEN32 = 1u << 8,    /* D11, D12: 32-bit generation in unused3 */
	RFC_FIX_HCRC = 1u << 9,     /* D13: header crc validated, failing copy distrusted */
	RFC_FIX_ALL = (1u << 10) - 1u,
};

struct rfc_profile {
	uint32_t fixes;  /* RFC_FIX_* */
	uint8_t tag;     /* enum tag_kind (core/tags.h) */
	bool seeded;     /* the dm sector takes part in the tag */
	/* Default M1-M2 distance in sectors (clean layout; csum_options
	 * apart_sectors overrides it); 0: M2 adjacent to M1, option ignored. */
	uint64_t apart;
};

#include "core/placement.h"

#define RFC_PAGE 4096u /* prepare_imd_read(): alloc_page() for a 1024-byte read */
#define RFC_MAX_PIECE 62u
/* Bytes of the page a job can touch: M2's base 512, its header 8, tuple
 * index up to 61 + 61, 8 bytes each: 512 + 8 + 123 * 8 = 1504. rfc_start
 * zeroes these only (zeroing 4 KiB a piece showed in profiles). */
#define RFC_PAGE_USED 1536u
_Static_assert(RFC_PAGE_USED <= RFC_PAGE, "the touched part fits the page");

struct rfc_ctx {
	struct csum_table t;
	struct csum_options o;
	const struct rfc_profile *pf;
	struct place pl;
	uint8_t flush_policy; /* the option's, or FORWARD under RFC_FIX_FLUSH */
};

struct rfc_job {
	uint8_t state;
	uint8_t op;
	uint8_t older;       /* enum imd_older: the copy a write rewrites */
	uint32_t rq_flags;
	struct csum_piece p;
	uint8_t *buf;
	uint64_t *tags;
	uint64_t m[2];       /* M1 and M2 of the piece's group */
	unsigned n_io;
	struct csum_io io[CSUM_STEP_MAX_IO];
	uint8_t verdict[RFC_MAX_PIECE];
	/* M1 at 0, M2 at 512; tuples past a copy's 62 (no RELATIVE) reach
	 * up to RFC_PAGE_USED; the rest is never read or written */
	uint8_t page[RFC_PAGE];
};

/* The shared operations; each variant's init binds its profile. */
int rfc_init_profile(void *ctx, const struct csum_table *t, const struct csum_options *o,
		     const struct rfc_profile *pf, const char **why);
uint64_t rfc_dev_sectors(const void *ctx, unsigned dev);
void rfc_initial_sector(const void *ctx, unsigned dev, uint64_t sector, uint8_t out[CSUM_SECTOR]);
int rfc_split(void *ctx, const struct csum_request *rq, struct csum_split *out);
uint64_t rfc_lock_key(const void *ctx, const struct csum_piece *p);
void rfc_start(void *ctx, void *job, const struct csum_request *rq, const struct csum_piece *p,
	       uint8_t *buf, uint64_t *tags, struct csum_step *out);
void rfc_resume(void *ctx, void *job, struct csum_step *out);
const uint8_t *rfc_verdicts(const void *job);
void rfc_sector_info(const void *ctx, unsigned dev, uint64_t sector, struct csum_sector_info *out);
void rfc_locate(const void *ctx, uint64_t dm_sector, struct csum_location *out);

/* The profile a registered rfc-family variant runs with, or NULL. */
const struct rfc_profile *rfc_profile_of(const struct csum_variant_ops *ops);

#endif
