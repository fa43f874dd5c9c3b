#include "sim/verify_carry.h"

#include <stdlib.h>
#include <string.h>

#include "sim/media.h"
#include "sim/oracle.h"
#include "sim/recover.h"
#include "util/fdio.h"
#include "util/grow.h"
#include "util/u64map.h"

void carry_free(struct carry *c)
{
	free(c->runs);
	free(c->cls);
	free(c->okey);
	free(c->deps);
	memset(c, 0, sizeof(*c));
}

/* Room for one more run of count sectors and n_dep keys. */
static int reserve(struct carry *c, uint32_t count, uint64_t n_dep)
{
	uint64_t cap_cls = c->cap_cls;

	if (grow_array((void **)&c->runs, &c->cap_runs, c->n_runs + 1, sizeof(*c->runs), 256) ||
	    grow_array((void **)&c->cls, &cap_cls, c->n_cls + count, 1, 256) ||
	    grow_array((void **)&c->okey, &c->cap_cls, c->n_cls + count, sizeof(*c->okey), 256) ||
	    grow_array((void **)&c->deps, &c->cap_deps, c->n_deps + n_dep, sizeof(*c->deps), 256))
		return -1;
	return 0;
}

/* Recording a read-back, request by request. */
struct rec {
	struct world *w;
	struct carry *out;
	uint64_t *reads;      /* media keys read since the last request completed */
	uint64_t n_reads, cap_reads;
	bool bad;             /* a request failed, or memory ran out */
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

/* Appends key to the run's dependencies unless one of its last few is it. */
static int add_dep(struct carry *c, const struct judged_run *jr, uint64_t key)
{
	for (uint64_t k = c->n_deps; k > jr->dep && k + 8 > c->n_deps; k--)
		if (c->deps[k - 1] == key)
			return 0;
	if (grow_array((void **)&c->deps, &c->cap_deps, c->n_deps + 1, sizeof(*c->deps), 256) != 0)
		return -1;
	c->deps[c->n_deps++] = key;
	return 0;
}

static int rec_run(void *arg, uint64_t sector, uint32_t count, int result, const uint8_t *classes)
{
	struct rec *r = arg;
	struct carry *c = r->out;
	const struct csum_variant_ops *ops = r->w->ops;
	struct judged_run *jr;

	if (result != 0 || classes == NULL || r->bad) {
		r->bad = true;
		return 1; /* re-reads and probes: the full read-back's business */
	}
	if (reserve(c, count, r->n_reads) != 0) {
		r->bad = true;
		return 1;
	}
	jr = &c->runs[c->n_runs++];
	jr->sector = sector;
	jr->count = count;
	jr->cls = c->n_cls;
	jr->dep = c->n_deps;
	memcpy(&c->deps[c->n_deps], r->reads, r->n_reads * sizeof(*r->reads));
	c->n_deps += r->n_reads;
	r->n_reads = 0;
	for (uint32_t i = 0; i < count; i++) {
		struct csum_location loc;

		if (unreadable(classes[i])) {
			r->bad = true;
			return 1;
		}
		c->cls[c->n_cls] = classes[i];
		c->okey[c->n_cls++] = oracle_crash_key(&r->w->oracle, sector + i);
		/* a variant may answer the metadata from a cache (dm-integrity's
		 * tag sectors) and read nothing: the layout names it anyway */
		ops->locate(r->w->ctx, sector + i, &loc);
		for (unsigned m = 0; m < loc.n_meta; m++)
			if (add_dep(c, jr, media_log_key(loc.meta_dev[m], loc.meta_sector[m])) != 0) {
				r->bad = true;
				return 1;
			}
	}
	jr->n_dep = c->n_deps - jr->dep;
	return 0;
}

/* Reads back the runs given (all of them when sector is NULL) into out.
 * 0 done, 1 a request failed or hung, -1 with err set. */
static int record(struct world *w, struct carry *out, const uint64_t *sector,
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
	rc = recover_tapped(w, &scratch, &tap, err);
	w->read_tap = NULL;
	w->read_tap_arg = NULL;
	free(r.reads);
	if (rc != 0)
		return -1;
	if (r.bad || scratch.counts.not_completed != 0 || scratch.unreadable_sectors != 0 ||
	    scratch.probed_groups != 0 || (sector != NULL && out->n_runs - first != n))
		return 1;
	return 0;
}

/* One clean request's verdicts added to cr, as recover() counts them. */
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

static void totals(const struct carry *c, struct crash_report *rest)
{
	for (uint64_t i = 0; i < c->n_runs; i++)
		count_run(rest, &c->cls[c->runs[i].cls], c->runs[i].count);
}

/* Copies run j of from onto the end of to. */
static int copy_run(struct carry *to, const struct carry *from, uint64_t j)
{
	const struct judged_run *s = &from->runs[j];
	struct judged_run *d;

	if (reserve(to, s->count, s->n_dep) != 0)
		return -1;
	d = &to->runs[to->n_runs++];
	*d = *s;
	d->cls = to->n_cls;
	d->dep = to->n_deps;
	memcpy(&to->cls[to->n_cls], &from->cls[s->cls], s->count);
	memcpy(&to->okey[to->n_cls], &from->okey[s->cls], s->count * sizeof(*to->okey));
	to->n_cls += s->count;
	memcpy(&to->deps[to->n_deps], &from->deps[s->dep], s->n_dep * sizeof(*to->deps));
	to->n_deps += s->n_dep;
	return 0;
}

/* The media keys written since the last point: a bit per hash bucket in
 * front of the exact set, so that the many keys not written cost a bit test
 * (a few thousand writes between points leave most bits clear). */
#define WRITTEN_BITS 18
struct written {
	struct u64map set;
	uint64_t bits[(1u << WRITTEN_BITS) / 64];
};

static uint32_t written_bucket(uint64_t key)
{
	return (uint32_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> (64 - WRITTEN_BITS));
}

static bool was_written(const struct written *wr, uint64_t key)
{
	uint32_t b = written_bucket(key);

	if (!((wr->bits[b / 64] >> (b % 64)) & 1))
		return false;
	return u64map_get(&wr->set, key) != NULL;
}

/* Whether run j of prev still holds at the plan's run (sector, count): the
 * same request, none of its media inputs written since, the same oracle
 * state of each of its sectors. Only the sectors of chg (ascending; *cpos
 * moves along it, as the plan's runs do) can have another oracle state. */
static bool still_holds(const struct carry *prev, uint64_t j, uint64_t sector, uint32_t count,
			const struct written *written, struct oracle *o, const uint64_t *chg,
			size_t n_chg, size_t *cpos)
{
	const struct judged_run *jr = &prev->runs[j];

	while (*cpos < n_chg && chg[*cpos] < sector)
		(*cpos)++;
	if (jr->sector != sector || jr->count != count)
		return false;
	for (uint64_t d = 0; d < jr->n_dep; d++)
		if (was_written(written, prev->deps[jr->dep + d]))
			return false;
	for (size_t c = *cpos; c < n_chg && chg[c] < sector + count; c++)
		if (oracle_crash_key(o, chg[c]) != prev->okey[jr->cls + (chg[c] - sector)])
			return false;
#ifndef NDEBUG
	/* every other sector's state is as it was */
	for (uint32_t i = 0; i < count; i++)
		assert(oracle_crash_key(o, sector + i) == prev->okey[jr->cls + i]);
#endif
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The sectors whose oracle state may have changed since the last point (the
 * oracle's change log): ascending, once each, in a new array (*n set). NULL
 * out of memory. */
static uint64_t *changed_sectors(const uint64_t *log, size_t n_log, size_t *n)
{
	uint64_t *c = malloc((n_log ? n_log : 1) * sizeof(*c));
	size_t k = 0;

	*n = 0;
	if (c == NULL)
		return NULL;
	if (n_log > 0)
		memcpy(c, log, n_log * sizeof(*c));
	qsort(c, n_log, sizeof(*c), cmp_u64);
	for (size_t i = 0; i < n_log; i++)
		if (k == 0 || c[k - 1] != c[i])
			c[k++] = c[i];
	*n = k;
	return c;
}

int carry_judge(const struct carry *prev, struct world *w, struct carry *out,
		struct crash_report *rest, struct cs_err *err)
{
	const uint64_t *log, *olog;
	size_t n_log, n_olog, n_chg = 0, cpos = 0;
	uint64_t *ps = NULL, np = 0, *keep = NULL, *ns = NULL, nn = 0, j = 0, g = 0, *chg = NULL;
	uint32_t *pc = NULL, *nc = NULL;
	struct written *written = NULL;
	struct carry got;
	int rc;

	carry_free(out);
	memset(&got, 0, sizeof(got));
	if (prev == NULL || !prev->valid || !media_log(w->media, &log, &n_log) ||
	    !oracle_chlog(&w->oracle, &olog, &n_olog)) {
		rc = record(w, out, NULL, NULL, 0, err);
		if (rc != 0) {
			carry_free(out);
			return rc;
		}
		out->valid = true;
		out->reread = out->n_runs;
		totals(out, rest);
		return 0;
	}
	written = calloc(1, sizeof(*written));
	if (written == NULL)
		return cs_err_set(err, "out of memory judging the durable image");
	u64map_init(&written->set, 0);
	for (size_t i = 0; i < n_log; i++) {
		uint32_t b = written_bucket(log[i]);

		written->bits[b / 64] |= UINT64_C(1) << (b % 64);
		if (u64map_put(&written->set, log[i], NULL) == NULL)
			goto oom;
	}
	chg = changed_sectors(olog, n_olog, &n_chg);
	if (chg == NULL)
		goto oom;
	if (recover_plan(w, &ps, &pc, &np) != 0)
		goto oom;
	keep = malloc((np ? np : 1) * sizeof(*keep));
	ns = malloc((np ? np : 1) * sizeof(*ns));
	nc = malloc((np ? np : 1) * sizeof(*nc));
	if (keep == NULL || ns == NULL || nc == NULL)
		goto oom;
	for (uint64_t i = 0; i < np; i++) {
		while (j < prev->n_runs && prev->runs[j].sector < ps[i])
			j++;
		if (j < prev->n_runs &&
		    still_holds(prev, j, ps[i], pc[i], written, &w->oracle, chg, n_chg, &cpos)) {
			keep[i] = j;
			continue;
		}
		keep[i] = UINT64_MAX;
		ns[nn] = ps[i];
		nc[nn++] = pc[i];
	}
	rc = nn > 0 ? record(w, &got, ns, nc, nn, err) : 0;
	if (rc != 0)
		goto out;
	for (uint64_t i = 0; i < np; i++)
		if ((keep[i] != UINT64_MAX ? copy_run(out, prev, keep[i]) : copy_run(out, &got, g++)) !=
		    0)
			goto oom;
	out->valid = true;
	out->reread = nn;
	out->kept = np - nn;
	totals(out, rest);
	goto out;
oom:
	rc = cs_err_set(err, "out of memory judging the durable image");
out:
	if (rc != 0)
		carry_free(out);
	carry_free(&got);
	u64map_free(&written->set);
	free(written);
	free(chg);
	free(ps);
	free(pc);
	free(keep);
	free(ns);
	free(nc);
	return rc;
}

/* 0 when all n bytes arrived. */
static int read_full(int fd, void *buf, size_t n)
{
	size_t got;

	return fd_read_all(fd, buf, n, &got) == 0 && got == n ? 0 : -1;
}

struct carry_head {
	uint64_t valid, n_runs, n_cls, n_deps, reread, kept;
};

int carry_send(int fd, const struct carry *c)
{
	struct carry_head h = { .valid = c->valid, .n_runs = c->n_runs, .n_cls = c->n_cls,
				.n_deps = c->n_deps, .reread = c->reread, .kept = c->kept };

	if (fd_write_all(fd, &h, sizeof(h)) != 0)
		return -1;
	if (!c->valid)
		return 0;
	if (fd_write_all(fd, c->runs, c->n_runs * sizeof(*c->runs)) != 0 ||
	    fd_write_all(fd, c->cls, c->n_cls) != 0 ||
	    fd_write_all(fd, c->okey, c->n_cls * sizeof(*c->okey)) != 0 ||
	    fd_write_all(fd, c->deps, c->n_deps * sizeof(*c->deps)) != 0)
		return -1;
	return 0;
}

int carry_recv(int fd, struct carry *c)
{
	struct carry_head h;

	carry_free(c);
	if (read_full(fd, &h, sizeof(h)) != 0)
		return -1;
	c->reread = h.reread;
	c->kept = h.kept;
	if (!h.valid)
		return 0;
	if (grow_array((void **)&c->runs, &c->cap_runs, h.n_runs, sizeof(*c->runs), 256) ||
	    reserve(c, (uint32_t)0, h.n_deps) != 0)
		goto fail;
	{
		uint64_t cap = c->cap_cls;

		if (grow_array((void **)&c->cls, &cap, h.n_cls, 1, 256) != 0 ||
		    grow_array((void **)&c->okey, &c->cap_cls, h.n_cls, sizeof(*c->okey), 256))
			goto fail;
	}
	if (read_full(fd, c->runs, h.n_runs * sizeof(*c->runs)) != 0 ||
	    read_full(fd, c->cls, h.n_cls) != 0 ||
	    read_full(fd, c->okey, h.n_cls * sizeof(*c->okey)) != 0 ||
	    read_full(fd, c->deps, h.n_deps * sizeof(*c->deps)) != 0)
		goto fail;
	c->n_runs = h.n_runs;
	c->n_cls = h.n_cls;
	c->n_deps = h.n_deps;
	c->valid = true;
	return 0;
fail:
	carry_free(c);
	return -1;
}
