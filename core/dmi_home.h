/* The I/O every dm-integrity mode does at the data's home: a read checked
 * against the tags (integrity_metadata() TAG_CMP), a write of data and tags
 * (the direct path of dm_integrity_map_continue()), a discard's filler tags
 * and the recalculation of a run's tags (integrity_recalc()). One piece is at
 * most one tag sector of tags (core/dmi_format.h piece_max). Tags go through
 * a write-through cache of tag sectors, the model's stand-in for the
 * kernel's dm-bufio buffers (docs/DMINTEGRITY.md): a cached tag sector is
 * not read again; every update is written at once, without FUA. */
#ifndef CSUMSIM_CORE_DMI_HOME_H
#define CSUMSIM_CORE_DMI_HOME_H

#include "core/baseline_util.h"
#include "core/dmi_format.h"

#define DMI_TCACHE 4096u /* tag sectors cached: 512K data sectors' tags */

/* Direct-mapped; lives in the variant's ctx, so a crash empties it. */
struct dmi_tcache {
	uint64_t key[DMI_TCACHE]; /* tag sector + 1; 0: empty */
	uint8_t data[DMI_TCACHE][CSUM_SECTOR];
};

bool dmi_tc_get(const struct dmi_tcache *tc, uint64_t sector, uint8_t out[CSUM_SECTOR]);
void dmi_tc_put(struct dmi_tcache *tc, uint64_t sector, const uint8_t in[CSUM_SECTOR]);
void dmi_tc_drop(struct dmi_tcache *tc, uint64_t sector);

/* The home operations (READ, WRITE, DISCARD as enum csum_op, plus these). */
enum { DMI_HOME_RECALC = 16 };

struct dmi_home {
	uint8_t state;
	uint8_t op;
	bool flush_after;
	struct dmi_tcache *tc; /* FUA write, or a discard in J/B mode: flush at the end */
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
void dmi_home_start(const struct dmi_geo *g, struct dmi_tcache *tc, struct dmi_home *h,
		    uint8_t op, bool flush_after, const struct csum_piece *p, uint8_t *buf,
		    uint64_t *tags, struct csum_step *out);
/* Next step; a DONE step ends the operation (its result in out->result). */
void dmi_home_resume(const struct dmi_geo *g, struct dmi_home *h, struct csum_step *out);

#endif
