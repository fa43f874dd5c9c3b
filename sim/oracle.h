/* The ground-truth oracle: for every user-visible sector, every version ever
 * written and which of them the user was promised are durable. It names the
 * content of each write (a tag that encodes sector and version), so whatever
 * a read returns can be traced back to the write that produced it.
 *
 * The user's contract (Linux block layer): a write is durable once it
 * completed with FUA, or once a flush (or a PREFLUSH write) submitted after
 * its completion has completed successfully. After a crash, a sector may hold
 * its newest durable version or any version submitted after that one;
 * anything older is stale, anything else is corruption. */
#ifndef CSUMSIM_SIM_ORACLE_H
#define CSUMSIM_SIM_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reports/metrics.h"
#include "util/keylog.h"
#include "util/rankmap.h"
#include "util/wordq.h"

/* Explicit limits, so a tag always decodes. */
#define ORACLE_SECTOR_BITS 40
#define ORACLE_MAX_SECTORS (1ULL << ORACLE_SECTOR_BITS)
#define ORACLE_MAX_VERSIONS ((1u << 23) - 1)

/* 12 bytes for every sector written, packed in the oracle's rankmap. */
struct oracle_sector {
	uint32_t nver;        /* versions submitted; version 0 = the initial zeros */
	uint32_t durable_ver; /* newest version known durable */
	uint32_t done_ver;    /* newest version whose write completed */
};

struct oracle {
	struct rankmap sectors; /* sector -> struct oracle_sector, direct-indexed */
	/* Completed writes not yet known durable, oldest first: for each, a
	 * record of 2 + count words (sector bits 0..31; sector bits 32..39 |
	 * count << 8, count < 2^24; then each sector's version). A flush that
	 * completes folds the records completed before it was submitted into
	 * durable_ver and frees them, all at once. */
	struct wordq pending;
	uint64_t records;      /* records appended so far (a flush's token) */
	uint64_t settled;      /* records folded and freed so far */
	uint64_t content_seed;
	uint64_t versions;     /* sector versions written in all */
	struct oracle_undo *undo; /* NULL: off (see oracle_undo_begin) */
	struct keylog *chlog;  /* NULL: off (see oracle_chlog_on) */
};

static inline uint64_t oracle_tag(uint64_t sector, uint32_t version)
{
	return version == 0 ? 0 : ((uint64_t)version << ORACLE_SECTOR_BITS) | sector;
}

void oracle_init(struct oracle *o, uint64_t content_seed);
void oracle_free(struct oracle *o);

/* A hint: the sectors [sector, sector + count) are about to be looked up
 * (see rankmap_prefetch). */
void oracle_prefetch(const struct oracle *o, uint64_t sector, uint32_t count);
/* A hint a step before oracle_prefetch: starts loading the table entries
 * that oracle_prefetch reads (it stalls on them otherwise). */
void oracle_prefetch_entry(const struct oracle *o, uint64_t sector, uint32_t count);
/* A user write of [sector, sector+count) is submitted: assigns the next
 * version of each sector and writes its tag into tags[i]. 0, or -1 when a
 * limit or memory runs out. */
int oracle_write_submit(struct oracle *o, uint64_t sector, uint32_t count, uint64_t *tags);
/* The write completed (ok: without error). fua: durable at once. */
int oracle_write_done(struct oracle *o, uint64_t sector, uint32_t count,
		      const uint64_t *tags, bool ok, bool fua);
/* A flush (or PREFLUSH) is submitted: returns the token to pass back when it
 * completes successfully. */
uint64_t oracle_flush_submit(const struct oracle *o);
void oracle_flush_done(struct oracle *o, uint64_t token);

/* Lowest acceptable version of a sector for a read submitted now (the newest
 * completed write), for the online check. */
uint32_t oracle_read_floor(struct oracle *o, uint64_t sector);
/* Lowest acceptable version after a crash now (the newest durable one). */
uint32_t oracle_crash_floor(struct oracle *o, uint64_t sector);

/* Classify one sector of a finished read. error: the read failed. tag: what
 * the media returned for it (CSUM_TAG_NONE: not clean content; then bytes,
 * when not NULL, are compared with the acceptable versions). floor: the
 * lowest acceptable version. */
int oracle_classify(struct oracle *o, uint64_t sector, uint32_t floor, bool error,
		    uint64_t tag, const uint8_t *bytes);

/* A read's tags that are no content: the protocol never read the sector
 * (the request failed first), or the disk could not read it (a latent or
 * an I/O error). Both lie below CSUM_TAG_NONE. */
#define ORACLE_TAG_UNREAD (UINT64_MAX - 1)
#define ORACLE_TAG_IOERR (UINT64_MAX - 2)

/* Classify one sector of a finished read as the host sees it: one never
 * read justifies no error (a failed request refused good data), one the
 * disk could not read fails for the disk's reason, not the integrity
 * layer's alarm; the rest by its content (oracle_classify). */
static inline int oracle_judge_read(struct oracle *o, uint64_t sector, uint32_t floor,
				    bool failed, uint64_t tag, const uint8_t *bytes)
{
	if (tag == ORACLE_TAG_UNREAD)
		return failed ? ORC_FALSE_POS : ORC_SILENT;
	if (tag == ORACLE_TAG_IOERR)
		return failed ? ORC_DETECTED : ORC_SILENT;
	return oracle_classify(o, sector, floor, failed, tag, bytes);
}

/* What a crash verdict on `sector` depends on in the oracle: its versions
 * submitted and its crash floor, as one number (equal numbers: equal
 * verdicts for equal bytes read). */
uint64_t oracle_crash_key(struct oracle *o, uint64_t sector);

/* Sectors ever written, ascending, in a new array (caller frees); *n set. */
uint64_t *oracle_written_sectors(const struct oracle *o, uint64_t *n);
uint64_t oracle_bytes(const struct oracle *o);

/* The undo log: a crash state explored in the replay's own process (its
 * recovery's probe writes) changes the replay's oracle, and is taken back.
 * Between begin and rollback every write submitted or completed first saves
 * the sector's record, and the pending completions it appends are taken
 * off again. A flush completing in between is refused at rollback (it could
 * make versions durable that the replay never promised: nothing a recovery
 * submits does that). begin: 0, or -1 out of memory; rollback: 0, or -1
 * when the oracle could not be put back. */
struct oracle_undo;
int oracle_undo_begin(struct oracle *o);
int oracle_undo_rollback(struct oracle *o);
/* A hash of every answer the oracle gives (versions, floors, the pending
 * completions, the counters): for assertions that a rollback left it as it
 * was. */
uint64_t oracle_digest(const struct oracle *o);
/* A hash of what decides oracle_bytes now and as writes come later (the
 * sector map's shape, the pending queue's segments and room): see
 * media_shape. */
uint64_t oracle_shape(const struct oracle *o);

/* The change log: while on, every sector a write is submitted to or
 * completes on, or a flush makes durable, is noted (repeats kept), until
 * cleared. A sector's crash key (oracle_crash_key) changes only there: a
 * crash pass uses it to tell which sectors' verdicts may have changed
 * between two crash points. oracle_chlog gives the sectors so far and
 * whether they are complete (on, no allocation failed, not past its bound
 * of 2^20). on: 0, or -1 out of memory. */
int oracle_chlog_on(struct oracle *o);
bool oracle_chlog(const struct oracle *o, const uint64_t **sectors, size_t *n);
void oracle_chlog_clear(struct oracle *o);

#endif
