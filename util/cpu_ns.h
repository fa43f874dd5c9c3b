/* This process's CPU time (user + system, every thread), in ns: what bench/
 * divides by, finer than getrusage's microseconds. */
#ifndef CSUMSIM_UTIL_CPU_NS_H
#define CSUMSIM_UTIL_CPU_NS_H

#include <stdint.h>
#include <time.h>

static inline uint64_t cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
