/* Service times of the disk profiles (HDD, SSD, RAM) and the HDD head state.
 * Internal to sim/disk.c; see docs/DISK.md for the formulas. */
#ifndef CSUMSIM_SIM_DISK_MODEL_H
#define CSUMSIM_SIM_DISK_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "scenarios/scenario.h"

enum dmodel_op { DMODEL_READ = 0, DMODEL_WRITE = 1, DMODEL_FLUSH = 2 };

struct disk_model {
	struct sc_disk p;
	uint64_t tracks;        /* HDD: ceil(sectors / sectors_per_track) */
	double period_ns;       /* HDD: one revolution */
	double xfer_ns;         /* HDD: per sector at the media rate */
	uint64_t head_track;    /* HDD: track under the head */
	uint64_t head_sector;   /* HDD: sector after the last one transferred */
};

/* Returns 0, or -1 with a reason in *why for unusable parameters. */
int dmodel_init(struct disk_model *m, const struct sc_disk *p, uint64_t sectors,
		const char **why);
/* Head back to sector 0 (power cycle). */
void dmodel_reset(struct disk_model *m);
/* Requests the device serves at once (HDD and RAM 1, SSD channels). */
unsigned dmodel_slots(const struct disk_model *m);
/* HDD seek time in ns for a distance in tracks. */
double dmodel_seek_ns(const struct disk_model *m, uint64_t tracks);
/* Service time of one media operation starting at `now`; moves the head.
 * *seeked is set when the head changed track. */
uint64_t dmodel_service(struct disk_model *m, uint64_t now, enum dmodel_op op,
			uint64_t sector, uint32_t count, bool *seeked);
/* The fixed per-command part of an operation's service time (no seek,
 * rotation or transfer): what a command the drive rejects costs. */
uint64_t dmodel_overhead(const struct disk_model *m, enum dmodel_op op);
/* Time to move `count` sectors between host and the volatile cache. */
uint64_t dmodel_bus(const struct disk_model *m, uint32_t count);

#endif
