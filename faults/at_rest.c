/* At-rest faults: bit rot and latent sector errors arriving as Poisson
 * processes (rate per written sector per hour), one-shot events at a given
 * time, and power-off periods applied at once. */
#include "faults/fault_set_priv.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "util/grow.h"

#define NS_PER_HOUR 3.6e12

/* One sector an event hits, and the bits of it that may flip. */
struct hit {
	unsigned dev;
	uint64_t sector;
	uint32_t bits; /* bits [0, bits) may flip: 4096, or a header's */
};

struct hits {
	struct hit *h;
	uint32_t n, cap;
};

static int hits_add(struct hits *hs, unsigned dev, uint64_t sector, uint32_t bits)
{
	assert(dev < CSUM_MAX_DEVS);
	assert(bits >= 1 && bits <= CSUM_SECTOR * 8); /* some bits of one sector */
	for (uint32_t i = 0; i < hs->n; i++)
		if (hs->h[i].dev == dev && hs->h[i].sector == sector)
			return 0;
	if (hs->n == hs->cap) {
		uint32_t ncap = hs->cap ? hs->cap * 2 : 8;
		struct hit *nh = realloc(hs->h, ncap * sizeof(*nh));

		if (nh == NULL)
			return -1;
		hs->h = nh;
		hs->cap = ncap;
	}
	hs->h[hs->n].dev = dev;
	hs->h[hs->n].sector = sector;
	hs->h[hs->n].bits = bits;
	hs->n++;
	return 0;
}

static double model_rate(const struct fault_set *fs, int model)
{
	return model == AR_ROT ? fs->cfg.rot_rate : fs->cfg.lse_rate;
}

static struct cs_rng *model_rng(struct fault_set *fs, int model)
{
	return model == AR_ROT ? &fs->r_rot : &fs->r_lse;
}

static void info_of(const struct fault_set *fs, unsigned dev, uint64_t sector,
		    struct csum_sector_info *si)
{
	memset(si, 0, sizeof(*si));
	if (fs->env.ops != NULL && fs->env.ops->sector_info != NULL)
		fs->env.ops->sector_info(fs->env.ctx, dev, sector, si);
}

/* Does a sector of kind `si` qualify for `target`? `seed` (may be NULL) is the
 * sector the event started from: bursts stay inside the same imd copy. */
static bool matches(uint8_t target, const struct csum_sector_info *si,
		    const struct csum_sector_info *seed)
{
	switch (target) {
	case SC_TARGET_ANY:
		return true;
	case SC_TARGET_DATA:
		return si->kind == CSUM_SK_DATA;
	case SC_TARGET_IMD:
		return si->kind == CSUM_SK_IMD || si->kind == CSUM_SK_JOURNAL ||
		       si->kind == CSUM_SK_BITMAP;
	case SC_TARGET_ONE_COPY:
	case SC_TARGET_BOTH_COPIES:
		return si->kind == CSUM_SK_IMD && (seed == NULL || si->copy == seed->copy);
	case SC_TARGET_HEADERS:
		return si->kind == CSUM_SK_IMD && si->header_bytes > 0;
	default:
		return false;
	}
}

static uint32_t flippable_bits(uint8_t target, const struct csum_sector_info *si)
{
	if (target == SC_TARGET_HEADERS && si->header_bytes < CSUM_SECTOR)
		return (uint32_t)si->header_bytes * 8;
	return CSUM_SECTOR * 8;
}

/* The first sector of an event: uniform over the written sectors, then
 * rejection-sampled until its kind matches the target. */
static bool pick_seed(struct fault_set *fs, struct cs_rng *rng, uint8_t target, unsigned *dev,
		      uint64_t *sector, struct csum_sector_info *si)
{
	int tries = target == SC_TARGET_ANY ? 1 : FAULT_PICK_TRIES;

	for (int t = 0; t < tries; t++) {
		if (fault_media_pick(&fs->env.media, cs_rng_u64(rng), dev, sector) != 0)
			return false;
		info_of(fs, *dev, *sector, si);
		if (matches(target, si, NULL))
			return true;
	}
	return false;
}

/* Add the seed and the burst-1 physical sectors after it that still match. */
static int add_burst(struct fault_set *fs, struct hits *hs, uint8_t target, uint32_t burst,
		     unsigned dev, uint64_t sector, const struct csum_sector_info *seed)
{
	uint64_t size;

	/* a fault model never picks a sector outside the device */
	assert(dev < fs->env.n_devs);
	size = fs->env.dev_sectors[dev];
	assert(size == 0 || sector < size);
	if (hits_add(hs, dev, sector, flippable_bits(target, seed)) != 0)
		return -1;
	for (uint32_t b = 1; b < burst; b++) {
		struct csum_sector_info si;
		uint64_t s = sector + b;

		if (s < sector || (size != 0 && s >= size))
			break;
		info_of(fs, dev, s, &si);
		if (!matches(target, &si, seed))
			continue;
		if (hits_add(hs, dev, s, flippable_bits(target, &si)) != 0)
			return -1;
	}
	return 0;
}

/* Flip `n` distinct bits among [0, range) of one sector. */
static int flip_bits(struct fault_set *fs, struct cs_rng *rng, unsigned dev, uint64_t sector,
		     uint32_t n, uint32_t range)
{
	uint16_t idx[CSUM_SECTOR * 8];

	if (range > CSUM_SECTOR * 8)
		range = CSUM_SECTOR * 8;
	if (n > range)
		n = range;
	for (uint32_t i = 0; i < range; i++)
		idx[i] = (uint16_t)i;
	/* partial Fisher-Yates: the first n entries are a uniform n-subset */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = i + (uint32_t)cs_rng_below(rng, range - i);
		uint16_t t = idx[i];

		assert(j >= i && j < range); /* swap within the unpicked tail */

		idx[i] = idx[j];
		idx[j] = t;
		if (fault_media_flip(&fs->env.media, dev, sector, idx[i]) != 0)
			return -1;
	}
	return 0;
}

/* A sector the power-off period changed, for fault_set_idle_changes. 0, or
 * -1 out of memory. */
static int idle_note(struct fault_set *fs, unsigned dev, uint64_t sector)
{
	if (grow_array((void **)&fs->idle.keys, &fs->idle.cap, fs->idle.n + 1,
		       sizeof(*fs->idle.keys), 16) != 0)
		return -1;
	fs->idle.keys[fs->idle.n++] = fault_key(dev, sector);
	return 0;
}

int fault_at_rest_apply(struct fault_set *fs, int model, struct cs_rng *rng, uint64_t time_ns)
{
	uint8_t target = model == AR_ROT ? fs->cfg.rot_target : fs->cfg.lse_target;
	uint32_t burst = model == AR_ROT ? fs->cfg.rot_burst : 1;
	struct csum_sector_info si;
	struct hits hs = { 0 };
	struct dm_ranges rs = { 0 };
	unsigned dev;
	uint64_t sector;
	int rc = -1;

	if (!pick_seed(fs, rng, target, &dev, &sector, &si)) {
		fs->target_misses++;
		return 0;
	}
	if (add_burst(fs, &hs, target, burst, dev, sector, &si) != 0)
		goto out;
	if (target == SC_TARGET_BOTH_COPIES && fs->env.ops != NULL && fs->env.ops->locate != NULL &&
	    si.count > 0) {
		/* the brothers: every imd sector holding checksums of the same
		 * group, found from one of the dm sectors it covers */
		struct csum_location loc;

		memset(&loc, 0, sizeof(loc));
		fs->env.ops->locate(fs->env.ctx, si.first, &loc);
		for (unsigned k = 0; k < loc.n_meta && k < CSUM_MAX_META; k++) {
			struct csum_sector_info bi;

			if (loc.meta_dev[k] == dev && loc.meta_sector[k] == sector)
				continue;
			info_of(fs, loc.meta_dev[k], loc.meta_sector[k], &bi);
			if (bi.kind != CSUM_SK_IMD)
				continue;
			if (add_burst(fs, &hs, target, burst, loc.meta_dev[k], loc.meta_sector[k],
				      &bi) != 0)
				goto out;
		}
	}
	assert(hs.n >= 1 && hs.n <= (uint64_t)burst * (1u + CSUM_MAX_META)); /* the seed, bursts, brothers */
	for (uint32_t i = 0; i < hs.n; i++) {
		const struct hit *h = &hs.h[i];

		assert(h->dev < fs->env.n_devs);
		if (model == AR_ROT) {
			if (flip_bits(fs, rng, h->dev, h->sector, fs->cfg.rot_bits, h->bits) != 0)
				goto out;
		} else if (fault_lse_mark(fs, h->dev, h->sector) != 0) {
			goto out;
		}
		if (fault_dm_of_backing(fs, &rs, h->dev, h->sector, 1) != 0)
			goto out;
		if (fs->idle.on && idle_note(fs, h->dev, h->sector) != 0)
			goto out;
	}
	rc = fault_record_ranges(fs, model == AR_ROT ? FT_BITROT : FT_LSE, &rs, time_ns);
out:
	free(hs.h);
	dm_ranges_free(&rs);
	return rc;
}

/* ---- the Poisson processes -------------------------------------------- */

/* Mean time to the next event of a model in ns, at the current written-sector
 * count; 0 when no event can happen now. */
static double mean_gap_ns(const struct fault_set *fs, int model)
{
	double rate = model_rate(fs, model);
	size_t w = fault_media_count(&fs->env.media);

	if (rate <= 0 || w == 0)
		return 0;
	return NS_PER_HOUR / (rate * (double)w);
}

/* Schedule a model's next step: the event, if it falls within the
 * re-evaluation window, else a re-evaluation at the window's end (the
 * exponential is memoryless, so dropping the draw is exact). */
int fault_at_rest_arm(struct fault_set *fs, int model)
{
	const struct fault_clock *c = &fs->env.clock;
	double mean, g;

	if (model_rate(fs, model) <= 0 || c->ops == NULL)
		return 0;
	fs->armed++;
	mean = mean_gap_ns(fs, model);
	if (mean <= 0)
		return fault_clock_after(c, FAULT_REEVAL_NS, fault_at_rest_event, fs,
					 fault_event_arg(fs, EV_REEVAL + (unsigned)model));
	g = gsl_ran_exponential(model_rng(fs, model)->g, mean);
	if (!(g < (double)FAULT_REEVAL_NS))
		return fault_clock_after(c, FAULT_REEVAL_NS, fault_at_rest_event, fs,
					 fault_event_arg(fs, EV_REEVAL + (unsigned)model));
	return fault_clock_after(c, (uint64_t)g, fault_at_rest_event, fs,
				 fault_event_arg(fs, (unsigned)model));
}

void fault_at_rest_event(void *arg, uint64_t a)
{
	struct fault_set *fs = arg;
	unsigned ev = (unsigned)(a & 0xff);
	uint64_t now = fault_now(fs);
	int rc = 0;

	if ((uint32_t)(a >> 8) != fs->gen)
		return; /* armed by an earlier start */
	switch (ev) {
	case EV_ROT:
	case EV_LSE:
		assert(fs->armed > 0); /* this generation's start armed it */
		fs->armed--;
		rc = fault_at_rest_apply(fs, (int)ev, model_rng(fs, (int)ev), now);
		/* at-rest processes must not keep the simulation alive: re-arm
		 * only while there is work besides them (two processes would
		 * otherwise keep each other going forever) */
		if (rc == 0 && fault_clock_pending(&fs->env.clock) > fs->armed)
			rc = fault_at_rest_arm(fs, (int)ev);
		break;
	case EV_REEVAL + AR_ROT:
	case EV_REEVAL + AR_LSE:
		assert(fs->armed > 0);
		fs->armed--;
		if (fault_clock_pending(&fs->env.clock) > fs->armed)
			rc = fault_at_rest_arm(fs, (int)(ev - EV_REEVAL));
		break;
	case EV_ROT_AT:
		fs->rot_at_done = true;
		for (uint32_t i = 0; i < fs->cfg.rot_at_count && rc == 0; i++)
			rc = fault_at_rest_apply(fs, AR_ROT, &fs->r_rot_at, now);
		break;
	case EV_LSE_AT:
		fs->lse_at_done = true;
		for (uint32_t i = 0; i < fs->cfg.lse_at_count && rc == 0; i++)
			rc = fault_at_rest_apply(fs, AR_LSE, &fs->r_lse_at, now);
		break;
	default:
		break;
	}
	if (rc != 0)
		fault_die_oom("faults: out of memory injecting an at-rest fault");
}

static int idle_apply(struct fault_set *fs, uint64_t ns);

/* One-shot events whose time falls in the power-off period [from, from+ns). */
static int idle_one_shot(struct fault_set *fs, int model, uint64_t from, uint64_t ns)
{
	uint64_t at = model == AR_ROT ? fs->cfg.rot_at_ns : fs->cfg.lse_at_ns;
	uint32_t count = model == AR_ROT ? fs->cfg.rot_at_count : fs->cfg.lse_at_count;
	bool *done = model == AR_ROT ? &fs->rot_at_done : &fs->lse_at_done;
	struct cs_rng *rng = model == AR_ROT ? &fs->r_rot_at : &fs->r_lse_at;

	if (*done || at == UINT64_MAX || at < from || at - from >= ns)
		return 0;
	*done = true;
	assert(at >= from && at - from < ns); /* inside the power-off period */
	for (uint32_t i = 0; i < count; i++)
		if (fault_at_rest_apply(fs, model, rng, at) != 0)
			return -1;
	return 0;
}

int fault_set_idle(struct fault_set *fs, uint64_t ns)
{
	int rc;

	fs->idle.n = 0;
	fs->idle.on = true;
	rc = idle_apply(fs, ns);
	fs->idle.on = false;
	return rc;
}

void fault_set_idle_changes(const struct fault_set *fs, const uint64_t **keys, size_t *n)
{
	*keys = fs->idle.keys;
	*n = fs->idle.n;
}

static int idle_apply(struct fault_set *fs, uint64_t ns)
{
	uint64_t base = fault_now(fs);

	for (int m = 0; m < AR_COUNT; m++) {
		double t = 0;

		if (model_rate(fs, m) <= 0)
			continue;
		for (;;) {
			double mean = mean_gap_ns(fs, m);

			if (mean <= 0)
				break;
			t += gsl_ran_exponential(model_rng(fs, m)->g, mean);
			if (!(t < (double)ns))
				break;
			assert(t >= 0 && (uint64_t)t < ns); /* events fall inside the period */
			if (fault_at_rest_apply(fs, m, model_rng(fs, m), base + (uint64_t)t) != 0)
				return -1;
		}
	}
	for (int m = 0; m < AR_COUNT; m++)
		if (idle_one_shot(fs, m, base, ns) != 0)
			return -1;
	return 0;
}
