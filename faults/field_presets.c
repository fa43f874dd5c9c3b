/* The presets of faults.field and the conversion of their figures. Every
 * number here is named in docs/FAULTS.md with the source it comes from, or
 * marked there as an assumption no source in the notes gives. */
#include "faults/field.h"

#include <math.h>

struct preset {
	double lse_per_drive_year, cm_per_drive_year, drive_tb, accel;
	double lse_sectors, cm_sectors;
	uint64_t span;
	double repeat, repeat_hours, after_write, correlate;
};

/* SIGMETRICS'07 (Bairavasundaram et al.): 3.15% of nearline and 1.46% of
 * enterprise disks developed at least one latent sector error in their
 * first 12 months; as a Poisson rate of first errors, -ln(1 - p).
 * FAST'08 (Bairavasundaram et al.): more than 400,000 checksum mismatches
 * over 41 months on 1.53 million disks: 400000 / (1.53e6 x 41/12) = 0.0765
 * per drive-year over the population; nearline disks develop them an
 * order of magnitude more often than enterprise ones (both from the
 * abstract): nearline 0.0765 (the population mean, a floor for nearline),
 * enterprise a tenth of it. The shapes (sectors per episode, span, repeat,
 * after_write, correlate) and the capacity are assumptions (docs/FAULTS.md). */
#define CM_POPULATION (400000.0 / (1.53e6 * 41.0 / 12.0))

static double first_error_rate(double p_year)
{
	return -log1p(-p_year);
}

static struct preset preset_of(uint8_t which)
{
	struct preset p = {
		.lse_per_drive_year = 0, .cm_per_drive_year = 0, .drive_tb = 1, .accel = 1e12,
		.lse_sectors = 4, .cm_sectors = 4, .span = 128, .repeat = 0.5,
		.repeat_hours = 24, .after_write = 0.5, .correlate = 1,
	};

	switch (which) {
	case SC_FIELD_NEARLINE_HDD:
		p.lse_per_drive_year = first_error_rate(0.0315);
		p.cm_per_drive_year = CM_POPULATION;
		break;
	case SC_FIELD_ENTERPRISE_HDD:
		p.lse_per_drive_year = first_error_rate(0.0146);
		p.cm_per_drive_year = CM_POPULATION / 10;
		break;
	case SC_FIELD_CONSUMER_SSD:
		/* no SSD field study in the sources: nearline's rates stand in,
		 * with no spatial spread (an FTL scatters neighbouring LBAs) */
		p.lse_per_drive_year = first_error_rate(0.0315);
		p.cm_per_drive_year = CM_POPULATION;
		p.lse_sectors = 1;
		p.cm_sectors = 1;
		p.span = 0;
		break;
	default:
		break;
	}
	return p;
}

static double pick(double given, double preset)
{
	return given >= 0 ? given : preset;
}

void field_resolve(const struct sc_field_faults *in, struct field_params *out)
{
	struct preset p = preset_of(in->preset);

	out->preset = in->preset;
	out->lse_per_drive_year = pick(in->lse_per_drive_year, p.lse_per_drive_year);
	out->cm_per_drive_year = pick(in->cm_per_drive_year, p.cm_per_drive_year);
	out->drive_tb = pick(in->drive_tb, p.drive_tb);
	out->accel = pick(in->accel, p.accel);
	out->lse_sectors = pick(in->lse_sectors, p.lse_sectors);
	out->cm_sectors = pick(in->cm_sectors, p.cm_sectors);
	out->span = in->span != UINT64_MAX ? in->span : p.span;
	out->repeat = pick(in->repeat, p.repeat);
	out->repeat_hours = pick(in->repeat_hours, p.repeat_hours);
	out->after_write = pick(in->after_write, p.after_write);
	out->correlate = pick(in->correlate, p.correlate);
}

bool field_active(const struct field_params *p)
{
	return p->lse_per_drive_year > 0 || p->cm_per_drive_year > 0;
}

/* A cluster is a first episode and its follow-ups: 1 / (1 - repeat) on average. */
static double per_cluster(const struct field_params *p)
{
	return 1.0 / (1.0 - p->repeat);
}

double field_lse_episodes_per_tb_year(const struct field_params *p)
{
	return p->lse_per_drive_year / p->drive_tb * per_cluster(p);
}

double field_lse_sectors_per_tb_year(const struct field_params *p)
{
	return field_lse_episodes_per_tb_year(p) * p->lse_sectors;
}

/* Mismatch figures count sectors: the episodes are that over their size. */
double field_cm_sectors_per_tb_year(const struct field_params *p)
{
	return p->cm_per_drive_year / p->drive_tb;
}

double field_cm_episodes_per_tb_year(const struct field_params *p)
{
	return field_cm_sectors_per_tb_year(p) / p->cm_sectors;
}

const char *field_preset_name(uint8_t preset)
{
	static const char *const names[] = {"none", "nearline-hdd", "enterprise-hdd",
					     "consumer-ssd"};

	return preset < sizeof(names) / sizeof(names[0]) ? names[preset] : "?";
}
