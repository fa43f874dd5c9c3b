/* A 512-byte sector packed by its zero bytes, exactly reconstructible: the
 * metadata sectors the media stores as bytes (rfc's imd sectors: a 2-byte
 * crc in each tuple of a written data sector, most other bytes zero) take
 * a fifth of their size or less. The form: a 64-bit mask of the 8-byte
 * words that are not all zero, then for each such word, in order, a byte
 * mask of its nonzero bytes and those bytes. When that is no smaller than
 * the sector, the sector is kept as it is. */
#ifndef CSUMSIM_UTIL_SECPACK_H
#define CSUMSIM_UTIL_SECPACK_H

#include <stddef.h>
#include <stdint.h>

#define SECPACK_SECTOR 512u
/* the longest packed form is the sector itself, plus a 2-byte length */
#define SECPACK_MAX (SECPACK_SECTOR + 2u)

/* Packs in into out (SECPACK_MAX bytes) and returns the bytes used, length
 * included. */
size_t secpack_pack(const uint8_t in[SECPACK_SECTOR], uint8_t out[SECPACK_MAX]);
/* The bytes a packed sector uses (what secpack_pack returned). */
size_t secpack_size(const uint8_t *packed);
/* Unpacks into out (512 bytes). */
void secpack_unpack(const uint8_t *packed, uint8_t out[SECPACK_SECTOR]);
/* secpack_pack without BMI2 (pext): what runs on CPUs without it, and
 * what the test compares the chosen path with (the same bytes). */
size_t secpack_pack_portable(const uint8_t in[SECPACK_SECTOR], uint8_t out[SECPACK_MAX]);

#endif
