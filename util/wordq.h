/* A first-in first-out queue of 32-bit words in 16 KiB segments: appended
 * at the tail, consumed at the head, and a segment is freed once consumed,
 * so a long queue costs its words plus at most two partial segments (no
 * doubling array with up to half its capacity spare, nothing moved). The
 * oracle's pending completions (sim/oracle.c) are such a log. */
#ifndef CSUMSIM_UTIL_WORDQ_H
#define CSUMSIM_UTIL_WORDQ_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#define WORDQ_SEG_WORDS 4094u /* a segment: a link and these, 16 KiB */

struct wordq_seg {
	struct wordq_seg *next;
	uint32_t w[WORDQ_SEG_WORDS];
};

struct wordq {
	struct wordq_seg *head, *tail; /* tail->next...: reserved, empty */
	uint32_t head_i, tail_i;       /* next word to pop / to push */
	uint64_t len;                  /* words queued */
	uint64_t reserved;             /* words that can be pushed without allocating */
	size_t n_segs;
};

void wordq_init(struct wordq *q);
void wordq_free(struct wordq *q);
/* Room for n more words, so that the next n pushes cannot fail. 0, or -1
 * on ENOMEM (then the queue is unchanged, though maybe with more room). */
int wordq_reserve(struct wordq *q, uint64_t n);

/* Append a word; room for it must have been reserved. */
static inline void wordq_push(struct wordq *q, uint32_t w)
{
	assert(q->reserved > 0);
	if (q->tail_i == WORDQ_SEG_WORDS) {
		q->tail = q->tail->next;
		q->tail_i = 0;
	}
	q->tail->w[q->tail_i++] = w;
	q->len++;
	q->reserved--;
}

/* Remove and return the oldest word; the queue must not be empty. */
uint32_t wordq_pop(struct wordq *q);
/* Bytes allocated (segments). */
size_t wordq_bytes(const struct wordq *q);

/* Where the queue ends now, to take back later pushes: for undo logs
 * (sim/oracle.c). wordq_truncate drops every word pushed since mark, which
 * must be the last mark taken with no pop since; their room stays
 * reserved. */
struct wordq_mark {
	struct wordq_seg *tail;
	uint32_t tail_i;
	uint64_t len;
};
void wordq_mark(const struct wordq *q, struct wordq_mark *mk);
void wordq_truncate(struct wordq *q, const struct wordq_mark *mk);

#endif
