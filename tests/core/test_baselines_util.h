/* A driver for the baseline tests: one in-memory device with an optional
 * volatile write cache kept per sector (a crash keeps the cached sectors a
 * test chooses and loses the rest), requests run piece by piece to the end,
 * every sub-I/O logged, and a fresh instance plus the variant's recovery after
 * a crash, as the simulator's mount does. */
#ifndef CSUMSIM_TESTS_CORE_TEST_BASELINES_UTIL_H
#define CSUMSIM_TESTS_CORE_TEST_BASELINES_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/csum.h"

#define BT_LOG 4096

struct bt_cached {
	uint64_t sector;
	uint8_t role;
	uint8_t data[CSUM_SECTOR];
};

struct bt {
	const struct csum_variant_ops *ops;
	struct csum_table t;
	struct csum_options o;
	void *ctx;
	void *job;
	uint8_t *media; /* durable contents */
	uint64_t n;
	bool cache_on;  /* false: every write is durable at once */
	struct bt_cached *cache;
	size_t n_cache, cap_cache;
	uint32_t drop_roles; /* writes "complete" but never land */
	uint32_t fail_roles; /* sub-I/Os fail with -EIO */
	bool lock_stuck;
	unsigned steps;      /* steps of the last request (or recovery) */
	uint64_t crc_bytes;  /* summed over the last request */
	size_t n_log;        /* sub-I/Os of the last request, submit order */
	struct csum_io log[BT_LOG];
	uint8_t verdict[4096];
	uint64_t now_ns;     /* the requests' simulated start time (timers) */
};

void bt_init(struct bt *b, const struct csum_variant_ops *ops, const struct csum_table *t,
	     const struct csum_options *o);
void bt_free(struct bt *b);
/* One user request; buf is count * 512 bytes. Returns its result. */
int bt_rq(struct bt *b, uint8_t op, uint64_t sector, uint32_t count, uint32_t flags,
	  uint8_t *buf);

/* Deterministic contents: sector s of version v. */
void bt_content(uint8_t *buf, uint64_t sector, uint32_t count, uint32_t version);
int bt_write(struct bt *b, uint64_t sector, uint32_t count, uint32_t version, uint32_t flags);
/* Reads and compares with bt_content(version): 1 equal, 0 different, or the
 * negative error of the read. */
int bt_read_is(struct bt *b, uint64_t sector, uint32_t count, uint32_t version);

/* Power cut: each cached sector is kept if keep(arg, index, cached) says so.
 * NULL keeps none. Then a fresh instance (init) and its recovery; returns
 * the recovery's result (0 without one). */
typedef bool (*bt_keep_fn)(void *arg, size_t index, const struct bt_cached *c);
int bt_crash(struct bt *b, bt_keep_fn keep, void *arg);
/* Durable bytes of a backing sector. */
uint8_t *bt_sec(struct bt *b, uint64_t sector);
/* Sub-I/Os in the log with this role (and kind). */
size_t bt_count_role(const struct bt *b, uint8_t kind, uint8_t role);

#endif
