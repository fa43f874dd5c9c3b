/* A tiny stand-in for the simulator: an in-memory disk per backing device,
 * requests run to completion one piece at a time under the variant's lock,
 * every sub-I/O applied at once unless the test drops or fails it. */
#ifndef CSUMSIM_TESTS_CORE_HARNESS_H
#define CSUMSIM_TESTS_CORE_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/csum.h"

#define H_LOG 64

struct harness {
	const struct csum_variant_ops *ops;
	void *ctx;
	void *job;
	struct csum_table t;
	uint8_t *dev[CSUM_MAX_DEVS];
	uint64_t dev_n[CSUM_MAX_DEVS];
	uint32_t drop_roles; /* 1 << role: writes "completed" but never reach the disk */
	uint32_t fail_roles; /* 1 << role: the sub-I/O fails with -EIO, not applied */
	bool lock_stuck;     /* a piece ended without releasing the lock */
	unsigned n_log;      /* sub-I/Os of the last request, in submit order */
	struct csum_io log[H_LOG];
};

struct h_result {
	int map_result;
	bool evil;
	uint32_t n_pieces, expected, completed;
	bool completes; /* the user request ever ends */
	int result;     /* its result when it ends */
	uint8_t verdict[4096];
};

void h_init(struct harness *h, const char *variant, const struct csum_table *t,
	    uint8_t flush_policy);
void h_free(struct harness *h);
/* Runs one user request; buf is count * 512 bytes (in for writes, out for reads). */
void h_request(struct harness *h, uint8_t op, uint64_t sector, uint32_t count, uint32_t flags,
	       uint8_t *buf, struct h_result *r);
/* Deterministic sector contents for tests. */
void h_fill(uint8_t *buf, uint32_t count, uint32_t seed);
uint8_t *h_sector(struct harness *h, unsigned dev, uint64_t sector);

#endif
