#include "sim/verify_carry.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "faults/faults.h"
#include "sim/carry_priv.h"
#include "sim/carry_read.h"
#include "sim/media.h"
#include "sim/oracle.h"
#include "sim/recover.h"
#include "util/grow.h"

/* ---- the update from the media's and the oracle's logs ------------------ */

/* The read-back's runs of a group with written sectors bits (as
 * sim/recover.c splits them: contiguous, and a new run where the sector is
 * a multiple of 62 from the target's begin). Returns how many. */
static unsigned plan_runs(uint64_t first, uint64_t bits, uint64_t begin,
			  uint8_t off[CARRY_MAX_RUNS], uint8_t len[CARRY_MAX_RUNS])
{
	unsigned n = 0;

	for (unsigned i = 0; i < CARRY_GROUP;) {
		unsigned k = i + 1;

		if (!((bits >> i) & 1)) {
			i++;
			continue;
		}
		while (k < CARRY_GROUP && ((bits >> k) & 1) && (first + k - begin) % 62 != 0)
			k++;
		assert(n < CARRY_MAX_RUNS); /* a gap between runs, one split at begin */
		off[n] = (uint8_t)i;
		len[n++] = (uint8_t)(k - i);
		i = k;
	}
	return n;
}

/* The run of g holding offset off, or NULL. */
static struct carry_run *run_at(struct carry_group *g, unsigned off)
{
	for (unsigned r = 0; r < g->n_runs; r++)
		if (off >= g->runs[r].off && off < (unsigned)g->runs[r].off + g->runs[r].len)
			return &g->runs[r];
	return NULL;
}

/* A judgement under way: the groups it lists, and the runs it re-reads. */
struct judging {
	uint32_t *list;
	uint64_t n_list, cap_list;
	uint64_t *sector;
	uint32_t *count;
	uint64_t n_read, cap_sector, cap_count;
	uint64_t n_retag; /* runs kept, judged again from their tags */
};

/* Whether a run may be judged again from its tags at all: the faults' ledger
 * waits on no sector (a read-back shows it each request's verdicts, and a
 * run judged from its tags is shown nothing; with none waiting that showing
 * does nothing). */
static bool may_retag(struct world *w)
{
	uint64_t *waiting = NULL, n = 0;
	bool none;

	if (w->fs == NULL)
		return true;
	none = fault_set_waiting(w->fs, &waiting, &n) == 0 && n == 0;
	free(waiting);
	return none;
}

static int list_group(struct carry *c, struct judging *jd, struct carry_group *g)
{
	uint64_t cap = jd->cap_list;

	if (g->stamp == c->stamp)
		return 0;
	if (grow_array((void **)&jd->list, &cap, jd->n_list + 1, sizeof(*jd->list), 64) != 0)
		return -1;
	jd->cap_list = cap;
	g->stamp = c->stamp;
	jd->list[jd->n_list++] = (uint32_t)(g - c->groups);
	return 0;
}

/* The oracle's change log: sectors newly written (the plan changes) and
 * sectors of a run whose crash key changed. */
static int mark_oracle(struct carry *c, struct judging *jd, struct oracle *o, const uint64_t *log,
		       size_t n)
{
	/* the log comes in runs of neighbouring sectors: the last group found
	 * (by index: creating a group may move them) saves most lookups */
	uint64_t last_num = UINT64_MAX;
	uint32_t last_gi = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t s = log[i], bit;
		bool oom = false;
		struct carry_group *g = s / CARRY_GROUP == last_num ? &c->groups[last_gi]
								   : carry_group_of(c, s, false, &oom);
		struct carry_run *r;

		if (g == NULL) {
			if (oracle_crash_key(o, s) == 0)
				continue; /* not written (a recovery's write, taken back) */
			g = carry_group_of(c, s, true, &oom);
			if (g == NULL)
				return -1;
		}
		assert(g->first == s / CARRY_GROUP * CARRY_GROUP);
		last_num = s / CARRY_GROUP;
		last_gi = (uint32_t)(g - c->groups);
		bit = UINT64_C(1) << (s - g->first);
		if ((g->written | g->added) & bit) {
			if (g->added & bit)
				continue;
			uint64_t k = oracle_crash_key(o, s);

			r = run_at(g, (unsigned)(s - g->first));
			assert(r != NULL);
			if (k == g->okey[s - g->first])
				continue;
			/* kept current here, so a re-read need not ask */
			g->okey[s - g->first] = k;
			if (r->dirty)
				continue;
			r->dirty = 1;
		} else {
			if (oracle_crash_key(o, s) == 0)
				continue;
			g->added |= bit;
		}
		if (list_group(c, jd, g) != 0)
			return -1;
	}
	return 0;
}

static bool all_media(const struct carry_group *g)
{
	for (unsigned r = 0; r < g->n_runs; r++)
		if (!g->runs[r].media)
			return false;
	return true;
}

/* The media's write log: every run that reads a key written (dirty, and
 * marked as read again for its media). */
static int mark_media(struct carry *c, struct judging *jd, const uint64_t *log, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const uint32_t *head = cidx_get(&c->readers, log[i]);

		for (uint32_t l = head != NULL ? *head : 0; l != 0; l = c->links[l - 1].next) {
			struct carry_group *g = &c->groups[c->links[l - 1].group];
			bool hit = false;

			/* a group listed with every run marked has nothing left
			 * to mark (a write's metadata key repeats through the log) */
			if (g->stamp == c->stamp && all_media(g))
				continue;
			for (unsigned r = 0; r < g->n_runs; r++)
				if (!g->runs[r].media && carry_run_reads(g, &g->runs[r], log[i])) {
					g->runs[r].dirty = 1;
					g->runs[r].media = 1;
					hit = true;
				}
			if (hit && list_group(c, jd, g) != 0)
				return -1;
		}
	}
	return 0;
}

struct listed {
	uint64_t first;
	uint32_t index;
};

static int cmp_listed(const void *a, const void *b)
{
	const struct listed *x = a, *y = b;

	return (x->first > y->first) - (x->first < y->first);
}

/* The listed groups in sector order (the read-back's). 0, or -1. */
static int sort_list(const struct carry *c, struct judging *jd)
{
	struct listed *k = malloc((jd->n_list ? jd->n_list : 1) * sizeof(*k));

	if (k == NULL)
		return -1;
	for (uint64_t i = 0; i < jd->n_list; i++) {
		k[i].first = c->groups[jd->list[i]].first;
		k[i].index = jd->list[i];
	}
	qsort(k, jd->n_list, sizeof(*k), cmp_listed);
	for (uint64_t i = 0; i < jd->n_list; i++)
		jd->list[i] = k[i].index;
	free(k);
	return 0;
}

/* One run of a group's new plan: kept from old run `from`, or read (-1). */
struct want_run {
	uint8_t off, len;
	int8_t from;
	uint8_t retag; /* kept, its verdicts judged again from its tags */
};

/* Whether run r of g, read again only for its sectors' oracle keys, may be
 * judged from the tags its read gave: it read cleanly, every sector's data
 * clean content (sim/carry_read.h). Its keys were not written, so the same
 * read gives the same result and tags. */
static bool retaggable(const struct carry_group *g, const struct carry_run *r)
{
	if (r->failed || r->media)
		return false;
	for (unsigned k = 0; k < r->len; k++)
		if (!carry_tag_alone(g->tag[r->off + k]))
			return false;
	return true;
}

/* A listed group's new runs into want[] (*n_want of them), those to read
 * appended to jd (retag: a run dirty for the oracle alone may be judged
 * from its tags). 0, or -1 out of memory. */
static int plan_group(const struct carry_group *g, uint64_t begin, bool retag,
		      struct want_run want[CARRY_MAX_RUNS], unsigned *n_want, struct judging *jd)
{
	uint8_t off[CARRY_MAX_RUNS], len[CARRY_MAX_RUNS];
	unsigned n = plan_runs(g->first, g->written | g->added, begin, off, len);

	for (unsigned i = 0; i < n; i++) {
		want[i].off = off[i];
		want[i].len = len[i];
		want[i].from = -1;
		want[i].retag = 0;
		for (unsigned r = 0; r < g->n_runs; r++) {
			const struct carry_run *cr = &g->runs[r];

			if (cr->off != off[i] || cr->len != len[i])
				continue;
			if (!cr->dirty) {
				want[i].from = (int8_t)r;
			} else if (retag && retaggable(g, cr)) {
				want[i].from = (int8_t)r;
				want[i].retag = 1;
				jd->n_retag++;
			}
		}
		if (want[i].from >= 0)
			continue;
		if (grow_array((void **)&jd->sector, &jd->cap_sector, jd->n_read + 1,
			       sizeof(*jd->sector), 64) != 0 ||
		    grow_array((void **)&jd->count, &jd->cap_count, jd->n_read + 1,
			       sizeof(*jd->count), 64) != 0)
			return -1;
		jd->sector[jd->n_read] = g->first + off[i];
		jd->count[jd->n_read++] = len[i];
	}
	*n_want = n;
	return 0;
}

/* Indexes the keys of deps (n) that the group's old keys (old, n_old: all
 * indexed) do not hold; *sorted: those sorted, made on first use. */
static int link_new(struct carry *c, uint32_t gi, const uint64_t *deps, uint64_t n,
		    const uint64_t *old, uint32_t n_old, uint64_t **sorted)
{
	if (*sorted == NULL) {
		*sorted = malloc((n_old ? n_old : 1) * sizeof(**sorted));
		if (*sorted == NULL)
			return -1;
		if (n_old > 0)
			memcpy(*sorted, old, n_old * sizeof(*old));
		qsort(*sorted, n_old, sizeof(**sorted), carry_cmp_u64);
	}
	for (uint64_t d = 0; d < n; d++)
		if (bsearch(&deps[d], *sorted, n_old, sizeof(**sorted), carry_cmp_u64) == NULL &&
		    carry_link_add(c, deps[d], gi) != 0)
			return -1;
	return 0;
}

/* Group gi rebuilt from want[]: kept runs as they were, the others from
 * f's runs starting at *fpos. 0, 1 (f does not match), -1 (memory). */
static int rebuild_group(struct carry *c, uint32_t gi, const struct want_run *want, unsigned n,
			 const struct flat *f, uint64_t *fpos, struct oracle *orc)
{
	struct carry_group *g = &c->groups[gi];
	struct carry_run old[CARRY_MAX_RUNS];
	uint64_t *old_deps = g->deps, *sorted = NULL;
	uint32_t n_old_deps = g->n_deps;
	unsigned n_old = g->n_runs;
	int rc = 0;

	carry_count_group(c, g, -1);
	memcpy(old, g->runs, n_old * sizeof(*old));
	g->deps = NULL;
	g->n_deps = 0;
	g->cap_deps = 0;
	g->n_runs = 0;
	for (unsigned i = 0; i < n && rc == 0; i++) {
		struct carry_run *r = &g->runs[g->n_runs++];

		memset(r, 0, sizeof(*r));
		r->off = want[i].off;
		r->len = want[i].len;
		if (want[i].from >= 0) {
			const struct carry_run *o = &old[want[i].from];

			r->worst = o->worst;
			r->failed = o->failed;
			/* the same read, under the oracle's keys now */
			for (unsigned k = 0; want[i].retag && k < r->len; k++) {
				uint64_t s = g->first + r->off + k;

				g->cls[r->off + k] =
					(uint8_t)oracle_classify(orc, s, oracle_crash_floor(orc, s),
								 false, g->tag[r->off + k], NULL);
				assert(!carry_unreadable_class(g->cls[r->off + k]));
			}
			/* cls and okey stay where they are, by offset; its
			 * keys are indexed already */
			rc = carry_take_deps(c, gi, r, carry_keys_at(old_deps, o->dep, o->n_dep),
					     o->n_dep, false);
			g = &c->groups[gi];
			continue;
		}
		if (*fpos >= f->n_runs || f->runs[*fpos].sector != g->first + r->off ||
		    f->runs[*fpos].count != r->len) {
			rc = 1;
			break;
		}
		{
			const struct flat_run *fr = &f->runs[(*fpos)++];
			bool same = false;

			memcpy(&g->cls[r->off], &f->cls[fr->cls], fr->count);
			memcpy(&g->tag[r->off], &f->tag[fr->cls], fr->count * sizeof(*g->tag));
			if (!f->no_okeys)
				memcpy(&g->okey[r->off], &f->okey[fr->cls],
				       fr->count * sizeof(*g->okey));
			else
				/* the group's keys are current (mark_oracle) but
				 * for sectors new to it */
				for (unsigned k = 0; k < fr->count; k++)
					if ((g->added >> (r->off + k)) & 1)
						g->okey[r->off + k] =
							oracle_crash_key(orc, g->first + r->off + k);
			r->worst = 0; /* counted below */
			r->failed = fr->failed;
			/* the same request read the same keys before: indexed */
			for (unsigned k = 0; k < n_old && !same; k++)
				same = old[k].off == r->off && old[k].len == r->len &&
				       old[k].n_dep == fr->n_dep &&
				       (fr->n_dep == 0 ||
					memcmp(&old_deps[old[k].dep], &f->deps[fr->dep],
					       fr->n_dep * sizeof(*f->deps)) == 0);
			rc = carry_take_deps(c, gi, r, carry_keys_at(f->deps, fr->dep, fr->n_dep),
					     fr->n_dep, false);
			g = &c->groups[gi];
			if (rc == 0 && !same)
				rc = link_new(c, gi, carry_keys_at(f->deps, fr->dep, fr->n_dep),
					      fr->n_dep, old_deps, n_old_deps, &sorted);
		}
	}
	free(old_deps);
	free(sorted);
	g->written |= g->added;
	g->added = 0;
	for (unsigned r = 0; r < g->n_runs; r++) {
		const struct carry_run *cr = &g->runs[r];

		g->runs[r].worst =
			(uint8_t)carry_count_run(&c->totals, &g->cls[cr->off], cr->len, cr->failed,
						 +1);
		c->n_failed += cr->failed;
		c->n_runs++;
		c->n_cls += cr->len;
	}
	return rc < 0 ? -1 : rc;
}

#ifndef NDEBUG
/* Assertion builds: every verdict kept equals the one a full read-back
 * gives now (what the media and change logs must not miss). */
static void check_verdicts(const struct carry *c, struct world *w)
{
	struct flat f;
	struct cs_err err;
	int rc;

	uint64_t *ps = NULL, np = 0;
	uint32_t *pc = NULL;

	memset(&f, 0, sizeof(f));
	memset(&err, 0, sizeof(err));
	if (recover_plan(w, &ps, &pc, &np) != 0)
		return;
	rc = carry_record(w, &f, ps, pc, np, &err);
	free(ps);
	free(pc);
	assert(rc != 1); /* every request kept read cleanly */
	for (uint64_t j = 0; rc == 0 && j < f.n_runs; j++) {
		const struct flat_run *fr = &f.runs[j];
		uint32_t *gi = u64map_get(&c->at, fr->sector / CARRY_GROUP);
		const struct carry_group *g = gi != NULL ? &c->groups[*gi] : NULL;
		const struct carry_run *r = NULL;

		for (unsigned k = 0; g != NULL && k < g->n_runs; k++)
			if (g->first + g->runs[k].off == fr->sector)
				r = &g->runs[k];
		assert(r != NULL && r->len == fr->count && r->failed == fr->failed);
		assert(memcmp(&g->cls[r->off], &f.cls[fr->cls], fr->count) == 0);
	}
	carry_flat_free(&f);
}

/* Assertion builds: the judgement kept by delta equals one recounted from
 * scratch, its runs are the read-back's plan, and every kept oracle key is
 * the oracle's now. */
static void check_full(const struct carry *c, struct world *w)
{
	struct crash_report sum;
	uint64_t *ps = NULL, np = 0, runs = 0, cls = 0, failed = 0;
	uint32_t *pc = NULL;
	uint64_t *nums = u64map_sorted_keys(&c->at);
	uint64_t k = 0;

	memset(&sum, 0, sizeof(sum));
	if (recover_plan(w, &ps, &pc, &np) != 0 || (nums == NULL && c->at.len > 0)) {
		free(ps);
		free(pc);
		free(nums);
		return; /* no memory to check with */
	}
	for (uint64_t i = 0; i < c->at.len; i++) {
		const struct carry_group *g = &c->groups[*(uint32_t *)u64map_get(&c->at, nums[i])];

		assert(g->added == 0);
		for (unsigned r = 0; r < g->n_runs; r++) {
			const struct carry_run *cr = &g->runs[r];

			assert(!cr->dirty);
			assert(carry_count_run(&sum, &g->cls[cr->off], cr->len, cr->failed, +1) ==
			       cr->worst);
			failed += cr->failed;
			assert(k < np && ps[k] == g->first + cr->off && pc[k] == cr->len);
			for (uint32_t d = 0; d < cr->n_dep; d++) {
				/* every key it reads leads to its group */
				const uint32_t *head = cidx_get(&c->readers, g->deps[cr->dep + d]);
				uint32_t l = head != NULL ? *head : 0;

				while (l != 0 && &c->groups[c->links[l - 1].group] != g)
					l = c->links[l - 1].next;
				assert(l != 0);
			}
			for (unsigned s = 0; s < cr->len; s++)
				assert(oracle_crash_key(&w->oracle, g->first + cr->off + s) ==
				       g->okey[cr->off + s]);
			k++;
			runs++;
			cls += cr->len;
		}
	}
	assert(k == np);
	assert(runs == c->n_runs && cls == c->n_cls && failed == c->n_failed);
	assert(sum.unreadable_sectors == c->totals.unreadable_sectors);
	assert(sum.sectors_checked == c->totals.sectors_checked);
	assert(memcmp(&sum.counts, &c->totals.counts, sizeof(sum.counts)) == 0);
	free(ps);
	free(pc);
	free(nums);
	check_verdicts(c, w);
}
#endif

static int mark_stale(struct carry *c, const struct judging *jd)
{
	for (uint64_t i = 0; i < jd->n_list; i++)
		if (carry_stale_add(c, jd->list[i]) != 0)
			return -1;
	return 0;
}

/* The judgement from c's own: 0; 1 the shape is not the expected one; 2 a
 * request failed (c holds, its stale groups to read again); -1 out of
 * memory. */
static int update(struct carry *c, struct world *w, const uint64_t *log, size_t n_log,
		  const uint64_t *olog, size_t n_olog, struct cs_err *err)
{
	struct judging jd;
	struct flat got;
	struct want_run (*want)[CARRY_MAX_RUNS] = NULL;
	unsigned *n_want = NULL;
	uint64_t fpos = 0, begin = w->sc->device.begin;
	bool retag = may_retag(w);
	int rc = -1;

	memset(&jd, 0, sizeof(jd));
	memset(&got, 0, sizeof(got));
	c->stamp++;
	for (uint64_t i = 0; i < c->n_stale; i++) {
		struct carry_group *g = &c->groups[c->stale[i]];

		assert(g->stale);
		g->stale = false;
		for (unsigned r = 0; r < g->n_runs; r++)
			g->runs[r].dirty = g->runs[r].media = 1;
		if (list_group(c, &jd, g) != 0)
			goto out;
	}
	c->n_stale = 0;
	if (mark_oracle(c, &jd, &w->oracle, olog, n_olog) != 0 ||
	    mark_media(c, &jd, log, n_log) != 0)
		goto out;
	if (sort_list(c, &jd) != 0)
		goto out;
	want = malloc((jd.n_list ? jd.n_list : 1) * sizeof(*want));
	n_want = malloc((jd.n_list ? jd.n_list : 1) * sizeof(*n_want));
	if (want == NULL || n_want == NULL)
		goto out;
	for (uint64_t i = 0; i < jd.n_list; i++)
		if (plan_group(&c->groups[jd.list[i]], begin, retag, want[i], &n_want[i], &jd) != 0)
			goto out;
	got.no_okeys = true;
	rc = jd.n_read > 0 ? carry_record(w, &got, jd.sector, jd.count, jd.n_read, err) : 0;
	if (rc > 0) {
		/* nothing rebuilt yet: the groups listed are read again next
		 * time (their runs marked, their new sectors noted), the
		 * others hold */
		rc = mark_stale(c, &jd) != 0 ? -1 : 2;
		goto out;
	}
	if (rc != 0)
		goto out;
	for (uint64_t i = 0; i < jd.n_list && rc == 0; i++)
		rc = rebuild_group(c, jd.list[i], want[i], n_want[i], &got, &fpos, &w->oracle);
	if (rc == 0 && fpos != got.n_runs)
		rc = 1;
	c->reread = jd.n_read;
	c->kept = c->n_runs - jd.n_read;
	c->retagged = jd.n_retag;
out:
	if (rc < 0 && err->msg[0] == '\0')
		cs_err_set(err, "out of memory judging the durable image");
	carry_flat_free(&got);
	free(jd.list);
	free(jd.sector);
	free(jd.count);
	free(want);
	free(n_want);
	return rc;
}

int carry_update(struct carry *c, struct world *w, struct crash_report *rest, struct cs_err *err)
{
	const uint64_t *log, *olog;
	size_t n_log, n_olog;
	int rc;

	if (c->valid && media_log(w->media, &log, &n_log) &&
	    oracle_chlog(&w->oracle, &olog, &n_olog)) {
		rc = update(c, w, log, n_log, olog, n_olog, err);
		if (rc == 2)
			return 1; /* c holds, but this point is read back in full */
	} else {
		struct flat f;
		uint64_t *ps = NULL, np = 0;
		uint32_t *pc = NULL;

		memset(&f, 0, sizeof(f));
		/* the plan as the runs to read: the tap's way, no probe writes */
		if (recover_plan(w, &ps, &pc, &np) != 0)
			rc = cs_err_set(err, "out of memory judging the durable image");
		else
			rc = carry_record(w, &f, ps, pc, np, err);
		free(ps);
		free(pc);
		if (rc == 0) {
			rc = carry_install_all(c, &f);
			if (rc < 0)
				rc = cs_err_set(err, "out of memory judging the durable image");
			c->reread = c->n_runs;
			c->kept = 0;
			c->retagged = 0;
		}
		carry_flat_free(&f);
	}
	if (rc != 0) {
		carry_free(c);
		return rc;
	}
#ifndef NDEBUG
	check_full(c, w);
#endif
	rest->sectors_checked += c->totals.sectors_checked;
	rest->unreadable_sectors += c->totals.unreadable_sectors;
	for (int k = 0; k < ORC_CLASS_COUNT; k++) {
		rest->counts.sectors[k] += c->totals.counts.sectors[k];
		rest->counts.requests[k] += c->totals.counts.requests[k];
	}
	return 0;
}
