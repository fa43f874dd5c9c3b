/* The recorder of a read-back: each request's verdicts, the oracle's keys of
 * its sectors and the media keys it read (sim/carry_priv.h). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim/carry_priv.h"
#include "sim/carry_read.h"
#include "sim/media.h"
#include "sim/recover.h"
#include "util/grow.h"

void carry_flat_free(struct flat *f)
{
	free(f->runs);
	free(f->cls);
	free(f->okey);
	free(f->tag);
	free(f->deps);
	memset(f, 0, sizeof(*f));
}

int carry_flat_reserve(struct flat *f, uint32_t count, uint64_t n_dep)
{
	uint64_t cap_cls = f->cap_cls, cap_tag = f->cap_cls;

	if (grow_array((void **)&f->runs, &f->cap_runs, f->n_runs + 1, sizeof(*f->runs), 256) ||
	    grow_array((void **)&f->cls, &cap_cls, f->n_cls + count, 1, 256) ||
	    grow_array((void **)&f->tag, &cap_tag, f->n_cls + count, sizeof(*f->tag), 256) ||
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

	if (carry_flat_reserve(f, 1, 0) != 0 || add_reads(r) != 0)
		return -1;
	f->cls[f->n_cls] = c;
	f->tag[f->n_cls] = CSUM_TAG_NONE; /* a failed run's: read again */
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

/* Whether a and b name the same metadata sectors (a loop: libc's memcmp
 * costs more than these few bytes, once per sector read back). */
static bool same_meta(const struct csum_location *a, const struct csum_location *b)
{
	if (a->n_meta != b->n_meta)
		return false;
	for (unsigned m = 0; m < a->n_meta; m++)
		if (a->meta_dev[m] != b->meta_dev[m] || a->meta_sector[m] != b->meta_sector[m])
			return false;
	return true;
}

/* A request's verdicts (count of them) appended to the last run, as
 * add_sector would one by one: room made once, and a sector's metadata keys
 * looked up only where they are not the previous sector's (then add_dep
 * would find them among the run's last keys: nothing comes in between). A
 * clean request (result 0) must have every sector readable. 0, or -1. */
static int add_clean(struct rec *r, uint64_t sector, uint32_t count, const uint8_t *classes,
		     const uint64_t *tags, int result)
{
	struct flat *f = r->out;
	struct csum_location loc, prev;

	memset(&prev, 0, sizeof(prev));
	if (carry_flat_reserve(f, count, 0) != 0 || add_reads(r) != 0)
		return -1;
	for (uint32_t i = 0; i < count; i++) {
		if (result == 0 && carry_unreadable_class(classes[i]))
			return -1;
		f->cls[f->n_cls] = classes[i];
		f->tag[f->n_cls] = tags != NULL ? tags[i] : CSUM_TAG_NONE;
		f->okey[f->n_cls++] =
			f->no_okeys ? 0 : oracle_crash_key(&r->w->oracle, sector + i);
		r->w->ops->locate(r->w->ctx, sector + i, &loc);
		if (i > 0 && same_meta(&loc, &prev))
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
static int rec_run(void *arg, uint64_t sector, uint32_t count, int result, const uint8_t *classes,
		   const uint64_t *tags)
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
	if (carry_flat_reserve(f, 0, 0) != 0) {
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
	if (add_clean(r, sector, count, classes, tags, result) != 0) {
		r->bad = true;
		return 1;
	}
	return 0;
}

/* The host's read-back gives no tags: its requests are read again. */
static int rec_run_host(void *arg, uint64_t sector, uint32_t count, int result,
			const uint8_t *classes)
{
	return rec_run(arg, sector, count, result, classes, NULL);
}

int carry_record(struct world *w, struct flat *out, const uint64_t *sector,
		  const uint32_t *count, uint64_t n, struct cs_err *err)
{
	struct rec r = { .w = w, .out = out };
	struct recover_tap tap = { .on_run = rec_run_host, .arg = &r, .run_sector = sector,
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
