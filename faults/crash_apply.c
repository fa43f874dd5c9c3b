/* The non-durable writes of a crash point, and applying one crash state of
 * them to the media. */
#include "faults/crash_states.h"

#include "faults/fault_set_priv.h"

#include <stdlib.h>
#include <string.h>

int crash_writes_add(struct crash_writes *cw, const struct fault_cached_write *w, uint32_t n,
		     const struct csum_variant_ops *ops, const void *ctx)
{
	for (uint32_t i = 0; i < n; i++) {
		struct crash_write *d;
		size_t bytes = (size_t)w[i].count * CSUM_SECTOR;

		if (cw->n == cw->cap) {
			uint32_t ncap = cw->cap ? cw->cap * 2 : 16;
			struct crash_write *nw = realloc(cw->w, ncap * sizeof(*nw));

			if (nw == NULL)
				return -1;
			cw->w = nw;
			cw->cap = ncap;
		}
		d = &cw->w[cw->n];
		memset(d, 0, sizeof(*d));
		d->dev = w[i].dev;
		d->sector = w[i].sector;
		d->count = w[i].count;
		d->seq = w[i].seq;
		d->in_service = w[i].in_service;
		d->flush_epoch = w[i].flush_epoch;
		d->append = w[i].append;
		d->tags = malloc((w[i].count ? w[i].count : 1) * sizeof(*d->tags));
		d->bytes = malloc(bytes ? bytes : 1);
		if (d->tags == NULL || d->bytes == NULL) {
			free(d->tags);
			free(d->bytes);
			return -1;
		}
		for (uint32_t s = 0; s < w[i].count; s++)
			d->tags[s] = w[i].tags != NULL ? w[i].tags[s] : CSUM_TAG_NONE;
		if (w[i].bytes != NULL)
			memcpy(d->bytes, w[i].bytes, bytes);
		else
			memset(d->bytes, 0, bytes);
		d->kind = CSUM_SK_NONE;
		if (ops != NULL && ops->sector_info != NULL && w[i].count > 0) {
			struct csum_sector_info si;

			memset(&si, 0, sizeof(si));
			ops->sector_info(ctx, w[i].dev, w[i].sector, &si);
			d->kind = si.kind;
		}
		cw->n++;
	}
	return 0;
}

void crash_writes_free(struct crash_writes *cw)
{
	for (uint32_t i = 0; i < cw->n; i++) {
		free(cw->w[i].tags);
		free(cw->w[i].bytes);
	}
	free(cw->w);
	cw->w = NULL;
	cw->n = cw->cap = 0;
}

static bool sector_persists(uint64_t mask, uint32_t i)
{
	return (mask >> (i < 64 ? i : 63)) & 1;
}

/* The new content of sector i of w (tag, or its bytes). */
static void new_content(const struct fault_media *m, const struct crash_write *w, uint32_t i,
			uint8_t out[CSUM_SECTOR])
{
	if (w->tags[i] != CSUM_TAG_NONE)
		fault_media_content(m, w->tags[i], out);
	else
		memcpy(out, w->bytes + (size_t)i * CSUM_SECTOR, CSUM_SECTOR);
}

static int apply_write(const struct fault_media *m, const struct crash_write *w,
		       const struct crash_choice *c, struct fault_set *fs)
{
	for (uint32_t i = 0; i < w->count; i++) {
		uint64_t s = w->sector + i;

		if (!sector_persists(c->mask, i))
			continue;
		/* as on the disk: a sector rewritten loses its latent error */
		if (fs != NULL)
			fault_lse_clear(fs, w->dev, s);
		if (c->shear_sector >= 0 && (uint32_t)c->shear_sector == i &&
		    c->shear_bytes < CSUM_SECTOR) {
			uint8_t nb[CSUM_SECTOR], ob[CSUM_SECTOR];

			/* the cut: new bytes up to shear_bytes, then what was there */
			new_content(m, w, i, nb);
			fault_media_read(m, w->dev, s, ob);
			memcpy(ob, nb, c->shear_bytes);
			if (fault_media_write(m, w->dev, s, CSUM_TAG_NONE, ob) != 0)
				return -1;
			continue;
		}
		if (fault_media_write(m, w->dev, s, w->tags[i],
				      w->tags[i] == CSUM_TAG_NONE ? w->bytes + (size_t)i * CSUM_SECTOR
								  : NULL) != 0)
			return -1;
	}
	return 0;
}

int crash_state_apply(const struct fault_media *m, const struct crash_writes *cw,
		      const struct crash_state *st, struct fault_set *fs, uint64_t time_ns)
{
	uint8_t *done = calloc(cw->n ? cw->n : 1, 1);

	if (done == NULL)
		return -1;
	for (uint32_t k = 0; k < st->n && k < cw->n; k++) {
		uint32_t i = st->order[k];

		if (i >= cw->n || done[i] || !st->choice[i].keep)
			continue;
		done[i] = 1;
		if (apply_write(m, &cw->w[i], &st->choice[i], fs) != 0) {
			free(done);
			return -1;
		}
	}
	free(done);
	if (fs == NULL)
		return 0;
	for (uint32_t i = 0; i < cw->n && i < st->n; i++) {
		const struct crash_write *w = &cw->w[i];
		const struct crash_choice *c = &st->choice[i];
		bool torn = false;

		if (!c->keep) {
			if (fault_set_record(fs, FT_CACHE_LOSS, w->dev, w->sector, w->count,
					     time_ns) != 0)
				return -1;
			continue;
		}
		for (uint32_t s = 0; s < w->count && !torn; s++)
			torn = !sector_persists(c->mask, s);
		if (torn && fault_set_record(fs, FT_TORN, w->dev, w->sector, w->count, time_ns) != 0)
			return -1;
		if (c->shear_sector >= 0 && (uint32_t)c->shear_sector < w->count &&
		    c->shear_bytes < CSUM_SECTOR &&
		    fault_set_record(fs, FT_SHORN, w->dev, w->sector + (uint32_t)c->shear_sector, 1,
				     time_ns) != 0)
			return -1;
	}
	return 0;
}
