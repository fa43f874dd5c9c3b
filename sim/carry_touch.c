/* The runs a crash state's writes touch, and what the state loop asks of
 * a carried judgement (sim/verify_carry.h). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim/carry_priv.h"
#include "util/grow.h"

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
				if (!carry_run_reads(g, &g->runs[r], keys[i]))
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
		(void)carry_count_run(rest, &g->cls[r->off], r->len, r->failed, -1);
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
			    (n_t > 0 &&
			     bsearch(&at, t_sector, n_t, sizeof(*t_sector), carry_cmp_u64) != NULL))
				continue;
			for (unsigned k = 0; k < cr->len; k++) {
				if (!carry_unreadable_class(g->cls[cr->off + k]))
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
		qsort(*out, *n, sizeof(**out), carry_cmp_u64);
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
