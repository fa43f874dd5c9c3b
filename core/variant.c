#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "core/baselines.h"
#include "core/dmi_variants.h"
#include "core/split.h"
#include "core/variants.h"

/* Order is the listing order (`csumsim --help`, reports): rfc first. */
static const struct csum_variant_ops *const registry[] = {
	&csum_variant_rfc,
	&csum_variant_none,
	/* one defect fixed each (docs/PROTOCOL.md "Variants") */
	&csum_variant_rfc_copy,
	&csum_variant_rfc_split,
	&csum_variant_rfc_unlock,
	&csum_variant_rfc_offsets,
	&csum_variant_rfc_relative,
	&csum_variant_rfc_errno,
	&csum_variant_rfc_twodev,
	&csum_variant_rfc_flush,
	&csum_variant_rfc_gen32,
	&csum_variant_rfc_hcrc,
	&csum_variant_fixed,
	/* features */
	&csum_variant_rfc_crc32c,
	&csum_variant_rfc_xxh64,
	&csum_variant_rfc_crc32c_seeded,
	&csum_variant_rfc_xxh64_seeded,
	&csum_variant_rfc_apart,
	&csum_variant_rfc_group,
	&csum_variant_fixed_strong,
	/* baselines: what a designer could choose instead */
	&csum_variant_single,
	&csum_variant_journal,
	&csum_variant_bitmap,
	/* deliberately broken: what crash.recovery must catch (docs/BASELINES.md) */
	&csum_variant_bitmap_clean_first,
	/* dm-integrity, the design that replaced dm-csum (docs/DMINTEGRITY.md) */
	&csum_variant_dmi_journal,
	&csum_variant_dmi_bitmap,
	&csum_variant_dmi_direct,
	NULL,
};

const struct csum_variant_ops *csum_variant_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; registry[i] != NULL; i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

const struct csum_variant_ops *const *csum_variant_all(void)
{
	return registry;
}

void csum_split_reset(struct csum_split *out)
{
	out->map_result = 0;
	out->evil = false;
	out->n_pieces = 0;
	out->expected = 0;
	out->error = false;
	out->prelude = out->postlude = out->nmiddle = 0;
}

uint32_t csum_split_cap(uint32_t count)
{
	/* a prelude, count / 62 middles at most, a postlude; 1 for a flush */
	return count / 62u + 2u;
}

void csum_split_check(uint64_t sector, uint32_t count, const struct csum_split *out)
{
#ifndef NDEBUG
	uint64_t next = 0;

	assert(out->n_pieces <= out->cap);
	assert(out->map_result <= 0);
	if (out->map_result != 0) {
		/* a refused request queued nothing */
		assert(out->n_pieces == 0 && out->expected == 0 && !out->error);
		return;
	}
	/* more expected than queued is the RFC's never-completing request;
	 * fewer would complete it while pieces are still in flight */
	assert(out->expected >= out->n_pieces);
	/* a failed preparation leaves exactly the queued pieces expected */
	assert(!out->error || (out->expected == out->n_pieces && out->n_pieces >= 1));
	if (count == 0) {
		/* a flush: at most one empty piece */
		assert(out->n_pieces <= 1);
		assert(out->n_pieces == 0 || out->piece[0].count == 0);
		return;
	}
	for (uint32_t k = 0; k < out->n_pieces; k++) {
		const struct csum_piece *p = &out->piece[k];

		assert(p->count >= 1);
		assert(p->offset == next); /* in order, no gap, no overlap */
		assert(p->sector == sector + p->offset);
		next += p->count;
		assert(next <= count); /* inside the request */
	}
	/* a complete split covers the request (a discard may queue nothing) */
	assert(out->error || out->n_pieces == 0 || next == count);
#else
	(void)sector;
	(void)count;
	(void)out;
#endif
}
