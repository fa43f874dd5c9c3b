/* util/wordq: words come out in the order they went in, across segments,
 * interleaved with pushes; consumed segments are freed; reserved room is
 * kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/wordq.h"

static void fifo_across_segments(void **state)
{
	struct wordq q;
	uint32_t in = 0, out = 0;

	(void)state;
	wordq_init(&q);
	assert_int_equal(wordq_bytes(&q), 0);
	for (int round = 0; round < 50; round++) {
		uint32_t push = 1000 + (uint32_t)round * 397, pop = (uint32_t)round * 311;

		assert_int_equal(wordq_reserve(&q, push), 0);
		for (uint32_t i = 0; i < push; i++)
			wordq_push(&q, in++ * 2654435761u);
		if (pop > q.len)
			pop = (uint32_t)q.len;
		for (uint32_t i = 0; i < pop; i++)
			assert_int_equal(wordq_pop(&q), out++ * 2654435761u);
		assert_int_equal(q.len, in - out);
		/* what is queued and reserved, and at most two partial segments */
		assert_true(wordq_bytes(&q) <= ((q.len + q.reserved) / WORDQ_SEG_WORDS + 2) *
							sizeof(struct wordq_seg));
	}
	while (q.len > 0)
		assert_int_equal(wordq_pop(&q), out++ * 2654435761u);
	assert_int_equal(in, out);
	/* emptied: one segment left, its room reusable */
	assert_int_equal(wordq_bytes(&q), sizeof(struct wordq_seg));
	assert_true(q.reserved >= WORDQ_SEG_WORDS);
	assert_int_equal(wordq_reserve(&q, WORDQ_SEG_WORDS), 0);
	assert_int_equal(wordq_bytes(&q), sizeof(struct wordq_seg));
	wordq_free(&q);
	assert_int_equal(wordq_bytes(&q), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fifo_across_segments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
