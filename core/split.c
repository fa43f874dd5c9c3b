#include "core/split.h"

#include <assert.h>

#include "core/geometry.h"
#include "core/points.h"

#define SPI GEO_SECTORS_PER_IMD

bool split_bio_is_evil(const struct csum_table *t, uint64_t sector, uint32_t count)
{
	uint64_t first = geo_map_data_same(t, sector);
	uint64_t last = geo_map_data_same(t, sector + count - 1);
	/* bio_sectors(bio) - 1 is unsigned int, zero-extended to sector_t */
	uint64_t want = (uint32_t)(count - 1u);

	return (last - first) != want;
}

static uint64_t div_up(uint64_t n)
{
	/* dm_sector_div_up(n, 62), wrapping like sector_t */
	return (n + (SPI - 1)) / SPI;
}

void split_arith(uint64_t sector, uint32_t count, struct split_arith *a)
{
	a->first = sector;
	a->last = sector + count;
	a->prelude = div_up(a->first) * SPI - a->first;
	a->postlude = a->last - (div_up(a->last) - 1) * SPI;
	a->nmiddle = (uint32_t)(((a->last - a->postlude) - (a->first + a->prelude)) / SPI);
	a->expected = 1u + a->nmiddle + 1u;
}

static void refuse(struct csum_split *out, int err)
{
	out->map_result = err;
	out->n_pieces = 0;
	out->expected = 0;
	out->error = false;
}

/* A piece the RFC would queue must lie inside the request for the simulator
 * to hand it the user's buffer. */
static bool piece_fits(const struct split_arith *a, uint64_t start, uint64_t size)
{
	uint64_t count = a->last - a->first;

	return size >= 1 && start - a->first <= count && size <= count - (start - a->first);
}

/* fiu_fail(point) when the run may have enabled points (see
 * csum_options.no_fault_points), else 0 without asking. */
static bool ask(bool points, const char *point)
{
	return points && fiu_fail(point);
}

static void split_body(const struct csum_table *t, uint64_t sector, uint32_t count, bool points,
		       struct csum_split *out)
{
	struct split_arith a;
	uint64_t total, start[3], size[3];

	csum_split_reset(out);
	if (count == 0 || out->cap == 0) {
		/* dm never maps an empty READ/WRITE into a target */
		refuse(out, -CSUM_EINVAL);
		return;
	}

	out->evil = split_bio_is_evil(t, sector, count);
	if (!out->evil) {
		if (ask(points, P_QUEUE_NICE_KMALLOC)) {
			refuse(out, -CSUM_ENOMEM);
			return;
		}
		out->piece[0] = (struct csum_piece){ .sector = sector, .count = count, .offset = 0 };
		out->n_pieces = 1;
		out->expected = 1;
		return;
	}

	if (ask(points, P_EVIL_KMALLOC)) {
		refuse(out, -CSUM_ENOMEM);
		return;
	}
	split_arith(sector, count, &a);
	out->prelude = a.prelude;
	out->postlude = a.postlude;
	out->nmiddle = a.nmiddle;

	/* Check every piece before queueing any (the RFC would loop on). */
	total = (a.prelude != 0) + (uint64_t)a.nmiddle + 1u;
	start[0] = a.first;
	size[0] = a.prelude;
	start[1] = a.first + a.prelude;
	size[1] = SPI;
	start[2] = a.last - a.postlude;
	size[2] = a.postlude;
	if (total > out->cap || (a.prelude && !piece_fits(&a, start[0], size[0])) ||
	    (a.nmiddle && !piece_fits(&a, start[1], (uint64_t)a.nmiddle * SPI)) ||
	    !piece_fits(&a, start[2], size[2])) {
		refuse(out, -CSUM_EINVAL);
		return;
	}

	out->expected = a.expected;
	for (uint64_t k = 0; k < total; k++) {
		bool is_prelude = a.prelude && k == 0;
		bool is_post = k == total - 1;
		uint64_t s, n;

		if (is_prelude) {
			s = start[0];
			n = size[0];
		} else if (is_post) {
			s = start[2];
			n = size[2];
		} else {
			s = start[1] + (k - (a.prelude != 0)) * SPI;
			n = SPI;
		}
		if (ask(points, P_PREPARE_NICE_CLONE)) {
			if (is_prelude) {
				/* the prelude's failure frees peb and returns -ENOMEM */
				refuse(out, -CSUM_ENOMEM);
				return;
			}
			goto prepare_error;
		}
		if (ask(points, P_QUEUE_NICE_KMALLOC))
			goto prepare_error;
		/* checked above: total <= cap and every piece fits, at most one group */
		assert(out->n_pieces < out->cap && n >= 1 && n <= SPI);
		out->piece[out->n_pieces++] = (struct csum_piece){
			.sector = s, .count = (uint32_t)n, .offset = (uint32_t)(s - a.first)
		};
	}
	return;

prepare_error:
	/* atomic_sub(expected - submitted): only the queued pieces remain */
	out->expected -= out->expected - out->n_pieces;
	out->error = true;
	if (out->expected == 0)
		refuse(out, -CSUM_ENOMEM);
}

void split_rfc_points(const struct csum_table *t, uint64_t sector, uint32_t count, bool points,
		      struct csum_split *out)
{
	split_body(t, sector, count, points, out);
	/* the refusals above keep every queued piece inside the request */
	csum_split_check(sector, count, out);
	assert(!out->evil || out->map_result != 0 || out->error ||
	       out->expected == out->nmiddle + 2u); /* handle_evil_bio(): 1 + nmiddle + 1 */
}

void split_rfc(const struct csum_table *t, uint64_t sector, uint32_t count,
	       struct csum_split *out)
{
	split_rfc_points(t, sector, count, true, out);
}

void split_bvec(const uint32_t *bv_len, uint32_t n, uint64_t piece_off,
		uint64_t piece_sectors, struct split_bvec_cut *out)
{
	/* advance and sofar are ints in the RFC; the comparison and the length
	 * are computed in unsigned int against bv_len and bi_size. */
	int advance = (int)(uint32_t)(piece_off * 512u);
	int sofar = 0;
	uint32_t bi_size = (uint32_t)(piece_sectors * 512u);
	uint32_t seg, needed, sectors;

	for (seg = 0; seg < n; seg++) {
		if ((uint32_t)sofar + bv_len[seg] > (uint32_t)advance)
			break;
		sofar += (int)bv_len[seg];
	}
	out->idx = seg;
	out->off_end = seg >= n;
	if (out->off_end) {
		/* bio_iovec() is bi_io_vec[bi_vcnt]: nothing defined to report */
		out->offset = out->len = out->correct_len = 0;
		out->past_page = true;
		out->crc_writes = 0;
		out->crc_overrun = false;
		return;
	}
	out->offset = (uint32_t)(advance - sofar);
	{
		uint32_t buggy = bv_len[seg] - (uint32_t)advance - (uint32_t)sofar;
		uint32_t right = bv_len[seg] - (uint32_t)(advance - sofar);

		out->len = buggy < bi_size ? buggy : bi_size;
		out->correct_len = right < bi_size ? right : bi_size;
	}
	out->past_page = (uint64_t)out->offset + out->len > bv_len[seg];

	/* crc_sectors_from_bio(): per bvec, whole 512-byte runs feed crcs; the
	 * outer loop goes on to bi_vcnt whatever `sectors` says. */
	out->crc_writes = 0;
	needed = 512;
	sectors = (uint32_t)piece_sectors;
	for (uint32_t i = seg; i < n; i++) {
		uint32_t left = i == seg ? out->len : bv_len[i];

		for (;;) {
			uint32_t take = left < needed ? left : needed;

			needed -= take;
			left -= take;
			if (needed)
				break;
			sectors--;
			out->crc_writes++;
			needed = 512;
			if (!(left && sectors))
				break;
		}
	}
	out->crc_overrun = out->crc_writes > piece_sectors;
}
