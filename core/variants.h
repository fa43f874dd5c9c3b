/* The variants this folder implements, for the registry in core/variant.c.
 * Baselines single/journal/bitmap are declared in core/baselines.h. */
#ifndef CSUMSIM_CORE_VARIANTS_H
#define CSUMSIM_CORE_VARIANTS_H

#include "core/csum.h"

/* The rfc family (core/rfc_variants.c, engine core/rfc.c). */
extern const struct csum_variant_ops csum_variant_rfc;
extern const struct csum_variant_ops csum_variant_rfc_copy;
extern const struct csum_variant_ops csum_variant_rfc_split;
extern const struct csum_variant_ops csum_variant_rfc_unlock;
extern const struct csum_variant_ops csum_variant_rfc_offsets;
extern const struct csum_variant_ops csum_variant_rfc_relative;
extern const struct csum_variant_ops csum_variant_rfc_errno;
extern const struct csum_variant_ops csum_variant_rfc_twodev;
extern const struct csum_variant_ops csum_variant_rfc_flush;
extern const struct csum_variant_ops csum_variant_rfc_gen32;
extern const struct csum_variant_ops csum_variant_rfc_hcrc;
extern const struct csum_variant_ops csum_variant_fixed;
extern const struct csum_variant_ops csum_variant_rfc_crc32c;
extern const struct csum_variant_ops csum_variant_rfc_xxh64;
extern const struct csum_variant_ops csum_variant_rfc_crc32c_seeded;
extern const struct csum_variant_ops csum_variant_rfc_xxh64_seeded;
extern const struct csum_variant_ops csum_variant_rfc_apart;
extern const struct csum_variant_ops csum_variant_rfc_group;
extern const struct csum_variant_ops csum_variant_fixed_strong;

extern const struct csum_variant_ops csum_variant_none; /* core/none.c */

#endif
