/* The field model's state inside a fault set (not a public API). */
#ifndef CSUMSIM_FAULTS_FIELD_PRIV_H
#define CSUMSIM_FAULTS_FIELD_PRIV_H

#include "faults/fault_set_priv.h"
#include "faults/field.h"

enum { FIELD_LSE = 0, FIELD_CM = 1 };

#define FIELD_RECENT 64       /* writes remembered for mismatches after writes */
#define FIELD_FOLLOW_SLOTS 64 /* follow-ups waiting at once */
#define FIELD_MAX_HITS 256    /* sectors one episode may hit */

struct field_write {
	unsigned dev;
	uint64_t sector;
	uint32_t count;
};

struct field_follow {
	bool used;
	uint8_t kind;
	unsigned dev;
	uint64_t sector;
};

struct field_hits {
	uint32_t n;
	unsigned dev[FIELD_MAX_HITS];
	uint64_t sector[FIELD_MAX_HITS];
};

struct field_model {
	struct field_params p;
	struct cs_rng r[2]; /* one stream per kind */
	struct field_write recent[FIELD_RECENT];
	uint32_t recent_n, recent_head;
	struct field_follow follow[FIELD_FOLLOW_SLOTS];
	uint64_t exposed_to; /* simulated ns the exposure is integrated to */
	struct field_stats st;
};

struct field_model *field_model_new(const struct sc_field_faults *cfg, uint64_t seed);
void field_model_free(struct field_model *m);
struct field_model *field_model_clone(const struct field_model *m);
void field_model_stats(const struct field_model *m, struct field_stats *out);
/* A write reached the media (after lost/misdirect decided where). */
void field_on_persist(struct field_model *m, unsigned dev, uint64_t sector, uint32_t count);
/* Arm both processes from now (a fault_set_start). 0 or -1 (ENOMEM). */
int field_start(struct fault_set *fs, struct field_model *m);
int field_arm(struct fault_set *fs, struct field_model *m, int kind);
int field_follow_arm(struct fault_set *fs, struct field_model *m, int kind, unsigned dev,
		     uint64_t sector);
void field_event(void *arg, uint64_t a);
/* One episode now: from a follow-up (from != NULL) or a fresh one. */
int field_episode(struct fault_set *fs, struct field_model *m, int kind,
		  const struct field_follow *from, uint64_t time_ns);

#endif
