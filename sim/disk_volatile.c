/* What a power cut finds in the disk's volatile cache: every write
 * acknowledged and not yet durable (cached, or being destaged), in the
 * order the disk accepted them, for the crash-state generator. */
#include "sim/disk_priv.h"

#include <assert.h>
#include <string.h>

#include "sim/content.h"

static void vw_reserve(struct disk *d, uint32_t records, size_t sectors)
{
	if (records > d->vw_cap) {
		uint32_t ncap = d->vw_cap ? d->vw_cap : 16;
		struct fault_cached_write *w;
		size_t *first;

		while (ncap < records)
			ncap *= 2;
		w = realloc(d->vw, ncap * sizeof(*w));
		if (w == NULL)
			die_oom();
		d->vw = w;
		first = realloc(d->vw_first, ncap * sizeof(*first));
		if (first == NULL)
			die_oom();
		d->vw_first = first;
		d->vw_cap = ncap;
	}
	if (sectors > d->vw_sect_cap) {
		size_t ncap = d->vw_sect_cap ? d->vw_sect_cap : 64;
		uint64_t *t;
		uint8_t *b;

		while (ncap < sectors)
			ncap *= 2;
		t = realloc(d->vw_tags, ncap * sizeof(*t));
		if (t == NULL)
			die_oom();
		d->vw_tags = t;
		b = realloc(d->vw_bytes, ncap * CSUM_SECTOR);
		if (b == NULL)
			die_oom();
		d->vw_bytes = b;
		d->vw_sect_cap = ncap;
	}
}

/* Is sector s already durable with data newer than write `seq`? persist()
 * would not let the write land there, so it is not listed. */
static bool superseded(const struct disk *d, uint64_t s, uint64_t seq)
{
	const struct cslot *v = dix_get(&d->cmap, s);

	return v != NULL && v->landed > seq;
}

/* Append one write as records: one per run of sectors it could still land
 * on. `src` holds the bytes of CSUM_TAG_NONE sectors (NULL: zeros); `tags`
 * NULL means every sector is bytes. Pointers are set by the caller once the
 * arenas stop moving. */
static void vw_emit(struct disk *d, uint32_t *n, size_t *used, uint64_t seq, uint64_t sector,
		    uint32_t count, const uint64_t *tags, const uint8_t *src, bool in_service,
		    uint32_t flush_epoch, bool append)
{
	uint64_t seed = media_content_seed(d->m);
	uint32_t i = 0;

	while (i < count) {
		struct fault_cached_write *w;
		uint32_t start;

		if (superseded(d, sector + i, seq)) {
			i++;
			continue;
		}
		start = i;
		while (i < count && !superseded(d, sector + i, seq))
			i++;
		vw_reserve(d, *n + 1, *used + (i - start));
		w = &d->vw[*n];
		*w = (struct fault_cached_write){
			.dev = d->dev, .sector = sector + start, .count = i - start,
			.seq = seq, .in_service = in_service,
			.flush_epoch = flush_epoch, .append = append,
		};
		d->vw_first[*n] = *used;
		for (uint32_t k = start; k < i; k++) {
			uint64_t tag = tags != NULL ? tags[k] : CSUM_TAG_NONE;
			uint8_t *dst = d->vw_bytes + *used * CSUM_SECTOR;

			d->vw_tags[*used] = tag;
			if (tag != CSUM_TAG_NONE)
				content_fill(seed, tag, dst);
			else if (src != NULL)
				memcpy(dst, src + (size_t)k * CSUM_SECTOR, CSUM_SECTOR);
			else
				memset(dst, 0, CSUM_SECTOR);
			(*used)++;
		}
		(*n)++;
	}
}

static uint64_t op_seq(const struct op *o)
{
	return o->kind == OP_DESTAGE ? o->entry->seq : o->job->r->seq;
}

static int cmp_op_seq(const void *a, const void *b)
{
	uint64_t x = op_seq(*(struct op *const *)a), y = op_seq(*(struct op *const *)b);

	return (x > y) - (x < y);
}

uint32_t disk_volatile_writes(struct disk *d, const struct fault_cached_write **out)
{
	uint32_t n = 0, n_ops = 0;
	size_t used = 0;

	/* the cache, in acceptance order, less the entries being written */
	for (uint64_t k = d->head_num; k < d->tail_num; k++) {
		const struct centry *e = entry_at(d, k);

		if (!e->landed && !e->in_svc)
			vw_emit(d, &n, &used, e->seq, e->sector, e->count, e->tags, e->bytes,
				false, e->flush_epoch, e->append);
	}
	/* then the media writes in service, by submission number */
	for (uint32_t i = 0; i < d->n_ops; i++) {
		struct op *o = d->ops[i];

		if (o->is_free || !o->in_svc || (o->kind != OP_WRITE && o->kind != OP_DESTAGE))
			continue;
		if (n_ops == d->vw_ops_cap) {
			uint32_t ncap = d->vw_ops_cap ? d->vw_ops_cap * 2 : 16;
			struct op **ops = realloc(d->vw_ops, ncap * sizeof(*ops));

			if (ops == NULL)
				die_oom();
			d->vw_ops = ops;
			d->vw_ops_cap = ncap;
		}
		d->vw_ops[n_ops++] = o;
	}
	if (n_ops > 1)
		qsort(d->vw_ops, n_ops, sizeof(*d->vw_ops), cmp_op_seq);
	for (uint32_t i = 0; i < n_ops; i++) {
		const struct op *o = d->vw_ops[i];

		if (o->kind == OP_DESTAGE)
			vw_emit(d, &n, &used, o->entry->seq, o->entry->sector, o->entry->count,
				o->entry->tags, o->entry->bytes, true, o->entry->flush_epoch,
				o->entry->append);
		else
			vw_emit(d, &n, &used, o->job->r->seq, o->job->r->sector, o->job->r->count,
				o->job->r->tags, o->job->r->buf, true, o->job->r->flush_epoch,
				o->job->r->append);
	}
	for (uint32_t i = 0; i < n; i++) {
		d->vw[i].tags = d->vw_tags + d->vw_first[i];
		d->vw[i].bytes = d->vw_bytes + d->vw_first[i] * CSUM_SECTOR;
	}
	*out = n > 0 ? d->vw : NULL;
	return n;
}
