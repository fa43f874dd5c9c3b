/* The readers on hand-made files: exact records, every kind of bad line,
 * xz, format detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"

#define FIX "tests/traces/fixtures/"

struct want {
	uint64_t time_ns, sector;
	uint32_t count;
	uint8_t op;
	uint32_t flags;
	uint64_t line;
};

enum { S = CSUM_RQ_SYNC, M = CSUM_RQ_META, P = CSUM_RQ_PREFLUSH, F = CSUM_RQ_FUA,
       A = CSUM_RQ_AHEAD, B = CSUM_RQ_BARRIER };
enum { RD = CSUM_OP_READ, WR = CSUM_OP_WRITE, FL = CSUM_OP_FLUSH, DC = CSUM_OP_DISCARD };

static void check(const char *path, int format, const char *actions, const struct want *w,
		  size_t n)
{
	struct req_list l;
	struct cs_err err = { "" };
	int rc = read_file(path, format, actions, &l, &err);

	if (rc != 0)
		print_error("%s: %s\n", path, err.msg);
	assert_int_equal(rc, 0);
	assert_int_equal(l.n, n);
	for (size_t i = 0; i < n; i++) {
		const struct trace_req *r = &l.r[i];

		if (r->time_ns != w[i].time_ns || r->sector != w[i].sector ||
		    r->count != w[i].count || r->op != w[i].op || r->flags != w[i].flags ||
		    (w[i].line != 0 && r->line != w[i].line))
			print_error("%s record %zu: got t=%llu op=%u s=%llu n=%u f=%#x line=%llu\n",
				    path, i, (unsigned long long)r->time_ns, r->op,
				    (unsigned long long)r->sector, r->count, r->flags,
				    (unsigned long long)r->line);
		assert_int_equal(r->time_ns, w[i].time_ns);
		assert_int_equal(r->op, w[i].op);
		assert_int_equal(r->sector, w[i].sector);
		assert_int_equal(r->count, w[i].count);
		assert_int_equal(r->flags, w[i].flags);
		if (w[i].line != 0)
			assert_int_equal(r->line, w[i].line);
	}
	req_list_free(&l);
}

static const struct want blkparse_q[] = {
	{ 0, 2048, 8, RD, A, 1 },
	{ 1000000, 4096, 16, WR, S, 6 },
	{ 1500000, 0, 0, FL, P | S, 7 },
	{ 2000000, 8192, 8, WR, P | F | S | M, 11 },
	/* 20000 sectors cut at 8192: preflush on the first piece, FUA on the last */
	{ 3000000, 100000, 8192, WR, P | S, 13 },
	{ 3000000, 108192, 8192, WR, S, 13 },
	{ 3000000, 116384, 3616, WR, F | S, 13 },
	/* 0.0025 s goes back: clamped to the previous time */
	{ 3000000, 50000, 64, DC, S, 15 },
	{ 4000000, 1024, 8, WR, F | S | M, 16 },
	{ 4100000, 7, 1, RD, M, 17 },
	{ 5000000, 300, 8, WR, B | S, 19 },
};

static void blkparse_queue_events(void **state)
{
	(void)state;
	check(FIX "small.blkparse.txt", SC_FMT_BLKPARSE, "Q", blkparse_q,
	      sizeof(blkparse_q) / sizeof(blkparse_q[0]));
}

/* Completions: "C FN 0 [0]" is the flush, "C WS 0 [0]" and "+ 0" are skipped,
 * "(elapsed)" before the error field is accepted. */
static void blkparse_completions(void **state)
{
	static const struct want c[] = {
		{ 0, 2048, 8, RD, A, 5 },
		{ 1300000, 0, 0, FL, P, 9 },
		{ 3800000, 7, 1, RD, M, 18 },
	};

	(void)state;
	check(FIX "small.blkparse.txt", SC_FMT_BLKPARSE, "C", c, sizeof(c) / sizeof(c[0]));
}

static void blkparse_dispatch(void **state)
{
	static const struct want d[] = {
		{ 0, 2048, 8, RD, A, 4 },
		{ 1570000, 0, 0, FL, P, 8 },
	};

	(void)state;
	check(FIX "small.blkparse.txt", SC_FMT_BLKPARSE, "D", d, sizeof(d) / sizeof(d[0]));
}

static void blkparse_xz(void **state)
{
	(void)state;
	check(FIX "small.blkparse.txt.xz", SC_FMT_BLKPARSE, "Q", blkparse_q,
	      sizeof(blkparse_q) / sizeof(blkparse_q[0]));
	/* and found by its first line */
	check(FIX "small.blkparse.txt.xz", SC_FMT_AUTO, "Q", blkparse_q,
	      sizeof(blkparse_q) / sizeof(blkparse_q[0]));
}

static void blkparse_base_dir(void **state)
{
	struct sc_trace s = file_spec("small.blkparse.txt", SC_FMT_AUTO, "");
	struct req_list l;
	struct cs_err err = { "" };

	(void)state;
	assert_int_equal(read_spec(&s, FIX, 0, 0, &l, &err), 0);
	assert_int_equal(l.n, sizeof(blkparse_q) / sizeof(blkparse_q[0]));
	req_list_free(&l);
}

static void fio_v2(void **state)
{
	static const struct want w[] = {
		{ 0, 0, 8, WR, 0, 4 },
		{ 0, 2048, 16, RD, 0, 5 },
		{ 1500000, 0, 0, FL, 0, 7 },
		{ 1500000, 8, 128, DC, 0, 8 },
		{ 1500000, 0, 0, FL, 0, 9 },
		{ 1500000, 1, 8192, WR, 0, 10 },
		{ 1500000, 8193, 8192, WR, 0, 10 },
	};

	(void)state;
	check(FIX "small-v2.iolog", SC_FMT_FIO_IOLOG, NULL, w, sizeof(w) / sizeof(w[0]));
	check(FIX "small-v2.iolog", SC_FMT_AUTO, NULL, w, sizeof(w) / sizeof(w[0]));
}

static void fio_v3(void **state)
{
	static const struct want w[] = {
		{ 0, 0, 8, WR, 0, 4 },
		{ 150000, 8, 8, RD, 0, 5 },
		{ 150000, 16, 1, WR, 0, 6 },
		{ 300000, 0, 0, FL, 0, 7 },
		{ 800000, 0, 2048, DC, 0, 8 },
	};

	(void)state;
	check(FIX "small-v3.iolog", SC_FMT_AUTO, NULL, w, sizeof(w) / sizeof(w[0]));
}

static void msr_csv(void **state)
{
	static const struct want w[] = {
		{ 0, 7792, 8, RD, 0, 2 },
		{ 0, 0, 1, WR, 0, 3 },
		{ 1000000000, 2048, 128, WR, 0, 4 },
		{ 1000000000, 8192, 16, RD, 0, 5 },
		{ 2000000000, 1, 8192, WR, 0, 6 },
		{ 2000000000, 8193, 8192, WR, 0, 6 },
	};

	(void)state;
	check(FIX "small.csv", SC_FMT_MSR, NULL, w, sizeof(w) / sizeof(w[0]));
	check(FIX "small.csv", SC_FMT_AUTO, NULL, w, sizeof(w) / sizeof(w[0]));
}

static void native_file(void **state)
{
	static const struct want w[] = {
		{ 0, 2048, 8, RD, A, 4 },
		{ 1000000, 4096, 16, WR, S, 5 },
		{ 1500000, 0, 0, FL, P | S, 6 },
		{ 2000000, 8192, 8, WR, S | M | P | F, 7 },
		{ 3000000, 50000, 64, DC, 0, 8 },
		{ 3000000, 300, 8, WR, S | B, 9 },
	};

	(void)state;
	check(FIX "small.cstrace", SC_FMT_AUTO, NULL, w, sizeof(w) / sizeof(w[0]));
}

/* A process name with many blanks, and an elapsed time with blanks. */
static void blkparse_long_names(void **state)
{
	char path[] = "/tmp/csumsim-trace-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	static const struct want w[] = {
		{ 0, 10, 8, WR, 0, 1 },
		{ 5, 20, 8, RD, 0, 2 },
	};

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("8,0 0 1 0.000000001 1 Q W 10 + 8 [a b c d e f g h i j k l m n o p q r s t]\n"
	      "8,0 0 2 0.000000006 1 C R 20 + 8 ( 1 2 3 ) [0]\n", f);
	fclose(f);
	check(path, SC_FMT_BLKPARSE, "QC", w, 2);
	unlink(path);
}

static void limit_counts_records(void **state)
{
	struct sc_trace s = file_spec(FIX "small.blkparse.txt", SC_FMT_BLKPARSE, "Q");
	struct req_list l;
	struct cs_err err = { "" };

	(void)state;
	s.limit = 6;
	assert_int_equal(read_spec(&s, NULL, 0, 0, &l, &err), 0);
	assert_int_equal(l.n, 6);
	assert_int_equal(l.r[5].sector, 108192);
	req_list_free(&l);
}

/* ---- errors ---- */

/* Writes `text` to a temporary file, reads it as `format`, and expects an
 * error naming the file, the line and `reason`. */
static void expect_error(int format, const char *actions, const char *text,
			 unsigned long line, const char *reason)
{
	char path[] = "/tmp/csumsim-trace-XXXXXX";
	char where[64];
	int fd = mkstemp(path);
	FILE *f;
	struct req_list l;
	struct cs_err err = { "" };
	int rc;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	rc = read_file(path, format, actions, &l, &err);
	unlink(path);
	req_list_free(&l);
	if (rc == 0 || strstr(err.msg, path) == NULL || strstr(err.msg, reason) == NULL)
		print_error("want line %lu '%s', got rc %d: %s\n", line, reason, rc, err.msg);
	assert_int_equal(rc, -1);
	snprintf(where, sizeof(where), "%s:%lu: ", path, line);
	assert_non_null(strstr(err.msg, where));
	assert_non_null(strstr(err.msg, reason));
}

#define EV "8,0 0 1 0.000000100 100 "

static void blkparse_errors(void **state)
{
	(void)state;
	expect_error(SC_FMT_BLKPARSE, "Q", EV "Q W 10 + 8 [x]\nthis is garbage\n", 2,
		     "not a blkparse event line");
	expect_error(SC_FMT_BLKPARSE, "Q", "8x0 0 1 0.1 100 Q W 10 + 8 [x]\n", 1,
		     "field 'device'");
	expect_error(SC_FMT_BLKPARSE, "Q", "8,0 c 1 0.1 100 Q W 10 + 8 [x]\n", 1, "field 'cpu'");
	expect_error(SC_FMT_BLKPARSE, "Q", "8,0 0 1 1.2.3 100 Q W 10 + 8 [x]\n", 1,
		     "field 'time'");
	expect_error(SC_FMT_BLKPARSE, "Q", "8,0 0 1 0.1234567891 100 Q W 10 + 8 [x]\n", 1,
		     "field 'time'");
	expect_error(SC_FMT_BLKPARSE, "Q", "8,0 0 1 0.1 p Q W 10 + 8 [x]\n", 1, "field 'pid'");
	expect_error(SC_FMT_BLKPARSE, "Q", "8,0 0 1 0.1 100 Q3 W 10 + 8 [x]\n", 1,
		     "field 'action'");
	expect_error(SC_FMT_BLKPARSE, "Q", "8,0 0 1 0.1 100 QQQ W 10 + 8 [x]\n", 1,
		     "field 'action'");
	expect_error(SC_FMT_BLKPARSE, "Q", "8,0 0 1 0.1 100 Q\xc3 W 10 + 8 [x]\n", 1,
		     "field 'action'");
	expect_error(SC_FMT_BLKPARSE, "Q", "8,0 0 1 0.1 100 [ W 10 + 8 [x]\n", 1,
		     "field 'action'");
	/* blanks and tabs both part fields, any number of them */
	expect_error(SC_FMT_BLKPARSE, "Q", "8,0\t0  1 \t0.1 100 Q3 W 10 + 8 [x]\n", 1,
		     "field 'action'");
	expect_error(SC_FMT_BLKPARSE, "Q", "8,0 0 1 0.1 1x0 Q W 10 + 8 [x]\n", 1, "field 'pid'");
	expect_error(SC_FMT_BLKPARSE, "Q", "8, 0 1 0.1 100 Q W 10 + 8 [x]\n", 1,
		     "field 'device'");
	expect_error(SC_FMT_BLKPARSE, "Q", EV "Q WX 10 + 8 [x]\n", 1, "field 'rwbs'");
	/* a bad RWBS is an error even on an event we do not take */
	expect_error(SC_FMT_BLKPARSE, "Q", EV "G WSS 10 + 8 [x]\n", 1, "field 'rwbs'");
	expect_error(SC_FMT_BLKPARSE, "Q", EV "Q W 1z + 8 [x]\n", 1, "field 'sector'");
	expect_error(SC_FMT_BLKPARSE, "Q", EV "Q W 10 + q [x]\n", 1, "field 'size'");
	expect_error(SC_FMT_BLKPARSE, "Q", EV "Q W 10 + 8\n", 1, "expected '[process]'");
	expect_error(SC_FMT_BLKPARSE, "Q", EV "Q W 10 + 0 [x]\n", 1, "zero-length write");
	expect_error(SC_FMT_BLKPARSE, "Q", EV "Q R 10 + 0 [x]\n", 1, "zero-length read");
	expect_error(SC_FMT_BLKPARSE, "Q", EV "Q D 10 [x]\n", 1, "zero-length discard");
	expect_error(SC_FMT_BLKPARSE, "Q", EV "Q W 18446744073709551615 + 8 [x]\n", 1,
		     "beyond 2^64");
}

static void fio_errors(void **state)
{
	(void)state;
	expect_error(SC_FMT_FIO_IOLOG, NULL, "fio version 9 iolog\n", 1, "not a fio iolog");
	expect_error(SC_FMT_FIO_IOLOG, NULL, "fio version 2 iolog\nf write 100 4096\n", 2,
		     "field 'offset': 100 bytes is not a multiple of 512");
	expect_error(SC_FMT_FIO_IOLOG, NULL, "fio version 2 iolog\nf add\nf read 0 1000\n", 3,
		     "field 'length'");
	expect_error(SC_FMT_FIO_IOLOG, NULL, "fio version 2 iolog\nf read 0 0\n", 2,
		     "zero-length read");
	expect_error(SC_FMT_FIO_IOLOG, NULL, "fio version 2 iolog\nf scribble 0 512\n", 2,
		     "unknown action 'scribble'");
	expect_error(SC_FMT_FIO_IOLOG, NULL, "fio version 2 iolog\nf read 0\n", 2,
		     "got 3 fields");
	expect_error(SC_FMT_FIO_IOLOG, NULL, "fio version 2 iolog\nf read\n", 2,
		     "needs an offset and a length");
	expect_error(SC_FMT_FIO_IOLOG, NULL, "fio version 2 iolog\nf open 0 512\n", 2,
		     "takes no offset");
	expect_error(SC_FMT_FIO_IOLOG, NULL, "fio version 2 iolog\nf read x 512\n", 2,
		     "field 'offset'");
	expect_error(SC_FMT_FIO_IOLOG, NULL, "fio version 3 iolog\n5 f wait 100 0\n", 2,
		     "not allowed in a version 3");
	expect_error(SC_FMT_FIO_IOLOG, NULL, "fio version 3 iolog\nx f read 0 512\n", 2,
		     "field 'timestamp'");
}

static void msr_errors(void **state)
{
	(void)state;
	expect_error(SC_FMT_MSR, NULL, "1,h,0,Read,0,512\n", 1, "expected 7 comma-separated");
	expect_error(SC_FMT_MSR, NULL, "1,h,0,Read,0,512,1\n2,h,0,Erase,0,512,1\n", 2,
		     "field 'Type'");
	expect_error(SC_FMT_MSR, NULL, "t,h,0,Read,0,512,1\n", 1, "field 'Timestamp'");
	expect_error(SC_FMT_MSR, NULL, "1,h,0,Read,100,512,1\n", 1,
		     "field 'Offset': 100 bytes is not a multiple of 512");
	expect_error(SC_FMT_MSR, NULL, "1,h,0,Write,0,700,1\n", 1, "field 'Size'");
	expect_error(SC_FMT_MSR, NULL, "1,h,0,Write,0,0,1\n", 1, "zero-length write");
	expect_error(SC_FMT_MSR, NULL, "1,h,x,Write,0,512,1\n", 1, "field 'DiskNumber'");
	/* a header is allowed on the first line only */
	expect_error(SC_FMT_MSR, NULL,
		     "1,h,0,Write,0,512,1\nTimestamp,Hostname,DiskNumber,Type,Offset,Size,"
		     "ResponseTime\n",
		     2, "field 'Timestamp'");
}

static void native_errors(void **state)
{
	(void)state;
	expect_error(SC_FMT_NATIVE, NULL, "0 r 0 8 -\n", 1, "not a csumsim trace");
	expect_error(SC_FMT_NATIVE, NULL, "# csumsim-trace v1\n0 x 0 8 -\n", 2, "field 'op'");
	expect_error(SC_FMT_NATIVE, NULL, "# csumsim-trace v1\n0 r 0 8 Q\n", 2,
		     "field 'flags': unknown flag 'Q'");
	expect_error(SC_FMT_NATIVE, NULL, "# csumsim-trace v1\n0 r 0 8 SS\n", 2, "given twice");
	expect_error(SC_FMT_NATIVE, NULL, "# csumsim-trace v1\n0 f 0 8 -\n", 2, "field 'count'");
	expect_error(SC_FMT_NATIVE, NULL, "# csumsim-trace v1\n0 w 0 0 -\n", 2,
		     "zero-length write");
	expect_error(SC_FMT_NATIVE, NULL, "# csumsim-trace v1\n0 w 0 8\n", 2, "got 4 fields");
	expect_error(SC_FMT_NATIVE, NULL, "# csumsim-trace v1\n-1 w 0 8 -\n", 2, "field 'time'");
}

/* The bad fixtures: the first bad line stops the reader. */
static void fixture_errors(void **state)
{
	static const struct {
		const char *file, *where;
	} c[] = {
		{ "bad.blkparse.txt", "bad.blkparse.txt:2: field 'rwbs'" },
		{ "bad.iolog", "bad.iolog:3: field 'offset'" },
		{ "bad.csv", "bad.csv:2: field 'Type'" },
		{ "bad.alibaba.csv", "bad.alibaba.csv:2: field 'opcode'" },
		{ "bad.tencent.csv", "bad.tencent.csv:2: field 'IOType'" },
		{ "bad.spc", "bad.spc:2: field 'Opcode'" },
		{ "bad.cstrace", "bad.cstrace:3: field 'op'" },
		{ "truncated.blkparse.txt.xz", "truncated.blkparse.txt.xz:" },
		{ "unknown.dat", "cannot tell the trace format" },
		{ "no-such-file.csv", "no-such-file.csv: cannot open" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct req_list l;
		struct cs_err err = { "" };
		char path[256];
		int rc;

		snprintf(path, sizeof(path), FIX "%s", c[i].file);
		rc = read_file(path, SC_FMT_AUTO, NULL, &l, &err);
		req_list_free(&l);
		if (rc == 0 || strstr(err.msg, c[i].where) == NULL)
			print_error("%s: got '%s'\n", c[i].file, err.msg);
		assert_int_equal(rc, -1);
		assert_non_null(strstr(err.msg, c[i].where));
	}
}

/* Alibaba: bytes to sectors, microseconds from the first record, the
 * header skipped, every device in one stream or one device alone; a time
 * that goes back is clamped. */
static void alibaba_csv(void **state)
{
	static const struct want all[] = {
		{ 0, 247468056, 8, WR, 0, 2 },
		{ 74000, 8, 1, RD, 0, 3 },
		{ 1000000, 247468056, 8, RD, 0, 4 },
		{ 1000000000, 0, 128, WR, 0, 5 },
		{ 1999374000, 16, 2, WR, 0, 6 },
		{ 1999374000, 1, 2048, WR, 0, 7 },
	};
	static const struct want dev7[] = {
		{ 0, 8, 1, RD, 0, 3 },
		{ 1999300000, 16, 2, WR, 0, 6 },
	};
	struct sc_trace s = file_spec(FIX "small.alibaba.csv", SC_FMT_ALIBABA, NULL);
	struct req_list l;
	struct cs_err err = { "" };

	(void)state;
	check(FIX "small.alibaba.csv", SC_FMT_AUTO, NULL, all, sizeof(all) / sizeof(all[0]));
	snprintf(s.device, sizeof(s.device), "7");
	assert_int_equal(read_spec(&s, NULL, 0, 0, &l, &err), 0);
	assert_int_equal(l.n, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(l.r[i].time_ns, dev7[i].time_ns);
		assert_int_equal(l.r[i].sector, dev7[i].sector);
		assert_int_equal(l.r[i].count, dev7[i].count);
	}
	req_list_free(&l);
	/* a device with no request: the empty-trace error says why */
	snprintf(s.device, sizeof(s.device), "9");
	assert_int_equal(read_spec(&s, NULL, 0, 0, &l, &err), -1);
	req_list_free(&l);
	assert_non_null(strstr(err.msg, "trace.device"));
	snprintf(s.device, sizeof(s.device), "x7");
	assert_int_equal(read_spec(&s, NULL, 0, 0, &l, &err), -1);
	req_list_free(&l);
	assert_non_null(strstr(err.msg, "field 'device'"));
}

/* Tencent: sectors as they are, seconds from the first record, IOType 0/1,
 * VolumeID selects; a time window keeps [from, until] and counts from from. */
static void tencent_csv(void **state)
{
	static const struct want all[] = {
		{ 0, 8, 8, WR, 0, 1 },
		{ 0, 4096, 16, RD, 0, 2 },
		{ 0, 100, 8, WR, 0, 3 },
		{ 1000000000, 0, 128, WR, 0, 4 },
		{ 3000000000, 2048, 8, RD, 0, 5 },
		{ 3000000000, 64, 8, WR, 0, 6 },
	};
	struct sc_trace s = file_spec(FIX "small.tencent.csv", SC_FMT_AUTO, NULL);
	struct req_list l;
	struct cs_err err = { "" };

	(void)state;
	check(FIX "small.tencent.csv", SC_FMT_AUTO, NULL, all, sizeof(all) / sizeof(all[0]));
	snprintf(s.device, sizeof(s.device), "1063");
	s.from_s = 0.5;
	s.until_s = 2.5;
	assert_int_equal(read_spec(&s, NULL, 0, 0, &l, &err), 0);
	assert_int_equal(l.n, 2); /* volume 1063's records at 1 s and 2 s */
	assert_int_equal(l.r[0].time_ns, 500000000);
	assert_int_equal(l.r[0].sector, 0);
	assert_int_equal(l.r[1].sector, 64);
	req_list_free(&l);
	s.until_s = 0.25;
	assert_int_equal(read_spec(&s, NULL, 0, 0, &l, &err), -1);
	req_list_free(&l);
	assert_non_null(strstr(err.msg, "field 'until'"));
	/* a blkparse trace has one device */
	s = file_spec(FIX "small.blkparse.txt", SC_FMT_BLKPARSE, "Q");
	snprintf(s.device, sizeof(s.device), "1");
	assert_int_equal(read_spec(&s, NULL, 0, 0, &l, &err), -1);
	req_list_free(&l);
	assert_non_null(strstr(err.msg, "holds one device"));
}

/* SPC (UMass/SNIA OLTP traces): LBA in blocks, Size in bytes, r/w in
 * either case, decimal seconds exactly, extra fields allowed, ASU selects;
 * a time that goes back is clamped. */
static void spc_csv(void **state)
{
	static const struct want all[] = {
		{ 0, 20941264, 16, WR, 0, 1 },
		{ 2335000, 20939840, 16, WR, 0, 2 },
		{ 648294000, 3436288, 31, RD, 0, 3 },
		{ 648294000, 20942000, 1, WR, 0, 4 },
	};
	struct sc_trace s = file_spec(FIX "small.spc", SC_FMT_AUTO, NULL);
	struct req_list l;
	struct cs_err err = { "" };

	(void)state;
	check(FIX "small.spc", SC_FMT_AUTO, NULL, all, sizeof(all) / sizeof(all[0]));
	snprintf(s.device, sizeof(s.device), "1");
	assert_int_equal(read_spec(&s, NULL, 0, 0, &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.r[0].sector, 20939840);
	assert_int_equal(l.r[0].time_ns, 0);
	req_list_free(&l);
}

/* trace.flush_policy adds empty flushes to a flushless trace: after every
 * N writes at the write's time; at each T ms boundary a request reaches,
 * before it; after each sync write. */
static void flush_policy(void **state)
{
	static const struct want every2[] = {
		{ 0, 8, 8, WR, 0, 1 },
		{ 0, 4096, 16, RD, 0, 2 },
		{ 0, 100, 8, WR, 0, 3 },
		{ 0, 0, 0, FL, P, 3 },
		{ 1000000000, 0, 128, WR, 0, 4 },
		{ 3000000000, 2048, 8, RD, 0, 5 },
		{ 3000000000, 64, 8, WR, 0, 6 },
		{ 3000000000, 0, 0, FL, P, 6 },
	};
	static const struct want ms1500[] = {
		{ 0, 8, 8, WR, 0, 1 },
		{ 0, 4096, 16, RD, 0, 2 },
		{ 0, 100, 8, WR, 0, 3 },
		{ 1000000000, 0, 128, WR, 0, 4 },
		{ 1500000000, 0, 0, FL, P, 5 },
		{ 3000000000, 2048, 8, RD, 0, 5 },
		{ 3000000000, 64, 8, WR, 0, 6 },
	};
	struct sc_trace s = file_spec(FIX "small.tencent.csv", SC_FMT_TENCENT, NULL);
	struct req_list l;
	struct cs_err err = { "" };
	const struct want *w;
	size_t n;

	(void)state;
	for (int k = 0; k < 2; k++) {
		s.flush_policy = k == 0 ? SC_FLUSHGEN_EVERY_WRITES : SC_FLUSHGEN_EVERY_MS;
		s.flush_every = k == 0 ? 2 : 1500;
		w = k == 0 ? every2 : ms1500;
		n = k == 0 ? sizeof(every2) / sizeof(every2[0]) : sizeof(ms1500) / sizeof(ms1500[0]);
		if (read_spec(&s, NULL, 0, 0, &l, &err) != 0)
			fail_msg("%s", err.msg);
		assert_int_equal(l.n, n);
		for (size_t i = 0; i < n; i++) {
			if (l.r[i].time_ns != w[i].time_ns || l.r[i].op != w[i].op ||
			    l.r[i].sector != w[i].sector || l.r[i].flags != w[i].flags)
				fail_msg("policy %d record %zu: t=%llu op=%u s=%llu f=%#x", k, i,
					 (unsigned long long)l.r[i].time_ns, l.r[i].op,
					 (unsigned long long)l.r[i].sector, l.r[i].flags);
			assert_int_equal(l.r[i].line, w[i].line);
		}
		req_list_free(&l);
	}
	/* after_sync_writes: blkparse's W with S gets a flush after it */
	s = file_spec(FIX "small.blkparse.txt", SC_FMT_BLKPARSE, "Q");
	s.flush_policy = SC_FLUSHGEN_AFTER_SYNC;
	assert_int_equal(read_spec(&s, NULL, 0, 0, &l, &err), 0);
	assert_int_equal(l.n, sizeof(blkparse_q) / sizeof(blkparse_q[0]) + 5);
	assert_int_equal(l.r[2].op, FL); /* after the sync write of line 6 */
	assert_int_equal(l.r[2].time_ns, 1000000);
	req_list_free(&l);
}

static void truncated_xz_says_xz(void **state)
{
	struct req_list l;
	struct cs_err err = { "" };

	(void)state;
	assert_int_equal(read_file(FIX "truncated.blkparse.txt.xz", SC_FMT_BLKPARSE, "Q", &l, &err),
			 -1);
	req_list_free(&l);
	assert_non_null(strstr(err.msg, "xz data"));
}

static void bad_spec(void **state)
{
	struct sc_trace s = file_spec(FIX "small.blkparse.txt", SC_FMT_BLKPARSE, "Q1");
	struct req_list l;
	struct cs_err err = { "" };

	(void)state;
	assert_int_equal(read_spec(&s, NULL, 0, 0, &l, &err), -1);
	assert_non_null(strstr(err.msg, "field 'actions'"));
	s = file_spec("", SC_FMT_AUTO, NULL);
	assert_int_equal(read_spec(&s, NULL, 0, 0, &l, &err), -1);
	assert_non_null(strstr(err.msg, "field 'path'"));
}

static void format_names(void **state)
{
	(void)state;
	for (int f = SC_FMT_BLKPARSE; f <= SC_FMT_AUTO; f++)
		assert_int_equal(trace_format_parse(trace_format_name(f)), f);
	assert_string_equal(trace_format_name(SC_FMT_FIO_IOLOG), "fio");
	assert_int_equal(trace_format_parse("blktrace"), SC_FMT_BLKTRACE);
	assert_int_equal(trace_format_parse("csv"), -1);
	assert_int_equal(trace_format_parse(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alibaba_csv),
		cmocka_unit_test(spc_csv),
		cmocka_unit_test(flush_policy),
		cmocka_unit_test(tencent_csv),
		cmocka_unit_test(blkparse_queue_events),
		cmocka_unit_test(blkparse_completions),
		cmocka_unit_test(blkparse_dispatch),
		cmocka_unit_test(blkparse_xz),
		cmocka_unit_test(blkparse_base_dir),
		cmocka_unit_test(fio_v2),
		cmocka_unit_test(fio_v3),
		cmocka_unit_test(msr_csv),
		cmocka_unit_test(native_file),
		cmocka_unit_test(blkparse_long_names),
		cmocka_unit_test(limit_counts_records),
		cmocka_unit_test(blkparse_errors),
		cmocka_unit_test(fio_errors),
		cmocka_unit_test(msr_errors),
		cmocka_unit_test(native_errors),
		cmocka_unit_test(fixture_errors),
		cmocka_unit_test(truncated_xz_says_xz),
		cmocka_unit_test(bad_spec),
		cmocka_unit_test(format_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
