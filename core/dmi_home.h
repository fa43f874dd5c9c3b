/* The I/O every dm-integrity mode does at the data's home: a read checked
 * against the tags (integrity_metadata() TAG_CMP), a write of data and tags
 * (the direct path of dm_integrity_map_continue()), a discard's filler tags
 * and the recalculation of a run's tags (integrity_recalc()). One piece is at
 * most one tag sector of tags (core/dmi_format.h piece_max). The tag area is
 * read and written through one 512-byte sector per piece: the kernel's
 * dm-bufio cache of 64 KiB buffers is not modelled (docs/DMINTEGRITY.md). */
#ifndef CSUMSIM_CORE_DMI_HOME_H
#define CSUMSIM_CORE_DMI_HOME_H

#include "core/baseline_util.h"
#include "core/dmi_format.h"

/* The home operations (READ, WRITE, DISCARD as enum csum_op, plus these). */
enum { DMI_HOME_RECALC = 16 };

struct dmi_home {
	uint8_t state;
	uint8_t op;
	bool flush_after; /* FUA write, or a discard in J/B mode: flush at the end */
	struct csum_piece p;
	uint64_t rel;
	uint8_t *buf;
	uint64_t *tags;
	struct bu_ios ios;
	/* reads: sectors already answered elsewhere (journal mode's memory),
	 * neither read nor judged */
	bool skip[DMI_TAGS_PER_SECTOR];
	uint8_t verdict[DMI_TAGS_PER_SECTOR];
	uint8_t tagsec[CSUM_SECTOR];
};

/* Starts op on piece p; buf/tags as handed to ops->start (for RECALC, the
 * caller's own buffer of p->count sectors and tags array). */
void dmi_home_start(const struct dmi_geo *g, struct dmi_home *h, uint8_t op, bool flush_after,
		    const struct csum_piece *p, uint8_t *buf, uint64_t *tags,
		    struct csum_step *out);
/* Next step; a DONE step ends the operation (its result in out->result). */
void dmi_home_resume(const struct dmi_geo *g, struct dmi_home *h, struct csum_step *out);

#endif
