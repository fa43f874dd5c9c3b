/* Distinct crash states (sim/state_hash.h): the hash of the non-durable
 * writes' sectors changes with any byte or tag there and nowhere else; the
 * set counts each hash once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "faults/crash_states.h"
#include "sim/media.h"
#include "sim/state_hash.h"

static bool same(struct state_hash a, struct state_hash b)
{
	return a.a == b.a && a.b == b.b;
}

static void test_hash_follows_the_written_sectors(void **state)
{
	struct media *m = media_new(5, NULL, NULL);
	struct crash_write w[2] = { { .dev = 0, .sector = 10, .count = 3 },
				    { .dev = 1, .sector = 11, .count = 1 } };
	struct crash_writes cw = { .w = w, .n = 2, .cap = 2 };
	struct state_keys k;
	struct state_hash h0, h1, h2, h3;
	uint8_t buf[CSUM_SECTOR];

	(void)state;
	assert_non_null(m);
	assert_int_equal(state_keys_of(&cw, &k), 0);
	assert_int_equal(k.n, 4);
	h0 = state_hash_media(m, &k);
	/* outside the writes' sectors: no change */
	assert_int_equal(media_write(m, 0, 13, 77, NULL), 0);
	assert_int_equal(media_write(m, 1, 10, 77, NULL), 0);
	assert_true(same(h0, state_hash_media(m, &k)));
	/* a tag inside */
	assert_int_equal(media_write(m, 0, 11, 77, NULL), 0);
	h1 = state_hash_media(m, &k);
	assert_false(same(h0, h1));
	/* raw bytes; one byte apart */
	memset(buf, 0xa5, sizeof(buf));
	assert_int_equal(media_write(m, 1, 11, CSUM_TAG_NONE, buf), 0);
	h2 = state_hash_media(m, &k);
	buf[511] ^= 1;
	assert_int_equal(media_write(m, 1, 11, CSUM_TAG_NONE, buf), 0);
	h3 = state_hash_media(m, &k);
	assert_false(same(h1, h2));
	assert_false(same(h2, h3));
	/* back to the same bytes: the same hash */
	buf[511] ^= 1;
	assert_int_equal(media_write(m, 1, 11, CSUM_TAG_NONE, buf), 0);
	assert_true(same(h2, state_hash_media(m, &k)));
	state_keys_free(&k);
	media_free(m);
}

static void test_set_counts_each_once(void **state)
{
	struct hash_set s = { 0 };

	(void)state;
	for (uint64_t i = 1; i <= 1000; i++) {
		struct state_hash h = { i * 0x9e3779b97f4a7c15ULL, i };

		assert_int_equal(hash_set_add(&s, h), 1);
		assert_int_equal(hash_set_add(&s, h), 0);
	}
	assert_int_equal(s.n, 1000);
	assert_true(hash_set_has(&s, (struct state_hash){ 7 * 0x9e3779b97f4a7c15ULL, 7 }));
	assert_false(hash_set_has(&s, (struct state_hash){ 7, 7 }));
	/* {0, 0} is a hash like any other */
	assert_int_equal(hash_set_add(&s, (struct state_hash){ 0, 0 }), 1);
	assert_true(hash_set_has(&s, (struct state_hash){ 0, 0 }));
	hash_set_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_follows_the_written_sectors),
		cmocka_unit_test(test_set_counts_each_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
