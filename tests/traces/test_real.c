/* The bundled real traces parse completely, with the counts awk gives on the
 * raw text (docs/TRACES.md), and survive a round trip through the native
 * format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"

struct stats {
	uint64_t records, reads, writes, flushes, discards;
	uint64_t preflush, fua, sectors, last_ns;
};

static struct stats measure(const struct req_list *l)
{
	struct stats s;

	memset(&s, 0, sizeof(s));
	s.records = l->n;
	for (size_t i = 0; i < l->n; i++) {
		const struct trace_req *r = &l->r[i];

		s.reads += r->op == CSUM_OP_READ;
		s.writes += r->op == CSUM_OP_WRITE;
		s.flushes += r->op == CSUM_OP_FLUSH;
		s.discards += r->op == CSUM_OP_DISCARD;
		s.preflush += r->op == CSUM_OP_WRITE && (r->flags & CSUM_RQ_PREFLUSH);
		s.fua += (r->flags & CSUM_RQ_FUA) != 0;
		s.sectors += r->count;
		assert_true(r->time_ns >= s.last_ns); /* never backwards */
		assert_true(r->count <= TRACE_MAX_SECTORS);
		assert_true(r->line > 0);
		s.last_ns = r->time_ns;
	}
	return s;
}

/* Expected values from awk over the Q lines of each file:
 *   records = data Q lines (cut in pieces of 8192) + "Q F.. [proc]" lines. */
static const struct {
	const char *file;
	struct stats want;
} real[] = {
	{ "ext4-sqlite", { 7344, 58, 6669, 617, 0, 595, 604, 87066, 4918904320u } },
	{ "ext4-untar", { 2055, 58, 1990, 7, 0, 3, 7, 130810, 4078715610u } },
	{ "raw-fio", { 6330, 2407, 3737, 186, 0, 0, 0, 49152, 1939782950u } },
	{ "xfs-copy", { 8994, 115, 8799, 80, 0, 570, 437, 98902, 5566317300u } },
};

static void real_traces_queue(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
		char path[256];
		struct req_list l;
		struct cs_err err = { "" };
		struct stats s;

		snprintf(path, sizeof(path), "traces/data/%s.blkparse.txt.xz", real[i].file);
		if (read_file(path, SC_FMT_AUTO, "Q", &l, &err) != 0)
			print_error("%s\n", err.msg);
		assert_string_equal(err.msg, "");
		s = measure(&l);
		print_message("%-12s records %llu reads %llu writes %llu flushes %llu preflush %llu "
			      "fua %llu sectors %llu duration %llu ns\n",
			      real[i].file, (unsigned long long)s.records,
			      (unsigned long long)s.reads, (unsigned long long)s.writes,
			      (unsigned long long)s.flushes, (unsigned long long)s.preflush,
			      (unsigned long long)s.fua, (unsigned long long)s.sectors,
			      (unsigned long long)s.last_ns);
		assert_int_equal(s.records, real[i].want.records);
		assert_int_equal(s.reads, real[i].want.reads);
		assert_int_equal(s.writes, real[i].want.writes);
		assert_int_equal(s.flushes, real[i].want.flushes);
		assert_int_equal(s.discards, real[i].want.discards);
		assert_int_equal(s.preflush, real[i].want.preflush);
		assert_int_equal(s.fua, real[i].want.fua);
		assert_int_equal(s.sectors, real[i].want.sectors);
		assert_int_equal(s.last_ns, real[i].want.last_ns);
		assert_int_equal(l.r[0].time_ns, 0);
		req_list_free(&l);
	}
}

/* Other actions: the device's view. On raw-fio every "D FN"/"C FN" is a flush
 * and the "C WS 0 [0]" completions of empty flushes are skipped. */
static void real_trace_other_actions(void **state)
{
	static const char *const acts[] = { "D", "C" };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct req_list l;
		struct cs_err err = { "" };
		struct stats s;

		assert_int_equal(read_file("traces/data/raw-fio.blkparse.txt.xz", SC_FMT_BLKPARSE,
					   acts[i], &l, &err), 0);
		s = measure(&l);
		assert_int_equal(s.records, 6330);
		assert_int_equal(s.reads, 2407);
		assert_int_equal(s.writes, 3737);
		assert_int_equal(s.flushes, 186);
		req_list_free(&l);
	}
}

static void roundtrip(const struct req_list *a)
{
	char path[] = "/tmp/csumsim-native-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	struct req_list b;
	struct cs_err err = { "" };

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(trace_write_native_header(f), 0);
	for (size_t i = 0; i < a->n; i++)
		assert_int_equal(trace_write_native(f, &a->r[i]), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(read_file(path, SC_FMT_AUTO, NULL, &b, &err), 0);
	unlink(path);
	assert_int_equal(b.n, a->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_int_equal(b.r[i].time_ns, a->r[i].time_ns);
		assert_int_equal(b.r[i].op, a->r[i].op);
		assert_int_equal(b.r[i].sector, a->r[i].sector);
		assert_int_equal(b.r[i].count, a->r[i].count);
		assert_int_equal(b.r[i].flags, a->r[i].flags);
		assert_int_equal(b.r[i].line, i + 2); /* after the header */
	}
	req_list_free(&b);
}

static void native_roundtrip_real(void **state)
{
	struct req_list a;
	struct cs_err err = { "" };

	(void)state;
	/* ext4-untar has requests cut in pieces and every flag but barrier */
	assert_int_equal(read_file("traces/data/ext4-untar.blkparse.txt.xz", SC_FMT_AUTO, "Q",
				   &a, &err), 0);
	roundtrip(&a);
	req_list_free(&a);
}

static void native_roundtrip_all_flags(void **state)
{
	struct req_list a;
	struct trace_req r[4] = {
		{ 0, 0, 1, CSUM_OP_READ, CSUM_RQ_AHEAD | CSUM_RQ_META, 0 },
		{ 7, 1, 8192, CSUM_OP_WRITE,
		  CSUM_RQ_SYNC | CSUM_RQ_META | CSUM_RQ_PREFLUSH | CSUM_RQ_FUA | CSUM_RQ_AHEAD |
			  CSUM_RQ_BARRIER, 0 },
		{ 9, 0, 0, CSUM_OP_FLUSH, 0, 0 },
		{ UINT64_MAX, UINT64_MAX - 8, 8, CSUM_OP_DISCARD, CSUM_RQ_SYNC, 0 },
	};
	FILE *f = fopen("/dev/null", "w");

	(void)state;
	a.r = r;
	a.n = 4;
	a.cap = 4;
	roundtrip(&a);
	/* a flag the format cannot write is refused, not dropped */
	r[0].flags = 1u << 20;
	assert_non_null(f);
	assert_int_equal(trace_write_native(f, &r[0]), -1);
	r[0].flags = 0;
	r[0].op = 9;
	assert_int_equal(trace_write_native(f, &r[0]), -1);
	fclose(f);
}

/* The samples in traces/samples/ are found by their first line and parse. */
static void samples_parse(void **state)
{
	static const struct {
		const char *file;
		size_t records;
	} c[] = {
		{ "sample.blkparse.txt", 8 },
		{ "sample.iolog", 7 },
		{ "sample.csv", 5 },
		{ "sample.cstrace", 6 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct sc_trace s = file_spec(c[i].file, SC_FMT_AUTO, "Q");
		struct req_list l;
		struct cs_err err = { "" };

		if (read_spec(&s, "traces/samples", 0, 0, &l, &err) != 0)
			print_error("%s\n", err.msg);
		assert_string_equal(err.msg, "");
		assert_int_equal(l.n, c[i].records);
		req_list_free(&l);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_traces_queue),
		cmocka_unit_test(real_trace_other_actions),
		cmocka_unit_test(native_roundtrip_real),
		cmocka_unit_test(native_roundtrip_all_flags),
		cmocka_unit_test(samples_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
