/* The dm-integrity variants (docs/DMINTEGRITY.md), for core/variant.c. */
#ifndef CSUMSIM_CORE_DMI_VARIANTS_H
#define CSUMSIM_CORE_DMI_VARIANTS_H

#include "core/csum.h"

extern const struct csum_variant_ops csum_variant_dmi_journal; /* core/dmi_journal.c */
extern const struct csum_variant_ops csum_variant_dmi_bitmap;  /* core/dmi_bitmap.c */
extern const struct csum_variant_ops csum_variant_dmi_direct;  /* core/dmi_direct.c */

#endif
