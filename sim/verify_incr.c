#include "sim/verify_incr.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "faults/faults.h"
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
	/* the durable image's requests outside the touched runs that read a
	 * sector some fault of the run still waits on: each state's faults
	 * take their carried verdicts, as a full read-back would read them */
	struct obs_run *obs;
	uint64_t n_obs;
	bool write_faults;     /* probe writes may be lost or misdirected */
	/* the dm sectors fs0's faults wait on (ascending): a state's own
	 * faults are the others */
	uint64_t *w0;
	uint64_t n_w0;
	/* what the state under way re-reads: the touched runs above, or (its
	 * faults changed the media while the power was off) those and the
	 * runs reading what they changed, in st_*; with the durable verdicts
	 * outside them, and its probes */
	const uint64_t *cur_sector;
	const uint32_t *cur_count;
	uint64_t n_cur, n_cur_sectors;
	struct crash_report cur_rest;
	const uint64_t *cur_probe;
	uint64_t n_cur_probe;
	uint64_t *st_sector, *st_probe, *ex_sector;
	uint32_t *st_count, *ex_count;
	uint64_t *ex_only;     /* the runs the state adds (ascending) */
	uint64_t n_ex_only;
	uint64_t cap_cls;      /* new_cls's room */
	bool drop_changes;     /* test hook: ignore what the state's faults changed */
	/* one state's re-read */
	uint8_t *new_cls;      /* per touched sector, in order */
	uint8_t *new_failed;   /* per touched run: it failed, its sectors read alone */
	uint64_t new_pos, new_runs;
	uint32_t singles_left; /* sectors of a failed run still to read alone */
	uint64_t single_next;
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

/* A carried request a fault waits on: its verdicts stay in the carry,
 * which no state changes. */
struct obs_run {
	uint64_t sector;
	uint32_t count;
	bool failed;
	const uint8_t *cls;
};

/* One distinct content of the touched sectors: a tag or the bytes of each. */
#define SEEN_MAX_SECTORS 256 /* above this, no dedup (memory per state) */
struct seen {
	uint64_t hash;
	uint64_t *tags;        /* n_keys */
	uint8_t *bytes;        /* n_keys * CSUM_SECTOR (only where tags[i] is none) */
	uint8_t *cls;          /* n_touched_sectors verdicts */
	uint8_t *failed;       /* n_touched: the run failed (NULL: none did) */
	uint64_t probed, unwritable; /* the groups its unreadable sectors probed */
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

/* Adds one read-back request's verdicts as recover() counts them: a failed
 * one as each of its sectors read alone, its unreadable ones counted. */
static void count_run(struct crash_report *cr, const uint8_t *cls, uint32_t count, bool failed)
{
	int worst = ORC_CORRECT;

	for (uint32_t i = 0; i < count; i++) {
		cr->counts.sectors[cls[i]]++;
		worst = oracle_class_worst(worst, cls[i]);
		if (failed) {
			cr->counts.requests[cls[i]]++;
			cr->unreadable_sectors += unreadable(cls[i]) ? 1 : 0;
		}
	}
	cr->sectors_checked += count;
	if (!failed)
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
	in->new_failed = calloc(nr, 1);
	return in->new_cls == NULL || in->new_failed == NULL ? -1 : 0;
}

/* Faults or a recovery step that the carried judgement cannot follow:
 * then only the full read-back is exact. The carry follows what changes
 * the media (rot, lost and misdirected writes: the media's write log) and
 * the oracle, and a state what its faults change while the power is off
 * (rot and latent errors at rest: fault_set_idle_changes); not latent
 * sector errors standing at the crash (a read fails with nothing written),
 * the field model's, libfiu points, or a variant's own recovery step. */
static bool eligible(const struct world *w, const struct fault_set *fs0)
{
	const struct scenario *sc = w->sc;
	struct field_params fp;
	struct field_stats fst;

	if (sc->crash.verify != SC_VERIFY_INCREMENTAL || w->ops->recover_start != NULL ||
	    sc->n_fiu != 0)
		return false;
	/* faults at rest expected to reach about every read-back request of
	 * each state (an event per 64 written sectors or more): a state re-reads
	 * nearly all, and the durable judgement is work the full read-back
	 * does not do (rot_rate 1e-3 over 720 h: 4 % more CPU) */
	if ((sc->faults.rot_rate + sc->faults.lse_rate) * sc->crash.idle_hours * 64.0 >= 1.0)
		return false;
	/* latent errors: none marked at the crash (one made and overwritten
	 * since the last point is in the media's write log) */
	if (fault_set_field(fs0, &fp, &fst) || fault_set_latent_errors(fs0) != 0)
		return false;
	for (int t = 0; t < FT_COUNT; t++)
		if (t != FT_LOST_WRITE && t != FT_MISDIRECT && t != FT_BITROT && t != FT_LSE &&
		    fault_set_injected(fs0, t) != 0)
			return false;
	return true;
}

/* The carried request that reads sector, or NULL (never written). */
static const struct carry_run *carried_run(const struct carry *c, uint64_t sector,
					    const struct carry_group **gp)
{
	const uint32_t *gi = u64map_get(&c->at, sector / CARRY_GROUP);
	const struct carry_group *g = gi != NULL ? &c->groups[*gi] : NULL;

	for (unsigned r = 0; g != NULL && r < g->n_runs; r++) {
		const struct carry_run *cr = &g->runs[r];

		if (sector >= g->first + cr->off && sector < g->first + cr->off + cr->len) {
			*gp = g;
			return cr;
		}
	}
	return NULL;
}

/* The untouched requests a pending fault of fs0 waits on (a state's
 * re-read judges the touched ones). 0, or -1 out of memory. */
static int find_observed(struct incr *in, const struct fault_set *fs0)
{
	uint64_t *ws = NULL, nw = 0, cap = 0;

	if (fault_set_waiting(fs0, &ws, &nw) != 0)
		return -1;
	for (uint64_t i = 0; i < nw; i++) {
		const struct carry_group *g = NULL;
		const struct carry_run *cr = carried_run(in->j, ws[i], &g);
		uint64_t at;

		if (cr == NULL)
			continue; /* not read back: waits in the full read-back too */
		at = g->first + cr->off;
		if ((in->n_obs > 0 && in->obs[in->n_obs - 1].sector == at) ||
		    (in->n_touched > 0 &&
		     bsearch(&at, in->t_sector, in->n_touched, sizeof(*in->t_sector), cmp_u64) != NULL))
			continue; /* listed, or read again by each state */
		if (grow_array((void **)&in->obs, &cap, in->n_obs + 1, sizeof(*in->obs), 16) != 0) {
			free(ws);
			return -1;
		}
		in->obs[in->n_obs++] = (struct obs_run){ at, cr->len, cr->failed != 0,
							  &g->cls[cr->off] };
	}
	in->w0 = ws;
	in->n_w0 = nw;
	return 0;
}

/* Each pending fault that waits on an untouched request takes its carried
 * verdicts, as the host shows them: a clean request whole, a failed one
 * sector by sector. Before any write of the state's recovery (a probe
 * write lost or misdirected is a fault no read of the read-back judges). */
static void observe_carried(const struct incr *in, struct world *w)
{
	for (uint64_t k = 0; k < in->n_obs; k++) {
		const struct obs_run *o = &in->obs[k];

		if (in->n_ex_only > 0 && bsearch(&o->sector, in->ex_only, in->n_ex_only,
						 sizeof(*in->ex_only), cmp_u64) != NULL)
			continue; /* the state reads it again */
		if (o->failed)
			for (uint32_t i = 0; i < o->count; i++)
				fault_set_observe_read(w->fs, o->sector + i, 1, &o->cls[i]);
		else
			fault_set_observe_read(w->fs, o->sector, o->count, o->cls);
	}
}

static int seed_durable(struct incr *in, const struct world *w);

/* What a state re-reads when only its kept, torn or lost writes changed the
 * media: the point's touched runs. */
static void point_runs(struct incr *in)
{
	in->cur_sector = in->t_sector;
	in->cur_count = in->t_count;
	in->n_cur = in->n_touched;
	in->n_cur_sectors = in->n_touched_sectors;
	in->cur_rest = in->rest;
	in->cur_probe = in->probe;
	in->n_cur_probe = in->n_probe;
	in->n_ex_only = 0;
}

/* The carried request that reads sector at, added to the ones the state
 * reads besides the point's touched runs (unless it is one of them). 0,
 * or -1 out of memory. */
static int add_extra(struct incr *in, uint64_t sector, uint64_t *cap)
{
	const struct carry_group *g = NULL;
	const struct carry_run *cr = carried_run(in->j, sector, &g);
	uint64_t at;

	if (cr == NULL)
		return 0; /* never read back: the full read-back reads it no more */
	at = g->first + cr->off;
	if (in->n_touched > 0 &&
	    bsearch(&at, in->t_sector, in->n_touched, sizeof(*in->t_sector), cmp_u64) != NULL)
		return 0;
	if (grow_array((void **)&in->ex_only, cap, in->n_ex_only + 1, sizeof(*in->ex_only), 16) != 0)
		return -1;
	in->ex_only[in->n_ex_only++] = at;
	return 0;
}

/* r less the verdicts of ex (a part of them). */
static void report_sub(struct crash_report *r, const struct crash_report *ex)
{
	assert(r->sectors_checked >= ex->sectors_checked);
	r->sectors_checked -= ex->sectors_checked;
	r->unreadable_sectors -= ex->unreadable_sectors;
	for (int c = 0; c < ORC_CLASS_COUNT; c++) {
		assert(r->counts.sectors[c] >= ex->counts.sectors[c]);
		assert(r->counts.requests[c] >= ex->counts.requests[c]);
		r->counts.sectors[c] -= ex->counts.sectors[c];
		r->counts.requests[c] -= ex->counts.requests[c];
	}
}

/* The state's faults changed the media while the power was off (keys, nk:
 * rot at rest): it re-reads the point's touched runs and every carried
 * request that reads a changed sector (the carry's keys: a data sector, or
 * the metadata protecting it), or that a fault of its own waits on; the
 * others keep the durable verdicts. 0, or -1 out of memory. */
static int state_runs(struct incr *in, struct world *w, const uint64_t *keys, size_t nk)
{
	uint64_t cap = 0, n_ex, n_sec = 0, *ws = NULL, nw = 0, nr = in->j->n_runs ? in->j->n_runs : 1;
	uint64_t n = 0, i = 0, k = 0, np = 0;
	struct crash_report ex, scratch;

	point_runs(in);
	if (in->drop_changes)
		return 0;
	if (in->ex_sector == NULL) {
		in->ex_sector = malloc(nr * sizeof(*in->ex_sector));
		in->ex_count = malloc(nr * sizeof(*in->ex_count));
		in->st_sector = malloc(nr * sizeof(*in->st_sector));
		in->st_count = malloc(nr * sizeof(*in->st_count));
		if (in->ex_sector == NULL || in->ex_count == NULL || in->st_sector == NULL ||
		    in->st_count == NULL)
			return -1;
	}
	memset(&scratch, 0, sizeof(scratch));
	n_ex = carry_touched(in->j, keys, nk, in->ex_sector, in->ex_count, &scratch, &n_sec);
	if (n_ex == UINT64_MAX)
		return -1;
	for (uint64_t e = 0; e < n_ex; e++)
		if (add_extra(in, in->ex_sector[e], &cap) != 0)
			return -1;
	/* a fault of the state's own whose sectors no changed key leads to
	 * (a metadata copy no read-back request reads): its reads judge it */
	if (fault_set_waiting(w->fs, &ws, &nw) != 0)
		return -1;
	for (uint64_t e = 0; e < nw; e++)
		if ((in->n_w0 == 0 ||
		     bsearch(&ws[e], in->w0, in->n_w0, sizeof(*in->w0), cmp_u64) == NULL) &&
		    add_extra(in, ws[e], &cap) != 0) {
			free(ws);
			return -1;
		}
	free(ws);
	if (in->n_ex_only == 0)
		return 0;
	qsort(in->ex_only, in->n_ex_only, sizeof(*in->ex_only), cmp_u64);
	for (uint64_t e = 0; e < in->n_ex_only; e++)
		if (e == 0 || in->ex_only[e] != in->ex_only[e - 1])
			in->ex_only[np++] = in->ex_only[e];
	in->n_ex_only = np;
	/* both lists ascending, apart: merged in the read-back's order */
	memset(&ex, 0, sizeof(ex));
	n_sec = 0;
	while (i < in->n_touched || k < in->n_ex_only) {
		if (k == in->n_ex_only || (i < in->n_touched && in->t_sector[i] < in->ex_only[k])) {
			in->st_sector[n] = in->t_sector[i];
			in->st_count[n] = in->t_count[i++];
		} else {
			const struct carry_group *g = NULL;
			const struct carry_run *cr = carried_run(in->j, in->ex_only[k], &g);

			assert(cr != NULL && g->first + cr->off == in->ex_only[k]);
			count_run(&ex, &g->cls[cr->off], cr->len, cr->failed != 0);
			in->st_sector[n] = in->ex_only[k++];
			in->st_count[n] = cr->len;
		}
		assert(n == 0 || in->st_sector[n] > in->st_sector[n - 1]); /* each once, in order */
		n_sec += in->st_count[n++];
	}
	assert(n <= in->j->n_runs);
	/* the durable image's unreadable sectors the state reads again are its
	 * own to probe (as it finds them) */
	if (in->n_probe > 0) {
		if (in->st_probe == NULL &&
		    (in->st_probe = malloc(in->n_probe * sizeof(*in->st_probe))) == NULL)
			return -1;
		np = 0;
		for (uint64_t p = 0; p < in->n_probe; p++) {
			const struct carry_group *g = NULL;
			const struct carry_run *cr = carried_run(in->j, in->probe[p], &g);
			uint64_t at = cr != NULL ? g->first + cr->off : UINT64_MAX;

			if (cr == NULL || bsearch(&at, in->ex_only, in->n_ex_only, sizeof(*in->ex_only),
						  cmp_u64) == NULL)
				in->st_probe[np++] = in->probe[p];
		}
		in->cur_probe = in->st_probe;
		in->n_cur_probe = np;
	}
	if (n_sec > in->cap_cls) {
		uint8_t *c = realloc(in->new_cls, n_sec);

		if (c == NULL)
			return -1;
		in->new_cls = c;
		in->cap_cls = n_sec;
	}
	in->cur_sector = in->st_sector;
	in->cur_count = in->st_count;
	in->n_cur = n;
	in->n_cur_sectors = n_sec;
	report_sub(&in->cur_rest, &ex);
	return 0;
}

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
	in->write_faults = w->sc->faults.lost_write_p != 0 || w->sc->faults.misdirect_p != 0;
	if (find_touched(in, cw) != 0 ||
	    carry_unreadable(in->j, in->t_sector, in->n_touched, &in->probe, &in->n_probe) != 0 ||
	    find_observed(in, fs0) != 0 || seed_durable(in, w) != 0) {
		incr_free(in);
		return cs_err_set(err, "out of memory verifying the durable image");
	}
	in->cap_cls = in->n_touched_sectors ? in->n_touched_sectors : 1;
	point_runs(in);
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
	free(in->obs);
	free(in->w0);
	free(in->st_sector);
	free(in->st_count);
	free(in->st_probe);
	free(in->ex_sector);
	free(in->ex_count);
	free(in->ex_only);
	free(in->new_cls);
	free(in->new_failed);
	free(in->keys);
	for (uint64_t i = 0; i < in->n_seen; i++) {
		free(in->seen[i].tags);
		free(in->seen[i].bytes);
		free(in->seen[i].cls);
		free(in->seen[i].failed);
	}
	free(in->seen);
	free(in);
}

/* Each touched run as the state's read-back completes it, in order: a
 * clean one with its verdicts; a failed one of several sectors, whose
 * sectors recover() then reads alone (their verdicts, as they come, are
 * the run's: a torn or shorn sector fails its request); a failed single
 * sector with its verdict. Anything else: the full read-back's business. */
static int state_run(void *arg, uint64_t sector, uint32_t count, int result,
		     const uint8_t *classes)
{
	struct incr *in = arg;

	if (classes == NULL) {
		in->new_bad = true;
		return 1;
	}
	if (in->singles_left > 0) {
		/* one sector of the failed run, alone */
		if (count != 1 || sector != in->single_next) {
			in->new_bad = true;
			return 1;
		}
		in->new_cls[in->new_pos++] = classes[0];
		in->single_next++;
		if (--in->singles_left == 0)
			in->new_runs++;
		return 0;
	}
	if (in->new_runs >= in->n_cur || in->cur_sector[in->new_runs] != sector ||
	    in->cur_count[in->new_runs] != count) {
		in->new_bad = true;
		return 1;
	}
	in->new_failed[in->new_runs] = result != 0;
	if (result != 0 && count > 1) {
		in->singles_left = count;
		in->single_next = sector;
		return 0;
	}
	for (uint32_t i = 0; i < count; i++) {
		/* an unreadable sector fails its request (host.c's classes) */
		assert(result != 0 || !unreadable(classes[i]));
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

	if (in->n_keys > SEEN_MAX_SECTORS || in->n_probe > 0 || in->write_faults)
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

/* The state's report: the durable verdicts outside the touched runs, and
 * theirs (failed: NULL when none failed). */
static void compose(const struct incr *in, const uint8_t *cls, const uint8_t *failed,
		    struct crash_report *one)
{
	uint64_t pos = 0;

	*one = in->cur_rest;
	for (uint64_t t = 0; t < in->n_cur; t++) {
		count_run(one, &cls[pos], in->cur_count[t], failed != NULL && failed[t]);
		pos += in->cur_count[t];
	}
}

/* What the faults see of the touched runs' reads, as the host shows them:
 * a clean run or a single sector whole, a failed run sector by sector. */
static void observe_touched(const struct incr *in, struct world *w, const uint8_t *cls,
			    const uint8_t *failed)
{
	uint64_t pos = 0;

	for (uint64_t t = 0; t < in->n_cur; t++) {
		if (failed != NULL && failed[t])
			for (uint32_t i = 0; i < in->cur_count[t]; i++)
				fault_set_observe_read(w->fs, in->cur_sector[t] + i, 1, &cls[pos + i]);
		else
			fault_set_observe_read(w->fs, in->cur_sector[t], in->cur_count[t], &cls[pos]);
		pos += in->cur_count[t];
	}
}

static bool any_failed(const struct incr *in)
{
	for (uint64_t t = 0; t < in->n_cur; t++)
		if (in->new_failed[t])
			return true;
	return false;
}

#ifndef NDEBUG
/* got (the touched runs as recover() counted them) and the composed report
 * agree on the touched part: the verdicts add up. */
static bool adds_up(const struct incr *in, const struct crash_report *one,
		    const struct crash_report *got)
{
	const struct crash_report *r = &in->cur_rest;

	if (one->sectors_checked != r->sectors_checked + got->sectors_checked ||
	    one->unreadable_sectors != r->unreadable_sectors + got->unreadable_sectors)
		return false;
	for (int c = 0; c < ORC_CLASS_COUNT; c++)
		if (one->counts.sectors[c] != r->counts.sectors[c] + got->counts.sectors[c] ||
		    one->counts.requests[c] != r->counts.requests[c] + got->counts.requests[c])
			return false;
	return true;
}
#endif

/* Remembers the state just judged as a content seen (bytes: kept). 0, or
 * -1 out of memory (bytes freed). */
static int remember(struct incr *in, uint64_t h, const uint64_t *tags, uint8_t *bytes,
		    const struct crash_report *got)
{
	struct seen sn = { .hash = h, .probed = got->probed_groups,
			   .unwritable = got->unwritable_groups };
	bool failed = any_failed(in);

	sn.tags = malloc((in->n_keys ? in->n_keys : 1) * sizeof(*sn.tags));
	sn.cls = malloc(in->n_touched_sectors ? in->n_touched_sectors : 1);
	sn.failed = failed ? malloc(in->n_touched ? in->n_touched : 1) : NULL;
	if (sn.tags == NULL || sn.cls == NULL || (failed && sn.failed == NULL) ||
	    grow_array((void **)&in->seen, &in->cap_seen, in->n_seen + 1, sizeof(*in->seen), 64) !=
		    0) {
		free(sn.tags);
		free(sn.cls);
		free(sn.failed);
		free(bytes);
		return -1;
	}
	memcpy(sn.tags, tags, in->n_keys * sizeof(*tags));
	memcpy(sn.cls, in->new_cls, in->n_touched_sectors);
	if (failed)
		memcpy(sn.failed, in->new_failed, in->n_touched);
	sn.bytes = bytes;
	in->seen[in->n_seen++] = sn;
	return 0;
}

int incr_recover(struct incr *in, struct world *w, struct crash_report *one, struct cs_err *err)
{
	struct recover_tap tap = { 0 };
	struct crash_report got;
	const uint64_t *changed;
	size_t n_changed;
	bool dedup;
	uint64_t tags[SEEN_MAX_SECTORS + 1], h = 0;
	uint8_t *bytes = NULL;

	/* what the state's faults changed while the power was off */
	fault_set_idle_changes(w->fs, &changed, &n_changed);
	if (n_changed == 0)
		point_runs(in);
	else if (state_runs(in, w, changed, n_changed) != 0)
		return cs_err_set(err, "out of memory");
	/* (a state that probes with write faults on records its own faults;
	 * one whose faults changed other sectors is not the same media) */
	dedup = in->n_keys <= SEEN_MAX_SECTORS && in->n_probe == 0 && !in->write_faults &&
		n_changed == 0;
	observe_carried(in, w);
	if (dedup) {
		bytes = malloc((in->n_keys ? in->n_keys : 1) * CSUM_SECTOR);
		if (bytes == NULL)
			return cs_err_set(err, "out of memory");
		h = snap_touched(in, w, tags, bytes);
		for (uint64_t i = 0; i < in->n_seen; i++) {
			const struct seen *sn = &in->seen[i];

			if (sn->hash != h || !same_content(in, sn, tags, bytes))
				continue;
			/* the same media as a state judged before (the media
			 * outside the touched sectors is the durable image in
			 * both): the same reads, verdicts, probes, and faults
			 * judged by them */
			observe_touched(in, w, sn->cls, sn->failed);
			compose(in, sn->cls, sn->failed, one);
			one->probed_groups = sn->probed;
			one->unwritable_groups = sn->unwritable;
			free(bytes);
			in->states++;
			return 0;
		}
	}
	memset(&got, 0, sizeof(got));
	memset(in->new_failed, 0, in->n_cur ? in->n_cur : 1);
	in->new_pos = 0;
	in->new_runs = 0;
	in->singles_left = 0;
	in->new_bad = false;
	tap.on_run = state_run;
	tap.arg = in;
	tap.run_sector = in->cur_sector;
	tap.run_count = in->cur_count;
	tap.n_runs = in->n_cur;
	tap.probe = in->cur_probe;
	tap.n_probe = in->n_cur_probe;
	/* a torn write's unreadable sectors are probed as the full read-back
	 * probes them: with the durable image's, group by group, after the reads */
	tap.probe_found = true;
	if (recover_tapped(w, &got, &tap, err) != 0) {
		free(bytes);
		return -1;
	}
	if (in->new_bad || in->new_runs != in->n_cur || in->singles_left != 0 ||
	    got.counts.not_completed != 0) {
		free(bytes);
		return 1;
	}
	compose(in, in->new_cls, in->new_failed, one);
	/* recover() counted the touched runs itself: the same verdicts */
	assert(adds_up(in, one, &got));
	one->probed_groups = got.probed_groups;
	one->unwritable_groups = got.unwritable_groups;
	/* the verdicts add up to what the full read-back counts */
	if (one->sectors_checked != in->j->n_cls) {
		free(bytes);
		return 1;
	}
	in->states++;
	in->distinct++;
	if (dedup)
		return remember(in, h, tags, bytes, &got) != 0 ? cs_err_set(err, "out of memory") : 0;
	free(bytes);
	return 0;
}

void incr_drop_changes(struct incr *in)
{
	in->drop_changes = true;
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
