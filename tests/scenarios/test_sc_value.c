/* The scalar parsers: integers, sizes, times, durations, enums. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scenarios/sc_value.h"

static void test_u64(void **state)
{
	char why[SC_WHY_MAX];
	uint64_t v;

	(void)state;
	assert_int_equal(sc_parse_u64("0", &v, why), 0);
	assert_int_equal(v, 0);
	assert_int_equal(sc_parse_u64("18446744073709551615", &v, why), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(sc_parse_u64("18446744073709551616", &v, why), -1);
	assert_string_equal(why, "integer too large: '18446744073709551616'");
	assert_int_equal(sc_parse_u64("-3", &v, why), -1);
	assert_string_equal(why, "negative value not allowed: '-3'");
	assert_int_equal(sc_parse_u64("12x", &v, why), -1);
	assert_int_equal(sc_parse_u64("", &v, why), -1);
	assert_int_equal(sc_parse_u64("1.0", &v, why), -1);
	assert_int_equal(sc_parse_u64("0x10", &v, why), -1);
}

static void test_f64(void **state)
{
	char why[SC_WHY_MAX];
	double d;

	(void)state;
	assert_int_equal(sc_parse_f64("0.25", &d, why), 0);
	assert_true(d == 0.25);
	assert_int_equal(sc_parse_f64("1e3", &d, why), 0);
	assert_true(d == 1000);
	assert_int_equal(sc_parse_f64("nan", &d, why), -1);
	assert_int_equal(sc_parse_f64("inf", &d, why), -1);
	assert_int_equal(sc_parse_f64("0x1p3", &d, why), -1);
	assert_int_equal(sc_parse_f64("1e999", &d, why), -1);
	assert_string_equal(why, "number out of range: '1e999'");
	assert_int_equal(sc_parse_f64("", &d, why), -1);
}

static void test_sectors(void **state)
{
	char why[SC_WHY_MAX];
	uint64_t v;

	(void)state;
	assert_int_equal(sc_parse_sectors("2097152", &v, why), 0);
	assert_int_equal(v, 2097152);
	assert_int_equal(sc_parse_sectors("1GiB", &v, why), 0);
	assert_int_equal(v, 2097152);
	assert_int_equal(sc_parse_sectors("8 MiB", &v, why), 0);
	assert_int_equal(v, 16384);
	assert_int_equal(sc_parse_sectors("1024B", &v, why), 0);
	assert_int_equal(v, 2);
	assert_int_equal(sc_parse_sectors("1.5KiB", &v, why), 0);
	assert_int_equal(v, 3);
	assert_int_equal(sc_parse_sectors("1TiB", &v, why), 0);
	assert_true(v == (1ULL << 31));
	assert_int_equal(sc_parse_sectors("100B", &v, why), -1);
	assert_string_equal(why, "not a whole number of 512-byte sectors: '100B'");
	assert_int_equal(sc_parse_sectors("1GB", &v, why), -1);
	assert_int_equal(sc_parse_sectors("1.5", &v, why), -1);
	assert_int_equal(sc_parse_sectors("99999999999999999999TiB", &v, why), -1);
	assert_int_equal(sc_parse_sectors("16777216TiB", &v, why), -1);
}

static void test_time(void **state)
{
	char why[SC_WHY_MAX];
	uint64_t v;

	(void)state;
	assert_int_equal(sc_parse_time_ns("1500", &v, why), 0);
	assert_int_equal(v, 1500);
	assert_int_equal(sc_parse_time_ns("1.5s", &v, why), 0);
	assert_int_equal(v, 1500000000);
	assert_int_equal(sc_parse_time_ns("200ms", &v, why), 0);
	assert_int_equal(v, 200000000);
	assert_int_equal(sc_parse_time_ns("10us", &v, why), 0);
	assert_int_equal(v, 10000);
	assert_int_equal(sc_parse_time_ns("0.001us", &v, why), 0);
	assert_int_equal(v, 1);
	assert_int_equal(sc_parse_time_ns("0.0001us", &v, why), -1);
	assert_string_equal(why, "finer than the smallest unit: '0.0001us'");
	assert_int_equal(sc_parse_time_ns("1.5", &v, why), -1);
	assert_int_equal(sc_parse_time_ns("-1s", &v, why), -1);
	/* Long spans, for at-rest faults and power-off time. */
	assert_int_equal(sc_parse_time_ns("3h", &v, why), 0);
	assert_true(v == 10800000000000ULL);
	assert_int_equal(sc_parse_time_ns("1.5min", &v, why), 0);
	assert_true(v == 90000000000ULL);
	assert_int_equal(sc_parse_time_ns("2d", &v, why), 0);
	assert_true(v == 172800000000000ULL);
	assert_int_equal(sc_parse_time_ns("0.25 h", &v, why), 0);
	assert_true(v == 900000000000ULL);
	assert_int_equal(sc_parse_time_ns("3w", &v, why), -1);
	assert_string_equal(why, "not a time (ns, or a number with ns, us, ms, s, min, h, d): '3w'");
	assert_int_equal(sc_parse_time_ns("3m", &v, why), -1);
	/* 213503 days is the last whole day below 2^64 ns. */
	assert_int_equal(sc_parse_time_ns("213503d", &v, why), 0);
	assert_int_equal(sc_parse_time_ns("213504d", &v, why), -1);
	assert_string_equal(why, "value too large: '213504d'");
}

static void test_duration(void **state)
{
	char why[SC_WHY_MAX];
	double d;

	(void)state;
	assert_int_equal(sc_parse_duration("0.8", 1e6, &d, why), 0);
	assert_true(d == 0.8);
	assert_int_equal(sc_parse_duration("1.5s", 1e6, &d, why), 0);
	assert_true(d == 1500);
	assert_int_equal(sc_parse_duration("500ns", 1e3, &d, why), 0);
	assert_true(d == 0.5);
	assert_int_equal(sc_parse_duration("2 ms", 1e3, &d, why), 0);
	assert_true(d == 2000);
	assert_int_equal(sc_parse_duration("ms", 1e3, &d, why), -1);
	/* In hours (crash.idle_hours): a plain number is hours already. */
	assert_int_equal(sc_parse_duration("2", 3.6e12, &d, why), 0);
	assert_true(d == 2);
	assert_int_equal(sc_parse_duration("30min", 3.6e12, &d, why), 0);
	assert_true(d == 0.5);
	assert_int_equal(sc_parse_duration("2h", 3.6e12, &d, why), 0);
	assert_true(d == 2);
	assert_int_equal(sc_parse_duration("3d", 3.6e12, &d, why), 0);
	assert_true(d == 72);
	assert_int_equal(sc_parse_duration("2min", 1e3, &d, why), 0);
	assert_true(d == 120e6);
	assert_int_equal(sc_parse_duration("2 weeks", 3.6e12, &d, why), -1);
	assert_string_equal(why,
			    "not a duration (a number, or with ns, us, ms, s, min, h, d): '2 weeks'");
}

static void test_enum(void **state)
{
	static const char *const names[] = {"hdd", "ssd", "ram", NULL};
	char why[SC_WHY_MAX];

	(void)state;
	assert_int_equal(sc_parse_enum("ram", names, why), 2);
	assert_int_equal(sc_parse_enum("hdd", names, why), 0);
	assert_int_equal(sc_parse_enum("nvme", names, why), -1);
	assert_string_equal(why, "unknown value 'nvme' (accepted: hdd, ssd, ram)");
	assert_int_equal(sc_parse_enum("HDD", names, why), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),      cmocka_unit_test(test_f64),
		cmocka_unit_test(test_sectors),  cmocka_unit_test(test_time),
		cmocka_unit_test(test_duration), cmocka_unit_test(test_enum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
