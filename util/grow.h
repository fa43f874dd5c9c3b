/* Growing a malloc'd array by doubling. */
#ifndef CSUMSIM_UTIL_GROW_H
#define CSUMSIM_UTIL_GROW_H

#include <stddef.h>
#include <stdint.h>

/* Makes *p (of *cap elements of size bytes) hold at least need elements,
 * doubling from `first`; 0, or -1 out of memory (then *p and *cap are
 * unchanged). */
int grow_array(void **p, uint64_t *cap, uint64_t need, size_t size, uint64_t first);

#endif
