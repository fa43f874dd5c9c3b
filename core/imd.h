/* The on-disk integrity metadata ("imd") sector of dm-csum, byte for byte.
 *
 *   0      u8   last_updated  (the RFC's comments call it last_accessed)
 *   1      u8   unused1
 *   2..3   crc  of bytes 8..511, stored in host order (see below)
 *   4..7   u32  unused3
 *   8+8*i  tuple i, i = 0..61: crc @0..1, flags @2..3, tag @4..7
 *   504..511 trailing bytes, covered by the header crc, never used
 *
 * The RFC declares every crc as __be16 but the write path assigns host-order
 * u16 values without cpu_to_be16(), so on the x86-64 hosts it ran on both crc
 * fields are little-endian. Flags and tag are declared __be16/__be32 and never
 * written by the write path; they are decoded big-endian. */
#ifndef CSUMSIM_CORE_IMD_H
#define CSUMSIM_CORE_IMD_H

#include <stddef.h>
#include <stdint.h>

#include "core/csum.h"

#define IMD_HEADER_SIZE 8u
#define IMD_TUPLE_SIZE 8u
#define IMD_TUPLES 62u
#define IMD_TRAILER_OFFSET (IMD_HEADER_SIZE + IMD_TUPLES * IMD_TUPLE_SIZE) /* 504 */

struct imd_tuple {
	uint16_t crc;
	uint16_t flags;
	uint32_t tag;
};

/* older_imd()'s answer. */
enum imd_older { IMD_OLDER_NONE = 0, IMD_OLDER_M1 = 1, IMD_OLDER_M2 = 2 };

/* RFC older_imd(): which of two brothers with these last_updated counters is
 * older, or NONE when it cannot tell. */
enum imd_older imd_older(uint8_t l1, uint8_t l2);

/* Byte offset of tuple `idx` from the start of its imd sector. The RFC does
 * not bound idx (see core/rfc.c), so neither does this. */
size_t imd_tuple_offset(size_t idx);

/* Little-endian u16 at p: how the RFC's host-order crc fields read back. */
uint16_t imd_get_le16(const uint8_t *p);
void imd_put_le16(uint8_t *p, uint16_t v);

uint8_t imd_last_updated(const uint8_t *sec);
uint16_t imd_header_crc(const uint8_t *sec);
/* crc_ccitt(0, bytes 8..511): what update_imd_bio() stores at 2..3. */
uint16_t imd_header_crc_compute(const uint8_t *sec);

struct imd_tuple imd_tuple_get(const uint8_t *sec, size_t idx);
/* Writes all three fields (crc little-endian, flags/tag big-endian). */
void imd_tuple_put(uint8_t *sec, size_t idx, const struct imd_tuple *t);

/* csumsim's format of a fresh device (the RFC ships no formatter): the given
 * counter, every other byte zero, header crc computed. M1 gets 0 and M2 1,
 * so older_imd() names M1 older and the first write goes to M1. All-zero
 * tuples verify all-zero data: crc_ccitt(0, 512 zero bytes) == 0. */
void imd_format(uint8_t sec[CSUM_SECTOR], uint8_t last_updated);

/* Variant formats (not RFC). gen32: a 32-bit generation in unused3 (bytes
 * 4..7, big-endian as __be32 declares it), compared in serial-number order
 * so it never wraps ambiguously (copies differ by 1 in normal operation);
 * equal generations name M1 older, so no pair is undecidable. Its header crc
 * covers bytes 4..511, the generation included. */
#define IMD_GEN32_CRC_FROM 4u
uint32_t imd_gen32(const uint8_t *sec);
void imd_set_gen32(uint8_t *sec, uint32_t gen);
enum imd_older imd_older32(uint32_t g1, uint32_t g2);
/* crc_ccitt(0, bytes from..511). */
uint16_t imd_header_crc_from(const uint8_t *sec, size_t from);

#endif
