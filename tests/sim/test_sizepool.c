/* util/sizepool: blocks of each class are usable, distinct and recycled
 * through their own class only; large classes go to malloc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/sizepool.h"

static void test_blocks_are_distinct_and_writable(void **state)
{
	struct sizepool p;
	uint8_t *b[3000];

	(void)state;
	sizepool_init(&p, 32);
	/* more than one slab's worth of each slab class */
	for (unsigned i = 0; i < 3000; i++) {
		unsigned cls = i % SIZEPOOL_SLAB_CLASSES;

		b[i] = sizepool_alloc(&p, cls);
		assert_non_null(b[i]);
		assert_int_equal((uintptr_t)b[i] % 16, 0);
		memset(b[i], (int)(i & 0xff), (size_t)32 << cls);
	}
	for (unsigned i = 0; i < 3000; i++) {
		size_t n = (size_t)32 << (i % SIZEPOOL_SLAB_CLASSES);

		for (size_t k = 0; k < n; k++)
			if (b[i][k] != (uint8_t)(i & 0xff))
				fail_msg("block %u byte %zu overwritten", i, k);
	}
	assert_true(p.slab_bytes > SIZEPOOL_SLAB_BYTES);
	sizepool_destroy(&p);
	assert_int_equal(p.slab_bytes, 0);
}

static void test_freed_block_comes_back_in_its_class(void **state)
{
	struct sizepool p;
	void *a, *b, *c;

	(void)state;
	sizepool_init(&p, 32);
	a = sizepool_alloc(&p, 1);
	b = sizepool_alloc(&p, 2);
	sizepool_free(&p, 1, a);
	/* another class does not get it */
	c = sizepool_alloc(&p, 2);
	assert_ptr_not_equal(c, a);
	assert_ptr_not_equal(c, b);
	/* its own class does, last freed first */
	assert_ptr_equal(sizepool_alloc(&p, 1), a);
	sizepool_free(&p, 1, NULL); /* ignored */
	assert_ptr_not_equal(sizepool_alloc(&p, 1), a);
	sizepool_destroy(&p);
}

static void test_large_classes_use_malloc(void **state)
{
	struct sizepool p;
	uint8_t *big;

	(void)state;
	sizepool_init(&p, 32);
	big = sizepool_alloc(&p, SIZEPOOL_SLAB_CLASSES + 2);
	assert_non_null(big);
	memset(big, 7, (size_t)32 << (SIZEPOOL_SLAB_CLASSES + 2));
	assert_int_equal(p.slab_bytes, 0); /* no slab for it */
	sizepool_free(&p, SIZEPOOL_SLAB_CLASSES + 2, big);
	assert_null(sizepool_alloc(&p, 60)); /* beyond any size */
	sizepool_destroy(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks_are_distinct_and_writable),
		cmocka_unit_test(test_freed_block_comes_back_in_its_class),
		cmocka_unit_test(test_large_classes_use_malloc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
