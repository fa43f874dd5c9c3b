#include "fake_variant.h"

#include "sim/engine_if.h"
#include "sim/media_if.h"

#include <stdlib.h>
#include <string.h>

static void fake_sector_info(const void *ctx, unsigned dev, uint64_t sector,
			     struct csum_sector_info *out)
{
	(void)ctx;
	memset(out, 0, sizeof(*out));
	if (dev != 0)
		return;
	if (sector < 100) {
		out->kind = CSUM_SK_DATA;
		out->first = sector;
		out->count = 1;
	} else if (sector <= 103) {
		out->kind = CSUM_SK_IMD;
		out->copy = (uint8_t)((sector - 100) % 2);
		out->header_bytes = 8;
		out->first = sector < 102 ? 0 : 62;
		out->count = sector < 102 ? 62 : 38;
	} else if (sector == 104) {
		out->kind = CSUM_SK_RESERVED;
	} else if (sector == 105) {
		out->kind = CSUM_SK_JOURNAL;
	}
}

static void fake_locate(const void *ctx, uint64_t dm, struct csum_location *out)
{
	(void)ctx;
	memset(out, 0, sizeof(*out));
	out->data_dev = 0;
	out->data_sector = dm;
	out->n_meta = 2;
	out->meta_dev[0] = out->meta_dev[1] = 0;
	out->meta_sector[0] = dm < 62 ? 100 : 102;
	out->meta_sector[1] = dm < 62 ? 101 : 103;
}

const struct csum_variant_ops fake_ops = {
	.name = "fake",
	.summary = "test layout",
	.n_devs = 1,
	.sector_info = fake_sector_info,
	.locate = fake_locate,
};

void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	engine_init(&f->e);
	f->m = media_new(42, NULL, NULL);
	if (f->m == NULL)
		abort();
	f->env.clock = engine_fault_if(&f->e);
	f->env.media = media_fault_if(f->m);
	f->env.ops = &fake_ops;
	f->env.ctx = NULL;
	f->env.n_devs = 1;
	f->env.dev_sectors[0] = FAKE_DEV_SECTORS;
	f->env.dm_sectors = FAKE_DM_SECTORS;
}

void fixture_free(struct fixture *f)
{
	engine_free(&f->e);
	media_free(f->m);
	f->m = NULL;
}

struct sc_faults faults_off(void)
{
	struct sc_faults c;

	memset(&c, 0, sizeof(c));
	c.rot_burst = 1;
	c.rot_bits = 1;
	c.rot_target = SC_TARGET_ANY;
	c.lse_target = SC_TARGET_ANY;
	c.rot_at_ns = UINT64_MAX;
	c.lse_at_ns = UINT64_MAX;
	return c;
}

uint64_t fixture_tag(uint64_t sector)
{
	return 0x1000 + sector;
}

void fixture_write(struct fixture *f, uint64_t first, uint64_t count)
{
	for (uint64_t s = first; s < first + count; s++)
		if (media_write(f->m, 0, s, fixture_tag(s), NULL) != 0)
			abort();
}

unsigned bits_differ(const uint8_t *a, const uint8_t *b)
{
	unsigned n = 0;

	for (unsigned i = 0; i < CSUM_SECTOR; i++)
		for (uint8_t x = (uint8_t)(a[i] ^ b[i]); x != 0; x &= (uint8_t)(x - 1))
			n++;
	return n;
}
