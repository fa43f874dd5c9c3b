#include "sim/verify_carry.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim/carry_read.h"
#include "sim/media.h"
#include "sim/oracle.h"
#include "sim/recover.h"
#include "util/fdio.h"
#include "util/grow.h"

/* ---- a read-back as it was recorded, request by request ----------------- */

struct flat_run {
	uint64_t sector;
	uint32_t count;
	uint8_t failed;       /* its sectors were judged alone */
	uint64_t cls;         /* verdicts at cls[cls..], oracle keys at okey[cls..] */
	uint64_t dep, n_dep;  /* media keys at deps[dep..] */
};

struct flat {
	struct flat_run *runs;
	uint64_t n_runs, cap_runs;
	uint8_t *cls;
	uint64_t *okey;
	uint64_t n_cls, cap_cls;
	uint64_t *deps;
	uint64_t n_deps, cap_deps;
	/* okey[] is unset for the clean requests: an update keeps the
	 * group's keys, which mark_oracle keeps current */
	bool no_okeys;
};

static void flat_free(struct flat *f)
{
	free(f->runs);
	free(f->cls);
	free(f->okey);
	free(f->deps);
	memset(f, 0, sizeof(*f));
}

/* Room for one more run of count sectors and n_dep keys. */
static int reserve(struct flat *f, uint32_t count, uint64_t n_dep)
{
	uint64_t cap_cls = f->cap_cls;

	if (grow_array((void **)&f->runs, &f->cap_runs, f->n_runs + 1, sizeof(*f->runs), 256) ||
	    grow_array((void **)&f->cls, &cap_cls, f->n_cls + count, 1, 256) ||
	    grow_array((void **)&f->okey, &f->cap_cls, f->n_cls + count, sizeof(*f->okey), 256) ||
	    grow_array((void **)&f->deps, &f->cap_deps, f->n_deps + n_dep, sizeof(*f->deps), 256))
		return -1;
	return 0;
}

struct rec {
	struct world *w;
	struct flat *out;
	uint64_t *reads;      /* media keys read since the last request completed */
	uint64_t n_reads, cap_reads;
	uint32_t singles_left; /* sectors of a failed run still to read alone */
	uint64_t single_next;
	bool bad;             /* a request hung, or memory ran out */
};

static void rec_read(void *arg, unsigned dev, uint64_t sector)
{
	struct rec *r = arg;

	if (grow_array((void **)&r->reads, &r->cap_reads, r->n_reads + 1, sizeof(*r->reads), 256)) {
		r->bad = true;
		return;
	}
	r->reads[r->n_reads++] = media_log_key(dev, sector);
}

static bool unreadable(int c)
{
	return c == ORC_FALSE_POS || c == ORC_DETECTED;
}

/* Appends key to the dependencies of the last run (from dep0) unless one
 * of its last few is it. */
static int add_dep(struct flat *f, uint64_t dep0, uint64_t key)
{
	for (uint64_t k = f->n_deps; k > dep0 && k + 8 > f->n_deps; k--)
		if (f->deps[k - 1] == key)
			return 0;
	if (grow_array((void **)&f->deps, &f->cap_deps, f->n_deps + 1, sizeof(*f->deps), 256) != 0)
		return -1;
	f->deps[f->n_deps++] = key;
	f->runs[f->n_runs - 1].n_dep = f->n_deps - dep0;
	return 0;
}

/* The keys read since the last request completed, to the last run. */
static int add_reads(struct rec *r)
{
	struct flat *f = r->out;

	for (uint64_t k = 0; k < r->n_reads; k++)
		if (add_dep(f, f->runs[f->n_runs - 1].dep, r->reads[k]) != 0)
			return -1;
	r->n_reads = 0;
	return 0;
}

/* Sector's verdict c appended to the last run, with the keys read since
 * the last request and the metadata that protects it. */
static int add_sector(struct rec *r, uint64_t sector, uint8_t c)
{
	struct flat *f = r->out;
	struct csum_location loc;

	if (reserve(f, 1, 0) != 0 || add_reads(r) != 0)
		return -1;
	f->cls[f->n_cls] = c;
	f->okey[f->n_cls++] = oracle_crash_key(&r->w->oracle, sector);
	/* a variant may answer the metadata from a cache (dm-integrity's tag
	 * sectors) and read nothing: the layout names it anyway */
	r->w->ops->locate(r->w->ctx, sector, &loc);
	for (unsigned m = 0; m < loc.n_meta; m++)
		if (add_dep(f, f->runs[f->n_runs - 1].dep,
			    media_log_key(loc.meta_dev[m], loc.meta_sector[m])) != 0)
			return -1;
	return 0;
}

/* A request's verdicts (count of them) appended to the last run, as
 * add_sector would one by one: room made once, and a sector's metadata keys
 * looked up only where they are not the previous sector's (then add_dep
 * would find them among the run's last keys: nothing comes in between). A
 * clean request (result 0) must have every sector readable. 0, or -1. */
static int add_clean(struct rec *r, uint64_t sector, uint32_t count, const uint8_t *classes,
		     int result)
{
	struct flat *f = r->out;
	struct csum_location loc, prev;

	memset(&prev, 0, sizeof(prev));
	if (reserve(f, count, 0) != 0 || add_reads(r) != 0)
		return -1;
	for (uint32_t i = 0; i < count; i++) {
		if (result == 0 && unreadable(classes[i]))
			return -1;
		f->cls[f->n_cls] = classes[i];
		f->okey[f->n_cls++] =
			f->no_okeys ? 0 : oracle_crash_key(&r->w->oracle, sector + i);
		r->w->ops->locate(r->w->ctx, sector + i, &loc);
		if (i > 0 && loc.n_meta == prev.n_meta &&
		    memcmp(loc.meta_dev, prev.meta_dev, loc.n_meta) == 0 &&
		    memcmp(loc.meta_sector, prev.meta_sector,
			   loc.n_meta * sizeof(*loc.meta_sector)) == 0)
			continue;
		assert(loc.n_meta <= 8); /* add_dep looks back 8 keys */
		for (unsigned m = 0; m < loc.n_meta; m++)
			if (add_dep(f, f->runs[f->n_runs - 1].dep,
				    media_log_key(loc.meta_dev[m], loc.meta_sector[m])) != 0)
				return -1;
		prev = loc;
	}
	return 0;
}

/* Each request as it completes: a clean one with its verdicts; a failed
 * one of several sectors, whose sectors the read-back then reads alone
 * (their verdicts, as they come, are the run's); a failed single sector
 * with its verdict. */
static int rec_run(void *arg, uint64_t sector, uint32_t count, int result, const uint8_t *classes)
{
	struct rec *r = arg;
	struct flat *f = r->out;
	struct flat_run *fr;

	if (r->bad || (classes == NULL && (result == 0 || count == 1))) {
		r->bad = true;
		return 1;
	}
	if (r->singles_left > 0) {
		/* one sector of the failed run, alone */
		if (count != 1 || sector != r->single_next || add_sector(r, sector, classes[0]) != 0) {
			r->bad = true;
			return 1;
		}
		r->single_next++;
		r->singles_left--;
		return 0;
	}
	if (reserve(f, 0, 0) != 0) {
		r->bad = true;
		return 1;
	}
	fr = &f->runs[f->n_runs++];
	memset(fr, 0, sizeof(*fr));
	fr->sector = sector;
	fr->count = count;
	fr->failed = result != 0;
	fr->cls = f->n_cls;
	fr->dep = f->n_deps;
	if (result != 0 && count > 1) {
		/* its reads now; its verdicts from the reads of each sector */
		if (add_reads(r) != 0) {
			r->bad = true;
			return 1;
		}
		r->singles_left = count;
		r->single_next = sector;
		return 0;
	}
	if (add_clean(r, sector, count, classes, result) != 0) {
		r->bad = true;
		return 1;
	}
	return 0;
}

/* Reads back the runs given (all of them when sector is NULL) into out.
 * 0 done, 1 a request hung, -1 with err set. */
static int record(struct world *w, struct flat *out, const uint64_t *sector,
		  const uint32_t *count, uint64_t n, struct cs_err *err)
{
	struct rec r = { .w = w, .out = out };
	struct recover_tap tap = { .on_run = rec_run, .arg = &r, .run_sector = sector,
				   .run_count = count, .n_runs = n };
	struct crash_report scratch;
	uint64_t first = out->n_runs;
	int rc;

	memset(&scratch, 0, sizeof(scratch));
	w->read_tap = rec_read;
	w->read_tap_arg = &r;
	rc = 1;
	if (sector != NULL && carry_read_fits(w)) {
		struct flat keep = *out;

		rc = carry_read(w, sector, count, n, rec_run, &r, err);
		if (rc == 1) {
			/* not a lone piece of reads: through the host, from where
			 * this read began */
			out->n_runs = keep.n_runs;
			out->n_cls = keep.n_cls;
			out->n_deps = keep.n_deps;
			r.n_reads = 0;
			r.singles_left = 0;
			r.bad = false;
		}
	}
	if (rc == 1)
		rc = recover_tapped(w, &scratch, &tap, err);
	w->read_tap = NULL;
	w->read_tap_arg = NULL;
	free(r.reads);
	if (rc != 0)
		return -1;
	if (r.bad || r.singles_left != 0 || scratch.counts.not_completed != 0 ||
	    scratch.probed_groups != 0 || (sector != NULL && out->n_runs - first != n))
		return 1;
	return 0;
}

/* ---- the judgement by group --------------------------------------------- */

void carry_free(struct carry *c)
{
	for (uint64_t i = 0; i < c->n_groups; i++)
		free(c->groups[i].deps);
	free(c->groups);
	free(c->links);
	free(c->stale);
	u64map_free(&c->at);
	cidx_free(&c->readers);
	memset(c, 0, sizeof(*c));
	/* ready for install_all (a judgement always starts from here) */
	u64map_init(&c->at, sizeof(uint32_t));
	cidx_init(&c->readers);
}

/* One request's verdicts added to (sign +1) or taken from (-1) cr, as
 * recover() counts them (a failed one: each sector as a request of its
 * own, read alone); returns its worst. */
static int count_run(struct crash_report *cr, const uint8_t *cls, uint32_t count, bool failed,
		     int sign)
{
	uint64_t d = (uint64_t)(int64_t)sign;
	int worst = ORC_CORRECT;

	for (uint32_t i = 0; i < count; i++) {
		cr->counts.sectors[cls[i]] += d;
		worst = oracle_class_worst(worst, cls[i]);
		if (failed) {
			cr->counts.requests[cls[i]] += d;
			cr->unreadable_sectors += unreadable(cls[i]) ? d : 0;
		}
	}
	cr->sectors_checked += d * count;
	if (!failed)
		cr->counts.requests[worst] += d;
	return worst;
}

static void count_group(struct carry *c, const struct carry_group *g, int sign)
{
	for (unsigned r = 0; r < g->n_runs; r++) {
		const struct carry_run *cr = &g->runs[r];

		(void)count_run(&c->totals, &g->cls[cr->off], cr->len, cr->failed, sign);
		c->n_failed += cr->failed ? (uint64_t)(int64_t)sign : 0;
		c->n_runs += (uint64_t)(int64_t)sign;
		c->n_cls += (uint64_t)(int64_t)sign * cr->len;
	}
}

/* The group holding sector, or (create) a new empty one; NULL when absent
 * and not created, or out of memory (*oom set). */
static struct carry_group *group_of(struct carry *c, uint64_t sector, bool create, bool *oom)
{
	uint64_t num = sector / CARRY_GROUP;
	uint32_t *slot;
	int created = 0;

	if (!create) {
		slot = u64map_get(&c->at, num);
		return slot != NULL ? &c->groups[*slot] : NULL;
	}
	if (grow_array((void **)&c->groups, &c->cap_groups, c->n_groups + 1, sizeof(*c->groups),
		       64) != 0 ||
	    (slot = u64map_put(&c->at, num, &created)) == NULL) {
		*oom = true;
		return NULL;
	}
	if (created) {
		*slot = (uint32_t)c->n_groups;
		memset(&c->groups[c->n_groups], 0, sizeof(c->groups[0]));
		c->groups[c->n_groups++].first = num * CARRY_GROUP;
	}
	return &c->groups[*slot];
}

/* Notes that group gi reads key, unless its chain names it already. */
static int link_add(struct carry *c, uint64_t key, uint32_t gi)
{
	uint32_t *head = cidx_put(&c->readers, key);

	if (head == NULL)
		return -1;
	for (uint32_t l = *head; l != 0; l = c->links[l - 1].next)
		if (c->links[l - 1].group == gi)
			return 0;
	if (grow_array((void **)&c->links, &c->cap_links, c->n_links + 1, sizeof(*c->links),
		       1024) != 0)
		return -1;
	c->links[c->n_links].group = gi;
	c->links[c->n_links].next = *head;
	*head = (uint32_t)++c->n_links;
	return 0;
}

static bool run_reads(const struct carry_group *g, const struct carry_run *r, uint64_t key)
{
	for (uint32_t d = 0; d < r->n_dep; d++)
		if (g->deps[r->dep + d] == key)
			return true;
	return false;
}

/* The n keys at base[at..] (base may be NULL when n is 0). */
static const uint64_t *keys_at(const uint64_t *base, uint64_t at, uint64_t n)
{
	return n > 0 ? base + at : NULL;
}

/* Appends deps (n keys) to group gi as run r's, and (link) indexes them. */
static int take_deps(struct carry *c, uint32_t gi, struct carry_run *r, const uint64_t *deps,
		     uint64_t n, bool link)
{
	struct carry_group *g = &c->groups[gi];
	uint64_t cap = g->cap_deps;

	r->dep = g->n_deps;
	r->n_dep = 0;
	if (n == 0)
		return 0;
	if (g->n_deps + n > UINT32_MAX ||
	    grow_array((void **)&g->deps, &cap, g->n_deps + n, sizeof(*g->deps), 16) != 0)
		return -1;
	g->cap_deps = (uint32_t)cap;
	r->dep = g->n_deps;
	r->n_dep = (uint32_t)n;
	memcpy(&g->deps[g->n_deps], deps, n * sizeof(*deps));
	g->n_deps += (uint32_t)n;
	for (uint64_t d = 0; link && d < n; d++)
		if (link_add(c, deps[d], gi) != 0)
			return -1;
	return 0;
}

/* Appends run j of f to its group (after the group's last run). 0, 1 when
 * it does not fit the shape (across a group, out of order), -1 out of
 * memory. */
static int install_run(struct carry *c, const struct flat *f, uint64_t j)
{
	const struct flat_run *fr = &f->runs[j];
	bool oom = false;
	struct carry_group *g = group_of(c, fr->sector, true, &oom);
	struct carry_run *r;
	uint64_t off;
	uint32_t gi;

	if (g == NULL)
		return -1;
	off = fr->sector - g->first;
	if (fr->count == 0 || off + fr->count > CARRY_GROUP || g->n_runs == CARRY_MAX_RUNS ||
	    (g->n_runs > 0 &&
	     g->runs[g->n_runs - 1].off + g->runs[g->n_runs - 1].len > off))
		return 1;
	gi = (uint32_t)(g - c->groups);
	r = &g->runs[g->n_runs++];
	memset(r, 0, sizeof(*r));
	r->off = (uint8_t)off;
	r->len = (uint8_t)fr->count;
	memcpy(&g->cls[off], &f->cls[fr->cls], fr->count);
	memcpy(&g->okey[off], &f->okey[fr->cls], fr->count * sizeof(*g->okey));
	g->written |= ((UINT64_C(1) << fr->count) - 1) << off;
	r->failed = fr->failed;
	r->worst = (uint8_t)count_run(&c->totals, &g->cls[off], fr->count, r->failed, +1);
	c->n_failed += r->failed;
	c->n_runs++;
	c->n_cls += fr->count;
	return take_deps(c, gi, r, keys_at(f->deps, fr->dep, fr->n_dep), fr->n_dep, true);
}

/* A judgement of every run of f, from nothing. 0, 1 (shape), -1 (memory). */
static int install_all(struct carry *c, const struct flat *f)
{
	carry_free(c);
	for (uint64_t j = 0; j < f->n_runs; j++) {
		int rc = install_run(c, f, j);

		if (rc != 0) {
			carry_free(c);
			return rc;
		}
	}
	c->valid = true;
	return 0;
}

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
};

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
								   : group_of(c, s, false, &oom);
		struct carry_run *r;

		if (g == NULL) {
			if (oracle_crash_key(o, s) == 0)
				continue; /* not written (a recovery's write, taken back) */
			g = group_of(c, s, true, &oom);
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

static bool all_dirty(const struct carry_group *g)
{
	for (unsigned r = 0; r < g->n_runs; r++)
		if (!g->runs[r].dirty)
			return false;
	return true;
}

/* The media's write log: every run that reads a key written. */
static int mark_media(struct carry *c, struct judging *jd, const uint64_t *log, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const uint32_t *head = cidx_get(&c->readers, log[i]);

		for (uint32_t l = head != NULL ? *head : 0; l != 0; l = c->links[l - 1].next) {
			struct carry_group *g = &c->groups[c->links[l - 1].group];
			bool hit = false;

			/* a group listed with every run dirty has nothing left to
			 * mark (a write's metadata key repeats through the log) */
			if (g->stamp == c->stamp && all_dirty(g))
				continue;
			for (unsigned r = 0; r < g->n_runs; r++)
				if (!g->runs[r].dirty && run_reads(g, &g->runs[r], log[i])) {
					g->runs[r].dirty = 1;
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
};

/* A listed group's new runs into want[] (*n_want of them), those to read
 * appended to jd. 0, or -1 out of memory. */
static int plan_group(const struct carry_group *g, uint64_t begin,
		      struct want_run want[CARRY_MAX_RUNS], unsigned *n_want, struct judging *jd)
{
	uint8_t off[CARRY_MAX_RUNS], len[CARRY_MAX_RUNS];
	unsigned n = plan_runs(g->first, g->written | g->added, begin, off, len);

	for (unsigned i = 0; i < n; i++) {
		want[i].off = off[i];
		want[i].len = len[i];
		want[i].from = -1;
		for (unsigned r = 0; r < g->n_runs; r++)
			if (g->runs[r].off == off[i] && g->runs[r].len == len[i] &&
			    !g->runs[r].dirty)
				want[i].from = (int8_t)r;
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

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
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
		qsort(*sorted, n_old, sizeof(**sorted), cmp_u64);
	}
	for (uint64_t d = 0; d < n; d++)
		if (bsearch(&deps[d], *sorted, n_old, sizeof(**sorted), cmp_u64) == NULL &&
		    link_add(c, deps[d], gi) != 0)
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

	count_group(c, g, -1);
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
			/* cls and okey stay where they are, by offset; its
			 * keys are indexed already */
			rc = take_deps(c, gi, r, keys_at(old_deps, o->dep, o->n_dep), o->n_dep,
				       false);
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
			rc = take_deps(c, gi, r, keys_at(f->deps, fr->dep, fr->n_dep), fr->n_dep,
				       false);
			g = &c->groups[gi];
			if (rc == 0 && !same)
				rc = link_new(c, gi, keys_at(f->deps, fr->dep, fr->n_dep), fr->n_dep,
					      old_deps, n_old_deps,
					      &sorted);
		}
	}
	free(old_deps);
	free(sorted);
	g->written |= g->added;
	g->added = 0;
	for (unsigned r = 0; r < g->n_runs; r++) {
		const struct carry_run *cr = &g->runs[r];

		g->runs[r].worst =
			(uint8_t)count_run(&c->totals, &g->cls[cr->off], cr->len, cr->failed, +1);
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
	rc = record(w, &f, ps, pc, np, &err);
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
	flat_free(&f);
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
			assert(count_run(&sum, &g->cls[cr->off], cr->len, cr->failed, +1) == cr->worst);
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

static int stale_add(struct carry *c, uint32_t gi)
{
	if (c->groups[gi].stale)
		return 0;
	if (grow_array((void **)&c->stale, &c->cap_stale, c->n_stale + 1, sizeof(*c->stale), 64) !=
	    0)
		return -1;
	c->groups[gi].stale = true;
	c->stale[c->n_stale++] = gi;
	return 0;
}

static int mark_stale(struct carry *c, const struct judging *jd)
{
	for (uint64_t i = 0; i < jd->n_list; i++)
		if (stale_add(c, jd->list[i]) != 0)
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
	int rc = -1;

	memset(&jd, 0, sizeof(jd));
	memset(&got, 0, sizeof(got));
	c->stamp++;
	for (uint64_t i = 0; i < c->n_stale; i++) {
		struct carry_group *g = &c->groups[c->stale[i]];

		assert(g->stale);
		g->stale = false;
		for (unsigned r = 0; r < g->n_runs; r++)
			g->runs[r].dirty = 1;
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
		if (plan_group(&c->groups[jd.list[i]], begin, want[i], &n_want[i], &jd) != 0)
			goto out;
	got.no_okeys = true;
	rc = jd.n_read > 0 ? record(w, &got, jd.sector, jd.count, jd.n_read, err) : 0;
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
out:
	if (rc < 0 && err->msg[0] == '\0')
		cs_err_set(err, "out of memory judging the durable image");
	flat_free(&got);
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
			rc = record(w, &f, ps, pc, np, err);
		free(ps);
		free(pc);
		if (rc == 0) {
			rc = install_all(c, &f);
			if (rc < 0)
				rc = cs_err_set(err, "out of memory judging the durable image");
			c->reread = c->n_runs;
			c->kept = 0;
		}
		flat_free(&f);
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

/* ---- the runs a crash state's writes touch ------------------------------ */

struct hit {
	uint64_t sector;
	uint32_t group;
	uint8_t run;
};

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	return (x->sector > y->sector) - (x->sector < y->sector);
}

uint64_t carry_touched(const struct carry *c, const uint64_t *keys, uint64_t n,
		       uint64_t *sector, uint32_t *count, struct crash_report *rest,
		       uint64_t *n_sectors)
{
	struct hit *hits = NULL;
	uint64_t n_hits = 0, cap = 0, out = 0;

	*n_sectors = 0;
	for (uint64_t i = 0; i < n; i++) {
		const uint32_t *head = cidx_get(&c->readers, keys[i]);

		for (uint32_t l = head != NULL ? *head : 0; l != 0; l = c->links[l - 1].next) {
			const struct carry_group *g = &c->groups[c->links[l - 1].group];

			for (unsigned r = 0; r < g->n_runs; r++) {
				if (!run_reads(g, &g->runs[r], keys[i]))
					continue;
				if (grow_array((void **)&hits, &cap, n_hits + 1, sizeof(*hits),
					       64) != 0) {
					free(hits);
					return UINT64_MAX;
				}
				hits[n_hits].sector = g->first + g->runs[r].off;
				hits[n_hits].group = c->links[l - 1].group;
				hits[n_hits++].run = (uint8_t)r;
			}
		}
	}
	if (n_hits > 1)
		qsort(hits, n_hits, sizeof(*hits), cmp_hit);
	for (uint64_t i = 0; i < n_hits; i++) {
		const struct carry_group *g = &c->groups[hits[i].group];
		const struct carry_run *r = &g->runs[hits[i].run];

		if (i > 0 && hits[i - 1].sector == hits[i].sector)
			continue;
		assert(out < c->n_runs);
		sector[out] = hits[i].sector;
		count[out++] = r->len;
		*n_sectors += r->len;
		(void)count_run(rest, &g->cls[r->off], r->len, r->failed, -1);
	}
	free(hits);
	return out;
}

int carry_unreadable(const struct carry *c, const uint64_t *t_sector, uint64_t n_t,
		     uint64_t **out, uint64_t *n)
{
	uint64_t cap = 0;

	*out = NULL;
	*n = 0;
	if (c->n_failed == 0)
		return 0;
	for (uint64_t i = 0; i < c->n_groups; i++) {
		const struct carry_group *g = &c->groups[i];

		for (unsigned r = 0; r < g->n_runs; r++) {
			const struct carry_run *cr = &g->runs[r];
			uint64_t at = g->first + cr->off;

			if (!cr->failed ||
			    (n_t > 0 && bsearch(&at, t_sector, n_t, sizeof(*t_sector), cmp_u64) != NULL))
				continue;
			for (unsigned k = 0; k < cr->len; k++) {
				if (!unreadable(g->cls[cr->off + k]))
					continue;
				if (grow_array((void **)out, &cap, *n + 1, sizeof(**out), 16) != 0) {
					free(*out);
					*out = NULL;
					*n = 0;
					return -1;
				}
				(*out)[(*n)++] = at + k;
			}
		}
	}
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), cmp_u64);
	return 0;
}

const uint8_t *carry_run_cls(const struct carry *c, uint64_t sector, uint32_t count)
{
	const uint32_t *gi = u64map_get(&c->at, sector / CARRY_GROUP);
	const struct carry_group *g = gi != NULL ? &c->groups[*gi] : NULL;

	for (unsigned r = 0; g != NULL && r < g->n_runs; r++)
		if (g->first + g->runs[r].off == sector)
			return g->runs[r].len == count && !g->runs[r].failed ? &g->cls[g->runs[r].off]
									       : NULL;
	return NULL;
}

/* ---- over a pipe --------------------------------------------------------- */

/* 0 when all n bytes arrived. */
static int read_full(int fd, void *buf, size_t n)
{
	size_t got;

	return fd_read_all(fd, buf, n, &got) == 0 && got == n ? 0 : -1;
}

struct carry_head {
	uint64_t valid, n_runs, n_cls, n_deps, n_stale, reread, kept;
};

/* A stale group as sent: its first sector and the sectors new in it. */
struct stale_rec {
	uint64_t first, added;
};

/* c's runs as a recorded read-back (group by group, in the order made). */
static int flatten(const struct carry *c, struct flat *f)
{
	for (uint64_t i = 0; i < c->n_groups; i++) {
		const struct carry_group *g = &c->groups[i];

		for (unsigned r = 0; r < g->n_runs; r++) {
			const struct carry_run *cr = &g->runs[r];
			struct flat_run *fr;

			if (reserve(f, cr->len, cr->n_dep) != 0)
				return -1;
			fr = &f->runs[f->n_runs++];
			fr->sector = g->first + cr->off;
			fr->count = cr->len;
			fr->cls = f->n_cls;
			fr->dep = f->n_deps;
			fr->n_dep = cr->n_dep;
			fr->failed = cr->failed;
			memcpy(&f->cls[f->n_cls], &g->cls[cr->off], cr->len);
			memcpy(&f->okey[f->n_cls], &g->okey[cr->off], cr->len * sizeof(*f->okey));
			f->n_cls += cr->len;
			if (cr->n_dep > 0)
				memcpy(&f->deps[f->n_deps], &g->deps[cr->dep],
				       cr->n_dep * sizeof(*f->deps));
			f->n_deps += cr->n_dep;
		}
	}
	return 0;
}

int carry_send(int fd, const struct carry *c)
{
	struct flat f;
	struct carry_head h = { .valid = c->valid, .n_stale = c->n_stale, .reread = c->reread,
				.kept = c->kept };
	struct stale_rec *st = malloc((c->n_stale ? c->n_stale : 1) * sizeof(*st));
	int rc = -1;

	memset(&f, 0, sizeof(f));
	if (st == NULL || (c->valid && flatten(c, &f) != 0))
		goto out;
	for (uint64_t i = 0; i < c->n_stale; i++) {
		st[i].first = c->groups[c->stale[i]].first;
		st[i].added = c->groups[c->stale[i]].added;
	}
	h.n_runs = f.n_runs;
	h.n_cls = f.n_cls;
	h.n_deps = f.n_deps;
	if (fd_write_all(fd, &h, sizeof(h)) != 0)
		goto out;
	if (c->valid &&
	    (fd_write_all(fd, f.runs, f.n_runs * sizeof(*f.runs)) != 0 ||
	     fd_write_all(fd, f.cls, f.n_cls) != 0 ||
	     fd_write_all(fd, f.okey, f.n_cls * sizeof(*f.okey)) != 0 ||
	     fd_write_all(fd, f.deps, f.n_deps * sizeof(*f.deps)) != 0 ||
	     fd_write_all(fd, st, c->n_stale * sizeof(*st)) != 0))
		goto out;
	rc = 0;
out:
	free(st);
	flat_free(&f);
	return rc;
}

int carry_recv(int fd, struct carry *c)
{
	struct carry_head h;
	struct flat f;
	struct stale_rec *st = NULL;
	int rc = -1;

	carry_free(c);
	memset(&f, 0, sizeof(f));
	if (read_full(fd, &h, sizeof(h)) != 0)
		return -1;
	if (!h.valid) {
		c->reread = h.reread;
		c->kept = h.kept;
		return 0;
	}
	if (grow_array((void **)&f.runs, &f.cap_runs, h.n_runs, sizeof(*f.runs), 256) ||
	    reserve(&f, (uint32_t)0, h.n_deps) != 0)
		goto out;
	{
		uint64_t cap = f.cap_cls;

		if (grow_array((void **)&f.cls, &cap, h.n_cls, 1, 256) != 0 ||
		    grow_array((void **)&f.okey, &f.cap_cls, h.n_cls, sizeof(*f.okey), 256))
			goto out;
	}
	if (read_full(fd, f.runs, h.n_runs * sizeof(*f.runs)) != 0 ||
	    read_full(fd, f.cls, h.n_cls) != 0 ||
	    read_full(fd, f.okey, h.n_cls * sizeof(*f.okey)) != 0 ||
	    read_full(fd, f.deps, h.n_deps * sizeof(*f.deps)) != 0)
		goto out;
	st = malloc((h.n_stale ? h.n_stale : 1) * sizeof(*st));
	if (st == NULL || read_full(fd, st, h.n_stale * sizeof(*st)) != 0)
		goto out;
	f.n_runs = h.n_runs;
	f.n_cls = h.n_cls;
	f.n_deps = h.n_deps;
	if (install_all(c, &f) != 0)
		goto out;
	for (uint64_t i = 0; i < h.n_stale; i++) {
		bool oom = false;
		struct carry_group *g = group_of(c, st[i].first, true, &oom);

		if (g == NULL || stale_add(c, (uint32_t)(g - c->groups)) != 0)
			goto out;
		g = &c->groups[c->stale[c->n_stale - 1]];
		g->added = st[i].added;
	}
	c->reread = h.reread;
	c->kept = h.kept;
	rc = 0;
out:
	if (rc != 0)
		carry_free(c);
	free(st);
	flat_free(&f);
	return rc;
}
