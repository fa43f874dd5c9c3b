/* The device-contract matrix (csumsim contract): every scheme under every
 * property set of the lattice, strongest disk first, and the weakest sets
 * under which each scheme kept the durability contract on the trace.
 * Written as contract.json, contract.md and report.html (one description,
 * reports/doc.h). Definitions: docs/FAULTS.md, "The device contract". */
#ifndef CSUMSIM_REPORTS_CONTRACT_REPORT_H
#define CSUMSIM_REPORTS_CONTRACT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenarios/scenario.h"
#include "util/err.h"

/* The axes of the lattice, each a disk property (docs/FAULTS.md): atomic
 * write/4k/sector x shorn x reorder never/within_epoch/any x flush x fua x
 * safe_append. */
enum contract_axis { CA_ATOMIC, CA_SHORN, CA_REORDER, CA_FLUSH, CA_FUA, CA_APPEND,
		     CONTRACT_AXES };
#define CONTRACT_AXES_ALL ((1u << CONTRACT_AXES) - 1)
#define CONTRACT_SETS_MAX (3 * 2 * 3 * 2 * 2 * 2)
#define CONTRACT_MAX_VARIANTS 32
extern const char *const contract_axis_names[CONTRACT_AXES];

struct contract_set {
	struct sc_contract k;
	char id[64];      /* "4k-shorn-epoch-noflush-append": a directory name */
	char label[128];  /* "4 KiB atomic, shorn, reorders within a flush epoch, ..." */
};

/* The lattice in exploration order: every combination of the values of the
 * axes in `axes` (bits of enum contract_axis), the other properties as in
 * `base` (atomic off: write); ordered by how many steps weaker than the
 * strongest disk (atomic write, never shorn, in order, flush and FUA
 * honoured, safe append), then reorder, atomic unit, shorn, flush, fua,
 * safe append. Returns how many sets. */
uint32_t contract_lattice(uint32_t axes, const struct sc_contract *base,
			  struct contract_set out[CONTRACT_SETS_MAX]);
/* "atomic,shorn,..." -> bits; -1 with err on an unknown or repeated name. */
int contract_axes_parse(const char *list, uint32_t *axes, struct cs_err *err);
/* a is at least as weak as b in every property. */
bool contract_weaker_eq(const struct sc_contract *a, const struct sc_contract *b);
/* Steps weaker than the strongest disk over the n axes listed. */
unsigned contract_rank(const struct sc_contract *k, const unsigned *axes, unsigned n);
/* The two halves of a set's id, the matrix's rows and columns: what a write
 * leaves ("sector-shorn-append") and what the cache keeps ("epoch-noflush"). */
void contract_write_id(const struct sc_contract *k, char *buf, size_t size);
void contract_cache_id(const struct sc_contract *k, char *buf, size_t size);

struct contract_cell {
	bool stalled;             /* the replay stalled: the states cover a prefix */
	uint32_t crash_points;
	uint64_t states, violating;
	uint64_t sampled;         /* of the states, from a fixed list standing in for all */
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
	const struct contract_set *sets; /* n_sets, lattice order */
	uint32_t n_sets;
	const char *axes;         /* the axes explored, "atomic,shorn,..." */
	const struct contract_cell *cells; /* [v * n_sets + s] */
};

/* Indices (into sets) of the weakest sets under which variant v holds:
 * holding sets with no weaker holding set. Returns how many (0: holds
 * under none). */
uint32_t contract_weakest(const struct contract_input *in, uint32_t v, uint32_t *out);

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
