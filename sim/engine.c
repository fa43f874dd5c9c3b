#include "sim/engine.h"

#include <assert.h>
#include <stdlib.h>

/* a runs before b: earlier time, then earlier scheduling */
static int ev_before(const struct engine_event *a, const struct engine_event *b)
{
	if (a->time != b->time)
		return a->time < b->time;
	return a->seq < b->seq;
}

void engine_init(struct engine *e)
{
	e->now = 0;
	e->next_seq = 0;
	e->executed = 0;
	e->heap = NULL;
	e->len = 0;
	e->cap = 0;
}

void engine_free(struct engine *e)
{
	free(e->heap);
	e->heap = NULL;
	e->len = e->cap = 0;
}

int engine_at(struct engine *e, uint64_t t, engine_fn fn, void *arg, uint64_t a)
{
	struct engine_event ev;
	size_t i;

	if (e->len == e->cap) {
		size_t ncap = e->cap ? e->cap * 2 : 256;
		struct engine_event *nh = realloc(e->heap, ncap * sizeof(*nh));

		if (nh == NULL)
			return -1;
		e->heap = nh;
		e->cap = ncap;
	}
	/* the past is gone: a late event runs now, still after earlier ones */
	ev.time = t < e->now ? e->now : t;
	ev.seq = e->next_seq++;
	assert(fn != NULL);
	assert(e->next_seq != 0); /* 2^64 events: the tie-break would wrap */
	ev.fn = fn;
	ev.arg = arg;
	ev.a = a;
	i = e->len++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!ev_before(&ev, &e->heap[parent]))
			break;
		e->heap[i] = e->heap[parent];
		i = parent;
	}
	e->heap[i] = ev;
	return 0;
}

int engine_after(struct engine *e, uint64_t dt, engine_fn fn, void *arg, uint64_t a)
{
	uint64_t t = e->now + dt;

	if (t < e->now) /* saturate rather than wrap into the past */
		t = UINT64_MAX;
	return engine_at(e, t, fn, arg, a);
}

static struct engine_event pop_min(struct engine *e)
{
	struct engine_event top, last;
	size_t i = 0;

	assert(e->len > 0);
	top = e->heap[0];
	last = e->heap[--e->len];

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m;

		if (l >= e->len)
			break;
		m = (r < e->len && ev_before(&e->heap[r], &e->heap[l])) ? r : l;
		if (!ev_before(&e->heap[m], &last))
			break;
		e->heap[i] = e->heap[m];
		i = m;
	}
	if (e->len > 0)
		e->heap[i] = last;
	return top;
}

int engine_step(struct engine *e)
{
	struct engine_event ev;

	if (e->len == 0)
		return 0;
	ev = pop_min(e);
	/* simulated time never runs back; the next event is never before this one */
	assert(ev.time >= e->now);
	assert(e->len == 0 || !ev_before(&e->heap[0], &ev));
	e->now = ev.time;
	e->executed++;
	ev.fn(ev.arg, ev.a);
	return 1;
}

void engine_run_until(struct engine *e, uint64_t t)
{
	uint64_t before = e->now;

	while (e->len > 0 && e->heap[0].time <= t)
		engine_step(e);
	if (e->now < t)
		e->now = t;
	assert(e->now >= before);
	(void)before; /* read only by the assertion */
}

void engine_clear(struct engine *e)
{
	e->len = 0;
}

size_t engine_pending(const struct engine *e)
{
	return e->len;
}
