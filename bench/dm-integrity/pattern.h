/* The bytes the dm-integrity comparison writes: sector s of request v is 64
 * copies of one little-endian 64-bit word, so that captured images compress
 * to almost nothing while every sector (and so every crc32c tag) differs.
 * Shared by the guest's workload tool (dmi_load.c) and the ctest that
 * replays the capture (tests/core/test_dmi_kernel.c). */
#ifndef CSUMSIM_BENCH_DMI_PATTERN_H
#define CSUMSIM_BENCH_DMI_PATTERN_H

#include <stdint.h>

static inline void dmi_pattern(uint8_t *buf, uint64_t sector, uint32_t count, uint32_t version)
{
	for (uint32_t i = 0; i < count; i++) {
		uint64_t w = ((sector + i) * 0x100000001b3ULL) ^ ((uint64_t)version << 40) ^
			     0x5a5a0000a5a50000ULL;

		for (unsigned k = 0; k < 512; k++)
			buf[(uint64_t)i * 512 + k] = (uint8_t)(w >> (8 * (k % 8)));
	}
}

#endif
