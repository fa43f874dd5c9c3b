#include "disk_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

void tf_defaults(struct sc_disk *p, uint8_t profile)
{
	sc_disk_defaults(p);
	p->profile = profile;
	p->cache.enabled = false;
}

struct tfix *tf_new(const struct sc_disk *p, uint64_t sectors, const struct fault_hooks *h)
{
	struct tfix *f = calloc(1, sizeof(*f));
	struct cs_err err;

	assert_non_null(f);
	engine_init(&f->e);
	f->p = *p;
	f->sectors = sectors;
	f->m = media_new(1, NULL, NULL);
	assert_non_null(f->m);
	f->d = disk_new(&f->e, &f->p, f->m, 0, sectors, h, &err);
	if (f->d == NULL)
		fail_msg("disk_new: %s", err.msg);
	return f;
}

void tf_free(struct tfix *f)
{
	disk_free(f->d);
	media_free(f->m);
	engine_free(&f->e);
	free(f);
}

static void on_done(void *arg, struct disk_req *r)
{
	struct treq *t = arg;

	assert_ptr_equal(&t->r, r);
	assert_int_equal(t->completed, 0);
	t->completed = 1;
	t->f->order[t->f->n_done++] = t;
}

static struct treq *next_req(struct tfix *f, uint8_t kind, uint64_t sector, uint32_t count,
			     uint32_t flags)
{
	struct treq *t;

	assert_true(f->n_req < TF_MAX_REQ);
	assert_true(count <= TF_MAX_SECT);
	t = &f->req[f->n_req++];
	memset(t, 0, sizeof(*t));
	t->f = f;
	t->r.kind = kind;
	t->r.flags = flags;
	t->r.sector = sector;
	t->r.count = count;
	t->r.buf = t->buf;
	t->r.tags = t->tags;
	t->r.done = on_done;
	t->r.arg = t;
	return t;
}

struct treq *tf_write(struct tfix *f, uint64_t sector, uint32_t count, uint64_t tag0,
		      uint32_t flags)
{
	struct treq *t = next_req(f, CSUM_IO_WRITE, sector, count, flags);

	for (uint32_t i = 0; i < count; i++) {
		t->tags[i] = tag0 == CSUM_TAG_NONE ? CSUM_TAG_NONE : tag0 + i;
		if (tag0 == CSUM_TAG_NONE)
			memset(t->buf + (size_t)i * CSUM_SECTOR, (int)(0x40 + i), CSUM_SECTOR);
	}
	disk_submit(f->d, &t->r);
	return t;
}

struct treq *tf_read(struct tfix *f, uint64_t sector, uint32_t count)
{
	struct treq *t = next_req(f, CSUM_IO_READ, sector, count, 0);

	for (uint32_t i = 0; i < count; i++)
		t->tags[i] = 0xdeadbeef;
	disk_submit(f->d, &t->r);
	return t;
}

struct treq *tf_flush(struct tfix *f, uint32_t flags)
{
	struct treq *t = next_req(f, CSUM_IO_FLUSH, 0, 0, flags);

	t->r.buf = NULL;
	t->r.tags = NULL;
	disk_submit(f->d, &t->r);
	return t;
}

void tf_run(struct tfix *f)
{
	while (engine_step(&f->e))
		;
}

void tf_crash(struct tfix *f)
{
	engine_clear(&f->e);
	disk_crash(f->d);
}

int tf_done_pos(const struct tfix *f, const struct treq *r)
{
	for (unsigned i = 0; i < f->n_done; i++)
		if (f->order[i] == r)
			return (int)i;
	return -1;
}

uint64_t tf_read_tag(struct tfix *f, uint64_t sector)
{
	struct treq *t = tf_read(f, sector, 1);

	tf_run(f);
	assert_true(t->completed);
	assert_int_equal(t->r.error, 0);
	return t->tags[0];
}
