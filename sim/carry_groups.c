/* The judgement by group: its groups, the index from media keys to the
 * groups that read them, its totals (sim/carry_priv.h). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim/carry_priv.h"
#include "util/grow.h"

int carry_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

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
	/* ready for carry_install_all (a judgement always starts from here) */
	u64map_init(&c->at, sizeof(uint32_t));
	cidx_init(&c->readers);
}

int carry_count_run(struct crash_report *cr, const uint8_t *cls, uint32_t count, bool failed,
		     int sign)
{
	uint64_t d = (uint64_t)(int64_t)sign;
	int worst = ORC_CORRECT;

	for (uint32_t i = 0; i < count; i++) {
		cr->counts.sectors[cls[i]] += d;
		worst = oracle_class_worst(worst, cls[i]);
		if (failed) {
			cr->counts.requests[cls[i]] += d;
			cr->unreadable_sectors += carry_unreadable_class(cls[i]) ? d : 0;
		}
	}
	cr->sectors_checked += d * count;
	if (!failed)
		cr->counts.requests[worst] += d;
	return worst;
}

void carry_count_group(struct carry *c, const struct carry_group *g, int sign)
{
	for (unsigned r = 0; r < g->n_runs; r++) {
		const struct carry_run *cr = &g->runs[r];

		(void)carry_count_run(&c->totals, &g->cls[cr->off], cr->len, cr->failed, sign);
		c->n_failed += cr->failed ? (uint64_t)(int64_t)sign : 0;
		c->n_runs += (uint64_t)(int64_t)sign;
		c->n_cls += (uint64_t)(int64_t)sign * cr->len;
	}
}

struct carry_group *carry_group_of(struct carry *c, uint64_t sector, bool create, bool *oom)
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

int carry_link_add(struct carry *c, uint64_t key, uint32_t gi)
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

bool carry_run_reads(const struct carry_group *g, const struct carry_run *r, uint64_t key)
{
	for (uint32_t d = 0; d < r->n_dep; d++)
		if (g->deps[r->dep + d] == key)
			return true;
	return false;
}

int carry_take_deps(struct carry *c, uint32_t gi, struct carry_run *r, const uint64_t *deps,
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
		if (carry_link_add(c, deps[d], gi) != 0)
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
	struct carry_group *g = carry_group_of(c, fr->sector, true, &oom);
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
	memcpy(&g->tag[off], &f->tag[fr->cls], fr->count * sizeof(*g->tag));
	g->written |= ((UINT64_C(1) << fr->count) - 1) << off;
	r->failed = fr->failed;
	r->worst = (uint8_t)carry_count_run(&c->totals, &g->cls[off], fr->count, r->failed, +1);
	c->n_failed += r->failed;
	c->n_runs++;
	c->n_cls += fr->count;
	return carry_take_deps(c, gi, r, carry_keys_at(f->deps, fr->dep, fr->n_dep), fr->n_dep,
			       true);
}

int carry_install_all(struct carry *c, const struct flat *f)
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

int carry_stale_add(struct carry *c, uint32_t gi)
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
