/* The contract's crash states. A unit is a run of sectors of one write that
 * the disk writes whole: the write itself (atomic write), its aligned 4 KiB
 * pieces (atomic 4k), or each sector (atomic sector); with safe_append, a
 * write that reached past every earlier write is one unit, never shorn.
 * Units are listed write by write in the order the disk lists the writes
 * (disk_volatile_writes), sectors ascending; for reorder within_epoch they
 * are then sorted by flush epoch (stable). Then:
 * - reorder never (in-order cache): the first k units persist, k = 0..U;
 *   with shorn, also the first k and unit k cut inside its last sector;
 * - reorder any / within_epoch: every allowed subset of the units (binary
 *   counting order), applied in acceptance order; with shorn, each subset
 *   again with each of its units cut, one at a time. within_epoch allows a
 *   unit of epoch e only when every unit of an earlier epoch persists;
 *   safe_append allows a unit after an append only when the append persists.
 * Above the unit limit a fixed list of allowed states stands in (labels
 * start "sampled:", crash_state.sampled set). flush and fua act on the disk
 * (sim/disk.c): what they leave in the cache is what is listed here. */
#include "faults/crash_contract.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit {
	uint32_t w;       /* the write */
	uint64_t bits;    /* its sectors, as crash_choice.mask bits */
	int32_t last;     /* its last sector (in the write) */
	uint32_t epoch;   /* the write's flush epoch */
	bool append;      /* an append under safe_append: whole, never shorn */
};

struct gen {
	const struct sc_contract *k;
	const struct crash_writes *cw;
	struct unit *u;
	uint32_t nu;
	uint8_t *kept;    /* per unit */
	uint32_t only;
	bool sampled;     /* the states are the fixed list */
	uint64_t produced;
	struct crash_state st;
	int (*fn)(void *arg, const struct crash_state *st);
	void *arg;
};

static uint64_t bit_range(uint32_t a, uint32_t b)
{
	/* bits a..b-1, where a write's sectors past 63 share bit 63 */
	uint64_t hi = b >= 64 ? UINT64_MAX : (UINT64_C(1) << b) - 1;

	assert(a < b && a < 64); /* a unit has at least one sector, hence a bit */
	uint64_t lo = a >= 64 ? UINT64_MAX : (UINT64_C(1) << a) - 1;

	return hi & ~lo;
}

/* The units of write i into u (NULL: count only). */
static uint32_t split_write(const struct sc_contract *k, const struct crash_write *w, uint32_t i,
			    struct unit *u)
{
	uint32_t n = 0, a = 0, count = w->count;
	bool whole = k->atomic == SC_ATOMIC_WRITE || (k->safe_append && w->append);
	uint64_t all = 0;

	if (count == 0)
		return 0;
	for (uint32_t s = 1; s <= count; s++) {
		bool cut;

		if (s == count)
			cut = true;
		else if (s >= 64) /* bit 63 holds the rest: one unit with sector 63 */
			cut = false;
		else if (whole)
			cut = false;
		else if (k->atomic == SC_ATOMIC_SECTOR)
			cut = true;
		else
			cut = ((w->sector + s) % 8) == 0; /* 4k */
		if (!cut)
			continue;
		assert(a < s && s <= count); /* units are consecutive, inside the write */
		if (u != NULL) {
			u[n].w = i;
			u[n].bits = s == count ? bit_range(a, 64) : bit_range(a, s);
			assert((u[n].bits & all) == 0); /* disjoint from the units before */
			all |= u[n].bits;
			u[n].last = (int32_t)(s - 1);
			u[n].epoch = w->flush_epoch;
			u[n].append = k->safe_append && w->append;
		}
		n++;
		a = s;
	}
	/* at least one unit; together they are every sector of the write */
	assert(n >= 1 && n <= count && a == count);
	assert(u == NULL || all == UINT64_MAX);
	(void)all; /* read by the assertions only */
	return n;
}

uint32_t crash_contract_units(const struct sc_contract *k, const struct crash_writes *cw)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < cw->n; i++)
		n += split_write(k, &cw->w[i], i, NULL);
	return n;
}

/* Does the contract allow the kept units (g->kept), unit `shorn` cut? */
static bool allowed(const struct gen *g, int64_t shorn)
{
	uint32_t lost_epoch = UINT32_MAX;
	bool append_lost = false;

	if (shorn >= 0 && g->u[shorn].append)
		return false;
	for (uint32_t j = 0; j < g->nu; j++) {
		if (!g->kept[j]) {
			if (g->u[j].epoch < lost_epoch)
				lost_epoch = g->u[j].epoch;
			append_lost |= g->u[j].append;
			continue;
		}
		if (append_lost)
			return false;
	}
	if (g->k->reorder != SC_REORDER_WITHIN_EPOCH || lost_epoch == UINT32_MAX)
		return true;
	for (uint32_t j = 0; j < g->nu; j++)
		if (g->kept[j] && g->u[j].epoch > lost_epoch)
			return false;
	return true;
}

/* Report the state of the kept units, unit `shorn` (or -1) cut, when the
 * contract allows it (else 0, no index taken). */
static int emit(struct gen *g, int64_t shorn, const char *label)
{
	struct crash_state *st = &g->st;
	uint32_t n = g->cw->n, o = 0;

	/* only a kept unit is cut */
	assert(shorn < 0 || ((uint64_t)shorn < g->nu && g->kept[shorn]));
	if (!allowed(g, shorn))
		return 0;
	st->index = (uint32_t)g->produced++;
	if (g->only != UINT32_MAX && g->only != st->index)
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		st->choice[i].keep = false;
		st->choice[i].mask = 0;
		st->choice[i].shear_sector = -1;
		st->choice[i].shear_bytes = 0;
	}
	for (uint32_t j = 0; j < g->nu; j++) {
		struct crash_choice *c = &st->choice[g->u[j].w];

		if (!g->kept[j])
			continue;
		c->keep = true;
		assert((c->mask & g->u[j].bits) == 0); /* a sector kept by one unit only */
		c->mask |= g->u[j].bits;
		if ((int64_t)j == shorn) {
			assert(g->u[j].last >= 0 &&
			       (uint32_t)g->u[j].last < g->cw->w[g->u[j].w].count);
			c->shear_sector = g->u[j].last;
			c->shear_bytes = CONTRACT_SHORN_BYTES;
		}
	}
	/* kept writes in acceptance order, then the others */
	for (uint32_t i = 0; i < n; i++)
		if (st->choice[i].keep)
			st->order[o++] = i;
	for (uint32_t i = 0; i < n; i++)
		if (!st->choice[i].keep)
			st->order[o++] = i;
	assert(o == n);
	st->n = n;
	st->sampled = g->sampled;
	snprintf(st->label, sizeof(st->label), "%s", label);
	return g->fn(g->arg, st);
}

/* The first k units, then each with unit k cut when shorn. */
static int prefix(struct gen *g, uint32_t k, bool shorn, const char *pre)
{
	char label[64];
	int rc;

	assert(k <= g->nu);
	memset(g->kept, 0, g->nu);
	memset(g->kept, 1, k);
	snprintf(label, sizeof(label), "%sfirst %" PRIu32 " of %" PRIu32 " units", pre, k, g->nu);
	rc = emit(g, -1, label);
	if (rc != 0 || !shorn || k >= g->nu)
		return rc;
	g->kept[k] = 1;
	snprintf(label, sizeof(label), "%sfirst %" PRIu32 " of %" PRIu32 " units, unit %" PRIu32
		 " shorn", pre, k, g->nu, k);
	return emit(g, k, label);
}

/* The k of the i-th of SAMPLE_POINTS + 1 evenly spaced prefixes of nu units. */
static uint32_t spaced(uint32_t i, uint32_t nu)
{
	assert(i <= CONTRACT_SAMPLE_POINTS); /* so the prefix fits: k <= nu */
	return (uint32_t)((uint64_t)i * nu / CONTRACT_SAMPLE_POINTS);
}

static int in_order(struct gen *g, bool shorn, const char *pre)
{
	if (g->nu > CONTRACT_SAMPLE_UNITS) {
		/* too many prefixes: evenly spaced ones (the first and all among them) */
		g->sampled = true;
		for (uint32_t i = 0; i <= CONTRACT_SAMPLE_POINTS; i++) {
			int rc = prefix(g, spaced(i, g->nu), shorn, "sampled: ");

			if (rc != 0)
				return rc;
		}
		return 0;
	}
	for (uint32_t k = 0; k <= g->nu; k++) {
		int rc = prefix(g, k, shorn, pre);

		if (rc != 0)
			return rc;
	}
	return 0;
}

static int subsets(struct gen *g, bool shorn)
{
	char label[64];

	assert(g->nu <= CONTRACT_UNITS_HARD_MAX); /* 2^nu states, and the shift is defined */
	for (uint64_t s = 0; s < (UINT64_C(1) << g->nu); s++) {
		uint32_t p;
		int rc;

		p = (uint32_t)snprintf(label, sizeof(label), "units 0b");
		for (uint32_t j = g->nu; j-- > 0;) {
			g->kept[j] = (uint8_t)((s >> j) & 1);
			if (p + 1 < sizeof(label))
				label[p++] = g->kept[j] ? '1' : '0';
		}
		label[p] = '\0';
		if (g->nu == 0)
			snprintf(label, sizeof(label), "units (none)");
		rc = emit(g, -1, label);
		for (uint32_t j = 0; rc == 0 && shorn && j < g->nu; j++) {
			char sl[64];

			if (!g->kept[j])
				continue;
			snprintf(sl, sizeof(sl), "%.40s, unit %" PRIu32 " shorn", label, j);
			rc = emit(g, j, sl);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Too many units for every subset: every prefix (as in order), and every
 * unit lost alone from all kept; above CONTRACT_SAMPLE_UNITS, evenly spaced
 * ones of each. Only the states the contract allows. */
static int sampled(struct gen *g, bool shorn)
{
	char label[64];
	bool spread = g->nu > CONTRACT_SAMPLE_UNITS;
	uint32_t steps = spread ? CONTRACT_SAMPLE_POINTS : g->nu;
	int rc;

	g->sampled = true;
	rc = in_order(g, false, "sampled: ");
	for (uint32_t i = 0; rc == 0 && shorn && i < steps; i++) {
		uint32_t k = spread ? spaced(i, g->nu) : i;

		memset(g->kept, 0, g->nu);
		memset(g->kept, 1, k + 1);
		snprintf(label, sizeof(label), "sampled: first %" PRIu32 " units, unit %" PRIu32
			 " shorn", k, k);
		rc = emit(g, k, label);
	}
	for (uint32_t i = 0; rc == 0 && i + 1 < (spread ? steps + 1 : g->nu); i++) {
		uint32_t j = spread ? spaced(i, g->nu - 1) : i;

		memset(g->kept, 1, g->nu);
		g->kept[j] = 0;
		snprintf(label, sizeof(label), "sampled: all units but %" PRIu32, j);
		rc = emit(g, -1, label);
	}
	return rc;
}

/* Stable: insertion sort by epoch (the list is nearly sorted already). */
static void sort_by_epoch(struct unit *u, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		struct unit x = u[i];
		uint32_t j = i;

		for (; j > 0 && u[j - 1].epoch > x.epoch; j--)
			u[j] = u[j - 1];
		u[j] = x;
		assert(j == 0 || u[j - 1].epoch <= u[j].epoch); /* u[0..i] sorted */
	}
}

static uint32_t unit_limit(uint32_t exhaustive_max)
{
	return exhaustive_max < CONTRACT_UNITS_HARD_MAX ? exhaustive_max : CONTRACT_UNITS_HARD_MAX;
}

int crash_contract_each(const struct sc_contract *k, uint32_t exhaustive_max,
			uint32_t only_state, const struct crash_writes *cw,
			int (*fn)(void *arg, const struct crash_state *st), void *arg)
{
	struct gen g;
	uint32_t n = cw->n;
	int rc = -1;

	memset(&g, 0, sizeof(g));
	g.k = k;
	g.cw = cw;
	g.only = only_state;
	g.fn = fn;
	g.arg = arg;
	g.nu = crash_contract_units(k, cw);
	g.u = calloc(g.nu ? g.nu : 1, sizeof(*g.u));
	g.kept = calloc(g.nu ? g.nu : 1, 1);
	g.st.choice = calloc(n ? n : 1, sizeof(*g.st.choice));
	g.st.order = calloc(n ? n : 1, sizeof(*g.st.order));
	if (g.u != NULL && g.kept != NULL && g.st.choice != NULL && g.st.order != NULL) {
		uint32_t nu = 0;

		for (uint32_t i = 0; i < n; i++)
			nu += split_write(k, &cw->w[i], i, g.u + nu);
		assert(nu == g.nu);
		if (k->reorder == SC_REORDER_WITHIN_EPOCH)
			sort_by_epoch(g.u, g.nu);
		if (k->reorder == SC_REORDER_NEVER)
			rc = in_order(&g, k->shorn, "in order: ");
		else if (g.nu <= unit_limit(exhaustive_max))
			rc = subsets(&g, k->shorn);
		else
			rc = sampled(&g, k->shorn);
	}
	free(g.u);
	free(g.kept);
	free(g.st.choice);
	free(g.st.order);
	return rc;
}

static int count_one(void *arg, const struct crash_state *st)
{
	(void)st;
	(*(uint64_t *)arg)++;
	return 0;
}

uint64_t crash_contract_count(const struct sc_contract *k, uint32_t exhaustive_max,
			      const struct crash_writes *cw)
{
	uint64_t c = 0;

	if (crash_contract_each(k, exhaustive_max, UINT32_MAX, cw, count_one, &c) != 0)
		return 0;
	return c;
}

int crash_states_of(const struct scenario *sc, const struct crash_writes *cw, struct cs_rng *rng,
		    int (*fn)(void *arg, const struct crash_state *st), void *arg)
{
	const struct sc_contract *k = &sc->disk.contract;

	if (k->atomic == SC_ATOMIC_OFF)
		return crash_states_each(&sc->crash, cw, rng, fn, arg);
	return crash_contract_each(k, sc->crash.exhaustive_max, sc->crash.only_state, cw, fn, arg);
}

uint64_t crash_states_count_of(const struct scenario *sc, const struct crash_writes *cw)
{
	const struct sc_contract *k = &sc->disk.contract;

	if (k->atomic == SC_ATOMIC_OFF)
		return crash_states_count(&sc->crash, cw);
	return crash_contract_count(k, sc->crash.exhaustive_max, cw);
}
