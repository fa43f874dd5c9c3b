/* The durable image's read-back, carried from one crash point to the next
 * (crash.verify: incremental). A read-back request's verdicts depend only on
 * the media sectors it reads (and the metadata that protects its sectors,
 * which a variant may answer from a cache), and on the oracle's versions and
 * crash floor of its sectors. Between two crash points the media changes
 * only where the replay wrote (the media's write log) and the oracle only
 * where it wrote or made durable (its change log); so the next point
 * re-reads only the requests whose inputs changed and keeps every other
 * verdict. A request that fails is kept as the full read-back judges it:
 * each of its sectors read alone (its keys are those reads' too); the
 * probe writes that follow a full read-back are each state's own
 * (sim/verify_incr.c). A hung request sends the point to the full
 * read-back.
 *
 * The judgement is kept per 62-sector group (the read-back never splits a
 * request across one: sim/recover.c), with an index from each media sector
 * to the groups whose requests read it, and its totals kept by delta: a
 * point costs in proportion to what the logs name, not to the sectors ever
 * written. Internal to sim/. */
#ifndef CSUMSIM_SIM_VERIFY_CARRY_H
#define CSUMSIM_SIM_VERIFY_CARRY_H

#include <stdbool.h>
#include <stdint.h>

#include "reports/metrics.h"
#include "sim/carry_index.h"
#include "sim/world.h"
#include "util/err.h"
#include "util/u64map.h"

#define CARRY_GROUP 62u    /* sectors of a group: the read-back's split */
#define CARRY_MAX_RUNS 32u /* runs in a group: gaps between them, one split at begin */

/* One read-back request of the durable image, inside its group. */
struct carry_run {
	uint8_t off, len;      /* its first sector's offset in the group; sectors */
	uint8_t worst;         /* its worst verdict */
	uint8_t dirty;         /* to be read again by the judgement under way */
	uint8_t failed;        /* it failed: each sector judged alone */
	uint8_t media;         /* dirty because a key it reads was written */
	uint32_t dep, n_dep;   /* the media keys its verdicts depend on: deps[dep..] */
};

/* The requests of one 62-sector group, by sector. */
struct carry_group {
	uint64_t first;          /* a multiple of CARRY_GROUP */
	uint64_t written;        /* bit i: sector first + i is read back */
	uint64_t added;          /* written since the last judgement (under way) */
	uint64_t stamp;          /* the judgement that last listed it */
	bool stale;              /* read again next time (a request of it failed) */
	uint8_t n_runs;
	struct carry_run runs[CARRY_MAX_RUNS];
	uint8_t cls[CARRY_GROUP];    /* per sector read back: its verdict */
	uint64_t okey[CARRY_GROUP];  /* and oracle_crash_key when judged */
	/* and the tag its data read gave (sim/carry_read.h): a request
	 * whose keys were not written but whose sectors' oracle keys changed
	 * is judged again from these when every one is carry_tag_alone */
	uint64_t tag[CARRY_GROUP];
	uint64_t *deps;              /* media_log_key()s */
	uint32_t n_deps, cap_deps;
};

/* A media key's readers: a chain of links through links[]. */
struct carry_link {
	uint32_t group, next; /* next: index + 1, 0 ends */
};

/* A crash point's durable judgement. */
struct carry {
	bool valid;
	struct u64map at;          /* group number -> uint32_t index in groups */
	struct carry_group *groups;
	uint64_t n_groups, cap_groups;
	struct carry_index readers; /* media key -> first link + 1 (0: none) */
	struct carry_link *links;  /* may name a group that no longer reads the key */
	uint64_t n_links, cap_links;
	/* groups a failed judgement was reading again: every request of them
	 * is read again by the next (the others still hold) */
	uint32_t *stale;
	uint64_t n_stale, cap_stale;
	struct crash_report totals; /* every request's verdicts, as recover() counts them */
	uint64_t n_runs, n_cls;    /* requests, sectors */
	uint64_t n_failed;         /* of the requests, failed ones */
	uint64_t stamp;
	/* requests re-read, and kept, by the last judgement; of those kept,
	 * judged again from their tags */
	uint64_t reread, kept, retagged;
};

void carry_free(struct carry *c); /* empties it (not valid) */

/* Brings c to the durable image on w (crashed, nothing applied; its media
 * log and the oracle's change log holding every write since c was judged):
 * from c itself when it is valid and the logs complete, else by a full
 * read-back. Adds the counts of every request to rest, as recover() would.
 * 0 done; 1 a request failed or hung (read back in full; c keeps what
 * still holds, the rest is read again next time); -1 with err set (c
 * emptied). The media is not written. */
int carry_update(struct carry *c, struct world *w, struct crash_report *rest,
		 struct cs_err *err);

/* The requests of c that read any of keys (media_log_key()s, n of them):
 * their sector and count, ascending, into sector[] and count[] (room for
 * c->n_runs each), their verdicts taken off *rest. Returns how many, and
 * their sectors in *n_sectors; UINT64_MAX out of memory. */
uint64_t carry_touched(const struct carry *c, const uint64_t *keys, uint64_t n,
		       uint64_t *sector, uint32_t *count, struct crash_report *rest,
		       uint64_t *n_sectors);

/* The unreadable sectors of c's failed requests, except the requests that
 * start at t_sector[] (ascending, n_t), ascending in a new array *out (NULL
 * when none; caller frees). 0, or -1 out of memory. */
int carry_unreadable(const struct carry *c, const uint64_t *t_sector, uint64_t n_t,
		     uint64_t **out, uint64_t *n);

/* The verdicts of c's request starting at sector (count of them), or NULL
 * when c has no such request or it failed (the state reads it again, and
 * so fails: the full read-back's business). */
const uint8_t *carry_run_cls(const struct carry *c, uint64_t sector, uint32_t count);

/* Over a pipe, from the process that judged a point to the one that goes on
 * to the next: 0, or -1 (a short write or read, or out of memory). */
int carry_send(int fd, const struct carry *c);
int carry_recv(int fd, struct carry *c);

#endif
