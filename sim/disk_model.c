#include "sim/disk_model.h"

#include <math.h>
#include <string.h>

#include "core/csum.h"

#define NS_PER_US 1000.0
#define NS_PER_MS 1000000.0

int dmodel_init(struct disk_model *m, const struct sc_disk *p, uint64_t sectors,
		const char **why)
{
	memset(m, 0, sizeof(*m));
	m->p = *p;
	switch (p->profile) {
	case SC_DISK_HDD:
		if (!(p->hdd.rpm > 0) || p->hdd.sectors_per_track == 0) {
			*why = "hdd.rpm and hdd.sectors_per_track must be > 0";
			return -1;
		}
		if (p->hdd.seek_track_ms < 0 || p->hdd.seek_full_ms < p->hdd.seek_track_ms ||
		    p->hdd.overhead_us < 0 || p->hdd.flush_overhead_us < 0 ||
		    p->hdd.transfer_mib_s < 0) {
			*why = "hdd times must be >= 0 and seek_full_ms >= seek_track_ms";
			return -1;
		}
		if (p->hdd.sched > SC_SCHED_CLOOK) {
			*why = "hdd.sched is not fifo, sstf or clook";
			return -1;
		}
		m->tracks = (sectors + p->hdd.sectors_per_track - 1) / p->hdd.sectors_per_track;
		if (m->tracks == 0)
			m->tracks = 1;
		m->period_ns = 60.0e9 / p->hdd.rpm;
		if (p->hdd.transfer_mib_s > 0)
			m->xfer_ns = CSUM_SECTOR * 1.0e9 / (p->hdd.transfer_mib_s * 1048576.0);
		else
			m->xfer_ns = m->period_ns / p->hdd.sectors_per_track;
		break;
	case SC_DISK_SSD:
		if (p->ssd.channels == 0) {
			*why = "ssd.channels must be > 0";
			return -1;
		}
		if (p->ssd.read_us < 0 || p->ssd.write_us < 0 || p->ssd.read_us_per_kib < 0 ||
		    p->ssd.write_us_per_kib < 0 || p->ssd.flush_us < 0) {
			*why = "ssd times must be >= 0";
			return -1;
		}
		break;
	case SC_DISK_RAM:
		break;
	default:
		*why = "profile is not hdd, ssd or ram";
		return -1;
	}
	if (p->ram.io_us < 0 || p->ram.us_per_kib < 0) {
		*why = "ram times must be >= 0 (they also price cache transfers)";
		return -1;
	}
	if (p->cache.enabled && p->cache.sectors == 0) {
		*why = "cache.sectors must be > 0 when the cache is enabled";
		return -1;
	}
	if (p->cache.destage_idle_ms < 0) {
		*why = "cache.destage_idle_ms must be >= 0";
		return -1;
	}
	return 0;
}

void dmodel_reset(struct disk_model *m)
{
	m->head_track = 0;
	m->head_sector = 0;
}

unsigned dmodel_slots(const struct disk_model *m)
{
	return m->p.profile == SC_DISK_SSD ? m->p.ssd.channels : 1;
}

double dmodel_seek_ns(const struct disk_model *m, uint64_t tracks)
{
	double frac;

	if (tracks == 0)
		return 0.0;
	frac = m->tracks > 1 ? (double)(tracks - 1) / (double)(m->tracks - 1) : 0.0;
	return (m->p.hdd.seek_track_ms +
		(m->p.hdd.seek_full_ms - m->p.hdd.seek_track_ms) * sqrt(frac)) * NS_PER_MS;
}

static double kib(uint32_t count)
{
	return (double)count * CSUM_SECTOR / 1024.0;
}

static uint64_t to_ns(double ns)
{
	return ns <= 0 ? 0 : (uint64_t)llround(ns);
}

static uint64_t hdd_service(struct disk_model *m, uint64_t now, enum dmodel_op op,
			    uint64_t sector, uint32_t count, bool *seeked)
{
	uint32_t spt = m->p.hdd.sectors_per_track;
	uint64_t track, dist;
	double t, pos, target, wait;

	if (op == DMODEL_FLUSH)
		return to_ns(m->p.hdd.flush_overhead_us * NS_PER_US);
	/* command overhead, then seek, then wait for the sector, then transfer */
	t = (double)now + m->p.hdd.overhead_us * NS_PER_US;
	track = sector / spt;
	dist = track > m->head_track ? track - m->head_track : m->head_track - track;
	*seeked = dist != 0;
	t += dmodel_seek_ns(m, dist);
	/* the platter angle is a function of time: (t mod period) / period */
	pos = fmod(t, m->period_ns);
	target = (double)(sector % spt) * m->period_ns / spt;
	wait = fmod(target - pos + m->period_ns, m->period_ns);
	if (wait > m->period_ns - 1e-3) /* float residue of "exactly under the head" */
		wait = 0;
	t += wait + m->xfer_ns * count;
	m->head_track = count ? (sector + count - 1) / spt : track;
	m->head_sector = sector + count;
	return to_ns(t - (double)now);
}

uint64_t dmodel_service(struct disk_model *m, uint64_t now, enum dmodel_op op,
			uint64_t sector, uint32_t count, bool *seeked)
{
	*seeked = false;
	switch (m->p.profile) {
	case SC_DISK_HDD:
		return hdd_service(m, now, op, sector, count, seeked);
	case SC_DISK_SSD:
		if (op == DMODEL_FLUSH)
			return to_ns(m->p.ssd.flush_us * NS_PER_US);
		if (op == DMODEL_READ)
			return to_ns((m->p.ssd.read_us + m->p.ssd.read_us_per_kib * kib(count)) *
				     NS_PER_US);
		return to_ns((m->p.ssd.write_us + m->p.ssd.write_us_per_kib * kib(count)) *
			     NS_PER_US);
	default:
		if (op == DMODEL_FLUSH)
			return to_ns(m->p.ram.io_us * NS_PER_US);
		return to_ns((m->p.ram.io_us + m->p.ram.us_per_kib * kib(count)) * NS_PER_US);
	}
}

uint64_t dmodel_overhead(const struct disk_model *m, enum dmodel_op op)
{
	switch (m->p.profile) {
	case SC_DISK_HDD:
		return to_ns((op == DMODEL_FLUSH ? m->p.hdd.flush_overhead_us : m->p.hdd.overhead_us) *
			     NS_PER_US);
	case SC_DISK_SSD:
		if (op == DMODEL_FLUSH)
			return to_ns(m->p.ssd.flush_us * NS_PER_US);
		return to_ns((op == DMODEL_READ ? m->p.ssd.read_us : m->p.ssd.write_us) *
			     NS_PER_US);
	default:
		return to_ns(m->p.ram.io_us * NS_PER_US);
	}
}

uint64_t dmodel_bus(const struct disk_model *m, uint32_t count)
{
	return to_ns((m->p.ram.io_us + m->p.ram.us_per_kib * kib(count)) * NS_PER_US);
}
