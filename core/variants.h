/* The variants this folder implements, for the registry in core/variant.c. */
#ifndef CSUMSIM_CORE_VARIANTS_H
#define CSUMSIM_CORE_VARIANTS_H

#include "core/csum.h"

extern const struct csum_variant_ops csum_variant_rfc;  /* core/rfc.c */
extern const struct csum_variant_ops csum_variant_none; /* core/none.c */

#endif
