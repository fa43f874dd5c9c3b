/* The heap in transparent huge pages. A run's replays fill tens of MiB of
 * fresh heap, and faulting it in 4 KiB pages cost about a tenth of the
 * demo's CPU (14 700 faults; 2 300-3 200 in 2 MiB pages). */
#ifndef CSUMSIM_UTIL_HEAP_HUGE_H
#define CSUMSIM_UTIL_HEAP_HUGE_H

#include <stddef.h>

/* Grows the heap by `reserve` bytes at once, keeps it (never trimmed;
 * blocks up to 32 MiB come from it, not mmaps of their own) and advises
 * the kernel to back it with huge pages. Memory is only committed as it is
 * touched. A hint where glibc and the kernel allow it: returns the bytes
 * advised, 0 where nothing was (another allocator, no THP, no memory). */
size_t heap_huge(size_t reserve);

#endif
