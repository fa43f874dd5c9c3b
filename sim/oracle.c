#include "sim/oracle.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/csum.h"
#include "sim/content.h"
#include "util/fnv.h"
#include "util/grow.h"

/* How many versions back a damaged sector's bytes are compared with before
 * it is called corruption: bounds the cost of the rare explicit-bytes path. */
#define ORACLE_BYTES_SCAN 64

/* A pending record's header: 2 words, then `count` versions. */
#define REC_HEADER 2u
#define REC_MAX_COUNT ((UINT32_C(1) << 24) - 1)

void oracle_init(struct oracle *o, uint64_t content_seed)
{
	memset(o, 0, sizeof(*o));
	rankmap_init(&o->sectors, sizeof(struct oracle_sector));
	wordq_init(&o->pending);
	o->content_seed = content_seed;
}

static int undo_note(struct oracle *o, uint64_t sector);
static void undo_free(struct oracle *o);
static void chlog_note(struct oracle *o, uint64_t sector);
static void chlog_free(struct oracle *o);

void oracle_free(struct oracle *o)
{
	undo_free(o);
	chlog_free(o);
	wordq_free(&o->pending);
	rankmap_free(&o->sectors);
}

void oracle_prefetch(const struct oracle *o, uint64_t sector, uint32_t count)
{
	rankmap_prefetch(&o->sectors, sector, count);
}

/* (replay) the step before oracle_prefetch, a few requests earlier */
void oracle_prefetch_entry(const struct oracle *o, uint64_t sector, uint32_t count)
{
	rankmap_prefetch_entry(&o->sectors, sector, count);
}

/* oracle_write_submit without undo or change log: each 64-sector chunk's
 * keys made at once (rankmap_put_span), the same map as key by key. */
static int write_submit_spans(struct oracle *o, uint64_t sector, uint32_t count, uint64_t *tags)
{
	for (uint32_t i = 0; i < count;) {
		uint32_t n = (1u << RANKMAP_SHIFT) - (uint32_t)((sector + i) & ((1u << RANKMAP_SHIFT) - 1));
		struct oracle_sector *s;

		n = n < count - i ? n : count - i;
		s = rankmap_put_span(&o->sectors, sector + i, n, NULL);
		if (s == NULL)
			return -1;
		for (uint32_t j = 0; j < n; j++, i++) {
			if (s[j].nver >= ORACLE_MAX_VERSIONS)
				return -1;
			s[j].nver++;
			o->versions++;
			tags[i] = oracle_tag(sector + i, s[j].nver);
		}
	}
	return 0;
}

int oracle_write_submit(struct oracle *o, uint64_t sector, uint32_t count, uint64_t *tags)
{
	oracle_prefetch(o, sector, count);
	if (o->undo == NULL && o->chlog == NULL && sector < ORACLE_MAX_SECTORS &&
	    count <= ORACLE_MAX_SECTORS - sector)
		return write_submit_spans(o, sector, count, tags);
	for (uint32_t i = 0; i < count; i++) {
		struct oracle_sector *s;

		if (sector + i >= ORACLE_MAX_SECTORS)
			return -1;
		if (o->undo != NULL && undo_note(o, sector + i) != 0)
			return -1;
		if (o->chlog != NULL)
			chlog_note(o, sector + i);
		s = rankmap_put(&o->sectors, sector + i, NULL);
		if (s == NULL || s->nver >= ORACLE_MAX_VERSIONS)
			return -1;
		s->nver++;
		o->versions++;
		tags[i] = oracle_tag(sector + i, s->nver);
	}
	return 0;
}

static uint32_t tag_version(uint64_t tag)
{
	return (uint32_t)(tag >> ORACLE_SECTOR_BITS);
}

static uint64_t tag_sector(uint64_t tag)
{
	return tag & (ORACLE_MAX_SECTORS - 1);
}

int oracle_write_done(struct oracle *o, uint64_t sector, uint32_t count,
		      const uint64_t *tags, bool ok, bool fua)
{
	uint64_t records = 0;

	if (!ok)
		return 0; /* still submitted: it may have persisted, nothing promised */
	if (!fua) {
		/* room first, so that a failure changes nothing */
		records = (count + (uint64_t)REC_MAX_COUNT - 1) / REC_MAX_COUNT;
		if (wordq_reserve(&o->pending, records * REC_HEADER + count) != 0)
			return -1;
	}
	oracle_prefetch(o, sector, count);
	for (uint32_t i = 0; i < count; i++) {
		struct oracle_sector *s;
		uint32_t v = tag_version(tags[i]);

		if (o->undo != NULL && undo_note(o, sector + i) != 0)
			return -1; /* (room for the pending log is reserved, unused) */
		if (o->chlog != NULL)
			chlog_note(o, sector + i);
		s = rankmap_get(&o->sectors, sector + i);
		assert(s != NULL && v >= 1 && v <= s->nver);
		assert(tag_sector(tags[i]) == sector + i);
		if (v > s->done_ver)
			s->done_ver = v;
		if (fua && v > s->durable_ver)
			s->durable_ver = v;
		if (fua)
			continue;
		if (i % REC_MAX_COUNT == 0) {
			uint64_t at = sector + i;
			uint32_t n = count - i < REC_MAX_COUNT ? count - i : REC_MAX_COUNT;

			wordq_push(&o->pending, (uint32_t)at);
			wordq_push(&o->pending, (uint32_t)(at >> 32) | n << 8);
			o->records++;
		}
		wordq_push(&o->pending, v);
	}
	return 0;
}

uint64_t oracle_flush_submit(const struct oracle *o)
{
	return o->records;
}

static void undo_durable_moved(struct oracle *o);

void oracle_flush_done(struct oracle *o, uint64_t token)
{
	/* every write completed before the flush was submitted is durable */
	assert(token <= o->records);
	if (o->undo != NULL && token > o->settled)
		undo_durable_moved(o);
	while (o->settled < token) {
		uint64_t at = wordq_pop(&o->pending), hi = wordq_pop(&o->pending);
		uint32_t n = (uint32_t)(hi >> 8);

		at |= (hi & 0xffu) << 32;
		for (uint32_t i = 0; i < n; i++) {
			struct oracle_sector *s = rankmap_get(&o->sectors, at + i);
			uint32_t v = wordq_pop(&o->pending);

			assert(s != NULL && v <= s->nver);
			if (o->chlog != NULL)
				chlog_note(o, at + i);
			if (v > s->durable_ver)
				s->durable_ver = v;
		}
		o->settled++;
	}
	assert(o->settled < o->records || o->pending.len == 0);
}

uint32_t oracle_read_floor(struct oracle *o, uint64_t sector)
{
	const struct oracle_sector *s = rankmap_get(&o->sectors, sector);

	return s ? s->done_ver : 0;
}

uint32_t oracle_crash_floor(struct oracle *o, uint64_t sector)
{
	const struct oracle_sector *s = rankmap_get(&o->sectors, sector);

	return s ? s->durable_ver : 0;
}

/* Which version of `sector` (if any) these bytes are, scanning down from the
 * newest; -1 when none within the scan limit. */
static int64_t version_of_bytes(const struct oracle *o, uint64_t sector, uint32_t nver,
				const uint8_t *bytes)
{
	uint8_t want[CSUM_SECTOR];
	uint32_t lowest = nver > ORACLE_BYTES_SCAN ? nver - ORACLE_BYTES_SCAN : 0;

	for (uint32_t v = nver + 1; v-- > lowest;) {
		content_fill(o->content_seed, oracle_tag(sector, v), want);
		if (memcmp(want, bytes, CSUM_SECTOR) == 0)
			return v;
	}
	return -1;
}

int oracle_classify(struct oracle *o, uint64_t sector, uint32_t floor, bool error,
		    uint64_t tag, const uint8_t *bytes)
{
	const struct oracle_sector *s = rankmap_get(&o->sectors, sector);
	uint32_t nver = s ? s->nver : 0;
	int64_t v = -1;

	if (tag != CSUM_TAG_NONE) {
		if (tag == 0)
			v = 0;
		else if (tag_sector(tag) == sector && tag_version(tag) <= nver)
			v = tag_version(tag);
	} else if (bytes != NULL) {
		v = version_of_bytes(o, sector, nver, bytes);
	}
	if (error)
		return (v >= (int64_t)floor) ? ORC_FALSE_POS : ORC_DETECTED;
	if (v < 0)
		return ORC_SILENT;
	return v >= (int64_t)floor ? ORC_CORRECT : ORC_STALE;
}

uint64_t oracle_crash_key(struct oracle *o, uint64_t sector)
{
	const struct oracle_sector *s = rankmap_get(&o->sectors, sector);

	if (s == NULL)
		return 0;
	return ((uint64_t)s->nver << 32) | s->durable_ver;
}

uint64_t *oracle_written_sectors(const struct oracle *o, uint64_t *n)
{
	*n = o->sectors.len;
	return rankmap_keys(&o->sectors);
}

uint64_t oracle_bytes(const struct oracle *o)
{
	return rankmap_bytes(&o->sectors) + wordq_bytes(&o->pending);
}

/* ---- undo log (crash states explored in the replay's own process) ------ */

/* One sector's record before a write touched it (or its absence). */
struct undo_rec {
	uint64_t sector;
	bool existed;
	struct oracle_sector s;
};

struct oracle_undo {
	struct undo_rec *rec;
	uint64_t n, cap;
	bool durable_moved;
	/* at begin: the counters and the pending log's end */
	uint64_t records, settled, versions, len;
	struct wordq_mark pending;
};

static void undo_free(struct oracle *o)
{
	if (o->undo == NULL)
		return;
	free(o->undo->rec);
	free(o->undo);
	o->undo = NULL;
}

static void undo_durable_moved(struct oracle *o)
{
	o->undo->durable_moved = true;
}

static int undo_note(struct oracle *o, uint64_t sector)
{
	struct oracle_undo *u = o->undo;
	const struct oracle_sector *s = rankmap_get(&o->sectors, sector);
	struct undo_rec r = { .sector = sector, .existed = s != NULL };

	if (grow_array((void **)&u->rec, &u->cap, u->n + 1, sizeof(*u->rec), 64) != 0)
		return -1;
	if (s != NULL)
		r.s = *s;
	u->rec[u->n++] = r;
	return 0;
}

int oracle_undo_begin(struct oracle *o)
{
	struct oracle_undo *u;

	assert(o->undo == NULL); /* one undo at a time */
	u = calloc(1, sizeof(*u));
	if (u == NULL)
		return -1;
	u->records = o->records;
	u->settled = o->settled;
	u->versions = o->versions;
	u->len = o->sectors.len;
	wordq_mark(&o->pending, &u->pending);
	o->undo = u;
	return 0;
}

int oracle_undo_rollback(struct oracle *o)
{
	struct oracle_undo *u = o->undo;
	int rc;

	assert(u != NULL);
	rc = u->durable_moved ? -1 : 0;
	o->undo = NULL;
	for (uint64_t i = u->n; i-- > 0;) {
		const struct undo_rec *r = &u->rec[i];
		struct oracle_sector *s;

		if (!r->existed) {
			(void)rankmap_del(&o->sectors, r->sector);
			continue;
		}
		s = rankmap_get(&o->sectors, r->sector);
		assert(s != NULL); /* it existed before, nothing removes a sector */
		if (s != NULL)
			*s = r->s;
	}
	/* the completions the writes appended (no flush popped any) */
	if (rc == 0)
		wordq_truncate(&o->pending, &u->pending);
	o->records = u->records;
	o->settled = u->settled;
	o->versions = u->versions;
	assert(o->sectors.len == u->len || rc != 0); /* what the writes created is gone */
	o->undo = u;
	undo_free(o);
	return rc;
}

uint64_t oracle_digest(const struct oracle *o)
{
	uint64_t pos = 0, k;
	const uint64_t c[] = { o->records, o->settled, o->versions, o->pending.len,
			       o->sectors.len };
	uint64_t h = cs_fnv_words(CS_FNV_OFFSET, c, sizeof(c) / sizeof(c[0]));
	void *v;

	while (rankmap_next(&o->sectors, &pos, &k, &v)) {
		const struct oracle_sector *s = v;
		const uint64_t w[] = { k, s->nver, s->durable_ver, s->done_ver };

		h = cs_fnv_words(h, w, sizeof(w) / sizeof(w[0]));
	}
	return h;
}

/* ---- change log (what may have changed between two crash points) ------- */

static void chlog_free(struct oracle *o)
{
	if (o->chlog != NULL)
		keylog_free(o->chlog);
	free(o->chlog);
	o->chlog = NULL;
}

static void chlog_note(struct oracle *o, uint64_t sector)
{
	keylog_add(o->chlog, sector);
}

int oracle_chlog_on(struct oracle *o)
{
	if (o->chlog == NULL)
		o->chlog = calloc(1, sizeof(*o->chlog));
	return o->chlog != NULL ? 0 : -1;
}

bool oracle_chlog(const struct oracle *o, const uint64_t **sectors, size_t *n)
{
	*sectors = o->chlog != NULL ? o->chlog->keys : NULL;
	*n = o->chlog != NULL ? (size_t)o->chlog->n : 0;
	return o->chlog != NULL && !o->chlog->failed;
}

void oracle_chlog_clear(struct oracle *o)
{
	if (o->chlog != NULL)
		keylog_clear(o->chlog);
}

/* ---- shape (memory accounting after a rollback) ------------------------ */

uint64_t oracle_shape(const struct oracle *o)
{
	const struct wordq *q = &o->pending;
	const uint64_t f[] = { q->n_segs, q->reserved, q->len, q->head_i, q->tail_i };
	uint64_t h = rankmap_shape(&o->sectors, CS_FNV_OFFSET);

	return cs_fnv_words(h, f, sizeof(f) / sizeof(f[0]));
}
