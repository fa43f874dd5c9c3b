/* Field fault models: latent sector errors and checksum mismatches at the
 * rates, and with the spatial and temporal locality, that field studies of
 * drives measured (docs/FAULTS.md, "Field models"). The presets and their
 * sources are in field_presets.c; the process in field.c. */
#ifndef CSUMSIM_FAULTS_FIELD_H
#define CSUMSIM_FAULTS_FIELD_H

#include <stdbool.h>
#include <stdint.h>

#include "scenarios/scenario.h"

#define FIELD_NS_PER_YEAR 3.15576e16 /* a Julian year */
/* Bits flipped in each sector a checksum mismatch hits (docs/FAULTS.md:
 * no source gives it; enough that no CRC detects it by structure). */
#define FIELD_CM_BITS 8u

/* Every parameter with its value: the preset's figure where unset. */
struct field_params {
	uint8_t preset;
	double lse_per_drive_year, cm_per_drive_year, drive_tb, accel;
	double lse_sectors, cm_sectors;
	uint64_t span;
	double repeat, repeat_hours, after_write, correlate;
};

void field_resolve(const struct sc_field_faults *in, struct field_params *out);
/* "nearline-hdd", ... (the names faults.field.preset takes). */
const char *field_preset_name(uint8_t preset);
/* A model with a rate above zero. */
bool field_active(const struct field_params *p);
/* Expected faulty sectors per TB-year of field time, by kind (the totals the
 * process produces: clusters x episodes per cluster x sectors per episode). */
double field_lse_sectors_per_tb_year(const struct field_params *p);
double field_cm_sectors_per_tb_year(const struct field_params *p);
/* Expected episodes (ledger faults) per TB-year, by kind. */
double field_lse_episodes_per_tb_year(const struct field_params *p);
double field_cm_episodes_per_tb_year(const struct field_params *p);

/* What the model did, for tests and the risk section. */
struct field_stats {
	uint64_t episodes[2];      /* [0] latent errors, [1] checksum mismatches */
	uint64_t followups[2];     /* of those, follow-ups of an earlier one */
	uint64_t sectors[2];       /* sectors hit */
	uint64_t after_write;      /* mismatch episodes started on a just-written sector */
	uint64_t correlated;       /* sibling metadata copies hit through correlation */
	double tb_ns;              /* written TB x simulated ns: the exposure */
};

#endif
