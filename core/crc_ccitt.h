/* CRC-CCITT as the Linux kernel's crc_ccitt() computes it: reflected
 * polynomial 0x8408, the caller's initial value, no final xor (the
 * CRC-16/KERMIT parameters; "123456789" from 0 gives 0x2189). */
#ifndef CSUMSIM_CORE_CRC_CCITT_H
#define CSUMSIM_CORE_CRC_CCITT_H

#include <stddef.h>
#include <stdint.h>

uint16_t crc_ccitt(uint16_t crc, const uint8_t *buf, size_t len);

#endif
