/* `csumsim dump`: the bytes of the media, as hex, or one group's imd pair
 * decoded as the RFC's on-disk format (docs/PROTOCOL.md), so a reviewer can
 * check the format by eye. Reads a sim_media_view (sim/run.h). */
#ifndef CSUMSIM_SIM_DUMP_H
#define CSUMSIM_SIM_DUMP_H

#include <stdint.h>
#include <stdio.h>

#include "sim/run.h"

/* "data" or "imd". */
const char *dump_dev_name(unsigned dev);
/* The first lines: variant, when, the devices' lengths. */
int dump_header(FILE *o, const struct sim_media_view *v);
/* Sectors [lo, lo + n) of dev, 16 bytes a line. The caller checks the range
 * against v->dev_sectors. written_only: skip sectors never written. */
int dump_sectors(FILE *o, const struct sim_media_view *v, unsigned dev, uint64_t lo,
		 uint64_t n, int written_only);
/* Group g's M1 and M2 decoded (header, counter, 62 tuples), each tuple next
 * to the data sector it covers and that sector's crc_ccitt now. Only for
 * the RFC's placement of imd sectors (variant rfc); g < geo_groups(len). */
int dump_group(FILE *o, const struct sim_media_view *v, uint64_t g);

#endif
