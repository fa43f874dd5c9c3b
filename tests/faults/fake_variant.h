/* A tiny fake variant for the fault tests, on one backing device of
 * FAKE_DEV_SECTORS sectors:
 *   0..99     data, dm sector = backing sector
 *   100, 101  imd copies 0 and 1 of dm 0..61 (8-byte header)
 *   102, 103  imd copies 0 and 1 of dm 62..99
 *   104       reserved
 *   105       journal
 *   106..109  unused
 * plus the fixture every test uses: an engine, a media, a fault_env. */
#ifndef CSUMSIM_TESTS_FAULTS_FAKE_VARIANT_H
#define CSUMSIM_TESTS_FAULTS_FAKE_VARIANT_H

#include <stdint.h>

#include "core/csum.h"
#include "faults/faults.h"
#include "sim/engine.h"
#include "sim/media.h"

#define FAKE_DEV_SECTORS 110u
#define FAKE_DM_SECTORS 100u

extern const struct csum_variant_ops fake_ops;

struct fixture {
	struct engine e;
	struct media *m;
	struct fault_env env;
};

void fixture_init(struct fixture *f);
void fixture_free(struct fixture *f);
/* Default fault configuration: everything off. */
struct sc_faults faults_off(void);
/* Content tag that the fixture writes to a sector "originally". */
uint64_t fixture_tag(uint64_t sector);
/* Write the fixture's tags to backing sectors [first, first+count). */
void fixture_write(struct fixture *f, uint64_t first, uint64_t count);
/* Bits that differ between two sectors. */
unsigned bits_differ(const uint8_t *a, const uint8_t *b);

#endif
