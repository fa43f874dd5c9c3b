/* util/heap_huge.c: after heap_huge, blocks of a run's larger sizes (1 to
 * 20 MiB, which glibc would otherwise mmap apart) lie in one heap mapping
 * the kernel was advised to back with huge pages (VmFlags "hg" in
 * /proc/self/smaps). The heap's first 2 MiB at most (what it had, up to a
 * huge page's boundary) is not advised: the blocks there are not checked. */
#define _DEFAULT_SOURCE /* sbrk */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/heap_huge.h"

/* ASan's allocator takes no mallopt and keeps no brk heap: nothing to test */
#if defined(__SANITIZE_ADDRESS__)
#define NO_GLIBC_HEAP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_GLIBC_HEAP 1
#endif
#endif

/* The VmFlags line of the mapping holding p, into flags; its bounds. */
static int mapping_of(const void *p, char *flags, size_t size, uintptr_t *lo, uintptr_t *hi)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int found = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long a, b;

		if (sscanf(line, "%lx-%lx ", &a, &b) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			found = (uintptr_t)p >= a && (uintptr_t)p < b;
			if (found) {
				*lo = a;
				*hi = b;
			}
		} else if (found && strncmp(line, "VmFlags:", 8) == 0) {
			size_t n = strlen(line + 8);

			if (n >= size)
				n = size - 1;
			memcpy(flags, line + 8, n);
			flags[n] = '\0';
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

static void test_blocks_in_advised_heap(void **state)
{
	/* the first fills the heap's start, which is not advised */
	static const size_t sizes[] = { 3 << 20, 3 << 20, 20 << 20, 1 << 20 };
	size_t advised = heap_huge((size_t)96 << 20);
	void *keep[sizeof(sizes) / sizeof(sizes[0])];
	uintptr_t lo0 = 0, hi0 = 0;

	(void)state;
#ifdef NO_GLIBC_HEAP
	skip();
#endif
	if (advised == 0) {
		/* only where the kernel has no transparent huge pages */
		FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

		if (f != NULL) {
			fclose(f);
			fail_msg("heap_huge advised nothing, though the kernel has THP");
		}
		skip();
	}
	assert_true(advised >= ((size_t)64 << 20)); /* most of the 96 MiB */
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char flags[256];
		uintptr_t lo = 0, hi = 0;

		keep[i] = malloc(sizes[i]);
		assert_non_null(keep[i]);
		memset(keep[i], 1, sizes[i]);
		if (i == 0)
			continue;
		assert_int_equal(mapping_of(keep[i], flags, sizeof(flags), &lo, &hi), 0);
		if (strstr(flags, " hg") == NULL)
			fail_msg("a block of %zu bytes is in a mapping without MADV_HUGEPAGE: %s",
				 sizes[i], flags);
		/* one mapping: none of them was mmapped apart */
		if (i > 1 && (lo != lo0 || hi != hi0))
			fail_msg("a block of %zu bytes is in another mapping", sizes[i]);
		lo0 = lo;
		hi0 = hi;
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		free(keep[i]);
	/* a size out of range is refused */
	assert_int_equal(heap_huge(1 << 20), 0);
}

/* Under a data limit near the reserve nothing is reserved (the heap grows
 * as it needs) and a block the limit allows is still given. In a child:
 * the limit, and a heap not yet grown, are its own. */
static void test_data_limit(void **state)
{
	pid_t pid;
	int status;

	(void)state;
#ifdef NO_GLIBC_HEAP
	skip(); /* and ASan's shadow does not fit under the limit */
#endif
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit lim;
		char *before;
		void *p;

		if (getrlimit(RLIMIT_DATA, &lim) != 0)
			_exit(10);
		lim.rlim_cur = (rlim_t)200 << 20;
		if (setrlimit(RLIMIT_DATA, &lim) != 0)
			_exit(11);
		before = sbrk(0);
		if (heap_huge((size_t)96 << 20) != 0)
			_exit(12);
		if ((char *)sbrk(0) - before > (8 << 20))
			_exit(13); /* grown by the reserve all the same */
		p = malloc((size_t)64 << 20);
		if (p == NULL)
			_exit(14);
		free(p);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_limit), /* first: heap_huge has not run */
		cmocka_unit_test(test_blocks_in_advised_heap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
