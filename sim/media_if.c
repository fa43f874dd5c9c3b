/* The media as the fault models see it (faults/media_if.h). */
#include "sim/media_if.h"

#include "sim/content.h"

static int mi_pick(const void *m, uint64_t r, unsigned *dev, uint64_t *sector)
{
	return media_pick(m, r, dev, sector);
}

static int mi_written(const void *m, unsigned dev, uint64_t sector)
{
	return media_written(m, dev, sector);
}

static int mi_flip(void *m, unsigned dev, uint64_t sector, uint32_t bit)
{
	return media_flip_bit(m, dev, sector, bit);
}

static size_t mi_count(const void *m)
{
	return media_sectors(m);
}

static void mi_read(const void *m, unsigned dev, uint64_t sector, uint8_t *out)
{
	media_read(m, dev, sector, out);
}

static int mi_write(void *m, unsigned dev, uint64_t sector, uint64_t tag, const uint8_t *buf)
{
	return media_write(m, dev, sector, tag, buf);
}

static void mi_content(const void *m, uint64_t tag, uint8_t *out)
{
	content_fill(media_content_seed(m), tag, out);
}

static const struct fault_media_ops media_fault_ops = {
	.pick = mi_pick,
	.written = mi_written,
	.flip = mi_flip,
	.count = mi_count,
	.read = mi_read,
	.write = mi_write,
	.content = mi_content,
};

struct fault_media media_fault_if(struct media *m)
{
	struct fault_media fm = { m != NULL ? &media_fault_ops : NULL, m };

	return fm;
}
