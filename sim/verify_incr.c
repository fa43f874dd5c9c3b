#include "sim/verify_incr.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim/media.h"
#include "sim/recover.h"
#include "sim/verify_carry.h"
#include "util/fnv.h"
#include "util/grow.h"

struct incr {
	/* the durable image's read-back (w->carry's, or own when w has none) */
	struct carry *j;
	struct carry own;
	/* what every state shares: the durable verdicts outside the touched runs */
	struct crash_report rest;
	uint64_t *t_sector;    /* touched runs, in read-back order */
	uint32_t *t_count;
	uint64_t n_touched;
	/* the durable image's unreadable sectors outside them: every state
	 * probes their groups with a write, as the full read-back does (and
	 * then shares no verdicts: the probes are its own) */
	uint64_t *probe;
	uint64_t n_probe;
	/* one state's re-read */
	uint8_t *new_cls;      /* per touched sector, in order */
	uint64_t new_pos, new_runs;
	bool new_bad;
	/* equivalent states: the non-durable writes' sectors (sorted keys) and,
	 * per distinct content they were left with, the verdicts it got */
	uint64_t *keys;
	uint64_t n_keys;
	uint64_t n_touched_sectors;
	struct seen *seen;
	uint64_t n_seen, cap_seen;
	uint64_t states, distinct;
};

/* One distinct content of the touched sectors: a tag or the bytes of each. */
#define SEEN_MAX_SECTORS 256 /* above this, no dedup (memory per state) */
struct seen {
	uint64_t hash;
	uint64_t *tags;        /* n_keys */
	uint8_t *bytes;        /* n_keys * CSUM_SECTOR (only where tags[i] is none) */
	uint8_t *cls;          /* n_touched_sectors verdicts */
};

static bool unreadable(int c)
{
	return c == ORC_FALSE_POS || c == ORC_DETECTED;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Adds one read-back request's verdicts. */
static void count_run(struct crash_report *cr, const uint8_t *cls, uint32_t count)
{
	int worst = ORC_CORRECT;

	for (uint32_t i = 0; i < count; i++) {
		cr->counts.sectors[cls[i]]++;
		worst = oracle_class_worst(worst, cls[i]);
	}
	cr->sectors_checked += count;
	cr->counts.requests[worst]++;
}

/* Which runs read a sector of some volatile write: the carry's index names
 * them (no pass over every run). */
static int find_touched(struct incr *in, const struct crash_writes *cw)
{
	uint64_t *keys = NULL, nk = 0, total = 0, n_new = 0;
	uint64_t nr = in->j->n_runs ? in->j->n_runs : 1;

	for (uint32_t i = 0; i < cw->n; i++)
		total += cw->w[i].count;
	keys = malloc((total ? total : 1) * sizeof(*keys));
	in->t_sector = malloc(nr * sizeof(*in->t_sector));
	in->t_count = malloc(nr * sizeof(*in->t_count));
	if (keys == NULL || in->t_sector == NULL || in->t_count == NULL) {
		free(keys);
		return -1;
	}
	for (uint32_t i = 0; i < cw->n; i++)
		for (uint32_t j = 0; j < cw->w[i].count; j++)
			keys[nk++] = media_log_key(cw->w[i].dev, cw->w[i].sector + j);
	qsort(keys, nk, sizeof(*keys), cmp_u64);
	in->keys = keys;
	in->n_keys = nk;
	in->n_touched = carry_touched(in->j, keys, nk, in->t_sector, in->t_count, &in->rest,
				      &n_new);
	if (in->n_touched == UINT64_MAX) {
		in->n_touched = 0;
		return -1;
	}
	in->n_touched_sectors = n_new;
	in->new_cls = malloc(n_new ? n_new : 1);
	return in->new_cls == NULL ? -1 : 0;
}

/* Faults that could act on the read-back, or a recovery step of the
 * variant's own: then only the full read-back is exact. */
static bool eligible(const struct world *w, const struct fault_set *fs0)
{
	const struct scenario *sc = w->sc;
	const struct sc_faults *f = &sc->faults;

	if (sc->crash.verify != SC_VERIFY_INCREMENTAL || w->ops->recover_start != NULL ||
	    sc->n_fiu != 0 || sc->crash.idle_hours != 0)
		return false;
	if (f->rot_rate != 0 || f->lse_rate != 0 || f->lost_write_p != 0 || f->misdirect_p != 0 ||
	    f->rot_at_ns != UINT64_MAX || f->lse_at_ns != UINT64_MAX)
		return false;
	for (int t = 0; t < FT_COUNT; t++)
		if (fault_set_injected(fs0, t) != 0)
			return false;
	return true;
}

static int seed_durable(struct incr *in, const struct world *w);

int incr_new(struct world *w, const struct fault_set *fs0, const struct crash_writes *cw,
	     struct incr **out, struct cs_err *err)
{
	struct fault_set *fs;
	struct incr *in;
	int rc;

	*out = NULL;
	if (!eligible(w, fs0)) {
		if (w->carry != NULL)
			carry_free(w->carry); /* the next point starts afresh */
		return 0;
	}
	in = calloc(1, sizeof(*in));
	fs = fault_set_clone(fs0);
	if (in == NULL || fs == NULL) {
		free(in);
		fault_set_free(fs);
		return cs_err_set(err, "out of memory verifying the durable image");
	}
	w->fs = fs;
	/* from the last point's judgement, updated in place (w->carry; none:
	 * afresh, in own) */
	in->j = w->carry != NULL ? w->carry : &in->own;
	rc = carry_update(in->j, w, &in->rest, err);
	w->fs = (struct fault_set *)fs0;
	fault_set_free(fs);
	if (rc != 0) {
		incr_free(in);
		return rc < 0 ? -1 : 0;
	}
	assert(in->rest.sectors_checked == in->j->n_cls); /* the verdicts add up */
	if (find_touched(in, cw) != 0 ||
	    carry_unreadable(in->j, in->t_sector, in->n_touched, &in->probe, &in->n_probe) != 0 ||
	    seed_durable(in, w) != 0) {
		incr_free(in);
		return cs_err_set(err, "out of memory verifying the durable image");
	}
	*out = in;
	return 0;
}

void incr_free(struct incr *in)
{
	if (in == NULL)
		return;
	carry_free(&in->own);
	free(in->t_sector);
	free(in->t_count);
	free(in->probe);
	free(in->new_cls);
	free(in->keys);
	for (uint64_t i = 0; i < in->n_seen; i++) {
		free(in->seen[i].tags);
		free(in->seen[i].bytes);
		free(in->seen[i].cls);
	}
	free(in->seen);
	free(in);
}

static int state_run(void *arg, uint64_t sector, uint32_t count, int result,
		     const uint8_t *classes)
{
	struct incr *in = arg;

	if (result != 0 || classes == NULL || in->new_runs >= in->n_touched ||
	    in->t_sector[in->new_runs] != sector || in->t_count[in->new_runs] != count) {
		in->new_bad = true;
		return 1;
	}
	for (uint32_t i = 0; i < count; i++) {
		if (unreadable(classes[i])) {
			in->new_bad = true;
			return 1;
		}
		in->new_cls[in->new_pos++] = classes[i];
	}
	in->new_runs++;
	return 0;
}

/* The touched sectors as this state left them: tags (CSUM_TAG_NONE: the
 * bytes follow), and a hash of it all. */
static uint64_t snap_touched(const struct incr *in, const struct world *w, uint64_t *tags,
			     uint8_t *bytes)
{
	uint64_t h = CS_FNV_OFFSET;

	for (uint64_t i = 0; i < in->n_keys; i++) {
		unsigned dev = (unsigned)(in->keys[i] >> 60);
		uint64_t sector = in->keys[i] & ((UINT64_C(1) << 60) - 1);
		uint8_t *b = &bytes[i * CSUM_SECTOR];

		tags[i] = media_read(w->media, dev, sector, b);
		h = cs_fnv_word(h, tags[i]);
		if (tags[i] == CSUM_TAG_NONE)
			h = cs_fnv_bytes(h, b, CSUM_SECTOR);
	}
	return h;
}

/* The durable image itself as the first content seen: a state that leaves
 * the touched sectors as they are there (every cached write lost, as at
 * each of the demo's points) has the durable verdicts, already judged, and
 * reads nothing. The media is the durable image here. 0, or -1 out of
 * memory. */
static int seed_durable(struct incr *in, const struct world *w)
{
	struct seen sn;
	uint64_t tags[SEEN_MAX_SECTORS + 1], pos = 0;

	if (in->n_keys > SEEN_MAX_SECTORS || in->n_probe > 0)
		return 0; /* no dedup */
	memset(&sn, 0, sizeof(sn));
	sn.tags = malloc((in->n_keys ? in->n_keys : 1) * sizeof(*sn.tags));
	sn.bytes = malloc((in->n_keys ? in->n_keys : 1) * CSUM_SECTOR);
	sn.cls = malloc(in->n_touched_sectors ? in->n_touched_sectors : 1);
	if (sn.tags == NULL || sn.bytes == NULL || sn.cls == NULL ||
	    grow_array((void **)&in->seen, &in->cap_seen, in->n_seen + 1, sizeof(*in->seen), 64) !=
		    0)
		goto oom;
	for (uint64_t t = 0; t < in->n_touched; t++) {
		const uint8_t *cls = carry_run_cls(in->j, in->t_sector[t], in->t_count[t]);

		if (cls == NULL) {
			/* a failed request: no shortcut */
			free(sn.tags);
			free(sn.bytes);
			free(sn.cls);
			return 0;
		}
		memcpy(&sn.cls[pos], cls, in->t_count[t]);
		pos += in->t_count[t];
	}
	sn.hash = snap_touched(in, w, tags, sn.bytes);
	memcpy(sn.tags, tags, in->n_keys * sizeof(*tags));
	in->seen[in->n_seen++] = sn;
	return 0;
oom:
	free(sn.tags);
	free(sn.bytes);
	free(sn.cls);
	return -1;
}

static bool same_content(const struct incr *in, const struct seen *sn, const uint64_t *tags,
			 const uint8_t *bytes)
{
	for (uint64_t i = 0; i < in->n_keys; i++) {
		if (sn->tags[i] != tags[i])
			return false;
		if (tags[i] == CSUM_TAG_NONE &&
		    memcmp(&sn->bytes[i * CSUM_SECTOR], &bytes[i * CSUM_SECTOR], CSUM_SECTOR) != 0)
			return false;
	}
	return true;
}

static void compose(const struct incr *in, const uint8_t *cls, struct crash_report *one)
{
	uint64_t pos = 0;

	*one = in->rest;
	for (uint64_t t = 0; t < in->n_touched; t++) {
		count_run(one, &cls[pos], in->t_count[t]);
		pos += in->t_count[t];
	}
}

int incr_recover(struct incr *in, struct world *w, struct crash_report *one, struct cs_err *err)
{
	struct recover_tap tap = { 0 };
	struct crash_report got;
	bool dedup = in->n_keys <= SEEN_MAX_SECTORS && in->n_probe == 0;
	uint64_t tags[SEEN_MAX_SECTORS + 1], h = 0;
	uint8_t *bytes = NULL;

	if (dedup) {
		bytes = malloc((in->n_keys ? in->n_keys : 1) * CSUM_SECTOR);
		if (bytes == NULL)
			return cs_err_set(err, "out of memory");
		h = snap_touched(in, w, tags, bytes);
		for (uint64_t i = 0; i < in->n_seen; i++) {
			const struct seen *sn = &in->seen[i];
			uint64_t pos = 0;

			if (sn->hash != h || !same_content(in, sn, tags, bytes))
				continue;
			/* the same media as a state judged before: the same reads,
			 * verdicts, and faults judged by them */
			for (uint64_t t = 0; t < in->n_touched; t++) {
				fault_set_observe_read(w->fs, in->t_sector[t], in->t_count[t],
						       &sn->cls[pos]);
				pos += in->t_count[t];
			}
			compose(in, sn->cls, one);
			free(bytes);
			in->states++;
			return 0;
		}
	}
	memset(&got, 0, sizeof(got));
	in->new_pos = 0;
	in->new_runs = 0;
	in->new_bad = false;
	tap.on_run = state_run;
	tap.arg = in;
	tap.run_sector = in->t_sector;
	tap.run_count = in->t_count;
	tap.n_runs = in->n_touched;
	tap.probe = in->probe;
	tap.n_probe = in->n_probe;
	if (recover_tapped(w, &got, &tap, err) != 0) {
		free(bytes);
		return -1;
	}
	if (in->new_bad || in->new_runs != in->n_touched || got.counts.not_completed != 0 ||
	    got.unreadable_sectors != 0) {
		free(bytes);
		return 1;
	}
	compose(in, in->new_cls, one);
	one->probed_groups = got.probed_groups;
	one->unwritable_groups = got.unwritable_groups;
	/* the verdicts add up to what the full read-back counts */
	if (one->sectors_checked != in->j->n_cls) {
		free(bytes);
		return 1;
	}
	in->states++;
	in->distinct++;
	if (dedup) {
		struct seen sn = { .hash = h };

		sn.tags = malloc((in->n_keys ? in->n_keys : 1) * sizeof(*sn.tags));
		sn.cls = malloc(in->n_touched_sectors ? in->n_touched_sectors : 1);
		if (sn.tags == NULL || sn.cls == NULL ||
		    grow_array((void **)&in->seen, &in->cap_seen, in->n_seen + 1, sizeof(*in->seen),
			       64) != 0) {
			free(sn.tags);
			free(sn.cls);
			free(bytes);
			return cs_err_set(err, "out of memory");
		}
		memcpy(sn.tags, tags, in->n_keys * sizeof(*tags));
		memcpy(sn.cls, in->new_cls, in->n_touched_sectors);
		sn.bytes = bytes; /* kept */
		in->seen[in->n_seen++] = sn;
		return 0;
	}
	free(bytes);
	return 0;
}

void incr_counts(const struct incr *in, uint64_t *states, uint64_t *distinct)
{
	*states = in->states;
	*distinct = in->distinct;
}

void incr_carry_counts(const struct incr *in, uint64_t *kept, uint64_t *read)
{
	*kept += in->j->kept;
	*read += in->j->reread;
}

uint64_t incr_runs(const struct incr *in)
{
	return in->j->n_runs;
}

uint64_t incr_touched_runs(const struct incr *in)
{
	return in->n_touched;
}
