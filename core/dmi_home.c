/* Home I/O of the dm-integrity modes; see core/dmi_home.h. */
#include "core/dmi_home.h"

#include <assert.h>
#include <string.h>

enum {
	H_READ = 1,   /* data + tag sector read */
	H_TAG_READ,   /* write/discard/recalc: the tag sector, for its other tags */
	H_WRITE,      /* data + tag sector written */
	H_RECALC_READ,
	H_FLUSH,      /* FUA's commit: dm_integrity_flush_buffers() */
	H_DONE,
};

static uint32_t tc_slot(uint64_t sector)
{
	return (uint32_t)((sector * UINT64_C(0x9e3779b97f4a7c15)) >> 40) & (DMI_TCACHE - 1u);
}

bool dmi_tc_get(const struct dmi_tcache *tc, uint64_t sector, uint8_t out[CSUM_SECTOR])
{
	uint32_t k = tc_slot(sector);

	if (tc == NULL || tc->key[k] != sector + 1u)
		return false;
	memcpy(out, tc->data[k], CSUM_SECTOR);
	return true;
}

void dmi_tc_put(struct dmi_tcache *tc, uint64_t sector, const uint8_t in[CSUM_SECTOR])
{
	uint32_t k = tc_slot(sector);

	if (tc == NULL)
		return;
	tc->key[k] = sector + 1u;
	memcpy(tc->data[k], in, CSUM_SECTOR);
}

void dmi_tc_drop(struct dmi_tcache *tc, uint64_t sector)
{
	uint32_t k = tc_slot(sector);

	if (tc != NULL && tc->key[k] == sector + 1u)
		tc->key[k] = 0;
}

static void done(struct dmi_home *h, struct csum_step *out, int result, const char *why)
{
	h->state = H_DONE;
	bu_step_done(out, result, why);
}

static void io_step(struct dmi_home *h, uint8_t state, struct csum_step *out)
{
	h->state = state;
	bu_step_io(&h->ios, out);
}

static void add_tag_io(const struct dmi_geo *g, struct dmi_home *h, uint8_t kind)
{
	bu_ios_add(&h->ios, kind, kind == CSUM_IO_READ ? CSUM_ROLE_IMD_READ : CSUM_ROLE_IMD_WRITE,
		   kind == CSUM_IO_READ ? 0 : CSUM_IOF_META, dmi_tag_sector(g, h->rel), 1, h->tagsec,
		   NULL);
}

/* Reads of the sectors not skipped, in runs (a whole-piece read when the
 * runs would not fit one step), and the tag sector. */
static void read_start(const struct dmi_geo *g, struct dmi_home *h, struct csum_step *out)
{
	uint32_t i = 0, runs = 0;

	bu_ios_reset(&h->ios);
	while (i < h->p.count) {
		uint32_t e;

		if (h->skip[i]) {
			i++;
			continue;
		}
		for (e = i + 1; e < h->p.count && !h->skip[e]; e++)
			;
		assert(e <= h->p.count && e > i); /* a run of sectors not skipped */
		if (++runs >= CSUM_STEP_MAX_IO) {
			bu_ios_reset(&h->ios); /* skipped sectors stay unjudged */
			bu_ios_add(&h->ios, CSUM_IO_READ, CSUM_ROLE_DATA_READ, 0,
				   dmi_data_sector(g, h->rel), h->p.count, h->buf, h->tags);
			break;
		}
		bu_ios_add(&h->ios, CSUM_IO_READ, CSUM_ROLE_DATA_READ, 0,
			   dmi_data_sector(g, h->rel + i), e - i, h->buf + (size_t)i * CSUM_SECTOR,
			   h->tags ? h->tags + i : NULL);
		i = e;
	}
	if (h->ios.n == 0) {
		done(h, out, 0, NULL);
		return;
	}
	if (!dmi_tc_get(h->tc, dmi_tag_sector(g, h->rel), h->tagsec))
		add_tag_io(g, h, CSUM_IO_READ);
	io_step(h, H_READ, out);
}

/* integrity_metadata() with TAG_CMP, then integrity_recheck(): any
 * mismatching sector fails the bio with -EILSEQ. */
static void read_judge(const struct dmi_geo *g, struct dmi_home *h, struct csum_step *out)
{
	int r = 0;

	if (bu_ios_failed(&h->ios)) {
		done(h, out, -CSUM_EIO, "read failed");
		return;
	}
	dmi_tc_put(h->tc, dmi_tag_sector(g, h->rel), h->tagsec);
	for (uint32_t i = 0; i < h->p.count; i++) {
		if (h->skip[i]) {
			h->verdict[i] = CSUM_V_NOCHECK;
			continue;
		}
		out->crc_bytes += CSUM_SECTOR;
		if (dmi_tag_ok(g, h->tagsec, h->rel + i,
			       dmi_tag(h->rel + i, h->buf + (size_t)i * CSUM_SECTOR))) {
			h->verdict[i] = CSUM_V_NEWER;
		} else {
			h->verdict[i] = CSUM_V_MISMATCH;
			r = -DMI_EILSEQ;
		}
	}
	done(h, out, r, "checksum failed");
}

static void write_step(const struct dmi_geo *g, struct dmi_home *h, struct csum_step *out);

void dmi_home_start(const struct dmi_geo *g, struct dmi_tcache *tc, struct dmi_home *h,
		    uint8_t op, bool flush_after, const struct csum_piece *p, uint8_t *buf,
		    uint64_t *tags, struct csum_step *out)
{
	bool cached;

	h->tc = tc;
	h->op = op;
	h->flush_after = flush_after;
	h->p = *p;
	h->rel = p->sector - g->begin;
	h->buf = buf;
	h->tags = tags;
	if (p->count == 0 || p->count > DMI_TAGS_PER_SECTOR) {
		done(h, out, -CSUM_EINVAL, "not a piece split() makes");
		return;
	}
	/* split() (and recalculation) cut at piece_max from begin: inside the
	 * device, every tag of the piece in the one tag sector h->tagsec holds */
	assert(p->sector >= g->begin && h->rel + p->count <= g->provided);
	assert(dmi_tag_sector(g, h->rel) == dmi_tag_sector(g, h->rel + p->count - 1u));
	if (op == CSUM_OP_READ) {
		read_start(g, h, out);
		return;
	}
	bu_ios_reset(&h->ios);
	cached = dmi_tc_get(tc, dmi_tag_sector(g, h->rel), h->tagsec);
	if (op == DMI_HOME_RECALC) {
		bu_ios_add(&h->ios, CSUM_IO_READ, CSUM_ROLE_DATA_READ, 0, dmi_data_sector(g, h->rel),
			   p->count, buf, tags);
		if (!cached)
			add_tag_io(g, h, CSUM_IO_READ);
		io_step(h, H_RECALC_READ, out);
		return;
	}
	if (cached) {
		write_step(g, h, out);
		return;
	}
	add_tag_io(g, h, CSUM_IO_READ);
	io_step(h, H_TAG_READ, out);
}

static void write_step(const struct dmi_geo *g, struct dmi_home *h, struct csum_step *out)
{
	bu_ios_reset(&h->ios);
	for (uint32_t i = 0; i < h->p.count; i++) {
		uint32_t t;

		if (h->op == CSUM_OP_DISCARD) {
			/* integrity_metadata(): DISCARD_FILLER in every tag byte */
			t = DMI_FILLER * 0x01010101u;
		} else {
			t = dmi_tag(h->rel + i, h->buf + (size_t)i * CSUM_SECTOR);
			out->crc_bytes += CSUM_SECTOR;
		}
		dmi_put_tag(h->tagsec, h->rel + i, t);
	}
	/* the data bio and the tag update run in parallel (dio->in_flight 2);
	 * REQ_FUA is taken off the data bio, a flush follows instead */
	if (h->op == CSUM_OP_WRITE)
		bu_ios_add(&h->ios, CSUM_IO_WRITE, CSUM_ROLE_DATA_WRITE, 0, dmi_data_sector(g, h->rel),
			   h->p.count, h->buf, h->tags);
	add_tag_io(g, h, CSUM_IO_WRITE);
	dmi_tc_put(h->tc, dmi_tag_sector(g, h->rel), h->tagsec);
	io_step(h, H_WRITE, out);
}

void dmi_home_resume(const struct dmi_geo *g, struct dmi_home *h, struct csum_step *out)
{
	bool failed = bu_ios_failed(&h->ios);

	switch (h->state) {
	case H_READ:
		read_judge(g, h, out);
		return;
	case H_TAG_READ:
		if (failed) {
			done(h, out, -CSUM_EIO, "reading tags failed");
			return;
		}
		write_step(g, h, out);
		return;
	case H_RECALC_READ:
		if (failed) {
			done(h, out, -CSUM_EIO, "recalculate: read failed");
			return;
		}
		for (uint32_t i = 0; i < h->p.count; i++)
			dmi_put_tag(h->tagsec, h->rel + i,
				    dmi_tag(h->rel + i, h->buf + (size_t)i * CSUM_SECTOR));
		out->crc_bytes += h->p.count * CSUM_SECTOR;
		bu_ios_reset(&h->ios);
		add_tag_io(g, h, CSUM_IO_WRITE);
		dmi_tc_put(h->tc, dmi_tag_sector(g, h->rel), h->tagsec);
		io_step(h, H_WRITE, out);
		return;
	case H_WRITE:
		if (failed) {
			dmi_tc_drop(h->tc, dmi_tag_sector(g, h->rel));
			done(h, out, -CSUM_EIO, "write failed");
			return;
		}
		if (!h->flush_after) {
			done(h, out, 0, NULL);
			return;
		}
		bu_ios_reset(&h->ios);
		bu_ios_add(&h->ios, CSUM_IO_FLUSH, CSUM_ROLE_FLUSH, 0, 0, 0, NULL, NULL);
		io_step(h, H_FLUSH, out);
		return;
	case H_FLUSH:
		done(h, out, failed ? -CSUM_EIO : 0, "flush failed");
		return;
	default:
		done(h, out, -CSUM_EINVAL, "resume of a finished piece");
		return;
	}
}
