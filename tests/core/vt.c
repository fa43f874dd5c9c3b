#include "tests/core/vt.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct csum_table vt_table(uint8_t placement, uint64_t len, uint64_t begin, uint64_t off)
{
	struct csum_table t = { .begin = begin, .len = len, .data_start = off, .imd_start = off,
				.placement = placement };
	return t;
}

int vt_write(struct harness *h, uint64_t s, uint32_t count, uint32_t seed, uint8_t *buf)
{
	uint8_t *b = buf ? buf : malloc((size_t)count * CSUM_SECTOR);
	struct h_result r;

	assert_non_null(b);
	h_fill(b, count, seed);
	h_request(h, CSUM_OP_WRITE, s, count, 0, b, &r);
	if (!buf)
		free(b);
	return r.result;
}

int vt_read(struct harness *h, uint64_t s, uint32_t count, uint8_t *out, struct h_result *r)
{
	struct h_result mine;

	h_request(h, CSUM_OP_READ, s, count, 0, out, r ? r : &mine);
	return r ? r->result : mine.result;
}

uint8_t *vt_imd(struct harness *h, uint64_t dm, unsigned c)
{
	struct csum_location l;

	h->ops->locate(h->ctx, dm, &l);
	assert_true(c < l.n_meta);
	return h_sector(h, l.meta_dev[c], l.meta_sector[c]);
}

uint8_t *vt_data(struct harness *h, uint64_t dm)
{
	struct csum_location l;

	h->ops->locate(h->ctx, dm, &l);
	return h_sector(h, l.data_dev, l.data_sector);
}
