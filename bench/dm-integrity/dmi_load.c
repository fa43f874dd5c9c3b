/* dmi_load: the guest's fixed workload for the dm-integrity comparison
 * (docs/DMINTEGRITY.md, "Checked against the kernel"). Reads a workload file
 * of lines "w SECTOR COUNT" (O_DIRECT write), "W SECTOR COUNT" (O_DIRECT |
 * O_DSYNC write: REQ_FUA) and "f" (fdatasync: an empty REQ_PREFLUSH), and
 * before each request sends the message "mark rN" to the dm-log-writes
 * device LW, so that the log splits into the sub-I/Os of each request. The
 * data is dmi_pattern(sector, N + 1). Built static for the initramfs.
 * Usage: dmi_load WORKLOAD DEVICE LWNAME */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "pattern.h"

static int mark(int ctl, const char *dev, const char *name)
{
	/* DM_TARGET_MSG: a dm_ioctl header, then a dm_target_msg and its text */
	union {
		struct dm_ioctl io;
		char raw[16384];
	} u;
	struct dm_target_msg *msg;

	memset(&u, 0, sizeof(u));
	u.io.version[0] = DM_VERSION_MAJOR;
	u.io.version[1] = 0;
	u.io.version[2] = 0;
	u.io.data_size = sizeof(u);
	u.io.data_start = sizeof(struct dm_ioctl);
	snprintf(u.io.name, sizeof(u.io.name), "%s", dev);
	msg = (struct dm_target_msg *)(u.raw + sizeof(struct dm_ioctl));
	msg->sector = 0;
	snprintf(msg->message, sizeof(u) - sizeof(struct dm_ioctl) - sizeof(*msg), "mark %s", name);
	return ioctl(ctl, DM_TARGET_MSG, &u);
}

int main(int argc, char **argv)
{
	FILE *wl;
	int fd, fdf, ctl;
	char line[128];
	unsigned long n = 0;
	void *buf;

	if (argc != 4) {
		fprintf(stderr, "usage: dmi_load WORKLOAD DEVICE LWNAME\n");
		return 2;
	}
	wl = fopen(argv[1], "r");
	fd = open(argv[2], O_WRONLY | O_DIRECT);
	fdf = open(argv[2], O_WRONLY | O_DIRECT | O_DSYNC);
	ctl = open("/dev/mapper/control", O_RDWR);
	if (!wl || fd < 0 || fdf < 0 || ctl < 0 || posix_memalign(&buf, 4096, 1u << 20)) {
		perror("dmi_load: open");
		return 1;
	}
	while (fgets(line, sizeof(line), wl)) {
		char op;
		unsigned long long s = 0, c = 0;
		char name[32];

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%c %llu %llu", &op, &s, &c) < 1)
			return 2;
		snprintf(name, sizeof(name), "r%lu", n);
		if (mark(ctl, argv[3], name) != 0) {
			perror("dmi_load: mark");
			return 1;
		}
		if (op == 'f') {
			if (fdatasync(fd) != 0) {
				perror("dmi_load: fdatasync");
				return 1;
			}
		} else if ((op == 'w' || op == 'W') && c > 0 && c <= 2048) {
			dmi_pattern(buf, s, (uint32_t)c, (uint32_t)(n + 1));
			if (pwrite(op == 'W' ? fdf : fd, buf, c * 512, (off_t)(s * 512)) != (ssize_t)(c * 512)) {
				perror("dmi_load: pwrite");
				return 1;
			}
		} else {
			fprintf(stderr, "dmi_load: bad line %lu: %s", n, line);
			return 2;
		}
		n++;
	}
	if (mark(ctl, argv[3], "end") != 0)
		return 1;
	printf("DMI requests %lu\n", n);
	return 0;
}
