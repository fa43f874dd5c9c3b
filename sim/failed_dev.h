/* The device after its recovery step failed. dm-integrity sets ic->failed
 * there (dm_integrity_io_error) and ends every later bio with that error
 * (do_endio); every variant's failed recovery is modelled the same way. A
 * read still fetches its data sectors, for the judgement only (the oracle
 * tells good data refused from bad data refused), then fails; a write or
 * flush fails at once. Internal to sim/. */
#ifndef CSUMSIM_SIM_FAILED_DEV_H
#define CSUMSIM_SIM_FAILED_DEV_H

#include "core/csum.h"

struct failed_dev {
	struct csum_variant_ops ops; /* give the host these, with this struct as ctx */
	const struct csum_variant_ops *real;
	void *ctx;                   /* the real variant's instance, after its mount */
};

void failed_dev_init(struct failed_dev *fd, const struct csum_variant_ops *real, void *ctx);

#endif
