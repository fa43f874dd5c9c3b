#include "tests/core/test_baselines_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void fresh_instance(struct bt *b)
{
	const char *why = NULL;

	free(b->ctx);
	free(b->job);
	b->ctx = calloc(1, b->ops->ctx_size);
	b->job = calloc(1, b->ops->job_size);
	assert_non_null(b->ctx);
	assert_non_null(b->job);
	assert_int_equal(b->ops->init(b->ctx, &b->t, &b->o, &why), 0);
	b->lock_stuck = false;
}

void bt_init(struct bt *b, const struct csum_variant_ops *ops, const struct csum_table *t,
	     const struct csum_options *o)
{
	memset(b, 0, sizeof(*b));
	b->ops = ops;
	b->t = *t;
	b->o = *o;
	fresh_instance(b);
	assert_int_equal(ops->n_devs, 1);
	assert_int_equal(ops->dev_sectors(b->ctx, CSUM_DEV_IMD), 0);
	b->n = ops->dev_sectors(b->ctx, CSUM_DEV_DATA);
	b->media = calloc(b->n, CSUM_SECTOR);
	assert_non_null(b->media);
	for (uint64_t s = 0; s < b->n; s++)
		ops->initial_sector(b->ctx, CSUM_DEV_DATA, s, b->media + s * CSUM_SECTOR);
}

void bt_free(struct bt *b)
{
	free(b->ctx);
	free(b->job);
	free(b->media);
	free(b->cache);
}

uint8_t *bt_sec(struct bt *b, uint64_t sector)
{
	assert_true(sector < b->n);
	return b->media + sector * CSUM_SECTOR;
}

static struct bt_cached *cached(struct bt *b, uint64_t sector)
{
	for (size_t i = 0; i < b->n_cache; i++)
		if (b->cache[i].sector == sector)
			return &b->cache[i];
	return NULL;
}

static void persist_all(struct bt *b)
{
	for (size_t i = 0; i < b->n_cache; i++)
		memcpy(bt_sec(b, b->cache[i].sector), b->cache[i].data, CSUM_SECTOR);
	b->n_cache = 0;
}

static void uncache(struct bt *b, uint64_t sector)
{
	struct bt_cached *c = cached(b, sector);

	if (c != NULL)
		*c = b->cache[--b->n_cache];
}

static void write_sector(struct bt *b, uint64_t sector, const uint8_t *data, uint8_t role,
			 bool durable)
{
	struct bt_cached *c;

	if (durable || !b->cache_on) {
		uncache(b, sector);
		memcpy(bt_sec(b, sector), data, CSUM_SECTOR);
		return;
	}
	c = cached(b, sector); /* a newer write replaces the cached line */
	if (c == NULL) {
		if (b->n_cache == b->cap_cache) {
			b->cap_cache = b->cap_cache ? 2 * b->cap_cache : 256;
			b->cache = realloc(b->cache, b->cap_cache * sizeof(*b->cache));
			assert_non_null(b->cache);
		}
		c = &b->cache[b->n_cache++];
		c->sector = sector;
	}
	c->role = role;
	memcpy(c->data, data, CSUM_SECTOR);
}

static void apply(struct bt *b, struct csum_io *io)
{
	io->error = 0;
	if (b->n_log < BT_LOG)
		b->log[b->n_log++] = *io;
	if (b->fail_roles & (1u << io->role)) {
		io->error = -CSUM_EIO;
		return;
	}
	assert_int_equal(io->dev, CSUM_DEV_DATA);
	if (io->flags & CSUM_IOF_PREFLUSH)
		persist_all(b);
	if (io->kind == CSUM_IO_FLUSH) {
		persist_all(b);
		return;
	}
	assert_non_null(io->buf);
	assert_true(io->count >= 1 && io->sector + io->count <= b->n);
	for (uint32_t i = 0; i < io->count; i++) {
		uint64_t s = io->sector + i;
		uint8_t *p = io->buf + (size_t)i * CSUM_SECTOR;

		if (io->kind == CSUM_IO_READ) {
			const struct bt_cached *c = cached(b, s);

			memcpy(p, c ? c->data : bt_sec(b, s), CSUM_SECTOR);
			if (io->tags != NULL)
				io->tags[i] = CSUM_TAG_NONE;
		} else if (!(b->drop_roles & (1u << io->role))) {
			write_sector(b, s, p, io->role, (io->flags & CSUM_IOF_FUA) != 0);
		}
	}
}

static void run_steps(struct bt *b, struct csum_step *st)
{
	while (st->kind == CSUM_STEP_IO) {
		assert_true(st->n_io >= 1 && st->n_io <= CSUM_STEP_MAX_IO);
		b->crc_bytes += st->crc_bytes;
		b->steps++;
		for (unsigned i = 0; i < st->n_io; i++)
			apply(b, st->io[i]);
		memset(st, 0, sizeof(*st));
		b->ops->resume(b->ctx, b->job, st);
	}
	b->crc_bytes += st->crc_bytes;
}

int bt_rq(struct bt *b, uint8_t op, uint64_t sector, uint32_t count, uint32_t flags,
	  uint8_t *buf)
{
	struct csum_request rq = { .sector = sector, .count = count, .op = op, .flags = flags,
				   .now_ns = b->now_ns };
	uint32_t cap = csum_split_cap(count);
	struct csum_piece *pieces = calloc(cap, sizeof(*pieces));
	struct csum_split sp = { .piece = pieces, .cap = cap };
	int result = 0;

	assert_non_null(pieces);
	b->n_log = 0;
	b->steps = 0;
	b->crc_bytes = 0;
	memset(b->verdict, 0, sizeof(b->verdict));
	if (b->ops->split(b->ctx, &rq, &sp) != 0) {
		free(pieces);
		return sp.map_result;
	}
	assert_int_equal(sp.expected, sp.n_pieces); /* baselines never hang a request */
	for (uint32_t k = 0; k < sp.n_pieces; k++) {
		const struct csum_piece *p = &sp.piece[k];
		struct csum_step st;

		assert_false(b->lock_stuck);
		memset(&st, 0, sizeof(st));
		b->ops->start(b->ctx, b->job, &rq, p, buf ? buf + (size_t)p->offset * CSUM_SECTOR : NULL,
			      NULL, &st);
		run_steps(b, &st);
		assert_int_equal(st.kind, CSUM_STEP_DONE);
		if (!st.lock_released)
			b->lock_stuck = true;
		if (st.result != 0 && result == 0)
			result = st.result;
		if (op == CSUM_OP_READ) {
			const uint8_t *v = b->ops->verdicts(b->job);

			assert_non_null(v);
			if (p->offset + p->count <= sizeof(b->verdict))
				memcpy(b->verdict + p->offset, v, p->count);
		}
	}
	free(pieces);
	return result;
}

void bt_content(uint8_t *buf, uint64_t sector, uint32_t count, uint32_t version)
{
	for (uint32_t i = 0; i < count; i++) {
		uint32_t x = (uint32_t)(sector + i) * 2654435761u + version * 40503u + 1u;

		for (size_t k = 0; k < CSUM_SECTOR; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			buf[(size_t)i * CSUM_SECTOR + k] = version == 0 ? 0 : (uint8_t)x;
		}
	}
}

int bt_write(struct bt *b, uint64_t sector, uint32_t count, uint32_t version, uint32_t flags)
{
	uint8_t *buf = malloc((size_t)count * CSUM_SECTOR);
	int r;

	assert_non_null(buf);
	bt_content(buf, sector, count, version);
	r = bt_rq(b, CSUM_OP_WRITE, sector, count, flags, buf);
	free(buf);
	return r;
}

int bt_read_is(struct bt *b, uint64_t sector, uint32_t count, uint32_t version)
{
	uint8_t *buf = malloc((size_t)count * CSUM_SECTOR);
	uint8_t *want = malloc((size_t)count * CSUM_SECTOR);
	int r;

	assert_non_null(buf);
	assert_non_null(want);
	r = bt_rq(b, CSUM_OP_READ, sector, count, 0, buf);
	bt_content(want, sector, count, version);
	if (r == 0)
		r = memcmp(buf, want, (size_t)count * CSUM_SECTOR) == 0;
	free(buf);
	free(want);
	return r;
}

int bt_crash(struct bt *b, bt_keep_fn keep, void *arg)
{
	struct csum_step st;

	for (size_t i = 0; i < b->n_cache; i++)
		if (keep != NULL && keep(arg, i, &b->cache[i]))
			memcpy(bt_sec(b, b->cache[i].sector), b->cache[i].data, CSUM_SECTOR);
	b->n_cache = 0;
	fresh_instance(b);
	b->n_log = 0;
	b->steps = 0;
	b->crc_bytes = 0;
	if (b->ops->recover_start == NULL)
		return 0;
	memset(&st, 0, sizeof(st));
	b->ops->recover_start(b->ctx, b->job, &st);
	run_steps(b, &st);
	assert_int_equal(st.kind, CSUM_STEP_DONE);
	return st.result;
}

size_t bt_count_role(const struct bt *b, uint8_t kind, uint8_t role)
{
	size_t n = 0;

	for (size_t i = 0; i < b->n_log; i++)
		if (b->log[i].kind == kind && b->log[i].role == role)
			n++;
	return n;
}
