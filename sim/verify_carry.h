/* The durable image's read-back, carried from one crash point to the next
 * (crash.verify: incremental). A read-back request's verdicts depend only on
 * the media sectors it reads (and the metadata that protects its sectors,
 * which a variant may answer from a cache), and on the oracle's versions and
 * crash floor of its sectors. Between two crash points the media changes
 * only where the replay wrote (the media's write log) and the oracle only
 * where it wrote or made durable; so the next point re-reads only the
 * requests whose inputs changed and keeps every other verdict. Judged only
 * where every request reads cleanly: a failed read (re-reads, probes) sends
 * the point to the full read-back. Internal to sim/. */
#ifndef CSUMSIM_SIM_VERIFY_CARRY_H
#define CSUMSIM_SIM_VERIFY_CARRY_H

#include <stdbool.h>
#include <stdint.h>

#include "reports/metrics.h"
#include "sim/world.h"
#include "util/err.h"

/* One read-back request of the durable image. */
struct judged_run {
	uint64_t sector;
	uint32_t count;
	uint64_t cls;      /* its sectors' verdicts at cls[cls..], oracle keys at okey[cls..] */
	uint64_t dep, n_dep; /* the media keys its verdicts depend on: deps[dep..] */
};

/* A crash point's durable judgement: every request, in read-back order. */
struct carry {
	bool valid;
	struct judged_run *runs;
	uint64_t n_runs, cap_runs;
	uint8_t *cls;
	uint64_t *okey;
	uint64_t n_cls, cap_cls;
	uint64_t *deps;    /* media_log_key()s */
	uint64_t n_deps, cap_deps;
	/* requests re-read, and kept, by the last judgement */
	uint64_t reread, kept;
};

void carry_free(struct carry *c); /* empties it (not valid) */

/* Judges the durable image on w (crashed, nothing applied; its media log
 * and the oracle's change log holding every write since prev was judged):
 * from prev when prev is valid and the logs complete, else by a full
 * read-back. Fills out and the counts
 * of rest as recover() would. 0 done; 1 a request failed or hung (out not
 * valid: read back in full); -1 with err set. The media is not written. */
int carry_judge(const struct carry *prev, struct world *w, struct carry *out,
		struct crash_report *rest, struct cs_err *err);

/* Over a pipe, from the process that judged a point to the one that goes on
 * to the next: 0, or -1 (a short write or read, or out of memory). */
int carry_send(int fd, const struct carry *c);
int carry_recv(int fd, struct carry *c);

#endif
