/* Cutting a request into "nice" pieces, as csum_map(), bio_is_evil(),
 * handle_evil_bio() and prepare_nice_bio() do it. */
#ifndef CSUMSIM_CORE_SPLIT_H
#define CSUMSIM_CORE_SPLIT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/csum.h"

/* bio_is_evil(): map_data_sector_same() of the first and last sector, for
 * either placement, compared with bio_sectors() - 1 in unsigned int. */
bool split_bio_is_evil(const struct csum_table *t, uint64_t sector, uint32_t count);

/* handle_evil_bio()'s arithmetic, on the absolute sector (not begin-relative). */
struct split_arith {
	uint64_t first, last, prelude, postlude;
	uint32_t nmiddle;  /* truncated to unsigned int as the RFC stores it */
	uint32_t expected; /* 1 + nmiddle + 1, whatever the prelude */
};
void split_arith(uint64_t sector, uint32_t count, struct split_arith *a);

/* csum_map() for a READ or WRITE of count >= 1, with the RFC's allocation
 * points. Fills every field of out except piece and cap, which the caller
 * sets. A request the RFC would cut into pieces outside the request or into
 * more pieces than out->cap (possible only when begin % 62 != 0: see
 * docs/PROTOCOL.md) is refused with -CSUM_EINVAL and no pieces. */
void split_rfc(const struct csum_table *t, uint64_t sector, uint32_t count,
	       struct csum_split *out);
/* The same; points false: the allocation points are known not to fail and
 * libfiu is not asked. */
void split_rfc_points(const struct csum_table *t, uint64_t sector, uint32_t count, bool points,
		      struct csum_split *out);

/* prepare_nice_bio()'s bvec arithmetic, for a user bio whose bvecs are
 * bv_len[0..n) bytes, each starting at offset 0 of its own page, cut into a
 * piece starting piece_off sectors into the bio and piece_sectors long. */
struct split_bvec_cut {
	uint32_t idx;         /* new->bi_idx; == n when the walk ran off the end */
	uint32_t offset;      /* new bv_offset */
	uint32_t len;         /* new bv_len as the RFC computes it */
	uint32_t correct_len; /* min(bi_size, bv_len - (advance - sofar)) */
	bool off_end;         /* bi_idx points past the last bvec */
	bool past_page;       /* offset + len runs past the bvec's bytes */
	/* crc_sectors_from_bio() on the piece: the clone keeps bi_vcnt, so it
	 * walks every bvec from idx to the end of the user bio. */
	uint64_t crc_writes;  /* u16 crcs it stores */
	bool crc_overrun;     /* more than piece_sectors: past the kmalloc'd array */
};
void split_bvec(const uint32_t *bv_len, uint32_t n, uint64_t piece_off,
		uint64_t piece_sectors, struct split_bvec_cut *out);

#endif
