#include "core/baseline_util.h"

#include <assert.h>
#include <string.h>

#include "core/crc_ccitt.h"

#define BU_LIMIT (UINT64_C(1) << 56) /* keeps every layout sum far from wrapping */

int bu_table_check(const struct csum_table *t, const char *variant_needs_same, const char **why)
{
	if (t->placement != CSUM_PLACE_SAME) {
		*why = variant_needs_same;
		return -1;
	}
	if (t->len == 0) {
		*why = "the table has no data sectors (len 0)";
		return -1;
	}
	if (t->len >= BU_LIMIT || t->data_start >= BU_LIMIT || t->begin >= BU_LIMIT) {
		*why = "begin, len or data offset is 2^56 sectors or more";
		return -1;
	}
	return 0;
}

uint64_t bu_groups(uint64_t len)
{
	return len / BU_GROUP + (len % BU_GROUP != 0);
}

uint64_t bu_home_sectors(uint64_t len)
{
	uint64_t rem = len % BU_GROUP;

	return (len / BU_GROUP) * BU_STRIDE + (rem ? rem + 1u : 0u);
}

uint32_t bu_group_count(const struct bu_home *h, uint64_t g)
{
	uint64_t left = h->len - g * BU_GROUP;

	assert(g < bu_groups(h->len)); /* a group of the home area */
	return left < BU_GROUP ? (uint32_t)left : BU_GROUP;
}

uint64_t bu_imd_sector(const struct bu_home *h, uint64_t g)
{
	return h->base + g * BU_STRIDE;
}

uint64_t bu_data_sector(const struct bu_home *h, uint64_t rel)
{
	return bu_imd_sector(h, rel / BU_GROUP) + 1u + rel % BU_GROUP;
}

uint16_t bu_get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

void bu_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

uint32_t bu_get_le32(const uint8_t *p)
{
	return (uint32_t)bu_get_le16(p) | ((uint32_t)bu_get_le16(p + 2) << 16);
}

void bu_put_le32(uint8_t *p, uint32_t v)
{
	bu_put_le16(p, (uint16_t)v);
	bu_put_le16(p + 2, (uint16_t)(v >> 16));
}

uint64_t bu_get_le64(const uint8_t *p)
{
	return (uint64_t)bu_get_le32(p) | ((uint64_t)bu_get_le32(p + 4) << 32);
}

void bu_put_le64(uint8_t *p, uint64_t v)
{
	bu_put_le32(p, (uint32_t)v);
	bu_put_le32(p + 4, (uint32_t)(v >> 32));
}

void bu_imd_format(uint8_t sec[CSUM_SECTOR], uint64_t g)
{
	memset(sec, 0, CSUM_SECTOR);
	bu_put_le32(sec, BU_MAGIC);
	bu_put_le32(sec + 4, (uint32_t)g);
}

bool bu_imd_header_ok(const uint8_t *sec, uint64_t g)
{
	return bu_get_le32(sec) == BU_MAGIC && bu_get_le32(sec + 4) == (uint32_t)g;
}

uint16_t bu_tuple(const uint8_t *sec, uint32_t i)
{
	assert(i < BU_GROUP); /* 62 tuples, then the 8 trailing zero bytes */
	return bu_get_le16(sec + BU_HDR + 8u * i);
}

void bu_set_tuple(uint8_t *sec, uint32_t i, uint16_t crc)
{
	assert(i < BU_GROUP);
	bu_put_le16(sec + BU_HDR + 8u * i, crc);
}

void bu_home_info(const struct bu_home *h, uint64_t rel, struct csum_sector_info *out)
{
	uint64_t g = rel / BU_STRIDE, k = rel % BU_STRIDE;

	memset(out, 0, sizeof(*out));
	if (rel >= bu_home_sectors(h->len))
		return;
	if (k == 0) {
		out->kind = CSUM_SK_IMD;
		out->header_bytes = BU_HDR;
		out->first = h->begin + g * BU_GROUP;
		out->count = bu_group_count(h, g);
	} else {
		out->kind = CSUM_SK_DATA;
		out->first = h->begin + g * BU_GROUP + (k - 1u);
		out->count = 1;
	}
	/* inside the home area, every sector serves dm sectors of the table */
	assert(out->count >= 1 && out->count <= BU_GROUP);
	assert(out->first >= h->begin && out->first - h->begin + out->count <= h->len);
}

void bu_home_locate(const struct bu_home *h, uint64_t dm, struct csum_location *out)
{
	uint64_t rel = dm - h->begin;

	assert(dm >= h->begin && rel < h->len); /* a dm sector of the table */
	memset(out, 0, sizeof(*out));
	out->data_dev = CSUM_DEV_DATA;
	out->data_sector = bu_data_sector(h, rel);
	out->n_meta = 1;
	out->meta_dev[0] = CSUM_DEV_DATA;
	out->meta_sector[0] = bu_imd_sector(h, rel / BU_GROUP);
	/* the data sits in its group's stride, right after the checksum sector */
	assert(out->data_sector > out->meta_sector[0] &&
	       out->data_sector - out->meta_sector[0] <= BU_GROUP);
}

int bu_split_flush(const struct csum_request *rq, struct csum_split *out)
{
	if (out->cap < 1) {
		out->map_result = -CSUM_EINVAL;
		return out->map_result;
	}
	out->piece[0] = (struct csum_piece){ .sector = rq->sector };
	out->n_pieces = out->expected = 1;
	return 0;
}

int bu_split_cut(const struct csum_request *rq, uint64_t begin, uint64_t boundary,
		 struct csum_split *out)
{
	uint64_t rel = rq->sector - begin, end = rel + rq->count;

	assert(boundary > 0 && rq->sector >= begin);
	while (rel < end) {
		uint64_t stop = (rel / boundary + 1u) * boundary;

		if (stop > end)
			stop = end;
		assert(stop > rel && stop - rel <= boundary); /* one boundary's worth */
		if (out->n_pieces == out->cap) {
			/* csum_split_cap() is always enough; refuse rather than overrun */
			csum_split_reset(out);
			out->map_result = -CSUM_EINVAL;
			return out->map_result;
		}
		out->piece[out->n_pieces++] = (struct csum_piece){
			.sector = begin + rel,
			.count = (uint32_t)(stop - rel),
			.offset = (uint32_t)(begin + rel - rq->sector),
		};
		rel = stop;
	}
	assert(rel == end); /* the pieces cover the request */
	out->expected = out->n_pieces;
	return 0;
}

static int split_body(const struct bu_home *h, const struct csum_request *rq,
		      struct csum_split *out)
{
	csum_split_reset(out);
	if (rq->op == CSUM_OP_DISCARD)
		return 0; /* nothing to do: the old data and its checksums stay */
	if (rq->op == CSUM_OP_FLUSH)
		return bu_split_flush(rq, out);
	if ((rq->op != CSUM_OP_READ && rq->op != CSUM_OP_WRITE) || rq->count == 0 ||
	    rq->sector < h->begin || rq->sector - h->begin > h->len ||
	    rq->count > h->len - (rq->sector - h->begin)) {
		out->map_result = -CSUM_EINVAL;
		return out->map_result;
	}
	return bu_split_cut(rq, h->begin, BU_GROUP, out);
}

int bu_split(const struct bu_home *h, const struct csum_request *rq, struct csum_split *out)
{
	int r = split_body(h, rq, out);

	csum_split_check(rq->sector, rq->op == CSUM_OP_FLUSH ? 0 : rq->count, out);
	/* one piece per group touched, none crossing a group boundary */
	assert(out->n_pieces == 0 || rq->op == CSUM_OP_FLUSH ||
	       bu_piece_group(h, &out->piece[0]) ==
		       (out->piece[0].sector + out->piece[0].count - 1u - h->begin) / BU_GROUP);
	return r;
}

uint64_t bu_piece_group(const struct bu_home *h, const struct csum_piece *p)
{
	if (p->count == 0 || p->sector < h->begin)
		return 0;
	return (p->sector - h->begin) / BU_GROUP;
}

uint32_t bu_write_flags(uint32_t rq)
{
	return ((rq & CSUM_RQ_FUA) ? CSUM_IOF_FUA : 0u) | bu_read_flags(rq);
}

uint32_t bu_read_flags(uint32_t rq)
{
	return ((rq & CSUM_RQ_SYNC) ? CSUM_IOF_SYNC : 0u) |
	       ((rq & CSUM_RQ_META) ? CSUM_IOF_META : 0u);
}

void bu_ios_reset(struct bu_ios *s)
{
	s->n = 0;
}

struct csum_io *bu_ios_add(struct bu_ios *s, uint8_t kind, uint8_t role, uint32_t flags,
			   uint64_t sector, uint32_t count, uint8_t *buf, uint64_t *tags)
{
	struct csum_io *io;

	assert(s->n < CSUM_STEP_MAX_IO); /* a step never holds more than its array */
	io = &s->io[s->n++];

	*io = (struct csum_io){ .kind = kind, .dev = CSUM_DEV_DATA, .role = role,
				.flags = flags, .sector = sector, .count = count, .buf = buf,
				.tags = tags };
	return io;
}

bool bu_ios_failed(const struct bu_ios *s)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->io[i].error != 0)
			return true;
	return false;
}

void bu_step_io(struct bu_ios *s, struct csum_step *out)
{
	/* an empty IO step would never resume; more would not fit out->io */
	assert(s->n >= 1 && s->n <= CSUM_STEP_MAX_IO);
	out->kind = CSUM_STEP_IO;
	out->n_io = s->n;
	for (unsigned i = 0; i < s->n; i++)
		out->io[i] = &s->io[i];
	out->result = 0;
	out->lock_released = false;
	out->why = NULL;
}

void bu_step_done(struct csum_step *out, int result, const char *why)
{
	assert(result <= 0); /* 0 or a negative errno */
	out->kind = CSUM_STEP_DONE;
	out->n_io = 0;
	out->result = result;
	out->lock_released = true;
	out->why = result != 0 ? why : NULL;
}

void bu_crcs(const uint8_t *buf, uint32_t count, uint16_t *crc)
{
	for (uint32_t i = 0; i < count; i++)
		crc[i] = crc_ccitt(0, buf + (size_t)i * CSUM_SECTOR, CSUM_SECTOR);
}

void bu_imd_update(uint8_t *imd, uint64_t g, uint32_t idx0, uint32_t count,
		   const uint16_t *crc)
{
	/* the tuples of one group: a piece never crosses a group */
	assert(idx0 <= BU_GROUP && count <= BU_GROUP - idx0);
	if (!bu_imd_header_ok(imd, g)) {
		bu_put_le32(imd, BU_MAGIC);
		bu_put_le32(imd + 4, (uint32_t)g);
	}
	for (uint32_t i = 0; i < count; i++)
		bu_set_tuple(imd, idx0 + i, crc[i]);
}

uint16_t bu_seal_crc(const uint8_t *sec)
{
	static const uint8_t zero[2];
	uint16_t crc = crc_ccitt(0, sec, 4);

	crc = crc_ccitt(crc, zero, 2);
	return crc_ccitt(crc, sec + 6, CSUM_SECTOR - 6);
}

uint64_t bu_ops_dev_sectors(const void *ctx, unsigned dev)
{
	const struct bu_home *h = ctx;

	return dev == CSUM_DEV_DATA ? h->base + bu_home_sectors(h->len) : 0;
}

void bu_ops_locate(const void *ctx, uint64_t dm, struct csum_location *out)
{
	bu_home_locate(ctx, dm, out);
}

int bu_ops_split(void *ctx, const struct csum_request *rq, struct csum_split *out)
{
	return bu_split(ctx, rq, out);
}

uint64_t bu_ops_lock_group(const void *ctx, const struct csum_piece *p)
{
	return bu_piece_group(ctx, p);
}

uint64_t bu_ops_lock_one(const void *ctx, const struct csum_piece *p)
{
	(void)ctx;
	(void)p;
	return 0;
}
