/* The device-contract matrix (csumsim contract): every scheme under every
 * property set of the lattice, strongest disk first, and the weakest sets
 * under which each scheme kept the durability contract on the trace.
 * Written as contract.json, contract.md and report.html (one description,
 * reports/doc.h). Definitions: docs/FAULTS.md, "The device contract". */
#ifndef CSUMSIM_REPORTS_CONTRACT_REPORT_H
#define CSUMSIM_REPORTS_CONTRACT_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "scenarios/scenario.h"
#include "util/err.h"

/* write, 4k, sector x shorn x reorder */
#define CONTRACT_SETS 12
#define CONTRACT_MAX_VARIANTS 32

struct contract_set {
	struct sc_contract k;
	char id[32];      /* "4k-shorn-reorder": a directory name */
	char label[64];   /* "4 KiB atomic, shorn, reorders" */
};

/* The lattice in exploration order: by how many steps weaker than the
 * strongest disk (atomic write, never shorn, in order), then reorder,
 * atomic unit, shorn. Always the same CONTRACT_SETS sets. */
void contract_lattice(struct contract_set out[CONTRACT_SETS]);
/* a is at least as weak as b in every property. */
bool contract_weaker_eq(const struct sc_contract *a, const struct sc_contract *b);

struct contract_cell {
	bool stalled;             /* the replay stalled: the states cover a prefix */
	uint32_t crash_points;
	uint64_t states, violating;
	char first_label[64];     /* the first violating state, "" when it holds */
	char first_trigger[48];
	uint64_t first_silent, first_stale, first_false_pos, first_hung;
	char reproducer[160];     /* relative to the output directory, "" when none */
};

struct contract_input {
	const char *scenario_name;
	const char *command;      /* the command line that made it */
	uint64_t seed;
	const char *const *variants;
	uint32_t n_variants;
	const struct contract_set *sets; /* CONTRACT_SETS, lattice order */
	const struct contract_cell *cells; /* [v * CONTRACT_SETS + s] */
};

/* Indices (into sets) of the weakest sets under which variant v holds:
 * holding sets with no weaker holding set. Returns how many (0: holds
 * under none). */
uint32_t contract_weakest(const struct contract_input *in, uint32_t v,
			  uint32_t out[CONTRACT_SETS]);

/* The output directory, written atomically as every report is: begin
 * gives a temp dir (*tmp) the cells' run reports go into, then
 * contract_write, then commit (or abort: nothing is left). */
struct rep_outdir;
int contract_dir_check(const char *out_dir, struct cs_err *err);
int contract_dir_begin(struct rep_outdir **d, const char *out_dir, const char **tmp,
		       struct cs_err *err);
int contract_dir_commit(struct rep_outdir *d, struct cs_err *err);
void contract_dir_abort(struct rep_outdir *d);

/* contract.json, contract.md and report.html into dir (which exists). */
int contract_write(const char *dir, const struct contract_input *in, struct cs_err *err);

#endif
