#include "util/keylog.h"

#include <assert.h>
#include <stdlib.h>

#include "util/grow.h"

void keylog_add(struct keylog *l, uint64_t key)
{
	assert(l->n <= l->cap && l->n <= KEYLOG_MAX);
	if (l->failed)
		return;
	if (l->n >= KEYLOG_MAX ||
	    grow_array((void **)&l->keys, &l->cap, l->n + 1, sizeof(*l->keys), 4096) != 0) {
		l->failed = true;
		return;
	}
	assert(l->n < l->cap);
	l->keys[l->n++] = key;
}

void keylog_clear(struct keylog *l)
{
	l->n = 0;
	l->failed = false;
}

void keylog_free(struct keylog *l)
{
	free(l->keys);
	l->keys = NULL;
	l->n = l->cap = 0;
	l->failed = false;
}
