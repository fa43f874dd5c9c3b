/* The checksumming baselines (docs/BASELINES.md), for the registry in
 * core/variant.c. */
#ifndef CSUMSIM_CORE_BASELINES_H
#define CSUMSIM_CORE_BASELINES_H

#include "core/csum.h"

extern const struct csum_variant_ops csum_variant_single;  /* core/single.c */
extern const struct csum_variant_ops csum_variant_journal; /* core/journal.c */
extern const struct csum_variant_ops csum_variant_bitmap;  /* core/bitmap.c */
/* deliberately broken, for testing crashes during recovery (core/bitmap.c) */
extern const struct csum_variant_ops csum_variant_bitmap_clean_first;

#endif
