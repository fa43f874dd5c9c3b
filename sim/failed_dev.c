#include "sim/failed_dev.h"

#include <assert.h>
#include <string.h>

#include "core/baseline_util.h"

struct failed_job {
	struct csum_io io;
};

static int fd_split(void *ctx, const struct csum_request *rq, struct csum_split *out)
{
	struct failed_dev *fd = ctx;

	return fd->real->split(fd->ctx, rq, out);
}

static uint64_t fd_lock_key(const void *ctx, const struct csum_piece *p)
{
	const struct failed_dev *fd = ctx;

	return fd->real->lock_key(fd->ctx, p);
}

static void fail_now(struct csum_step *out)
{
	bu_step_done(out, -CSUM_EIO, "the device failed in its recovery step");
}

static void fd_start(void *ctx, void *job, const struct csum_request *rq,
		     const struct csum_piece *p, uint8_t *buf, uint64_t *tags,
		     struct csum_step *out)
{
	struct failed_dev *fd = ctx;
	struct failed_job *j = job;
	struct csum_location loc;

	if (rq->op != CSUM_OP_READ) {
		fail_now(out);
		return;
	}
	/* the piece lies inside one data extent: every variant splits there */
	fd->real->locate(fd->ctx, p->sector, &loc);
#ifndef NDEBUG
	{
		struct csum_location last;

		fd->real->locate(fd->ctx, p->sector + p->count - 1, &last);
		assert(p->count >= 1 && last.data_dev == loc.data_dev &&
		       last.data_sector == loc.data_sector + p->count - 1);
	}
#endif
	j->io = (struct csum_io){ .kind = CSUM_IO_READ, .dev = loc.data_dev,
				  .role = CSUM_ROLE_DATA_READ, .sector = loc.data_sector,
				  .count = p->count, .buf = buf, .tags = tags };
	out->kind = CSUM_STEP_IO;
	out->n_io = 1;
	out->io[0] = &j->io;
	out->result = 0;
	out->lock_released = false;
	out->why = NULL;
}

static void fd_resume(void *ctx, void *job, struct csum_step *out)
{
	(void)ctx, (void)job;
	fail_now(out);
}

void failed_dev_init(struct failed_dev *fd, const struct csum_variant_ops *real, void *ctx)
{
	/* the host hands each piece a job of ops.job_size bytes */
	assert(real->job_size >= sizeof(struct failed_job));
	memset(fd, 0, sizeof(*fd));
	fd->ops = *real;
	fd->ops.split = fd_split;
	fd->ops.lock_key = real->lock_key != NULL ? fd_lock_key : NULL;
	fd->ops.start = fd_start;
	fd->ops.resume = fd_resume;
	fd->ops.verdicts = NULL;
	fd->ops.recover_start = NULL;
	fd->real = real;
	fd->ctx = ctx;
}
