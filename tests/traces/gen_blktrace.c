/* Writes a deterministic binary blktrace capture for the tests, as blktrace
 * would on a 2-CPU machine: STEM.0 and STEM.1, each a run of 48-byte records
 * (struct blk_io_trace, version 7) with their payloads, in little-endian (or
 * big-endian with -b) byte order. The kernel here refuses blktrace (no
 * access to /sys/kernel/debug/block/DEV/trace*), so the capture is made,
 * not recorded; blkparse reads it as a real one.
 *
 * Each I/O: process notify, Q, G, I, D and C events on its CPU, and now and
 * then a plug and unplug, a remap (with its payload) and a message. The kinds
 * cover what csumsim maps: reads, writes, sync, FUA, preflush, empty flushes,
 * discards, read-ahead and metadata.
 *
 * usage: gen_blktrace STEM N_IOS [-b] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TC_READ = 1 << 0, TC_WRITE = 1 << 1, TC_FLUSH = 1 << 2, TC_SYNC = 1 << 3,
       TC_QUEUE = 1 << 4, TC_ISSUE = 1 << 6, TC_COMPLETE = 1 << 7, TC_FS = 1 << 8,
       TC_NOTIFY = 1 << 10, TC_AHEAD = 1 << 11, TC_META = 1 << 12, TC_DISCARD = 1 << 13,
       TC_FUA = 1 << 15 };
enum { A_QUEUE = 1, A_GETRQ = 4, A_ISSUE = 7, A_COMPLETE = 8, A_PLUG = 9, A_UNPLUG = 10,
       A_INSERT = 12, A_REMAP = 15, N_PROCESS = 0, N_MESSAGE = 2 };

struct out {
	FILE *f;
	uint32_t seq;
	int cpu;
};

static int big;

static void put(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[big ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static void record(struct out *o, uint64_t t, uint64_t sector, uint32_t bytes, uint32_t action,
		   const void *pdu, uint16_t pdu_len)
{
	uint8_t b[48];

	put(b, 0x65617407u, 4);
	put(b + 4, ++o->seq, 4);
	put(b + 8, t, 8);
	put(b + 16, sector, 8);
	put(b + 24, bytes, 4);
	put(b + 28, action, 4);
	put(b + 32, 4242u + (uint32_t)o->cpu, 4);     /* pid */
	put(b + 36, (7u << 20) | 0u, 4);              /* dev_t of 7,0 */
	put(b + 40, (uint32_t)o->cpu, 4);
	put(b + 44, 0, 2);                             /* error */
	put(b + 46, pdu_len, 2);
	if (fwrite(b, 1, sizeof(b), o->f) != sizeof(b) ||
	    (pdu_len && fwrite(pdu, 1, pdu_len, o->f) != pdu_len)) {
		perror("gen_blktrace");
		exit(1);
	}
}

/* the kernel writes a remap's payload big-endian whatever the machine */
static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[n - 1 - i] = (uint8_t)(v >> (8 * i));
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t next(uint32_t n)
{
	rng = rng * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)(rng >> 33) % n;
}

int main(int argc, char **argv)
{
	struct out o[2];
	char path[4096];
	long n;

	if (argc < 3 || (argc == 4 && strcmp(argv[3], "-b") != 0) || argc > 4) {
		fprintf(stderr, "usage: gen_blktrace STEM N_IOS [-b]\n");
		return 2;
	}
	big = argc == 4;
	n = strtol(argv[2], NULL, 10);
	for (int c = 0; c < 2; c++) {
		snprintf(path, sizeof(path), "%s.%d", argv[1], c);
		o[c].f = fopen(path, "wb");
		o[c].seq = 0;
		o[c].cpu = c;
		if (o[c].f == NULL) {
			perror(path);
			return 1;
		}
	}
	for (int c = 0; c < 2; c++) {
		char comm[16] = "gen-io";

		record(&o[c], 4000000000u + (uint64_t)c, 0, 0, N_PROCESS | TC_NOTIFY << 16, comm,
		       sizeof(comm));
	}
	for (long i = 0; i < n; i++) {
		struct out *w = &o[next(2)];
		uint64_t t = 5000000000u + (uint64_t)i * 100000u + next(50) * 1000u;
		uint64_t sector = (uint64_t)next(1u << 20) * 8;
		uint32_t bytes = (1 + next(64)) * 4096, tc;

		switch (next(10)) {
		case 0: tc = TC_READ; break;
		case 1: tc = TC_READ | TC_AHEAD; break;
		case 2: tc = TC_WRITE; break;
		case 3: tc = TC_WRITE | TC_SYNC; break;
		case 4: tc = TC_WRITE | TC_SYNC | TC_FUA; break;
		case 5: tc = TC_FLUSH | TC_WRITE | TC_SYNC; break;
		case 6: tc = TC_FLUSH | TC_WRITE | TC_SYNC; bytes = 0; sector = 0; break;
		case 7: tc = TC_WRITE | TC_DISCARD; break;
		case 8: tc = TC_WRITE | TC_META | TC_SYNC; break;
		default: tc = TC_READ | TC_META; break;
		}
		if (next(8) == 0)
			record(w, t, 0, 0, A_PLUG | TC_QUEUE << 16, NULL, 0);
		if (next(16) == 0) {
			uint8_t rm[16];

			memset(rm, 0, sizeof(rm));
			put_be(rm, (8u << 20) | 1u, 4);   /* from 8,1 */
			put_be(rm + 4, (7u << 20) | 0u, 4);
			put_be(rm + 8, sector + 2048, 8);
			record(w, t + 1, sector, bytes, A_REMAP | (tc | TC_QUEUE) << 16, rm, sizeof(rm));
		}
		record(w, t + 2, sector, bytes, A_QUEUE | (tc | TC_QUEUE) << 16, NULL, 0);
		record(w, t + 3, sector, bytes, A_GETRQ | (tc | TC_QUEUE) << 16, NULL, 0);
		record(w, t + 4, sector, bytes, A_INSERT | (tc | TC_QUEUE) << 16, NULL, 0);
		if (next(8) == 0)
			record(w, t + 5, 0, 0, A_UNPLUG | TC_QUEUE << 16, NULL, 0);
		record(w, t + 6, sector, bytes, A_ISSUE | (tc | TC_ISSUE) << 16, NULL, 0);
		record(w, t + 900, sector, bytes, A_COMPLETE | (tc | TC_COMPLETE) << 16, NULL, 0);
		if (next(32) == 0) {
			static const char msg[] = "csumsim test message";

			record(w, t + 901, 0, 0, N_MESSAGE | TC_NOTIFY << 16, msg, sizeof(msg) - 1);
		}
	}
	for (int c = 0; c < 2; c++)
		if (fclose(o[c].f) != 0) {
			perror("gen_blktrace");
			return 1;
		}
	return 0;
}
