#define _DEFAULT_SOURCE /* sbrk, madvise */
#include "util/heap_huge.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#define HUGE_PAGE ((uintptr_t)2 << 20)
#define DEFAULT_TOP_PAD (128 << 10) /* glibc's M_TOP_PAD default */

size_t heap_huge(size_t reserve)
{
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
	uintptr_t lo, hi;
	char *start;
	void *p;
	struct rlimit data;

	if (reserve < 2 * HUGE_PAGE || reserve > ((size_t)1 << 30))
		return 0;
	/* a data limit near the reserve: the heap grows as it needs instead */
	if (getrlimit(RLIMIT_DATA, &data) == 0 && data.rlim_cur != RLIM_INFINITY &&
	    data.rlim_cur < 4 * (rlim_t)reserve)
		return 0;
	/* the top kept and the blocks in the heap: the region advised below
	 * stays the heap's one mapping (a heap shrunk and grown again, or a
	 * block mmapped apart, would not be advised) */
	if (mallopt(M_MMAP_THRESHOLD, 32 << 20) == 0 || mallopt(M_TRIM_THRESHOLD, 1 << 30) == 0 ||
	    mallopt(M_TOP_PAD, (int)reserve) == 0)
		return 0;
	start = sbrk(0);
	p = malloc(reserve / 4); /* the heap grows by it and the top pad */
	hi = (uintptr_t)sbrk(0);
	free(p);
	/* later growth past the reserve in glibc's usual steps */
	mallopt(M_TOP_PAD, DEFAULT_TOP_PAD);
	/* another allocator (ASan's) or no brk: nothing grew here */
	if (p == NULL || start == (char *)-1 || hi <= (uintptr_t)start)
		return 0;
	lo = ((uintptr_t)start + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	hi &= ~(HUGE_PAGE - 1);
	if (hi <= lo || madvise((void *)lo, hi - lo, MADV_HUGEPAGE) != 0)
		return 0;
	return hi - lo;
#else
	(void)reserve;
	return 0;
#endif
}
