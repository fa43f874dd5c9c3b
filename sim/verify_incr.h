/* Incremental verification of a crash point's states (crash.verify:
 * incremental). A state differs from the durable image at the crash only in
 * the volatile writes it keeps, tears or shears, and the rot and latent
 * errors it meets while the power is off; without a recovery step, libfiu
 * points or latent sector errors standing at the crash, each read-back
 * request's verdict depends only on the bytes it reads and the errors the
 * state's faults mark (rot, lost and misdirected writes before the crash are in those
 * bytes). So the durable image is judged once (from the previous crash
 * point's judgement where there is one: sim/verify_carry.h), recording what
 * each read-back request read; each state then re-reads only the requests
 * that read a sector of some volatile write (kept or lost: a lost write's
 * fault is judged by the read of its sectors) and keeps the other verdicts.
 * A touched request that fails (a torn or shorn sector) is read sector by
 * sector, as the full read-back does; the groups holding an unreadable
 * sector, the state's or the durable image's, are then probed with a write,
 * in the same order. The run's faults still unread take the carried
 * verdicts of the requests they wait on, before any probe. Rot and latent
 * errors while the power is off (crash.idle_hours) are each state's own: the
 * state re-reads besides every request that reads a sector they changed (a
 * data sector, or the metadata protecting it), or that a fault of its own
 * waits on.
 * Anything else that could make it differ from the full read-back (a
 * touched request that hangs) sends the state to the full read-back. A
 * state that leaves those sectors as an earlier state of the point did, or
 * as the durable image has them (the whole media is then the same), shares
 * its verdicts and probes without reading (not where the durable image
 * probes, nor where probe writes can be lost or misdirected, nor where rot
 * at rest changed other sectors). Internal to sim/. */
#ifndef CSUMSIM_SIM_VERIFY_INCR_H
#define CSUMSIM_SIM_VERIFY_INCR_H

#include "faults/crash_states.h"
#include "reports/metrics.h"
#include "sim/world.h"
#include "util/err.h"

struct incr;

/* Recovers the durable image (w's media as it stands at the crash, before
 * any state is applied; the faults a copy of fs0) and records its read-back;
 * the media may be left changed (probe writes): restore it before a state.
 * *out NULL when this point cannot be verified incrementally. 0, or -1 with
 * err set. */
int incr_new(struct world *w, const struct fault_set *fs0, const struct crash_writes *cw,
	     struct incr **out, struct cs_err *err);
void incr_free(struct incr *in);

/* Recovers w, holding a crash state applied on the durable image (its
 * faults current), re-reading only the touched requests; fills one as
 * recover() would. 0 done; 1 not possible for this state (recover it in full
 * from a fresh copy: w's faults have seen some reads); -1 with err set. */
int incr_recover(struct incr *in, struct world *w, struct crash_report *one, struct cs_err *err);

/* Test hook: what the states' faults change while the power is off is left
 * out of their judgement (a test shows the reports then differ). */
void incr_drop_changes(struct incr *in);

/* States judged incrementally, and of those the distinct ones (states that
 * leave the non-durable writes' sectors with the same bytes as an earlier
 * state of the point share its verdicts without a read-back). */
void incr_counts(const struct incr *in, uint64_t *states, uint64_t *distinct);

/* Adds the durable image's read-back requests kept from the previous crash
 * point, and read, to *kept and *read. */
void incr_carry_counts(const struct incr *in, uint64_t *kept, uint64_t *read);

/* Read-back requests of the durable image, and how many each state re-reads. */
uint64_t incr_runs(const struct incr *in);
uint64_t incr_touched_runs(const struct incr *in);

#endif
