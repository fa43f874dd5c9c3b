/* The carried judgement's re-reads without the engine, the host and the
 * disks: each read-back request split and run through the variant's own
 * steps, its sub-I/Os served at once from the media, its sectors judged by
 * the oracle as the host judges them. A recovery's read-back of a crashed
 * world reads only durable media (the disks' caches are gone, nothing is in
 * flight), so a read costs no time that could change a verdict; the order
 * of a step's sub-I/Os is the only thing the disks add, and the carry uses
 * the keys a request reads as a set. Internal to sim/. */
#ifndef CSUMSIM_SIM_CARRY_READ_H
#define CSUMSIM_SIM_CARRY_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/world.h"
#include "util/err.h"

/* The host's marks for a data sector's tag (sim/oracle.h): never read, or
 * the disk failed the read. */
#define CARRY_TAG_UNREAD ORACLE_TAG_UNREAD
#define CARRY_TAG_IOERR ORACLE_TAG_IOERR

/* Whether a sector read back with this tag has its verdict from the tag
 * alone (oracle_classify, with its floor): clean generated content, read
 * without an error. Not CSUM_TAG_NONE (bytes that are no clean content),
 * nor the marks above. */
static inline bool carry_tag_alone(uint64_t tag)
{
	return tag < CARRY_TAG_IOERR;
}

/* Each request as it completes (as recover_tap's on_run), with the tag each
 * of its sectors' data read gave (the marks above where none); nonzero:
 * read nothing more. */
typedef int (*carry_read_fn)(void *arg, uint64_t sector, uint32_t count, int result,
			     const uint8_t *classes, const uint64_t *tags);

/* Whether carry_read may serve w's read-backs: its variant has no mount
 * step of its own (a journal replay writes, and the variants with one keep
 * timers that read the clock). */
bool carry_read_fits(const struct world *w);

/* Recovers w as recover_tapped does (its disks crashed, a fresh instance of
 * the variant) and reads back the n runs sector[], count[] in order, a
 * failed run of several sectors again sector by sector, giving each
 * request to on_run and its verdicts to the faults' ledger, as a recovery
 * with a tap of these runs and no probe does.
 * 0 done (or on_run stopped it); 1 a request here would not run as a lone
 * piece of reads does (it writes, hangs, loses the lock, or runs pieces side
 * by side): nothing was given to the ledger, and the caller reads the runs
 * through recover_tapped instead (on_run and the world's read tap saw part
 * of them: the caller forgets that); -1 out of memory, err set. */
int carry_read(struct world *w, const uint64_t *sector, const uint32_t *count, uint64_t n,
	       carry_read_fn on_run, void *arg, struct cs_err *err);

#endif
