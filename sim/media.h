/* Persistent media: what each sector of each backing device holds after every
 * write that reached it. Sparse: a sector costs memory only once written.
 * A sector written with clean generated content stores its 8-byte tag; any
 * other content (metadata, torn or rotted data) stores its 512 bytes. An
 * unwritten sector reads as the variant's formatted image (initial_sector). */
#ifndef CSUMSIM_SIM_MEDIA_H
#define CSUMSIM_SIM_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/csum.h"

typedef void (*media_init_fn)(const void *ctx, unsigned dev, uint64_t sector,
			      uint8_t out[CSUM_SECTOR]);

struct media;

struct media *media_new(uint64_t content_seed, media_init_fn init, const void *init_ctx);
void media_free(struct media *m);
/* Persist one sector. tag != CSUM_TAG_NONE: the content is content_fill(tag)
 * and buf may be NULL; otherwise buf holds the 512 bytes. 0, or -1 on ENOMEM. */
int media_write(struct media *m, unsigned dev, uint64_t sector, uint64_t tag,
		const uint8_t *buf);
/* media_write of tags[i] (none of them CSUM_TAG_NONE) to sector + i of dev
 * for every i < count, in order: the same media, with the tag slots of each
 * 64-sector chunk made at once. 0, or -1 on ENOMEM (the writes before the
 * failing chunk done). */
int media_write_tags(struct media *m, unsigned dev, uint64_t sector, uint32_t count,
		     const uint64_t *tags);
/* A hint: sectors [sector, sector + count) of dev are about to be read or
 * written (see u64map_prefetch). */
void media_prefetch(const struct media *m, unsigned dev, uint64_t sector, uint32_t count);
/* A hint a step before media_prefetch: starts loading the table entries it
 * reads (the replay issues it a few requests ahead). */
void media_prefetch_entry(const struct media *m, unsigned dev, uint64_t sector, uint32_t count);
/* The same two steps for a sector stored as bytes (rfc's imd sectors):
 * entry: its slot in the bytes map; else its packed bytes. */
void media_prefetch_bytes(const struct media *m, unsigned dev, uint64_t sector, bool entry);
/* Read one sector into out (may be NULL). Returns the tag of clean generated
 * content, else CSUM_TAG_NONE. An unwritten sector returns its initial
 * image, with tag 0 when that image is all zeros. */
uint64_t media_read(const struct media *m, unsigned dev, uint64_t sector,
		    uint8_t *out);
/* The sector back to never written: its tag and any stored bytes freed,
 * media_written 0, media_read its initial image, no longer pickable (an
 * undo, not a write: the write log does not record it). No-op when it was
 * never written. */
void media_forget(struct media *m, unsigned dev, uint64_t sector);
/* 1 if the sector was ever written. */
int media_written(const struct media *m, unsigned dev, uint64_t sector);
uint64_t media_content_seed(const struct media *m);

/* Everything written, copied, and put back: a crash point's many crash
 * states are all explored from one snapshot. */
struct media_snapshot;
struct media_snapshot *media_snapshot(const struct media *m);
/* 0, or -1 on ENOMEM (then m is unchanged). Any number of times, into any
 * media: the content seed comes along, the init function stays m's. */
int media_restore(struct media *m, const struct media_snapshot *s);
void media_snapshot_free(struct media_snapshot *s);

/* The write log: while on, every media_write (and bit flip) records its
 * sector as a key, media_log_key(dev, sector), until cleared; a crash pass
 * uses it to tell what changed on the media between two crash points.
 * media_log gives the keys so far (in write order, repeats kept) and
 * whether they are complete (logging on, no allocation failed, not past
 * its bound of 2^20 keys). */
static inline uint64_t media_log_key(unsigned dev, uint64_t sector)
{
	return ((uint64_t)(dev & 0xfu) << 60) | (sector & ((UINT64_C(1) << 60) - 1));
}
void media_log_on(struct media *m, bool on);
bool media_log(const struct media *m, const uint64_t **keys, size_t *n);
void media_log_clear(struct media *m);

/* The undo log: a crash state explored in the replay's own process writes
 * the replay's media and is taken back afterwards. Between begin and end,
 * every media_write (and bit flip) first saves what it overwrites;
 * media_undo_rollback puts it all back (sectors the writes created are
 * unwritten again, so media_pick draws as before) and keeps the log on
 * for the next state. The write log (above) does not see the rollback.
 * 0, or -1 out of memory (the media is then not the one at begin). end:
 * only once rolled back. */
void media_undo_begin(struct media *m);
int media_undo_rollback(struct media *m);
void media_undo_end(struct media *m);
/* Writes noted since begin or the last rollback. */
size_t media_undo_len(const struct media *m);
/* A hash of everything readable (the sectors written, in (device, sector)
 * order, and their contents): for assertions that a rollback left the
 * media as it was. */
uint64_t media_digest(const struct media *m);
/* A hash of what decides media_bytes now and as writes come later (the
 * tables' sizes and loads but the blocks map's capacity, the blocks'
 * bytes): a crash state's writes,
 * rolled back, may leave the tables grown (a key noted, a table resized);
 * then the media's bytes are no longer those of a replay that never
 * explored it. */
uint64_t media_shape(const struct media *m);
/* Whether the blocks map is as large as a media that never rolled back would
 * have it with the same keys (media_shape leaves its capacity out: a state
 * that grew it and a replay that grows it later end alike). */
bool media_blocks_settled(const struct media *m);

/* A written sector chosen from the 64-bit random number r, uniformly over
 * the sectors written: the k-th of them in (device, sector) order, k drawn
 * from r alone, so the choice depends on the set of sectors written and r,
 * not on the order they were written in nor on how they are stored. 0, or
 * -1 when nothing was written. */
int media_pick(const struct media *m, uint64_t r, unsigned *dev, uint64_t *sector);
/* Flip bit `bit` (0..4095, bit 0 = least significant bit of byte 0) of a
 * sector, written or not; it is stored as explicit bytes afterwards.
 * 0, or -1 on ENOMEM or bit > 4095 (then the content is unchanged). */
int media_flip_bit(struct media *m, unsigned dev, uint64_t sector, uint32_t bit);
/* Sectors stored, and bytes of memory used, for the memory metrics. */
size_t media_sectors(const struct media *m);
size_t media_bytes(const struct media *m);

#endif
