/* The discrete-event engine: a simulated clock in nanoseconds and a queue of
 * events. Simultaneous events run in the order they were scheduled, so a run
 * is a pure function of its inputs. */
#ifndef CSUMSIM_SIM_ENGINE_H
#define CSUMSIM_SIM_ENGINE_H

#include <stddef.h>
#include <stdint.h>

typedef void (*engine_fn)(void *arg, uint64_t a);

struct engine_event {
	uint64_t time;
	uint64_t seq; /* scheduling order: breaks ties between equal times */
	engine_fn fn;
	void *arg;
	uint64_t a;
};

struct engine {
	uint64_t now;
	uint64_t next_seq;
	uint64_t executed;
	struct engine_event *heap;
	size_t len, cap;
};

void engine_init(struct engine *e);
void engine_free(struct engine *e);
/* Schedule fn(arg, a) at absolute time t (t >= now). 0, or -1 when memory
 * runs out. */
int engine_at(struct engine *e, uint64_t t, engine_fn fn, void *arg, uint64_t a);
int engine_after(struct engine *e, uint64_t dt, engine_fn fn, void *arg, uint64_t a);
/* Run the earliest event; 0 when the queue is empty. */
int engine_step(struct engine *e);
/* Run events with time <= t, then set now = max(now, t). */
void engine_run_until(struct engine *e, uint64_t t);
/* Drop every pending event (a crash: nothing in flight happens any more). */
void engine_clear(struct engine *e);
size_t engine_pending(const struct engine *e);

#endif
