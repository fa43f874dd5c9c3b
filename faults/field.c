/* The field fault process (faults/field.h). Two Poisson processes of
 * episodes, latent errors (LSE) and checksum mismatches (CM), at the
 * preset's rate per TB-year converted to the written sectors of the run and
 * sped up by `accel`. An episode hits a geometric number of sectors within
 * +-span of its first one (spatial locality), is followed by another one
 * nearby with probability `repeat` after an exponential gap (temporal
 * locality), starts on a just-written sector for a share of mismatches,
 * and with probability `correlate` also hits the sibling copies of metadata
 * it hits when they lie within span (placement shows: rfc vs rfc-apart).
 * It reaches the media only through faults/media_if.h. */
#include "faults/field_priv.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#define NS_PER_HOUR 3.6e12
#define FIELD_REEVAL_NS FAULT_REEVAL_NS
/* Attempts to place a neighbour (or a follow-up) on a written sector. */
#define FIELD_PLACE_TRIES 16

enum { FE_ARM = 0, FE_REEVAL = 2, FE_FOLLOW = 4 };

struct field_model *field_model_new(const struct sc_field_faults *cfg, uint64_t seed)
{
	struct field_model *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	field_resolve(cfg, &m->p);
	if (cs_rng_init(&m->r[0], seed, "fault:field_lse") != 0 ||
	    cs_rng_init(&m->r[1], seed, "fault:field_cm") != 0) {
		field_model_free(m);
		return NULL;
	}
	return m;
}

void field_model_free(struct field_model *m)
{
	if (m == NULL)
		return;
	cs_rng_free(&m->r[0]);
	cs_rng_free(&m->r[1]);
	free(m);
}

struct field_model *field_model_clone(const struct field_model *m)
{
	struct field_model *c = malloc(sizeof(*c));

	if (c == NULL)
		return NULL;
	*c = *m;
	c->r[0].g = m->r[0].g != NULL ? gsl_rng_clone(m->r[0].g) : NULL;
	c->r[1].g = m->r[1].g != NULL ? gsl_rng_clone(m->r[1].g) : NULL;
	if ((m->r[0].g != NULL && c->r[0].g == NULL) || (m->r[1].g != NULL && c->r[1].g == NULL)) {
		field_model_free(c);
		return NULL;
	}
	/* follow-ups armed by the original belong to it */
	memset(c->follow, 0, sizeof(c->follow));
	return c;
}

void field_model_stats(const struct field_model *m, struct field_stats *out)
{
	*out = m->st;
}

/* ---- recent writes: where mismatches after writes start --------------- */

void field_on_persist(struct field_model *m, unsigned dev, uint64_t sector, uint32_t count)
{
	struct field_write *w;

	if (count == 0)
		return;
	assert(m->recent_head < FIELD_RECENT && m->recent_n <= FIELD_RECENT); /* a ring */
	w = &m->recent[m->recent_head];
	w->dev = dev;
	w->sector = sector;
	w->count = count;
	m->recent_head = (m->recent_head + 1) % FIELD_RECENT;
	if (m->recent_n < FIELD_RECENT)
		m->recent_n++;
}

/* ---- one episode ------------------------------------------------------ */

static void info_of(const struct fault_set *fs, unsigned dev, uint64_t sector,
		    struct csum_sector_info *si)
{
	memset(si, 0, sizeof(*si));
	if (fs->env.ops != NULL && fs->env.ops->sector_info != NULL)
		fs->env.ops->sector_info(fs->env.ctx, dev, sector, si);
}

static int add_hit(struct field_hits *hs, unsigned dev, uint64_t sector)
{
	for (uint32_t i = 0; i < hs->n; i++)
		if (hs->dev[i] == dev && hs->sector[i] == sector)
			return 0;
	assert(hs->n <= FIELD_MAX_HITS);
	if (hs->n == FIELD_MAX_HITS)
		return 0; /* an episode is bounded: lse_sectors/cm_sectors <= 1e4 */
	hs->dev[hs->n] = dev;
	hs->sector[hs->n] = sector;
	hs->n++;
	return 1;
}

/* A written sector within +-span of (dev, s), or s itself. */
static uint64_t near(struct fault_set *fs, struct cs_rng *r, unsigned dev, uint64_t s,
		     uint64_t span, bool *ok)
{
	uint64_t size = fs->env.dev_sectors[dev];

	*ok = false;
	if (span == 0)
		return s;
	for (int t = 0; t < FIELD_PLACE_TRIES; t++) {
		uint64_t off = cs_rng_below(r, 2 * span + 1);
		uint64_t x;

		if (off < span && s < span - off)
			continue; /* before sector 0 */
		x = s - span + off;
		if (size != 0 && x >= size)
			continue;
		if (fault_media_written(&fs->env.media, dev, x)) {
			/* within +-span of s and on the device */
			assert(x + span >= s && x <= s + span && (size == 0 || x < size));
			*ok = true;
			return x;
		}
	}
	return s;
}

/* The first sector of an episode. false: nothing written yet. */
static bool seed_of(struct fault_set *fs, struct field_model *m, int kind,
		    const struct field_follow *from, unsigned *dev, uint64_t *sector)
{
	struct cs_rng *r = &m->r[kind];

	if (from != NULL) {
		bool ok;

		*dev = from->dev;
		*sector = near(fs, r, from->dev, from->sector, m->p.span, &ok);
		return true;
	}
	if (kind == FIELD_CM && m->p.after_write > 0 && m->recent_n > 0 &&
	    cs_rng_unit(r) < m->p.after_write) {
		const struct field_write *w = &m->recent[cs_rng_below(r, m->recent_n)];

		assert(w->count >= 1 && w->dev < fs->env.n_devs); /* a write remembered */
		*dev = w->dev;
		*sector = w->sector + cs_rng_below(r, w->count);
		m->st.after_write++;
		return true;
	}
	return fault_media_pick(&fs->env.media, cs_rng_u64(r), dev, sector) == 0;
}

/* Sibling metadata copies of the hits within span, with probability correlate. */
static void correlate(struct fault_set *fs, struct field_model *m, struct cs_rng *r,
		      struct field_hits *hs)
{
	uint32_t n = hs->n;

	if (m->p.correlate <= 0 || fs->env.ops == NULL || fs->env.ops->locate == NULL)
		return;
	for (uint32_t i = 0; i < n; i++) {
		struct csum_sector_info si;
		struct csum_location loc;

		info_of(fs, hs->dev[i], hs->sector[i], &si);
		if (si.kind != CSUM_SK_IMD || si.count == 0)
			continue;
		if (cs_rng_unit(r) >= m->p.correlate)
			continue;
		memset(&loc, 0, sizeof(loc));
		fs->env.ops->locate(fs->env.ctx, si.first, &loc);
		for (unsigned k = 0; k < loc.n_meta && k < CSUM_MAX_META; k++) {
			uint64_t b = loc.meta_sector[k], h = hs->sector[i];
			uint64_t d = b > h ? b - h : h - b;

			/* only what lies close: another device is never close */
			if (loc.meta_dev[k] != hs->dev[i] || d == 0 || d > m->p.span)
				continue;
			if (!fault_media_written(&fs->env.media, loc.meta_dev[k], b))
				continue;
			m->st.correlated += (uint64_t)add_hit(hs, loc.meta_dev[k], b);
		}
	}
}

static int flip_some(struct fault_set *fs, struct cs_rng *r, unsigned dev, uint64_t sector)
{
	uint32_t done[FIELD_CM_BITS];

	for (uint32_t i = 0; i < FIELD_CM_BITS; i++) {
		uint32_t b;
		bool again;

		do { /* distinct bits: two flips of one bit would undo each other */
			b = (uint32_t)cs_rng_below(r, CSUM_SECTOR * 8);
			again = false;
			for (uint32_t j = 0; j < i; j++)
				again |= done[j] == b;
		} while (again);
		done[i] = b;
		if (fault_media_flip(&fs->env.media, dev, sector, b) != 0)
			return -1;
	}
	return 0;
}

int field_episode(struct fault_set *fs, struct field_model *m, int kind,
		  const struct field_follow *from, uint64_t time_ns)
{
	struct cs_rng *r = &m->r[kind];
	double mean = kind == FIELD_LSE ? m->p.lse_sectors : m->p.cm_sectors;
	struct field_hits hs;
	struct dm_ranges rs = { 0 };
	unsigned dev;
	uint64_t seed;
	uint32_t n;
	int rc = -1;

	if (!seed_of(fs, m, kind, from, &dev, &seed))
		return 0;
	hs.n = 0;
	add_hit(&hs, dev, seed);
	n = mean <= 1 ? 1 : (uint32_t)gsl_ran_geometric(r->g, 1.0 / mean);
	if (n > FIELD_MAX_HITS)
		n = FIELD_MAX_HITS; /* no more could be kept: spare the placing */
	for (uint32_t i = 1; i < n; i++) {
		bool ok;
		uint64_t x = near(fs, r, dev, seed, m->p.span, &ok);

		if (ok)
			add_hit(&hs, dev, x);
	}
	correlate(fs, m, r, &hs);
	assert(kind == FIELD_LSE || kind == FIELD_CM);
	assert(hs.n >= 1 && hs.n <= FIELD_MAX_HITS); /* the seed at least, bounded */
	for (uint32_t i = 0; i < hs.n; i++) {
		assert(hs.dev[i] < fs->env.n_devs);
		if (kind == FIELD_CM) {
			if (flip_some(fs, r, hs.dev[i], hs.sector[i]) != 0)
				goto out;
		} else if (fault_lse_mark(fs, hs.dev[i], hs.sector[i]) != 0) {
			goto out;
		}
		if (fault_dm_of_backing(fs, &rs, hs.dev[i], hs.sector[i], 1) != 0)
			goto out;
	}
	m->st.episodes[kind]++;
	m->st.followups[kind] += from != NULL;
	m->st.sectors[kind] += hs.n;
	rc = fault_record_ranges(fs, kind == FIELD_CM ? FT_BITROT : FT_LSE, &rs, time_ns);
	if (rc == 0 && m->p.repeat > 0 && cs_rng_unit(r) < m->p.repeat)
		rc = field_follow_arm(fs, m, kind, dev, seed);
out:
	dm_ranges_free(&rs);
	return rc;
}

/* ---- the processes ---------------------------------------------------- */

static double written_tb(const struct fault_set *fs)
{
	return (double)fault_media_count(&fs->env.media) * CSUM_SECTOR / 1e12;
}

/* First episodes per simulated ns now: a cluster starts as one. */
static double first_rate_ns(const struct fault_set *fs, const struct field_model *m, int kind)
{
	double per_tb_year = kind == FIELD_LSE
				     ? m->p.lse_per_drive_year / m->p.drive_tb
				     : field_cm_episodes_per_tb_year(&m->p) * (1 - m->p.repeat);

	return per_tb_year * written_tb(fs) * m->p.accel / FIELD_NS_PER_YEAR;
}

static uint64_t ev_arg(const struct fault_set *fs, unsigned ev, unsigned slot)
{
	return ((uint64_t)(fs->gen & 0xffffffu) << 40) | ((uint64_t)slot << 8) | ev;
}

/* The exposure: written TB x simulated time, integrated as the processes run. */
static void expose(struct fault_set *fs, struct field_model *m)
{
	uint64_t now = fault_now(fs);

	if (now > m->exposed_to) {
		m->st.tb_ns += written_tb(fs) * (double)(now - m->exposed_to);
		m->exposed_to = now;
	}
}

int field_arm(struct fault_set *fs, struct field_model *m, int kind)
{
	const struct fault_clock *c = &fs->env.clock;
	double rate, g;

	if (c->ops == NULL)
		return 0;
	if (kind == FIELD_LSE)
		expose(fs, m); /* once per step of the LSE process (always armed) */
	fs->armed++;
	rate = first_rate_ns(fs, m, kind);
	if (!(rate > 0))
		return fault_clock_after(c, FIELD_REEVAL_NS, field_event, fs,
					 ev_arg(fs, FE_REEVAL + (unsigned)kind, 0));
	g = gsl_ran_exponential(m->r[kind].g, 1.0 / rate);
	if (!(g < (double)FIELD_REEVAL_NS))
		return fault_clock_after(c, FIELD_REEVAL_NS, field_event, fs,
					 ev_arg(fs, FE_REEVAL + (unsigned)kind, 0));
	return fault_clock_after(c, (uint64_t)g, field_event, fs,
				 ev_arg(fs, FE_ARM + (unsigned)kind, 0));
}

int field_follow_arm(struct fault_set *fs, struct field_model *m, int kind, unsigned dev,
		     uint64_t sector)
{
	double gap = gsl_ran_exponential(m->r[kind].g, m->p.repeat_hours * NS_PER_HOUR /
							      m->p.accel);
	unsigned slot;

	for (slot = 0; slot < FIELD_FOLLOW_SLOTS && m->follow[slot].used; slot++)
		;
	if (slot == FIELD_FOLLOW_SLOTS || fs->env.clock.ops == NULL) {
		/* no room to wait: it happens now (counted like the others) */
		struct field_follow f = { .used = true, .kind = (uint8_t)kind, .dev = dev,
					  .sector = sector };

		return field_episode(fs, m, kind, &f, fault_now(fs));
	}
	assert(slot < FIELD_FOLLOW_SLOTS && !m->follow[slot].used);
	m->follow[slot] = (struct field_follow){ .used = true, .kind = (uint8_t)kind, .dev = dev,
						 .sector = sector };
	fs->armed++;
	return fault_clock_after(&fs->env.clock, gap < 1 ? 1 : (uint64_t)gap, field_event, fs,
				 ev_arg(fs, FE_FOLLOW, slot));
}

void field_event(void *arg, uint64_t a)
{
	struct fault_set *fs = arg;
	struct field_model *m = fs->field;
	unsigned ev = (unsigned)(a & 0xff), slot = (unsigned)((a >> 8) & 0xffffffffu);
	int rc = 0;

	if (m == NULL || (uint32_t)(a >> 40) != (fs->gen & 0xffffffu))
		return; /* armed by an earlier start */
	assert(fs->armed > 0); /* this generation armed it */
	fs->armed--;
	switch (ev) {
	case FE_ARM + FIELD_LSE:
	case FE_ARM + FIELD_CM:
		rc = field_episode(fs, m, (int)(ev - FE_ARM), NULL, fault_now(fs));
		/* like the at-rest processes: alive only while there is other work */
		if (rc == 0 && fault_clock_pending(&fs->env.clock) > fs->armed)
			rc = field_arm(fs, m, (int)(ev - FE_ARM));
		break;
	case FE_REEVAL + FIELD_LSE:
	case FE_REEVAL + FIELD_CM:
		if (fault_clock_pending(&fs->env.clock) > fs->armed)
			rc = field_arm(fs, m, (int)(ev - FE_REEVAL));
		else if (ev == FE_REEVAL + FIELD_LSE)
			expose(fs, m);
		break;
	case FE_FOLLOW:
		if (slot < FIELD_FOLLOW_SLOTS && m->follow[slot].used) {
			struct field_follow f = m->follow[slot];

			m->follow[slot].used = false;
			rc = field_episode(fs, m, f.kind, &f, fault_now(fs));
		}
		break;
	default:
		break;
	}
	if (rc != 0)
		fault_die_oom("faults: out of memory injecting a field fault");
}

int field_start(struct fault_set *fs, struct field_model *m)
{
	/* follow-ups armed by an earlier start are ignored: free their slots */
	memset(m->follow, 0, sizeof(m->follow));
	m->exposed_to = fault_now(fs);
	for (int k = 0; k < 2; k++)
		if (field_arm(fs, m, k) != 0)
			return -1;
	return 0;
}
