/* What the baselines single, journal and bitmap share: the "home" layout
 * (groups of 62 data sectors, each right after its own checksum sector), the
 * format of that checksum sector, splitting at group boundaries, and a small
 * sub-I/O list for building steps. Layouts: docs/BASELINES.md. */
#ifndef CSUMSIM_CORE_BASELINE_UTIL_H
#define CSUMSIM_CORE_BASELINE_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/csum.h"

#define BU_GROUP 62u  /* data sectors per checksum sector */
#define BU_STRIDE 63u /* checksum sector + its 62 data sectors */
#define BU_HDR 8u     /* checksum sector header bytes */
#define BU_MAGIC 0x31495343u /* "CSI1", little-endian at byte 0 */

/* The home area: group g = (dm - begin) / 62 at base + 63g (its checksum
 * sector), data of dm sector s at base + 63g + 1 + (dm - begin) % 62. */
struct bu_home {
	uint64_t begin; /* first dm sector */
	uint64_t len;   /* dm sectors */
	uint64_t base;  /* first backing sector of the home area */
};

/* 0 if t fits a one-device layout (begin, len, data_start below 2^56, so no
 * layout sum wraps); -1 with a static reason (variant_needs_same when the
 * placement is not same). */
int bu_table_check(const struct csum_table *t, const char *variant_needs_same, const char **why);

uint64_t bu_groups(uint64_t len);
/* Backing sectors the home area spans (the last group may be short). */
uint64_t bu_home_sectors(uint64_t len);
/* Data sectors of group g (62, or fewer for the last). */
uint32_t bu_group_count(const struct bu_home *h, uint64_t g);
uint64_t bu_imd_sector(const struct bu_home *h, uint64_t g);
/* rel = dm sector - begin */
uint64_t bu_data_sector(const struct bu_home *h, uint64_t rel);

uint16_t bu_get_le16(const uint8_t *p);
void bu_put_le16(uint8_t *p, uint16_t v);
uint32_t bu_get_le32(const uint8_t *p);
void bu_put_le32(uint8_t *p, uint32_t v);
uint64_t bu_get_le64(const uint8_t *p);
void bu_put_le64(uint8_t *p, uint64_t v);

/* Checksum sector: u32 magic, u32 group (low 32 bits), 62 tuples of 8 bytes
 * (u16 crc of the data sector, 6 zero bytes), 8 zero bytes. A fresh one has
 * zero tuples: crc_ccitt of a zero sector is 0, so zero data verifies. */
void bu_imd_format(uint8_t sec[CSUM_SECTOR], uint64_t g);
bool bu_imd_header_ok(const uint8_t *sec, uint64_t g);
uint16_t bu_tuple(const uint8_t *sec, uint32_t i);
void bu_set_tuple(uint8_t *sec, uint32_t i, uint16_t crc);

/* What (sector - h->base) holds inside the home area (rel < home sectors). */
void bu_home_info(const struct bu_home *h, uint64_t rel, struct csum_sector_info *out);
void bu_home_locate(const struct bu_home *h, uint64_t dm, struct csum_location *out);

/* READ/WRITE: one piece per group touched; FLUSH: one piece of count 0;
 * DISCARD: completes at once, no piece. Returns out->map_result. */
int bu_split(const struct bu_home *h, const struct csum_request *rq, struct csum_split *out);
/* The split steps the baselines and dm-integrity share (out already
 * reset): an empty flush as one piece of count 0; and a range the caller
 * has checked, [rq->sector, +count) in a target starting at dm sector
 * `begin`, cut at every multiple of `boundary` sectors from begin. Each
 * returns out->map_result: 0, or -EINVAL when out->cap runs out. */
int bu_split_flush(const struct csum_request *rq, struct csum_split *out);
int bu_split_cut(const struct csum_request *rq, uint64_t begin, uint64_t boundary,
		 struct csum_split *out);
/* Group of a piece (0 for a flush piece). */
uint64_t bu_piece_group(const struct bu_home *h, const struct csum_piece *p);

/* Request flags a data write keeps (FUA, SYNC, META), and a read (SYNC, META). */
uint32_t bu_write_flags(uint32_t rq_flags);
uint32_t bu_read_flags(uint32_t rq_flags);

/* crc_ccitt of a sector whose bytes 4..5 hold that very crc (read as zero):
 * the seal of journal and bitmap sectors. */
uint16_t bu_seal_crc(const uint8_t *sec);

/* crc_ccitt(0, ...) of each of count sectors of buf into crc[]. */
void bu_crcs(const uint8_t *buf, uint32_t count, uint16_t *crc);
/* Tuples idx0.. of a checksum sector read back for an update; a bad header
 * is rewritten (the other tuples stay as read, so they still judge). */
void bu_imd_update(uint8_t *imd, uint64_t g, uint32_t idx0, uint32_t count,
		   const uint16_t *crc);

/* Sub-I/Os of one step, owned by a job. */
struct bu_ios {
	unsigned n;
	struct csum_io io[CSUM_STEP_MAX_IO];
};

void bu_ios_reset(struct bu_ios *s);
struct csum_io *bu_ios_add(struct bu_ios *s, uint8_t kind, uint8_t role, uint32_t flags,
			   uint64_t sector, uint32_t count, uint8_t *buf, uint64_t *tags);
bool bu_ios_failed(const struct bu_ios *s);
/* out becomes an IO step of every sub-I/O in s. */
void bu_step_io(struct bu_ios *s, struct csum_step *out);
void bu_step_done(struct csum_step *out, int result, const char *why);


/* Variant ops shared by the baselines: each baseline's context begins with
 * its struct bu_home, so one function serves them all. */
uint64_t bu_ops_dev_sectors(const void *ctx, unsigned dev);
void bu_ops_locate(const void *ctx, uint64_t dm, struct csum_location *out);
int bu_ops_split(void *ctx, const struct csum_request *rq, struct csum_split *out);
/* lock keys: one per 62-sector group, or one for the whole device */
uint64_t bu_ops_lock_group(const void *ctx, const struct csum_piece *p);
uint64_t bu_ops_lock_one(const void *ctx, const struct csum_piece *p);

#endif
