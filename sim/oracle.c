#include "sim/oracle.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/csum.h"
#include "sim/content.h"
#include "util/grow.h"

/* How many versions back a damaged sector's bytes are compared with before
 * it is called corruption: bounds the cost of the rare explicit-bytes path. */
#define ORACLE_BYTES_SCAN 64

void oracle_init(struct oracle *o, uint64_t content_seed)
{
	memset(o, 0, sizeof(*o));
	chunkmap_init(&o->sectors, sizeof(struct oracle_sector));
	sizepool_init(&o->pend_pool, 2 * sizeof(struct oracle_pending));
	o->content_seed = content_seed;
}

/* Entries of a sector's pend array (2 << cap_class, or 0 without one). */
static uint32_t pend_cap(const struct oracle_sector *s)
{
	return s->pend == NULL ? 0 : 2u << s->cap_class;
}

static int undo_note(struct oracle *o, uint64_t sector);
static void undo_durable_moved(struct oracle *o);
static void undo_free(struct oracle *o);
static void chlog_note(struct oracle *o, uint64_t sector);
static void chlog_free(struct oracle *o);

void oracle_free(struct oracle *o)
{
	uint64_t pos = 0, k;
	void *v;

	/* only the malloc'd large classes need giving back one by one (and
	 * a walk over every sector only when there are some) */
	while (o->pend_large > 0 && chunkmap_next(&o->sectors, &pos, &k, &v)) {
		struct oracle_sector *s = v;

		if (s->pend != NULL && s->cap_class >= SIZEPOOL_SLAB_CLASSES) {
			sizepool_free(&o->pend_pool, s->cap_class, s->pend);
			o->pend_large--;
		}
	}
	undo_free(o);
	chlog_free(o);
	sizepool_destroy(&o->pend_pool);
	chunkmap_free(&o->sectors);
}

/* Fold pending completions the flushes have made durable. */
static void settle(const struct oracle *o, struct oracle_sector *s)
{
	uint32_t keep = 0;

	for (uint32_t i = 0; i < s->npend; i++) {
		if (s->pend[i].cseq <= o->durable_upto) {
			if (s->pend[i].version > s->durable_ver)
				s->durable_ver = s->pend[i].version;
		} else {
			s->pend[keep++] = s->pend[i];
		}
	}
	s->npend = keep;
}

void oracle_prefetch(const struct oracle *o, uint64_t sector, uint32_t count)
{
	chunkmap_prefetch(&o->sectors, sector, count);
}

int oracle_write_submit(struct oracle *o, uint64_t sector, uint32_t count, uint64_t *tags)
{
	oracle_prefetch(o, sector, count);
	for (uint32_t i = 0; i < count; i++) {
		struct oracle_sector *s;

		if (sector + i >= ORACLE_MAX_SECTORS)
			return -1;
		if (o->undo != NULL && undo_note(o, sector + i) != 0)
			return -1;
		if (o->chlog != NULL)
			chlog_note(o, sector + i);
		s = chunkmap_put(&o->sectors, sector + i, NULL);
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
	uint64_t cseq;

	if (!ok)
		return 0; /* still submitted: it may have persisted, nothing promised */
	cseq = ++o->cseq;
	oracle_prefetch(o, sector, count);
	for (uint32_t i = 0; i < count; i++) {
		struct oracle_sector *s = chunkmap_get(&o->sectors, sector + i);
		uint32_t v = tag_version(tags[i]);

		if (o->undo != NULL && undo_note(o, sector + i) != 0)
			return -1;
		if (o->chlog != NULL)
			chlog_note(o, sector + i);
		assert(s != NULL && v >= 1 && v <= s->nver);
		if (v > s->done_ver)
			s->done_ver = v;
		if (fua) {
			if (v > s->durable_ver)
				s->durable_ver = v;
			continue;
		}
		settle(o, s);
		if (s->npend == pend_cap(s)) {
			unsigned k = s->pend == NULL ? 0 : s->cap_class + 1u;
			struct oracle_pending *p;

			/* a pool, not malloc: no header per sector, and no million
			 * frees at the end (see util/sizepool.h) */
			if (k > 22)
				return -1; /* past ORACLE_MAX_VERSIONS entries */
			p = sizepool_alloc(&o->pend_pool, k);
			if (p == NULL)
				return -1;
			if (s->npend > 0)
				memcpy(p, s->pend, s->npend * sizeof(*p));
			if (s->pend != NULL) {
				sizepool_free(&o->pend_pool, s->cap_class, s->pend);
				o->pend_entries -= pend_cap(s);
				o->pend_large -= s->cap_class >= SIZEPOOL_SLAB_CLASSES;
			}
			s->pend = p;
			s->cap_class = k & 63u;
			o->pend_entries += pend_cap(s);
			o->pend_large += k >= SIZEPOOL_SLAB_CLASSES;
		}
		assert(s->npend < pend_cap(s));
		s->pend[s->npend].version = v;
		s->pend[s->npend].cseq = cseq;
		s->npend++;
	}
	return 0;
}

uint64_t oracle_flush_submit(const struct oracle *o)
{
	return o->cseq;
}

void oracle_flush_done(struct oracle *o, uint64_t token)
{
	if (o->undo != NULL && token > o->durable_upto)
		undo_durable_moved(o);
	if (token > o->durable_upto)
		o->durable_upto = token;
}

uint32_t oracle_read_floor(struct oracle *o, uint64_t sector)
{
	struct oracle_sector *s = chunkmap_get(&o->sectors, sector);

	return s ? s->done_ver : 0;
}

uint32_t oracle_crash_floor(struct oracle *o, uint64_t sector)
{
	struct oracle_sector *s = chunkmap_get(&o->sectors, sector);

	if (s == NULL)
		return 0;
	settle(o, s);
	return s->durable_ver;
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
	struct oracle_sector *s = chunkmap_get(&o->sectors, sector);
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
	struct oracle_sector *s = chunkmap_get(&o->sectors, sector);

	if (s == NULL)
		return 0;
	settle(o, s);
	return ((uint64_t)s->nver << 32) | s->durable_ver;
}

uint64_t *oracle_written_sectors(const struct oracle *o, uint64_t *n)
{
	*n = o->sectors.len;
	return chunkmap_keys(&o->sectors);
}

uint64_t oracle_bytes(const struct oracle *o)
{
#ifndef NDEBUG
	{
		/* the running counts add up to the arrays there are */
		uint64_t pos = 0, k, entries = 0, large = 0;
		void *v;

		while (chunkmap_next(&o->sectors, &pos, &k, &v)) {
			const struct oracle_sector *s = v;

			entries += pend_cap(s);
			large += s->pend != NULL && s->cap_class >= SIZEPOOL_SLAB_CLASSES;
		}
		assert(entries == o->pend_entries && large == o->pend_large);
	}
#endif
	return chunkmap_bytes(&o->sectors) + o->pend_entries * sizeof(struct oracle_pending);
}

/* ---- undo log (crash states explored in the replay's own process) ------ */

/* One sector as it was before a write touched it: absent, or its state and
 * its pending completions (at pend[at..]). */
struct undo_rec {
	uint64_t sector;
	bool existed;
	struct oracle_sector s;
	uint64_t at;
};

struct oracle_undo {
	struct undo_rec *rec;
	uint64_t n, cap;
	struct oracle_pending *pend;
	uint64_t n_pend, cap_pend;
	bool durable_moved;
	/* the counters at begin */
	uint64_t cseq, durable_upto, versions, pend_entries, pend_large, len;
};

static void undo_free(struct oracle *o)
{
	if (o->undo == NULL)
		return;
	free(o->undo->rec);
	free(o->undo->pend);
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
	const struct oracle_sector *s = chunkmap_get(&o->sectors, sector);
	struct undo_rec r = { .sector = sector, .existed = s != NULL };

	if (grow_array((void **)&u->rec, &u->cap, u->n + 1, sizeof(*u->rec), 64) != 0)
		return -1;
	if (s != NULL) {
		r.s = *s;
		r.at = u->n_pend;
		if (grow_array((void **)&u->pend, &u->cap_pend, u->n_pend + s->npend,
			       sizeof(*u->pend), 64) != 0)
			return -1;
		if (s->npend > 0)
			memcpy(&u->pend[u->n_pend], s->pend, s->npend * sizeof(*s->pend));
		u->n_pend += s->npend;
	}
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
	u->cseq = o->cseq;
	u->durable_upto = o->durable_upto;
	u->versions = o->versions;
	u->pend_entries = o->pend_entries;
	u->pend_large = o->pend_large;
	u->len = o->sectors.len;
	o->undo = u;
	return 0;
}

int oracle_undo_rollback(struct oracle *o)
{
	struct oracle_undo *u = o->undo;
	int rc = 0;

	assert(u != NULL);
	o->undo = NULL; /* frees and allocations below are not noted */
	for (uint64_t i = u->n; i-- > 0;) {
		const struct undo_rec *r = &u->rec[i];
		struct oracle_sector *s = chunkmap_get(&o->sectors, r->sector);
		struct oracle_pending *p;

		assert(s != NULL); /* every noted sector exists after its write */
		if (s == NULL)
			continue;
		p = s->pend;
		if (!r->existed || p != r->s.pend) {
			/* the array it had was given back when it grew */
			if (p != NULL)
				sizepool_free(&o->pend_pool, s->cap_class, p);
			p = NULL;
			if (r->existed && r->s.pend != NULL) {
				p = sizepool_alloc(&o->pend_pool, r->s.cap_class);
				if (p == NULL) {
					rc = -1;
					continue;
				}
			}
		}
		if (!r->existed) {
			(void)chunkmap_del(&o->sectors, r->sector);
			continue;
		}
		*s = r->s;
		s->pend = p;
		if (r->s.npend > 0)
			memcpy(p, &u->pend[r->at], r->s.npend * sizeof(*p));
	}
	if (u->durable_moved)
		rc = -1;
	o->cseq = u->cseq;
	o->durable_upto = u->durable_upto;
	o->versions = u->versions;
	o->pend_entries = u->pend_entries;
	o->pend_large = u->pend_large;
	assert(o->sectors.len == u->len || rc != 0); /* what the writes created is gone */
	o->undo = u;
	undo_free(o);
	return rc;
}

uint64_t oracle_digest(struct oracle *o)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325), pos = 0, k;
	const uint64_t c[] = { o->cseq, o->durable_upto, o->versions, o->pend_entries,
			       o->pend_large, o->sectors.len };
	void *v;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		h = (h ^ c[i]) * UINT64_C(0x100000001b3);
	while (chunkmap_next(&o->sectors, &pos, &k, &v)) {
		struct oracle_sector *s = v;

		settle(o, s);
		h = (h ^ k) * UINT64_C(0x100000001b3);
		h = (h ^ s->nver) * UINT64_C(0x100000001b3);
		h = (h ^ s->durable_ver) * UINT64_C(0x100000001b3);
		h = (h ^ s->done_ver) * UINT64_C(0x100000001b3);
		h = (h ^ pend_cap(s)) * UINT64_C(0x100000001b3);
		for (uint32_t i = 0; i < s->npend; i++) {
			h = (h ^ s->pend[i].version) * UINT64_C(0x100000001b3);
			h = (h ^ s->pend[i].cseq) * UINT64_C(0x100000001b3);
		}
	}
	return h;
}

/* ---- change log (what may have changed between two crash points) ------- */

/* Past this many notes between two clears the log gives up (8 MiB). */
#define ORACLE_CHLOG_MAX (UINT64_C(1) << 20)

struct oracle_chlog {
	bool failed;
	uint64_t *s;
	uint64_t n, cap;
};

static void chlog_free(struct oracle *o)
{
	if (o->chlog != NULL)
		free(o->chlog->s);
	free(o->chlog);
	o->chlog = NULL;
}

static void chlog_note(struct oracle *o, uint64_t sector)
{
	struct oracle_chlog *l = o->chlog;

	if (l->failed)
		return;
	if (l->n >= ORACLE_CHLOG_MAX) {
		l->failed = true;
		return;
	}
	if (grow_array((void **)&l->s, &l->cap, l->n + 1, sizeof(*l->s), 4096) != 0) {
		l->failed = true; /* incomplete: said so */
		return;
	}
	l->s[l->n++] = sector;
}

int oracle_chlog_on(struct oracle *o)
{
	if (o->chlog == NULL)
		o->chlog = calloc(1, sizeof(*o->chlog));
	return o->chlog != NULL ? 0 : -1;
}

bool oracle_chlog(const struct oracle *o, const uint64_t **sectors, size_t *n)
{
	*sectors = o->chlog != NULL ? o->chlog->s : NULL;
	*n = o->chlog != NULL ? (size_t)o->chlog->n : 0;
	return o->chlog != NULL && !o->chlog->failed;
}

void oracle_chlog_clear(struct oracle *o)
{
	if (o->chlog == NULL)
		return;
	o->chlog->n = 0;
	o->chlog->failed = false;
}

bool oracle_pending(struct oracle *o, uint64_t sector)
{
	struct oracle_sector *s = chunkmap_get(&o->sectors, sector);

	if (s == NULL)
		return false;
	settle(o, s);
	return s->npend > 0;
}

uint64_t *oracle_pending_sectors(struct oracle *o, size_t *n)
{
	uint64_t pos = 0, k, *out = NULL, cap = 0;
	void *v;

	*n = 0;
	while (chunkmap_next(&o->sectors, &pos, &k, &v)) {
		struct oracle_sector *s = v;

		settle(o, s);
		if (s->npend == 0)
			continue;
		if (grow_array((void **)&out, &cap, *n + 1, sizeof(*out), 256) != 0) {
			free(out);
			*n = SIZE_MAX;
			return NULL;
		}
		out[(*n)++] = k;
	}
	return out;
}
