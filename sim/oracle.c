#include "sim/oracle.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/csum.h"
#include "sim/content.h"

/* How many versions back a damaged sector's bytes are compared with before
 * it is called corruption: bounds the cost of the rare explicit-bytes path. */
#define ORACLE_BYTES_SCAN 64

/* A pending record's header: 2 words, then `count` versions. */
#define REC_HEADER 2u
#define REC_MAX_COUNT ((UINT32_C(1) << 24) - 1)

void oracle_init(struct oracle *o, uint64_t content_seed)
{
	memset(o, 0, sizeof(*o));
	rankmap_init(&o->sectors, sizeof(struct oracle_sector));
	wordq_init(&o->pending);
	o->content_seed = content_seed;
}

void oracle_free(struct oracle *o)
{
	wordq_free(&o->pending);
	rankmap_free(&o->sectors);
}

void oracle_prefetch(const struct oracle *o, uint64_t sector, uint32_t count)
{
	rankmap_prefetch(&o->sectors, sector, count);
}

int oracle_write_submit(struct oracle *o, uint64_t sector, uint32_t count, uint64_t *tags)
{
	oracle_prefetch(o, sector, count);
	for (uint32_t i = 0; i < count; i++) {
		struct oracle_sector *s;

		if (sector + i >= ORACLE_MAX_SECTORS)
			return -1;
		s = rankmap_put(&o->sectors, sector + i, NULL);
		if (s == NULL || s->nver >= ORACLE_MAX_VERSIONS)
			return -1;
		s->nver++;
		o->versions++;
		tags[i] = oracle_tag(sector + i, s->nver);
	}
	return 0;
}

static uint32_t tag_version(uint64_t tag)
{
	return (uint32_t)(tag >> ORACLE_SECTOR_BITS);
}

static uint64_t tag_sector(uint64_t tag)
{
	return tag & (ORACLE_MAX_SECTORS - 1);
}

int oracle_write_done(struct oracle *o, uint64_t sector, uint32_t count,
		      const uint64_t *tags, bool ok, bool fua)
{
	uint64_t records = 0;

	if (!ok)
		return 0; /* still submitted: it may have persisted, nothing promised */
	if (!fua) {
		/* room first, so that a failure changes nothing */
		records = (count + (uint64_t)REC_MAX_COUNT - 1) / REC_MAX_COUNT;
		if (wordq_reserve(&o->pending, records * REC_HEADER + count) != 0)
			return -1;
	}
	oracle_prefetch(o, sector, count);
	for (uint32_t i = 0; i < count; i++) {
		struct oracle_sector *s = rankmap_get(&o->sectors, sector + i);
		uint32_t v = tag_version(tags[i]);

		assert(s != NULL && v >= 1 && v <= s->nver);
		assert(tag_sector(tags[i]) == sector + i);
		if (v > s->done_ver)
			s->done_ver = v;
		if (fua && v > s->durable_ver)
			s->durable_ver = v;
		if (fua)
			continue;
		if (i % REC_MAX_COUNT == 0) {
			uint64_t at = sector + i;
			uint32_t n = count - i < REC_MAX_COUNT ? count - i : REC_MAX_COUNT;

			wordq_push(&o->pending, (uint32_t)at);
			wordq_push(&o->pending, (uint32_t)(at >> 32) | n << 8);
			o->records++;
		}
		wordq_push(&o->pending, v);
	}
	return 0;
}

uint64_t oracle_flush_submit(const struct oracle *o)
{
	return o->records;
}

void oracle_flush_done(struct oracle *o, uint64_t token)
{
	/* every write completed before the flush was submitted is durable */
	assert(token <= o->records);
	while (o->settled < token) {
		uint64_t at = wordq_pop(&o->pending), hi = wordq_pop(&o->pending);
		uint32_t n = (uint32_t)(hi >> 8);

		at |= (hi & 0xffu) << 32;
		for (uint32_t i = 0; i < n; i++) {
			struct oracle_sector *s = rankmap_get(&o->sectors, at + i);
			uint32_t v = wordq_pop(&o->pending);

			assert(s != NULL && v <= s->nver);
			if (v > s->durable_ver)
				s->durable_ver = v;
		}
		o->settled++;
	}
	assert(o->settled < o->records || o->pending.len == 0);
}

uint32_t oracle_read_floor(struct oracle *o, uint64_t sector)
{
	const struct oracle_sector *s = rankmap_get(&o->sectors, sector);

	return s ? s->done_ver : 0;
}

uint32_t oracle_crash_floor(struct oracle *o, uint64_t sector)
{
	const struct oracle_sector *s = rankmap_get(&o->sectors, sector);

	return s ? s->durable_ver : 0;
}

/* Which version of `sector` (if any) these bytes are, scanning down from the
 * newest; -1 when none within the scan limit. */
static int64_t version_of_bytes(const struct oracle *o, uint64_t sector, uint32_t nver,
				const uint8_t *bytes)
{
	uint8_t want[CSUM_SECTOR];
	uint32_t lowest = nver > ORACLE_BYTES_SCAN ? nver - ORACLE_BYTES_SCAN : 0;

	for (uint32_t v = nver + 1; v-- > lowest;) {
		content_fill(o->content_seed, oracle_tag(sector, v), want);
		if (memcmp(want, bytes, CSUM_SECTOR) == 0)
			return v;
	}
	return -1;
}

int oracle_classify(struct oracle *o, uint64_t sector, uint32_t floor, bool error,
		    uint64_t tag, const uint8_t *bytes)
{
	const struct oracle_sector *s = rankmap_get(&o->sectors, sector);
	uint32_t nver = s ? s->nver : 0;
	int64_t v = -1;

	if (tag != CSUM_TAG_NONE) {
		if (tag == 0)
			v = 0;
		else if (tag_sector(tag) == sector && tag_version(tag) <= nver)
			v = tag_version(tag);
	} else if (bytes != NULL) {
		v = version_of_bytes(o, sector, nver, bytes);
	}
	if (error)
		return (v >= (int64_t)floor) ? ORC_FALSE_POS : ORC_DETECTED;
	if (v < 0)
		return ORC_SILENT;
	return v >= (int64_t)floor ? ORC_CORRECT : ORC_STALE;
}

uint64_t oracle_crash_key(struct oracle *o, uint64_t sector)
{
	const struct oracle_sector *s = rankmap_get(&o->sectors, sector);

	if (s == NULL)
		return 0;
	return ((uint64_t)s->nver << 32) | s->durable_ver;
}

uint64_t *oracle_written_sectors(const struct oracle *o, uint64_t *n)
{
	*n = o->sectors.len;
	return rankmap_keys(&o->sectors);
}

uint64_t oracle_bytes(const struct oracle *o)
{
	return rankmap_bytes(&o->sectors) + wordq_bytes(&o->pending);
}
