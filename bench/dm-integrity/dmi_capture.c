/* dmi_capture: turns the dm-log-writes log of a run.sh guest into the
 * capture of the dm-integrity comparison: on stdout one line per log entry
 * in log order ("M name" for a mark, "W sector count FLAGS" for a write,
 * "F" for an empty flush, "D sector count" for a discard; FLAGS is "-" or
 * any of P (REQ_PREFLUSH) and U (REQ_FUA)), and in OUTDIR the device image
 * as it stood at the marks "start" and "end" and after the last entry
 * ("closed"), each DEVICE_SECTORS long. The log format is the one dm-log-writes.c's comment and
 * log-writes.rst describe (read for this, written fresh; see also
 * bench/dm-log-writes/dmlw_replay.c). Built by run.sh; not part of CMake.
 * Usage: dmi_capture LOG OUTDIR DEVICE_SECTORS */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LW_MAGIC 0x6a736677736872ULL
#define LW_FLUSH 1u
#define LW_FUA 2u
#define LW_DISCARD 4u
#define LW_MARK 8u
#define MAX_SECTORS (1u << 20) /* images up to 512 MiB */

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void die(const char *what)
{
	fprintf(stderr, "dmi_capture: %s\n", what);
	exit(1);
}

static void save(const uint8_t *img, uint64_t bytes, const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.img", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(img, 1, bytes, f) != bytes || fclose(f) != 0)
		die("cannot write an image");
}

int main(int argc, char **argv)
{
	uint8_t hdr[4096];
	uint64_t n, off, dev;
	uint32_t ss;
	uint8_t *img;
	int fd;

	if (argc != 4)
		die("usage: dmi_capture LOG OUTDIR DEVICE_SECTORS");
	dev = strtoull(argv[3], NULL, 10);
	if (dev == 0 || dev > MAX_SECTORS)
		die("DEVICE_SECTORS out of range");
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || pread(fd, hdr, 32, 0) != 32 || le64(hdr) != LW_MAGIC)
		die("not a dm-log-writes log");
	n = le64(hdr + 16);
	ss = (uint32_t)le64(hdr + 24) & 0xffffffffu;
	if (ss != 512)
		die("log sector size is not 512");
	img = calloc(MAX_SECTORS, 512);
	if (!img)
		die("out of memory");
	off = ss;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t sec, cnt, fl, len;

		if (pread(fd, hdr, ss, (off_t)off) != (ssize_t)ss)
			die("log ends early");
		off += ss;
		sec = le64(hdr);
		cnt = le64(hdr + 8);
		fl = le64(hdr + 16);
		len = le64(hdr + 24);
		if (fl & LW_MARK) {
			char name[64];
			size_t l = len < sizeof(name) - 1 ? (size_t)len : sizeof(name) - 1;

			memcpy(name, hdr + 32, l);
			name[l] = 0;
			printf("M %s\n", name);
			if (!strcmp(name, "start") || !strcmp(name, "end"))
				save(img, dev * 512, argv[2], name);
			continue;
		}
		if (len != 0)
			die("inline entry data");
		if (fl & LW_DISCARD) {
			printf("D %llu %llu\n", (unsigned long long)sec, (unsigned long long)cnt);
			continue;
		}
		if (cnt == 0) {
			printf("F\n");
			continue;
		}
		if (sec + cnt > dev)
			die("write beyond the device");
		if (pread(fd, img + sec * 512, cnt * 512, (off_t)off) != (ssize_t)(cnt * 512))
			die("log data ends early");
		off += cnt * 512;
		printf("W %llu %llu %s%s%s\n", (unsigned long long)sec, (unsigned long long)cnt,
		       fl & LW_FLUSH ? "P" : "", fl & LW_FUA ? "U" : "",
		       fl & (LW_FLUSH | LW_FUA) ? "" : "-");
	}
	save(img, dev * 512, argv[2], "closed");
	return 0;
}
