/* CRC-CCITT as the Linux kernel's crc_ccitt() computes it: reflected
 * polynomial 0x8408, the caller's initial value, no final xor (the
 * CRC-16/KERMIT parameters; "123456789" from 0 gives 0x2189). */
#ifndef CSUMSIM_CORE_CRC_CCITT_H
#define CSUMSIM_CORE_CRC_CCITT_H

#include <stddef.h>
#include <stdint.h>

/* The fastest implementation this CPU runs: crc_ccitt_clmul when
 * crc_ccitt_clmul_supported(), else crc_ccitt_table. All give one result. */
uint16_t crc_ccitt(uint16_t crc, const uint8_t *buf, size_t len);

/* Table-driven, 16 bytes a step: runs everywhere (the fallback). */
uint16_t crc_ccitt_table(uint16_t crc, const uint8_t *buf, size_t len);

/* 1 if this build and this CPU can run crc_ccitt_clmul (x86-64 with
 * PCLMULQDQ), else 0. */
int crc_ccitt_clmul_supported(void);
/* Carry-less-multiply folding, 64 bytes a step. Only when
 * crc_ccitt_clmul_supported(). */
uint16_t crc_ccitt_clmul(uint16_t crc, const uint8_t *buf, size_t len);

/* The folding constants of crc_ccitt_clmul, for the test that derives them
 * again: fold_k[i] = { k_hi, k_lo } moves a 128-bit remainder forward by
 * 128 * (i + 1) bits (see core/crc_ccitt_clmul.c). */
extern const uint64_t crc_ccitt_fold_k[8][2];
/* Its final reduction's constants: x^79 mod G, x^63 mod G, floor(x^64 / G),
 * bit-reflected (see core/crc_ccitt_clmul.c). */
extern const uint64_t crc_ccitt_reduce_k[3];

#endif
