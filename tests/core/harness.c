#include "tests/core/harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

void h_init(struct harness *h, const char *variant, const struct csum_table *t,
	    uint8_t flush_policy)
{
	struct csum_options o = { .flush_policy = flush_policy };
	const char *why = NULL;

	memset(h, 0, sizeof(*h));
	h->ops = csum_variant_find(variant);
	assert_non_null(h->ops);
	h->t = *t;
	h->ctx = calloc(1, h->ops->ctx_size);
	h->job = calloc(1, h->ops->job_size);
	assert_non_null(h->ctx);
	assert_non_null(h->job);
	assert_int_equal(h->ops->init(h->ctx, t, &o, &why), 0);
	for (unsigned d = 0; d < h->ops->n_devs; d++) {
		h->dev_n[d] = h->ops->dev_sectors(h->ctx, d);
		h->dev[d] = calloc(h->dev_n[d] ? h->dev_n[d] : 1, CSUM_SECTOR);
		assert_non_null(h->dev[d]);
		for (uint64_t s = 0; s < h->dev_n[d]; s++)
			h->ops->initial_sector(h->ctx, d, s, h->dev[d] + s * CSUM_SECTOR);
	}
}

void h_free(struct harness *h)
{
	for (unsigned d = 0; d < CSUM_MAX_DEVS; d++)
		free(h->dev[d]);
	free(h->ctx);
	free(h->job);
}

uint8_t *h_sector(struct harness *h, unsigned dev, uint64_t sector)
{
	assert_true(dev < CSUM_MAX_DEVS && sector < h->dev_n[dev]);
	return h->dev[dev] + sector * CSUM_SECTOR;
}

void h_fill(uint8_t *buf, uint32_t count, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 12345u;

	for (size_t i = 0; i < (size_t)count * CSUM_SECTOR; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)x;
	}
}

static void apply(struct harness *h, struct csum_io *io)
{
	io->error = 0;
	if (h->n_log < H_LOG)
		h->log[h->n_log++] = *io;
	if (h->fail_roles & (1u << io->role)) {
		io->error = -CSUM_EIO;
		return;
	}
	if (io->kind == CSUM_IO_FLUSH)
		return;
	/* dev_sectors() must cover every sector a variant touches */
	assert_true(io->dev < CSUM_MAX_DEVS);
	assert_true(io->sector + io->count <= h->dev_n[io->dev]);
	if (io->kind == CSUM_IO_READ) {
		memcpy(io->buf, h->dev[io->dev] + io->sector * CSUM_SECTOR,
		       (size_t)io->count * CSUM_SECTOR);
	} else if (!(h->drop_roles & (1u << io->role))) {
		memcpy(h->dev[io->dev] + io->sector * CSUM_SECTOR, io->buf,
		       (size_t)io->count * CSUM_SECTOR);
	}
}

void h_request(struct harness *h, uint8_t op, uint64_t sector, uint32_t count, uint32_t flags,
	       uint8_t *buf, struct h_result *r)
{
	struct csum_request rq = { .sector = sector, .count = count, .op = op, .flags = flags };
	uint32_t cap = csum_split_cap(count);
	struct csum_piece *pieces = calloc(cap, sizeof(*pieces));
	struct csum_split sp = { .piece = pieces, .cap = cap };
	bool failed = false;
	int last = 0;

	assert_non_null(pieces);
	memset(r, 0, sizeof(*r));
	h->n_log = 0;
	h->ops->split(h->ctx, &rq, &sp);
	r->map_result = sp.map_result;
	r->evil = sp.evil;
	r->n_pieces = sp.n_pieces;
	r->expected = sp.expected;
	if (sp.map_result != 0) {
		r->completes = true;
		r->result = sp.map_result;
		free(pieces);
		return;
	}
	for (uint32_t k = 0; k < sp.n_pieces; k++) {
		struct csum_step st;
		const struct csum_piece *p = &sp.piece[k];

		if (h->lock_stuck)
			break; /* waits for the semaphore forever */
		h->ops->start(h->ctx, h->job, &rq, p, buf ? buf + (size_t)p->offset * CSUM_SECTOR : NULL,
			      NULL, &st);
		while (st.kind == CSUM_STEP_IO) {
			assert_true(st.n_io >= 1 && st.n_io <= CSUM_STEP_MAX_IO);
			for (unsigned i = 0; i < st.n_io; i++)
				apply(h, st.io[i]);
			h->ops->resume(h->ctx, h->job, &st);
		}
		if (!st.lock_released)
			h->lock_stuck = true;
		if (st.result != 0)
			failed = true;
		last = st.result;
		if (op == CSUM_OP_READ && h->ops->verdicts(h->job) != NULL &&
		    p->offset + p->count <= sizeof(r->verdict))
			memcpy(r->verdict + p->offset, h->ops->verdicts(h->job), p->count);
		r->completed++;
	}
	r->completes = r->completed >= sp.expected;
	if (sp.evil)
		r->result = (failed || sp.error) ? -CSUM_EIO : 0;
	else
		r->result = last;
	free(pieces);
}
