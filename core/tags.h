/* Per-sector checksums ("tags") the rfc family stores in an imd tuple, and
 * where in the tuple's 8 bytes (crc @0..1, flags @2..3, tag @4..7) they go:
 *
 *   ccitt   crc_ccitt(0, data) in the crc field, little-endian (the RFC's
 *           host order); flags and tag untouched, never compared.
 *   crc32c  CRC-32C (Castagnoli, "123456789" -> 0xe3069283, isa-l
 *           crc32_iscsi) in the tag field, big-endian as declared __be32;
 *           the crc field is written 0 and not compared.
 *   xxh64   h = XXH64(data, 512, seed) (libxxhash): bits 63..32 in the tag
 *           field big-endian, bits 31..16 in the crc field little-endian:
 *           48 of its 64 bits are stored and compared.
 *
 * Seeded: the dm sector number takes part, so a sector's content checked
 * against another sector's tuple fails. crc32c: the CRC runs over the 8-byte
 * little-endian dm sector, then the 512 data bytes; xxh64: seed = dm sector.
 * ccitt is never seeded (the RFC's). flags is never written or compared. */
#ifndef CSUMSIM_CORE_TAGS_H
#define CSUMSIM_CORE_TAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/csum.h"

enum tag_kind { TAG_CCITT = 0, TAG_CRC32C = 1, TAG_XXH64 = 2 };

/* What a tuple holds for one sector: the bits this kind stores. */
struct tag_val {
	uint16_t crc; /* the tuple's crc field */
	uint32_t tag; /* the tuple's tag field */
};

struct tag_val tag_compute(uint8_t kind, bool seeded, uint64_t dm_sector,
			   const uint8_t data[CSUM_SECTOR]);
/* Writes the fields this kind uses into the tuple at p (8 bytes). */
void tag_put(uint8_t kind, uint8_t *p, struct tag_val v);
/* Does the tuple at p hold v (only the fields this kind compares)? */
bool tag_match(uint8_t kind, const uint8_t *p, struct tag_val v);

/* Plain CRC-32C of buf (initial ~0, final xor ~0). */
uint32_t tag_crc32c(const uint8_t *buf, size_t len);

#endif
