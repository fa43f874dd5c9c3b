/* The rfc family as data: one profile per variant, one shared engine
 * (core/rfc.c). docs/PROTOCOL.md "Variants" says what each one changes. */
#include <stddef.h>

#include "core/rfc.h"
#include "core/tags.h"
#include "core/variants.h"

/* Default M1-M2 distance of the apart variants: 1 MiB. */
#define APART_DEFAULT 2048u

#define FIXED_ALL RFC_FIX_ALL

/* One profile, its init that binds it, and its ops. */
#define RFC_VARIANT(id, vname, vsummary, scope, ...)                                          \
	static const struct rfc_profile pf_##id = { __VA_ARGS__ };                             \
	static int init_##id(void *ctx, const struct csum_table *t,                            \
			     const struct csum_options *o, const char **why)                   \
	{                                                                                      \
		return rfc_init_profile(ctx, t, o, &pf_##id, why);                             \
	}                                                                                      \
	const struct csum_variant_ops csum_variant_##id = {                                    \
		.name = vname,                                                                 \
		.summary = vsummary,                                                           \
		.ctx_size = sizeof(struct rfc_ctx),                                            \
		.job_size = sizeof(struct rfc_job),                                            \
		.lock_scope = scope,                                                           \
		.dm_barrier = CSUM_BARRIER_DRAIN, /* the RFC's kernel, 2.6.30 */              \
		.n_devs = 2, /* same placement: dev_sectors(CSUM_DEV_IMD) is 0 */             \
		.init = init_##id,                                                             \
		.dev_sectors = rfc_dev_sectors,                                                \
		.initial_sector = rfc_initial_sector,                                          \
		.split = rfc_split,                                                            \
		.lock_key = rfc_lock_key,                                                      \
		.start = rfc_start,                                                            \
		.resume = rfc_resume,                                                          \
		.verdicts = rfc_verdicts,                                                      \
		.sector_info = rfc_sector_info,                                                \
		.locate = rfc_locate,                                                          \
		.recover_start = NULL,                                                         \
	}

RFC_VARIANT(rfc, "rfc",
	    "dm-csum as the 2009 RFC v2 wrote it: M1/M2 imd, in-place older copy, global lock",
	    CSUM_LOCK_GLOBAL, .fixes = 0);

/* One defect fixed each. */
RFC_VARIANT(rfc_copy, "rfc-copy", "rfc, D1 fixed: the rewritten copy starts from the newer's tuples",
	    CSUM_LOCK_GLOBAL, .fixes = RFC_FIX_COPY);
RFC_VARIANT(rfc_split, "rfc-split", "rfc, D2 fixed: an evil bio expects the pieces it queued",
	    CSUM_LOCK_GLOBAL, .fixes = RFC_FIX_SPLIT);
RFC_VARIANT(rfc_unlock, "rfc-unlock", "rfc, D3 fixed: every error path releases the lock",
	    CSUM_LOCK_GLOBAL, .fixes = RFC_FIX_UNLOCK);
RFC_VARIANT(rfc_offsets, "rfc-offsets",
	    "rfc, D4-D6 fixed: layout honours data_start/imd_start and counts the reserved sector",
	    CSUM_LOCK_GLOBAL, .fixes = RFC_FIX_OFFSETS);
RFC_VARIANT(rfc_relative, "rfc-relative",
	    "rfc, D7 fixed: tuple index and split cuts relative to begin", CSUM_LOCK_GLOBAL,
	    .fixes = RFC_FIX_RELATIVE);
RFC_VARIANT(rfc_errno, "rfc-errno", "rfc, D8 fixed: undecidable imd copies on read give -EIO",
	    CSUM_LOCK_GLOBAL, .fixes = RFC_FIX_ERRNO);
RFC_VARIANT(rfc_twodev, "rfc-twodev",
	    "rfc, D9 fixed: two devices: imd write, imd device flush, then the data write",
	    CSUM_LOCK_GLOBAL, .fixes = RFC_FIX_TWODEV);
RFC_VARIANT(rfc_flush, "rfc-flush",
	    "rfc, D10 fixed: user flushes reach every device, FUA also on the imd write",
	    CSUM_LOCK_GLOBAL, .fixes = RFC_FIX_FLUSH);
RFC_VARIANT(rfc_gen32, "rfc-gen32",
	    "rfc, D11/D12 fixed: 32-bit serial generation in unused3 orders the copies",
	    CSUM_LOCK_GLOBAL, .fixes = RFC_FIX_GEN32);
RFC_VARIANT(rfc_hcrc, "rfc-hcrc",
	    "rfc, D13 fixed: header crc validated; a failing copy is never believed",
	    CSUM_LOCK_GLOBAL, .fixes = RFC_FIX_HCRC);
RFC_VARIANT(fixed, "fixed", "rfc with every fix D1-D13 (CRC-CCITT tags, global lock)",
	    CSUM_LOCK_GLOBAL, .fixes = FIXED_ALL);

/* Features. */
RFC_VARIANT(rfc_crc32c, "rfc-crc32c", "rfc with CRC-32C tags (isa-l) in the tuple's tag field",
	    CSUM_LOCK_GLOBAL, .tag = TAG_CRC32C);
RFC_VARIANT(rfc_xxh64, "rfc-xxh64", "rfc with 48 bits of XXH64 in the tuple's tag and crc fields",
	    CSUM_LOCK_GLOBAL, .tag = TAG_XXH64);
RFC_VARIANT(rfc_crc32c_seeded, "rfc-crc32c-seeded",
	    "rfc-crc32c with the dm sector number in the checksum", CSUM_LOCK_GLOBAL,
	    .tag = TAG_CRC32C, .seeded = true);
RFC_VARIANT(rfc_xxh64_seeded, "rfc-xxh64-seeded", "rfc-xxh64 seeded with the dm sector number",
	    CSUM_LOCK_GLOBAL, .tag = TAG_XXH64, .seeded = true);
RFC_VARIANT(rfc_apart, "rfc-apart",
	    "rfc on the clean layout with M2 apart_sectors (default 2048) after M1",
	    CSUM_LOCK_GLOBAL, .fixes = RFC_FIX_OFFSETS, .apart = APART_DEFAULT);
RFC_VARIANT(rfc_group, "rfc-group", "rfc with one lock per imd group instead of one global lock",
	    CSUM_LOCK_GROUP, .fixes = 0);
RFC_VARIANT(fixed_strong, "fixed-strong",
	    "fixed + seeded XXH64 tags + M1/M2 apart + per-group lock", CSUM_LOCK_GROUP,
	    .fixes = FIXED_ALL, .tag = TAG_XXH64, .seeded = true, .apart = APART_DEFAULT);

static const struct {
	const struct csum_variant_ops *ops;
	const struct rfc_profile *pf;
} family[] = {
	{ &csum_variant_rfc, &pf_rfc },
	{ &csum_variant_rfc_copy, &pf_rfc_copy },
	{ &csum_variant_rfc_split, &pf_rfc_split },
	{ &csum_variant_rfc_unlock, &pf_rfc_unlock },
	{ &csum_variant_rfc_offsets, &pf_rfc_offsets },
	{ &csum_variant_rfc_relative, &pf_rfc_relative },
	{ &csum_variant_rfc_errno, &pf_rfc_errno },
	{ &csum_variant_rfc_twodev, &pf_rfc_twodev },
	{ &csum_variant_rfc_flush, &pf_rfc_flush },
	{ &csum_variant_rfc_gen32, &pf_rfc_gen32 },
	{ &csum_variant_rfc_hcrc, &pf_rfc_hcrc },
	{ &csum_variant_fixed, &pf_fixed },
	{ &csum_variant_rfc_crc32c, &pf_rfc_crc32c },
	{ &csum_variant_rfc_xxh64, &pf_rfc_xxh64 },
	{ &csum_variant_rfc_crc32c_seeded, &pf_rfc_crc32c_seeded },
	{ &csum_variant_rfc_xxh64_seeded, &pf_rfc_xxh64_seeded },
	{ &csum_variant_rfc_apart, &pf_rfc_apart },
	{ &csum_variant_rfc_group, &pf_rfc_group },
	{ &csum_variant_fixed_strong, &pf_fixed_strong },
};

const struct rfc_profile *rfc_profile_of(const struct csum_variant_ops *ops)
{
	for (size_t i = 0; i < sizeof(family) / sizeof(family[0]); i++)
		if (family[i].ops == ops)
			return family[i].pf;
	return NULL;
}
