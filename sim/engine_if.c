/* The event engine as the fault models see it (faults/clock_if.h). */
#include "sim/engine_if.h"

static uint64_t ei_now(const void *c)
{
	const struct engine *e = c;

	return e->now;
}

static int ei_at(void *c, uint64_t t, fault_event_fn fn, void *arg, uint64_t a)
{
	return engine_at(c, t, fn, arg, a);
}

static size_t ei_pending(const void *c)
{
	return engine_pending(c);
}

static const struct fault_clock_ops engine_fault_ops = {
	.now = ei_now,
	.at = ei_at,
	.pending = ei_pending,
};

struct fault_clock engine_fault_if(struct engine *e)
{
	struct fault_clock fc = { e != NULL ? &engine_fault_ops : NULL, e };

	return fc;
}
