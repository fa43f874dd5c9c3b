/* What the fault models may do with simulated time, and nothing more: read
 * the clock, schedule one of their own events, and ask how many events are
 * pending (an at-rest process stays armed only while the run has other
 * work). sim/ owns the event engine and wires this table (sim/engine_if.c);
 * faults/ never sees struct engine (issue 11, "Shape"). */
#ifndef CSUMSIM_FAULTS_CLOCK_IF_H
#define CSUMSIM_FAULTS_CLOCK_IF_H

#include <stddef.h>
#include <stdint.h>

/* An event of a fault model: fn(arg, a) at its time. */
typedef void (*fault_event_fn)(void *arg, uint64_t a);

struct fault_clock_ops {
	/* Simulated time now, in ns. */
	uint64_t (*now)(const void *c);
	/* Schedule fn(arg, a) at absolute time t >= now. 0, or -1 (ENOMEM). */
	int (*at)(void *c, uint64_t t, fault_event_fn fn, void *arg, uint64_t a);
	/* Events pending, the fault models' own included. */
	size_t (*pending)(const void *c);
};

struct fault_clock {
	const struct fault_clock_ops *ops; /* NULL: no clock (no at-rest faults) */
	void *c;
};

static inline uint64_t fault_clock_now(const struct fault_clock *fc)
{
	return fc->ops != NULL ? fc->ops->now(fc->c) : 0;
}

static inline int fault_clock_after(const struct fault_clock *fc, uint64_t dt, fault_event_fn fn,
				    void *arg, uint64_t a)
{
	uint64_t now = fc->ops->now(fc->c);

	/* saturate rather than wrap into the past (as engine_after) */
	return fc->ops->at(fc->c, dt > UINT64_MAX - now ? UINT64_MAX : now + dt, fn, arg, a);
}

static inline int fault_clock_at(const struct fault_clock *fc, uint64_t t, fault_event_fn fn,
				 void *arg, uint64_t a)
{
	return fc->ops->at(fc->c, t, fn, arg, a);
}

static inline size_t fault_clock_pending(const struct fault_clock *fc)
{
	return fc->ops->pending(fc->c);
}

#endif
