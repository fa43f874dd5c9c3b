/* Enumeration of crash states (docs/FAULTS.md, "Crash states"). A state is
 * built in two steps: a base (which writes persist, in what order), decided
 * by the cache-loss mode, then per-write tearing and shearing drawn from the
 * rng for every kept write, in index order. Every state is built, and draws
 * its randomness, whether or not it is reported (only_state). */
#include "faults/crash_states.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fnv.h"

/* Exhaustive enumeration needs the state index to hold the subset. */
#define EXHAUSTIVE_HARD_MAX 31u
/* Adversarial mode: at most this many "single write" states and this many
 * "prefix" states (evenly spaced over the writes beyond it). */
#define ADV_SINGLES_MAX 16u
#define ADV_PREFIXES_MAX 64u

struct enumr {
	const struct sc_crash *cfg;
	const struct crash_writes *cw;
	struct cs_rng *rng;
	int (*fn)(void *arg, const struct crash_state *st);
	void *arg;
	struct crash_state st;
	uint8_t *kept_flag; /* n */
	uint64_t produced;
	bool sampled;       /* exhaustive fell back to the adversarial list */
	int rc;
};

/* ---- tearing and shearing ---------------------------------------------- */

static bool persists(uint64_t mask, uint32_t i)
{
	return (mask >> (i < 64 ? i : 63)) & 1;
}

static uint64_t low_bits(uint32_t k)
{
	return k >= 64 ? UINT64_MAX : (UINT64_C(1) << k) - 1;
}

/* The sectors that persist of a write of `count` sectors. Writes beyond 64
 * sectors are cut where the mask reaches: a prefix of at most 63 sectors, a
 * suffix that starts within the first 64. */
static uint64_t tear_mask(uint8_t tear, uint32_t count, struct cs_rng *rng)
{
	uint32_t k, lo, hi;

	if (tear == SC_TEAR_NONE || count < 2)
		return UINT64_MAX;
	switch (tear) {
	case SC_TEAR_PREFIX:
		hi = count - 1 < 63 ? count - 1 : 63;
		k = 1 + (uint32_t)cs_rng_below(rng, hi);
		return low_bits(k);
	case SC_TEAR_SUFFIX:
		lo = count > 64 ? count - 63 : 1;
		k = lo + (uint32_t)cs_rng_below(rng, count - lo);
		/* sectors [count-k, count): bits from count-k up, bit 63 on for the rest */
		return ~low_bits(count - k);
	case SC_TEAR_SUBSET: {
		uint32_t width = count < 64 ? count : 64;

		/* each sector with probability 1/2, at least one and not all */
		for (;;) {
			uint64_t m = cs_rng_u64(rng) & low_bits(width);
			uint32_t kept = 0;

			for (uint32_t i = 0; i < count; i++)
				kept += persists(m, i);
			if (kept >= 1 && kept < count)
				return m;
		}
	}
	default:
		return UINT64_MAX;
	}
}

static int32_t last_persisting(uint64_t mask, uint32_t count)
{
	for (uint32_t i = count; i-- > 0;)
		if (persists(mask, i))
			return (int32_t)i;
	return -1;
}

/* Tear and shear every kept write, in index order, then report the state. */
static int finish(struct enumr *en, const uint32_t *kept, uint32_t k, const char *label)
{
	const struct sc_crash *cfg = en->cfg;
	struct crash_state *st = &en->st;
	uint32_t n = en->cw->n, o = 0;
	bool torn = false, shorn = false;
	uint32_t shear = cfg->shear_bytes;
	uint32_t jmax = shear > 0 && shear < CSUM_SECTOR ? (CSUM_SECTOR - 1) / shear : 0;
	bool selected;

	st->index = (uint32_t)en->produced;
	selected = cfg->only_state == UINT32_MAX || cfg->only_state == st->index;
	en->produced++;
	assert(k <= n);
	memset(en->kept_flag, 0, n);
	for (uint32_t i = 0; i < k; i++) {
		assert(kept[i] < n && !en->kept_flag[kept[i]]); /* each write kept once */
		en->kept_flag[kept[i]] = 1;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct crash_choice *c = &st->choice[i];
		const struct crash_write *w = &en->cw->w[i];

		c->keep = en->kept_flag[i] != 0;
		c->mask = c->keep ? UINT64_MAX : 0;
		c->shear_sector = -1;
		c->shear_bytes = 0;
		if (!c->keep)
			continue;
		c->mask = tear_mask(cfg->tear, w->count, en->rng);
		if (c->mask != UINT64_MAX)
			torn = true;
		/* a kept write persists at least one sector, torn or not */
		assert(w->count == 0 || last_persisting(c->mask, w->count) >= 0);
		if (jmax >= 1 && w->count > 0) {
			uint32_t j = 1 + (uint32_t)cs_rng_below(en->rng, jmax);

			c->shear_sector = last_persisting(c->mask, w->count);
			assert(c->shear_sector >= 0 && (uint32_t)c->shear_sector < w->count);
			c->shear_bytes = (uint16_t)(j * shear);
			shorn = true;
		}
	}
	/* kept writes in application order, then the others */
	for (uint32_t i = 0; i < k; i++)
		st->order[o++] = kept[i];
	for (uint32_t i = 0; i < n; i++)
		if (!en->kept_flag[i])
			st->order[o++] = i;
	assert(o == n); /* order is a permutation of the writes */
	st->n = n;
	st->sampled = en->sampled;
	snprintf(st->label, sizeof(st->label), "%.50s%s%s", label, torn ? " +torn" : "",
		 shorn ? " +shorn" : "");
	if (!selected || en->rc != 0)
		return 0;
	en->rc = en->fn(en->arg, st);
	return en->rc;
}

/* ---- adversarial bases -------------------------------------------------- */

struct base {
	uint32_t *idx;
	uint32_t k;
	uint64_t hash;
	char label[56];
};

struct bases {
	struct base *b;
	uint32_t n, cap;
};

static uint64_t hash_list(const uint32_t *v, uint32_t k)
{
	uint64_t h = CS_FNV_OFFSET ^ k;

	for (uint32_t i = 0; i < k; i++)
		h = cs_fnv_word(h, v[i]);
	return h;
}

static void bases_free(struct bases *bs)
{
	for (uint32_t i = 0; i < bs->n; i++)
		free(bs->b[i].idx);
	free(bs->b);
	bs->b = NULL;
	bs->n = bs->cap = 0;
}

/* Append unless an identical base (same writes, same order) exists. */
static int bases_add(struct bases *bs, const uint32_t *v, uint32_t k, const char *label)
{
	uint64_t h = hash_list(v, k);
	struct base *b;

	for (uint32_t i = 0; i < bs->n; i++)
		if (bs->b[i].hash == h && bs->b[i].k == k &&
		    (k == 0 || memcmp(bs->b[i].idx, v, k * sizeof(*v)) == 0))
			return 0;
	if (bs->n == bs->cap) {
		uint32_t ncap = bs->cap ? bs->cap * 2 : 16;
		struct base *nb = realloc(bs->b, ncap * sizeof(*nb));

		if (nb == NULL)
			return -1;
		bs->b = nb;
		bs->cap = ncap;
	}
	b = &bs->b[bs->n];
	b->idx = malloc((k ? k : 1) * sizeof(*v));
	if (b->idx == NULL)
		return -1;
	if (k > 0)
		memcpy(b->idx, v, k * sizeof(*v));
	b->k = k;
	b->hash = h;
	snprintf(b->label, sizeof(b->label), "%s", label);
	bs->n++;
	return 0;
}

static bool is_meta(uint8_t kind)
{
	return kind == CSUM_SK_IMD || kind == CSUM_SK_JOURNAL || kind == CSUM_SK_BITMAP;
}

/* The adversarial list, in this order: all lost; all kept in order; all kept
 * in reverse; metadata writes only; data writes only; newest lost; oldest
 * only; each single write alone; every prefix of the acceptance order. */
static int adversarial_bases(const struct crash_writes *cw, struct bases *bs)
{
	uint32_t n = cw->n, k;
	uint32_t *v = calloc(n ? n : 1, sizeof(*v));
	char label[56];
	int rc = -1;

	if (v == NULL)
		return -1;
	if (bases_add(bs, v, 0, "all lost") != 0)
		goto out;
	for (uint32_t i = 0; i < n; i++)
		v[i] = i;
	if (bases_add(bs, v, n, "all kept") != 0)
		goto out;
	for (uint32_t i = 0; i < n; i++)
		v[i] = n - 1 - i;
	if (bases_add(bs, v, n, "all kept, reversed") != 0)
		goto out;
	k = 0;
	for (uint32_t i = 0; i < n; i++)
		if (is_meta(cw->w[i].kind))
			v[k++] = i;
	if (bases_add(bs, v, k, "metadata only") != 0)
		goto out;
	k = 0;
	for (uint32_t i = 0; i < n; i++)
		if (cw->w[i].kind == CSUM_SK_DATA)
			v[k++] = i;
	if (bases_add(bs, v, k, "data only") != 0)
		goto out;
	for (uint32_t i = 0; i + 1 < n; i++)
		v[i] = i;
	if (n > 0 && bases_add(bs, v, n - 1, "newest lost") != 0)
		goto out;
	v[0] = 0;
	if (n > 0 && bases_add(bs, v, 1, "oldest only") != 0)
		goto out;
	{
		uint32_t m = n < ADV_SINGLES_MAX ? n : ADV_SINGLES_MAX;

		for (uint32_t j = 0; j < m; j++) {
			/* evenly spaced when there are more writes than singles */
			uint32_t i = m == n ? j : (uint32_t)((uint64_t)j * (n - 1) / (m - 1));

			v[0] = i;
			snprintf(label, sizeof(label), "only write %" PRIu32, i);
			if (bases_add(bs, v, 1, label) != 0)
				goto out;
		}
	}
	{
		/* prefixes of k = 1 .. n-1 writes (0 and n are above) */
		uint32_t np = n >= 2 ? n - 1 : 0;
		uint32_t m = np < ADV_PREFIXES_MAX ? np : ADV_PREFIXES_MAX;

		for (uint32_t i = 0; i < n; i++)
			v[i] = i;
		for (uint32_t j = 0; j < m; j++) {
			uint32_t len = m == np ? j + 1
					       : 1 + (uint32_t)((uint64_t)j * (np - 1) / (m - 1));

			snprintf(label, sizeof(label), "first %" PRIu32 " kept", len);
			if (bases_add(bs, v, len, label) != 0)
				goto out;
		}
	}
	rc = 0;
out:
	free(v);
	return rc;
}

/* ---- the modes ---------------------------------------------------------- */

static int each_adversarial(struct enumr *en, const char *prefix)
{
	struct bases bs = { 0 };
	char label[64];
	int rc = adversarial_bases(en->cw, &bs);

	for (uint32_t i = 0; rc == 0 && i < bs.n; i++) {
		snprintf(label, sizeof(label), "%s%.50s", prefix, bs.b[i].label);
		rc = finish(en, bs.b[i].idx, bs.b[i].k, label);
	}
	bases_free(&bs);
	return rc;
}

static uint32_t exhaustive_limit(const struct sc_crash *cfg)
{
	return cfg->exhaustive_max < EXHAUSTIVE_HARD_MAX ? cfg->exhaustive_max
							  : EXHAUSTIVE_HARD_MAX;
}

static int each_exhaustive(struct enumr *en, uint32_t *v)
{
	uint32_t n = en->cw->n;
	char label[64];

	for (uint64_t s = 0; s < (UINT64_C(1) << n); s++) {
		uint32_t k = 0, p;
		int rc;

		for (uint32_t i = 0; i < n; i++)
			if ((s >> i) & 1)
				v[k++] = i;
		if (n == 0) {
			snprintf(label, sizeof(label), "subset (no writes)");
		} else {
			p = (uint32_t)snprintf(label, sizeof(label), "subset 0b");
			for (uint32_t i = n; i-- > 0 && p + 1 < sizeof(label);)
				label[p++] = ((s >> i) & 1) ? '1' : '0';
			label[p] = '\0';
		}
		rc = finish(en, v, k, label);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int each_probability(struct enumr *en, uint32_t *v)
{
	uint32_t n = en->cw->n;
	uint32_t samples = en->cfg->samples ? en->cfg->samples : 1;
	char label[64];

	for (uint32_t s = 0; s < samples; s++) {
		uint32_t k = 0;
		int rc;

		for (uint32_t i = 0; i < n; i++)
			if (cs_rng_unit(en->rng) < en->cfg->keep_probability)
				v[k++] = i;
		/* a uniform random order of the kept writes (Fisher-Yates) */
		for (uint32_t i = k; i-- > 1;) {
			uint32_t j = (uint32_t)cs_rng_below(en->rng, (uint64_t)i + 1);
			uint32_t t = v[i];

			v[i] = v[j];
			v[j] = t;
		}
		snprintf(label, sizeof(label), "sample %" PRIu32 ": %" PRIu32 "/%" PRIu32 " kept",
			 s, k, n);
		rc = finish(en, v, k, label);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int each_keep(struct enumr *en, uint32_t *v)
{
	uint32_t n = en->cw->n, k = 0, p;
	char label[64];

	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t j = 0; j < en->cfg->n_keep && j < SC_MAX_KEEP; j++) {
			if (en->cfg->keep[j] == i) {
				v[k++] = i;
				break;
			}
		}
	}
	p = (uint32_t)snprintf(label, sizeof(label), "keep");
	for (uint32_t i = 0; i < k && p < sizeof(label); i++) {
		int w = snprintf(label + p, sizeof(label) - p, "%s%" PRIu32, i ? "," : " ", v[i]);

		if (w < 0 || (uint32_t)w >= sizeof(label) - p) {
			memcpy(label + sizeof(label) - 4, "...", 4);
			break;
		}
		p += (uint32_t)w;
	}
	if (k == 0)
		snprintf(label, sizeof(label), "keep none");
	return finish(en, v, k, label);
}

static int run(struct enumr *en)
{
	uint32_t n = en->cw->n;
	uint32_t *v = calloc(n ? n : 1, sizeof(*v));
	int rc;

	if (v == NULL)
		return -1;
	switch (en->cfg->cache_loss) {
	case SC_LOSS_PROBABILITY:
		rc = each_probability(en, v);
		break;
	case SC_LOSS_ADVERSARIAL:
		rc = each_adversarial(en, "");
		break;
	case SC_LOSS_EXHAUSTIVE:
		if (n <= exhaustive_limit(en->cfg))
			rc = each_exhaustive(en, v);
		else {
			en->sampled = true;
			rc = each_adversarial(en, "adv (n>max): ");
		}
		break;
	case SC_LOSS_KEEP:
		rc = each_keep(en, v);
		break;
	case SC_LOSS_ALL:
	default:
		rc = finish(en, v, 0, "all lost");
		break;
	}
	free(v);
	return rc;
}

int crash_states_each(const struct sc_crash *cfg, const struct crash_writes *cw,
		      struct cs_rng *rng, int (*fn)(void *arg, const struct crash_state *st),
		      void *arg)
{
	struct enumr en;
	uint32_t n = cw->n;
	int rc;

	if (rng == NULL || rng->g == NULL || fn == NULL)
		return -1;
	memset(&en, 0, sizeof(en));
	en.cfg = cfg;
	en.cw = cw;
	en.rng = rng;
	en.fn = fn;
	en.arg = arg;
	en.st.choice = calloc(n ? n : 1, sizeof(*en.st.choice));
	en.st.order = calloc(n ? n : 1, sizeof(*en.st.order));
	en.kept_flag = calloc(n ? n : 1, 1);
	if (en.st.choice == NULL || en.st.order == NULL || en.kept_flag == NULL) {
		rc = -1;
	} else {
		rc = run(&en);
		if (en.rc != 0)
			rc = en.rc;
		/* every state counted is produced (whichever are reported) */
		assert(rc != 0 || en.produced == crash_states_count(cfg, cw));
	}
	free(en.st.choice);
	free(en.st.order);
	free(en.kept_flag);
	return rc;
}

uint64_t crash_states_count(const struct sc_crash *cfg, const struct crash_writes *cw)
{
	struct bases bs = { 0 };
	uint64_t c;

	switch (cfg->cache_loss) {
	case SC_LOSS_PROBABILITY:
		return cfg->samples ? cfg->samples : 1;
	case SC_LOSS_EXHAUSTIVE:
		if (cw->n <= exhaustive_limit(cfg))
			return UINT64_C(1) << cw->n;
		/* fall through: the adversarial list */
		break;
	case SC_LOSS_ADVERSARIAL:
		break;
	case SC_LOSS_KEEP:
	case SC_LOSS_ALL:
	default:
		return 1;
	}
	if (adversarial_bases(cw, &bs) != 0) {
		bases_free(&bs);
		return 0;
	}
	c = bs.n;
	bases_free(&bs);
	return c;
}
