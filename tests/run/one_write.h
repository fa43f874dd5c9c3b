/* The smallest crash workload, shared by the recovery tests: one 8-sector
 * write at sector 0 (one checksum group, one 62-sector bitmap region) on an
 * 8192-sector SSD, crashed at its end. */
#ifndef CSUMSIM_TESTS_RUN_ONE_WRITE_H
#define CSUMSIM_TESTS_RUN_ONE_WRITE_H

#include "reports/metrics.h"
#include "scenarios/scenario.h"

/* A new scenario (caller frees); the disk cache off. */
struct scenario *one_write_scenario(const char *variant);
/* Runs sc with its crashes into m (initialised here; caller frees);
 * fails the test on an error. */
void one_write_run(const struct scenario *sc, struct run_metrics *m);

#endif
