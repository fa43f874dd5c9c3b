#include "faults/ledger.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The pending faults touching one dm sector. */
struct id_list {
	uint32_t n, cap;
	uint64_t *ids;
};

/* ---- dm ranges -------------------------------------------------------- */

int dm_ranges_add(struct dm_ranges *rs, uint64_t first, uint64_t count)
{
	if (count == 0)
		return 0;
	if (rs->n == rs->cap) {
		uint32_t ncap = rs->cap ? rs->cap * 2 : 8;
		struct dm_range *nr = realloc(rs->r, ncap * sizeof(*nr));

		if (nr == NULL)
			return -1;
		rs->r = nr;
		rs->cap = ncap;
	}
	rs->r[rs->n].first = first;
	rs->r[rs->n].count = count;
	rs->n++;
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct dm_range *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return (x->count > y->count) - (x->count < y->count);
}

void dm_ranges_normalise(struct dm_ranges *rs, uint64_t limit)
{
	uint32_t out = 0;

	if (rs->n == 0)
		return;
	qsort(rs->r, rs->n, sizeof(*rs->r), cmp_range);
	for (uint32_t i = 0; i < rs->n; i++) {
		struct dm_range c = rs->r[i];
		uint64_t end = c.first + c.count;

		if (end < c.first)
			end = UINT64_MAX; /* no wrap */
		if (limit != 0) {
			if (c.first >= limit)
				continue;
			if (end > limit)
				end = limit;
		}
		if (out > 0) {
			struct dm_range *p = &rs->r[out - 1];

			if (c.first <= p->first + p->count) {
				if (end > p->first + p->count)
					p->count = end - p->first;
				continue;
			}
		}
		rs->r[out].first = c.first;
		rs->r[out].count = end - c.first;
		out++;
	}
	rs->n = out;
#ifndef NDEBUG
	/* sorted, disjoint and apart (touching ranges merged), inside the limit */
	for (uint32_t i = 0; i < rs->n; i++) {
		assert(limit == 0 || (rs->r[i].count >= 1 &&
				      rs->r[i].first + rs->r[i].count <= limit));
		assert(i == 0 || rs->r[i].first > rs->r[i - 1].first + rs->r[i - 1].count);
	}
#endif
}

void dm_ranges_free(struct dm_ranges *rs)
{
	free(rs->r);
	rs->r = NULL;
	rs->n = rs->cap = 0;
}

/* ---- outcome mapping -------------------------------------------------- */

int fault_outcome_of_class(int oracle_class)
{
	switch (oracle_class) {
	case ORC_CORRECT:
		return FO_MASKED;
	case ORC_STALE:
		return FO_STALE;
	case ORC_FALSE_POS:
		return FO_FALSE_POS;
	case ORC_DETECTED:
		return FO_DETECTED;
	case ORC_SILENT:
		return FO_SILENT;
	default:
		return FO_COUNT;
	}
}

int fault_outcome_rank(int outcome)
{
	switch (outcome) {
	case FO_MASKED:
		return 0;
	case FO_FALSE_POS:
		return 1;
	case FO_DETECTED:
		return 2;
	case FO_STALE:
		return 3;
	case FO_SILENT:
		return 4;
	default:
		return -1;
	}
}

/* ---- the ledger ------------------------------------------------------- */

void ledger_init(struct fault_ledger *l)
{
	memset(l, 0, sizeof(*l));
	u64map_init(&l->index, sizeof(struct id_list));
}

static void free_index(struct u64map *index)
{
	size_t pos = 0;
	uint64_t key;
	void *val;

	while (u64map_next(index, &pos, &key, &val)) {
		struct id_list *il = val;

		free(il->ids);
	}
	u64map_free(index);
}

void ledger_free(struct fault_ledger *l)
{
	for (uint64_t i = 0; i < l->n; i++)
		free(l->f[i].ranges);
	free(l->f);
	free_index(&l->index);
	memset(l, 0, sizeof(*l));
}

static void close_fault(struct fault_ledger *l, uint64_t id);

int ledger_clone(struct fault_ledger *dst, const struct fault_ledger *src)
{
	size_t pos = 0;
	uint64_t key;
	void *val;

	*dst = *src;
	dst->f = NULL;
	dst->cap = dst->n = 0;
	u64map_init(&dst->index, sizeof(struct id_list));
	if (src->n > 0) {
		dst->f = calloc(src->n, sizeof(*dst->f));
		if (dst->f == NULL)
			goto oom;
		dst->cap = src->n;
		for (uint64_t i = 0; i < src->n; i++) {
			const struct ledger_fault *s = &src->f[i];
			struct ledger_fault *d = &dst->f[i];

			*d = *s;
			d->ranges = NULL;
			if (s->n_ranges > 0 && s->ranges != NULL) {
				d->ranges = malloc(s->n_ranges * sizeof(*d->ranges));
				if (d->ranges == NULL)
					goto oom;
				memcpy(d->ranges, s->ranges, s->n_ranges * sizeof(*d->ranges));
			}
			dst->n = i + 1;
		}
	}
	if (u64map_clone(&dst->index, &src->index) != 0) {
		u64map_init(&dst->index, sizeof(struct id_list));
		goto oom;
	}
	/* the lists are owned per map: copy each */
	while (u64map_next(&dst->index, &pos, &key, &val)) {
		struct id_list *il = val;
		uint64_t *ids = NULL;

		if (il->cap > 0) {
			ids = malloc(il->cap * sizeof(*ids));
			if (ids == NULL) {
				/* the rest still point into src: detach before freeing */
				size_t p2 = pos;
				uint64_t k2;
				void *v2;

				il->ids = NULL;
				il->n = il->cap = 0;
				while (u64map_next(&dst->index, &p2, &k2, &v2)) {
					struct id_list *rest = v2;

					rest->ids = NULL;
					rest->n = rest->cap = 0;
				}
				goto oom;
			}
			memcpy(ids, il->ids, il->n * sizeof(*ids));
		}
		il->ids = ids;
	}
	/* a crash state: what the replay judged before the crash stays as judged */
	for (uint64_t i = 0; i < dst->n; i++)
		if (dst->f[i].outcome != FO_UNREAD && dst->f[i].n_ranges > 0)
			close_fault(dst, i);
	return 0;
oom:
	ledger_free(dst);
	return -1;
}

static int list_push(struct id_list *il, uint64_t id)
{
	if (il->n > 0 && il->ids[il->n - 1] == id)
		return 0;
	if (il->n == il->cap) {
		uint32_t ncap = il->cap ? il->cap * 2 : 2;
		uint64_t *nv = realloc(il->ids, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		il->ids = nv;
		il->cap = ncap;
	}
	assert(il->n == 0 || il->ids[il->n - 1] < id); /* ids ascend within a list */
	il->ids[il->n++] = id;
	return 0;
}

static void list_remove(struct id_list *il, uint64_t id)
{
	/* keep the order: ids ascend within a list */
	for (uint32_t i = 0; i < il->n; i++) {
		if (il->ids[i] == id) {
			memmove(&il->ids[i], &il->ids[i + 1], (il->n - i - 1) * sizeof(*il->ids));
			il->n--;
			return;
		}
	}
}

static void unindex(struct fault_ledger *l, uint64_t id, uint64_t upto_sector, uint32_t upto_range)
{
	const struct ledger_fault *f = &l->f[id];

	for (uint32_t r = 0; r < f->n_ranges && r <= upto_range; r++) {
		for (uint64_t s = f->ranges[r].first; s < f->ranges[r].first + f->ranges[r].count;
		     s++) {
			struct id_list *il;

			if (r == upto_range && s >= upto_sector)
				return;
			il = u64map_get(&l->index, s);
			if (il != NULL)
				list_remove(il, id);
		}
	}
}

/* No sector of the fault waits any more: out of the index, ranges freed. */
static void close_fault(struct fault_ledger *l, uint64_t id)
{
	struct ledger_fault *f = &l->f[id];

	assert(f->ranges != NULL || f->n_ranges == 0);
	if (f->waiting > 0)
		unindex(l, id, UINT64_MAX, UINT32_MAX);
	free(f->ranges);
	f->ranges = NULL;
	f->n_ranges = 0;
	f->waiting = 0;
	assert(l->n_open > 0);
	l->n_open--;
}

/* The fault saw `outcome` on one of its sectors: its outcome is the worst
 * seen so far, counted once. */
static void judge(struct fault_ledger *l, uint64_t id, int outcome)
{
	struct ledger_fault *f = &l->f[id];

	assert(id < l->n && outcome >= 0 && outcome < FO_UNREAD); /* a verdict, not "unread" */
	if (f->outcome == FO_UNREAD) {
		assert(l->pending[f->type] > 0);
		l->pending[f->type]--;
		l->resolved[f->type][outcome]++;
		f->outcome = (uint8_t)outcome;
	} else if (fault_outcome_rank(outcome) > fault_outcome_rank(f->outcome)) {
		assert(l->resolved[f->type][f->outcome] > 0);
		l->resolved[f->type][f->outcome]--;
		l->resolved[f->type][outcome]++;
		f->outcome = (uint8_t)outcome;
	}
	/* the outcome only gets worse */
	assert(fault_outcome_rank(f->outcome) >= fault_outcome_rank(outcome));
	if (f->n_ranges > 0 && (f->waiting == 0 || f->outcome == FO_SILENT))
		close_fault(l, id);
}

int ledger_add(struct fault_ledger *l, uint8_t type, uint64_t time_ns,
	       const struct dm_ranges *rs, uint64_t *id)
{
	struct ledger_fault *f;
	uint64_t nid = l->n;

	if (type >= FT_COUNT)
		type = FT_IO_ERROR;
	if (l->n == l->cap) {
		uint64_t ncap = l->cap ? l->cap * 2 : 64;
		struct ledger_fault *nf = realloc(l->f, ncap * sizeof(*nf));

		if (nf == NULL)
			return -1;
		l->f = nf;
		l->cap = ncap;
	}
	f = &l->f[nid];
	memset(f, 0, sizeof(*f));
	f->time_ns = time_ns;
	f->type = type;
	f->outcome = FO_UNREAD;
	if (rs != NULL && rs->n > 0) {
		for (uint32_t r = 0; r < rs->n; r++)
			f->waiting += rs->r[r].count;
		f->ranges = malloc(rs->n * sizeof(*f->ranges));
		if (f->ranges == NULL)
			return -1;
		memcpy(f->ranges, rs->r, rs->n * sizeof(*f->ranges));
		f->n_ranges = rs->n;
	}
	for (uint32_t r = 0; r < f->n_ranges; r++) {
		for (uint64_t s = f->ranges[r].first; s < f->ranges[r].first + f->ranges[r].count;
		     s++) {
			struct id_list *il = u64map_put(&l->index, s, NULL);

			if (il == NULL || list_push(il, nid) != 0) {
				unindex(l, nid, s, r);
				free(f->ranges);
				f->ranges = NULL;
				return -1;
			}
		}
	}
	l->n++;
	l->injected[type]++;
	l->pending[type]++;
	assert(l->n_open < l->n); /* this one is not open yet */
	if (f->n_ranges == 0) {
		judge(l, nid, FO_MASKED); /* touches no user data */
	} else {
		l->n_open++;
	}
	if (id != NULL)
		*id = nid;
	return 0;
}

int ledger_observe(struct fault_ledger *l, uint64_t dm, uint32_t count, const uint8_t *classes)
{
	static const uint8_t by_rank[5] = { FO_MASKED, FO_FALSE_POS, FO_DETECTED, FO_STALE,
					    FO_SILENT };
	struct u64map worst; /* fault id -> 1 + rank of its worst verdict in this read */
	uint64_t *ids;
	size_t n;

	if (l->n_open == 0 || count == 0)
		return 0;
	u64map_init(&worst, 1);
	for (uint32_t i = 0; i < count; i++) {
		const struct id_list *il = u64map_get(&l->index, dm + i);
		int o = fault_outcome_of_class(classes[i]);

		if (il == NULL || il->n == 0 || o == FO_COUNT)
			continue;
		for (uint32_t j = 0; j < il->n; j++) {
			uint8_t *w = u64map_put(&worst, il->ids[j], NULL);

			if (w == NULL) {
				u64map_free(&worst);
				return -1;
			}
			if (*w < 1 + fault_outcome_rank(o))
				*w = (uint8_t)(1 + fault_outcome_rank(o));
		}
	}
	if (worst.len == 0) {
		u64map_free(&worst);
		return 0;
	}
	ids = u64map_sorted_keys(&worst);
	if (ids == NULL) {
		u64map_free(&worst);
		return -1;
	}
	n = worst.len;
	/* each of these sectors has had its verdict: no fault waits on it now */
	for (uint32_t i = 0; i < count; i++) {
		struct id_list *il = u64map_get(&l->index, dm + i);

		if (il == NULL || fault_outcome_of_class(classes[i]) == FO_COUNT)
			continue;
		for (uint32_t j = 0; j < il->n; j++) {
			assert(l->f[il->ids[j]].waiting > 0);
			l->f[il->ids[j]].waiting--;
		}
		il->n = 0;
	}
	for (size_t k = 0; k < n; k++) {
		const uint8_t *w = u64map_get(&worst, ids[k]);

		assert(w != NULL && *w >= 1 && *w <= 5); /* 1 + a rank of by_rank */
		judge(l, ids[k], by_rank[*w - 1]);
	}
	free(ids);
	u64map_free(&worst);
	return 0;
}

void ledger_outcomes(const struct fault_ledger *l, struct fault_outcomes *out)
{
	uint64_t all = 0;

	for (int t = 0; t < FT_COUNT; t++) {
		uint64_t sum = l->pending[t];

		for (int o = 0; o < FO_COUNT; o++) {
			out->n[t][o] += l->resolved[t][o];
			sum += l->resolved[t][o];
		}
		out->n[t][FO_UNREAD] += l->pending[t];
		/* every fault injected is unread or has exactly one outcome */
		assert(sum == l->injected[t]);
		all += sum;
	}
	assert(all == l->n && l->n_open <= l->n);
}

int ledger_waiting(const struct fault_ledger *l, uint64_t **out, uint64_t *n)
{
	uint64_t *keys;
	size_t len = l->index.len, k = 0;

	*out = NULL;
	*n = 0;
	if (l->n_open == 0 || len == 0)
		return 0;
	keys = u64map_sorted_keys(&l->index);
	if (keys == NULL)
		return -1;
	/* an empty list is the same as no entry */
	for (size_t i = 0; i < len; i++) {
		const struct id_list *il = u64map_get(&l->index, keys[i]);

		if (il != NULL && il->n > 0)
			keys[k++] = keys[i];
	}
	if (k == 0) {
		free(keys);
		return 0;
	}
	*out = keys;
	*n = k;
	return 0;
}
