#include "sim/recovery_world.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static size_t ctx_size(const struct world *w)
{
	return w->ops->ctx_size ? w->ops->ctx_size : 1;
}

/* Gives w the replay's parts back (the recovery's freed). */
static void put_back(struct world *w, struct rworld *rw)
{
	host_free(w->host);
	w->host = rw->host;
	for (unsigned i = 0; i < w->n_devs; i++) {
		if (w->disk[i] != rw->disk[i])
			disk_free(w->disk[i]);
		w->disk[i] = rw->disk[i];
	}
	engine_free(&w->engine);
	w->engine = rw->engine;
	if (rw->ctx != NULL)
		memcpy(w->ctx, rw->ctx, ctx_size(w));
	free(rw->ctx);
	rw->ctx = NULL;
	w->fs = rw->fs;
	w->fiu_enabled = rw->fiu_enabled;
	rw->on = false;
}

int rworld_enter(struct world *w, struct rworld *rw, uint64_t now, struct cs_err *err)
{
	memset(rw, 0, sizeof(*rw));
	/* libfiu's points are process-wide: the recovery would draw from the
	 * replay's streams (a forked child turns them off instead) */
	assert(w->sc->n_fiu == 0);
	assert(now >= w->engine.now); /* time never runs back */
#ifndef NDEBUG
	rw->media_digest = media_digest(w->media);
	rw->oracle_digest = oracle_digest(&w->oracle);
#endif
	rw->media_shape = media_shape(w->media);
	rw->oracle_shape = oracle_shape(&w->oracle);
	rw->on = true;
	rw->engine = w->engine;
	rw->host = w->host;
	rw->fs = w->fs;
	rw->fiu_enabled = w->fiu_enabled;
	for (unsigned i = 0; i < w->n_devs; i++)
		rw->disk[i] = w->disk[i];
	/* nothing in flight happens any more; the clock stands at the crash
	 * (the engine keeps its address: the disks and faults point at it) */
	engine_init(&w->engine);
	w->engine.now = now;
	w->engine.next_seq = rw->engine.next_seq;
	w->engine.executed = rw->engine.executed;
	w->host = NULL;
	w->fiu_enabled = false;
	rw->ctx = malloc(ctx_size(w));
	if (rw->ctx == NULL)
		goto oom;
	memcpy(rw->ctx, w->ctx, ctx_size(w));
	for (unsigned i = 0; i < w->n_devs; i++) {
		w->disk[i] = disk_power_cycled(rw->disk[i], err);
		if (w->disk[i] == NULL) {
			w->disk[i] = rw->disk[i];
			put_back(w, rw);
			return -1;
		}
	}
	if (oracle_undo_begin(&w->oracle) != 0)
		goto oom;
	media_undo_begin(w->media);
	return 0;
oom:
	put_back(w, rw);
	return cs_err_set(err, "out of memory setting up a recovery world");
}

int rworld_next_state(struct world *w, struct cs_err *err)
{
	if (media_undo_rollback(w->media) != 0)
		return cs_err_set(err, "out of memory restoring the media");
	return 0;
}

int rworld_leave(struct world *w, struct rworld *rw, struct cs_err *err)
{
	int rc = 0;

	assert(rw->on);
	if (media_undo_rollback(w->media) != 0)
		rc = cs_err_set(err, "out of memory restoring the media after a crash point");
	media_undo_end(w->media);
	if (oracle_undo_rollback(&w->oracle) != 0 && rc == 0)
		rc = cs_err_set(err, "cannot restore the oracle after a crash point");
	put_back(w, rw);
	if (media_shape(w->media) != rw->media_shape || oracle_shape(&w->oracle) != rw->oracle_shape)
		w->memory_moved = true;
	/* the replay's world as it was: every byte readable, every answer */
	assert(rc != 0 || media_digest(w->media) == rw->media_digest);
	assert(rc != 0 || oracle_digest(&w->oracle) == rw->oracle_digest);
	assert(media_undo_len(w->media) == 0);
	return rc;
}
