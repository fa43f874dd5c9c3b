#include "util/wordq.h"

#include <stdlib.h>
#include <string.h>

void wordq_init(struct wordq *q)
{
	memset(q, 0, sizeof(*q));
}

void wordq_free(struct wordq *q)
{
	struct wordq_seg *s = q->head;

	while (s != NULL) {
		struct wordq_seg *next = s->next;

		free(s);
		s = next;
	}
	wordq_init(q);
}

int wordq_reserve(struct wordq *q, uint64_t n)
{
	struct wordq_seg *last = q->tail;

	while (last != NULL && last->next != NULL)
		last = last->next;
	while (q->reserved < n) {
		struct wordq_seg *s = malloc(sizeof(*s));

		if (s == NULL)
			return -1;
		s->next = NULL;
		if (last == NULL) {
			/* the first segment: head and tail start there */
			q->head = q->tail = s;
			q->head_i = q->tail_i = 0;
		} else {
			last->next = s;
		}
		last = s;
		q->n_segs++;
		q->reserved += WORDQ_SEG_WORDS;
	}
	return 0;
}

uint32_t wordq_pop(struct wordq *q)
{
	uint32_t w;

	assert(q->len > 0);
	if (q->head_i == WORDQ_SEG_WORDS) {
		/* the head segment is consumed: free it (never the tail's, which
		 * still holds a queued word since len > 0) */
		struct wordq_seg *s = q->head;

		assert(s != q->tail);
		q->head = s->next;
		q->head_i = 0;
		free(s);
		q->n_segs--;
	}
	w = q->head->w[q->head_i++];
	q->len--;
	if (q->len == 0 && q->head == q->tail) {
		/* empty: start the segment over instead of walking past it */
		q->reserved += q->tail_i;
		q->head_i = q->tail_i = 0;
	}
	return w;
}

size_t wordq_bytes(const struct wordq *q)
{
	return q->n_segs * sizeof(struct wordq_seg);
}

void wordq_mark(const struct wordq *q, struct wordq_mark *mk)
{
	mk->tail = q->tail;
	mk->tail_i = q->tail_i;
	mk->len = q->len;
}

void wordq_truncate(struct wordq *q, const struct wordq_mark *mk)
{
	assert(q->len >= mk->len);
	q->reserved += q->len - mk->len; /* the words pushed since: room again */
	q->len = mk->len;
	if (mk->tail != NULL) {
		q->tail = mk->tail;
		q->tail_i = mk->tail_i;
	} else {
		/* no segment then: the first one came since, empty again */
		q->tail = q->head;
		q->head_i = q->tail_i = 0;
	}
}
