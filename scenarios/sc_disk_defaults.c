/* A disk's documented defaults (docs/SCENARIO.md), in a file of their own
 * so that the disk's tests take them without the YAML loader. */
#include <string.h>

#include "scenarios/scenario.h"

void sc_disk_defaults(struct sc_disk *d)
{
	memset(d, 0, sizeof(*d));
	d->profile = SC_DISK_SSD;
	/* field by field, not from compound literals: assigning one may copy
	 * its padding too (clang does), and memcmp of scenarios needs zeroes */
	d->hdd.rpm = 7200;
	d->hdd.sectors_per_track = 1000;
	d->hdd.seek_track_ms = 0.8;
	d->hdd.seek_full_ms = 16.0;
	d->hdd.transfer_mib_s = 0;
	d->hdd.overhead_us = 50;
	d->hdd.sched = SC_SCHED_CLOOK;
	d->hdd.queue_depth = 32;
	d->hdd.flush_overhead_us = 100;
	d->ssd.read_us = 60;
	d->ssd.write_us = 20;
	d->ssd.read_us_per_kib = 1.5;
	d->ssd.write_us_per_kib = 3.0;
	d->ssd.channels = 8;
	d->ssd.flush_us = 500;
	d->ram.io_us = 1.0;
	d->ram.us_per_kib = 0.1;
	d->cache.enabled = true;
	d->cache.sectors = 16384;
	d->cache.fua = true;
	d->cache.destage_idle_ms = 0;
}
