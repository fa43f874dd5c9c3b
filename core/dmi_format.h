/* dm-integrity's on-disk format (Linux drivers/md/dm-integrity.c, and
 * Documentation/admin-guide/device-mapper/dm-integrity.rst "The layout of the
 * formatted block device"), as the dmi-* variants lay it out on one device:
 *
 *   start                      superblock, 8 sectors (SB_SECTORS)
 *   start + 8                  journal: `sections` sections of 176 sectors; in
 *                              bitmap mode its first sectors hold the bitmap
 *   start + initial            area 0: tag area (metadata_run sectors), then
 *                              2^log2_interleave data sectors; area 1 ...
 *
 * Fixed choices, the kernel's defaults for an internal crc32c hash: 512-byte
 * blocks (sectors_per_block 1), tag size 4, no journal_mac or journal_crypt,
 * no meta_device, no fix_padding. Everything here is pure arithmetic and byte
 * formatting: docs/DMINTEGRITY.md says which kernel line each rule follows. */
#ifndef CSUMSIM_CORE_DMI_FORMAT_H
#define CSUMSIM_CORE_DMI_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/csum.h"

#define DMI_SB_SECTORS 8u        /* SB_SECTORS */
#define DMI_TAG_SIZE 4u          /* crc32c digest size */
#define DMI_TAGS_PER_SECTOR 128u /* 512 / DMI_TAG_SIZE */
#define DMI_JBLOCK 8u            /* JOURNAL_BLOCK_SECTORS: entry sectors per section */
#define DMI_ENTRY_SIZE 24u       /* roundup(8 sector + 8 last_bytes + 4 tag, 8) */
#define DMI_ENTRIES_PER_SECTOR 21u /* (512 - 8 commit id) / 24 */
#define DMI_SECTION_ENTRIES 168u /* 21 * 8 */
#define DMI_SECTION_SECTORS 176u /* 168 data sectors + 8 entry sectors */
#define DMI_COMMIT_ID_OFF 504u   /* JOURNAL_SECTOR_DATA: the commit id's place */
#define DMI_N_COMMIT_IDS 4u
#define DMI_FILLER 0xf6u         /* DISCARD_FILLER */
#define DMI_BITMAP_BLOCK_SECTORS 8u /* BITMAP_BLOCK_SIZE 4096 */
#define DMI_EILSEQ 84            /* the kernel fails a mismatching read with -EILSEQ */

/* Kernel defaults (dm-integrity.c, top of file). */
#define DMI_DEFAULT_INTERLEAVE 32768u   /* DEFAULT_INTERLEAVE_SECTORS */
#define DMI_DEFAULT_SECTORS_PER_BIT 32768u /* DEFAULT_SECTORS_PER_BITMAP_BIT */
#define DMI_DEFAULT_WATERMARK 50u       /* DEFAULT_JOURNAL_WATERMARK, percent */
#define DMI_DEFAULT_SYNC_MS 10000u      /* DEFAULT_SYNC_MSEC: commit_time */
#define DMI_DEFAULT_BITMAP_FLUSH_MS 10000u /* BITMAP_FLUSH_INTERVAL (10 * HZ) */
#define DMI_MAX_JOURNAL_SECTORS 131072u /* DEFAULT_MAX_JOURNAL_SECTORS (64-bit) */
#define DMI_JOURNAL_SIZE_FACTOR 7u      /* DEFAULT_JOURNAL_SIZE_FACTOR */

/* What the model keeps in memory, at most (the ctx has a fixed size). */
#define DMI_MAX_SECTIONS 128u
#define DMI_MAX_ENTRIES (DMI_MAX_SECTIONS * DMI_SECTION_ENTRIES)
#define DMI_MAX_BITMAP_BLOCKS 4u
#define DMI_MAX_BITS (DMI_MAX_BITMAP_BLOCKS * 4096u * 8u)

/* Superblock flags */
#define DMI_SB_FLAG_RECALCULATING 0x2u
#define DMI_SB_FLAG_DIRTY_BITMAP 0x4u

enum dmi_mode { DMI_MODE_J = 'J', DMI_MODE_B = 'B', DMI_MODE_D = 'D' };

struct dmi_geo {
	uint8_t mode;
	uint64_t begin;           /* ti->begin */
	uint64_t provided;        /* provided_data_sectors: the table's len */
	uint64_t start;           /* ic->start: the table's data offset */
	uint32_t log2_interleave;
	uint32_t sections;        /* journal_sections */
	uint64_t initial;         /* initial_sectors: superblock + journal */
	uint64_t metadata_run;    /* tag area sectors per area */
	uint64_t dev_sectors;     /* backing device size the layout needs */
	uint32_t log2_sector_per_bit; /* bitmap: sectors per bit, log2 */
	uint32_t bitmap_blocks;   /* n_bitmap_blocks */
	uint64_t bitmap_bits;
	uint32_t piece_max;       /* pieces never cross a tag sector or an area */
	/* run-time parameters (not on disk) */
	uint32_t commit_ms, bitmap_flush_ms, watermark;
	uint32_t free_threshold;  /* free_sectors_threshold, in journal entries */
	bool discard;             /* allow_discards */
};

/* Geometry for a table and options; 0, or -1 with a static reason. */
int dmi_geo_init(struct dmi_geo *g, uint8_t mode, const struct csum_table *t,
		 const struct csum_options *o, const char **why);

/* rel = dm sector - begin (the kernel's logical sector) */
uint64_t dmi_data_sector(const struct dmi_geo *g, uint64_t rel);
uint64_t dmi_tag_sector(const struct dmi_geo *g, uint64_t rel);
uint32_t dmi_tag_offset(uint64_t rel); /* byte offset in its tag sector */
/* First journal sector of section i, its entry sector e (0..7) and data slot n. */
uint64_t dmi_section_sector(const struct dmi_geo *g, uint32_t i);

/* integrity_sector_checksum(): crc32c over le64(rel) then the 512 bytes. */
uint32_t dmi_tag(uint64_t rel, const uint8_t data[CSUM_SECTOR]);
uint32_t dmi_get_tag(const uint8_t *tag_sector, uint64_t rel);
void dmi_put_tag(uint8_t *tag_sector, uint64_t rel, uint32_t tag);
/* TAG_CMP: a stored tag matches the computed one, or (with allow_discards)
 * is all DISCARD_FILLER. */
bool dmi_tag_ok(const struct dmi_geo *g, const uint8_t *tag_sector, uint64_t rel, uint32_t tag);

/* dm_integrity_commit_id(): commit_ids[seq] ^ ((section << 32) ^ sector). */
uint64_t dmi_commit_id(uint32_t section, uint32_t sector, unsigned seq);
/* find_commit_seq(): the seq whose id this is, or -1. */
int dmi_find_seq(uint32_t section, uint32_t sector, uint64_t id);

/* Journal entries inside a section's 8 entry sectors (access_journal_entry:
 * entry n lives in entry sector n % 8 at byte 24 * (n / 8)). `blk` is the
 * 4096-byte entry block. */
#define DMI_UNUSED UINT64_MAX
struct dmi_entry {
	uint64_t sector;     /* logical sector, or DMI_UNUSED */
	uint64_t last_bytes; /* see docs/DMINTEGRITY.md: the data's content tag */
	uint32_t tag;
};
void dmi_entry_get(const uint8_t *blk, uint32_t n, struct dmi_entry *e);
void dmi_entry_put(uint8_t *blk, uint32_t n, const struct dmi_entry *e);
/* Seals the 8 entry sectors with section i's commit id for seq. */
void dmi_entry_block_seal(uint8_t *blk, uint32_t section, unsigned seq);

/* Journal sector j (from the journal's start) as init_journal() writes it
 * for seq: zeros, every entry unused (journal_entry_set_unused(): the upper
 * half of its sector all ones), the commit id at the end. In bitmap mode the
 * bitmap lives in these bytes, so its blocks keep this pattern beyond the
 * bits (dm_integrity_postsuspend() and the format clear them with seq 0). */
void dmi_journal_init_sector(uint64_t j, unsigned seq, uint8_t out[CSUM_SECTOR]);

/* The superblock sector (sector 0 of the 8) for these flags. */
void dmi_sb_format(const struct dmi_geo *g, uint8_t out[CSUM_SECTOR], uint32_t flags,
		   uint64_t recalc_sector);
bool dmi_sb_ok(const struct dmi_geo *g, const uint8_t *sb);
uint32_t dmi_sb_flags(const uint8_t *sb);

/* Bitmap: bit b covers rel sectors [b << log2, (b+1) << log2). */
uint64_t dmi_bit_of(const struct dmi_geo *g, uint64_t rel);
bool dmi_bit_test(const uint8_t *bm, uint64_t b);
void dmi_bit_set(uint8_t *bm, uint64_t b);

/* Shared variant ops: the ctx of every dmi variant begins with its geo. */
uint64_t dmi_ops_dev_sectors(const void *ctx, unsigned dev);
void dmi_ops_initial_sector(const void *ctx, unsigned dev, uint64_t sector,
			    uint8_t out[CSUM_SECTOR]);
void dmi_ops_sector_info(const void *ctx, unsigned dev, uint64_t sector,
			 struct csum_sector_info *out);
void dmi_ops_locate(const void *ctx, uint64_t dm, struct csum_location *out);
/* READ/WRITE cut at piece_max boundaries; FLUSH one empty piece; DISCARD
 * -EOPNOTSUPP unless allow_discards (then cut like a write). */
int dmi_ops_split(void *ctx, const struct csum_request *rq, struct csum_split *out);
uint64_t dmi_ops_lock_tag_sector(const void *ctx, const struct csum_piece *p);

#endif
