#include "sim/carry_index.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

void cidx_init(struct carry_index *x)
{
	memset(x, 0, sizeof(*x));
	u64map_init(&x->at, sizeof(uint32_t));
}

void cidx_free(struct carry_index *x)
{
	u64map_free(&x->at);
	free(x->pages);
	cidx_init(x);
}

uint32_t *cidx_get(const struct carry_index *x, uint64_t key)
{
	const uint32_t *pi = u64map_get(&x->at, key / CIDX_PAGE);
	struct cidx_page *p;
	unsigned i = (unsigned)(key % CIDX_PAGE);

	if (pi == NULL)
		return NULL;
	assert(*pi < x->n_pages);
	p = &x->pages[*pi];
	return (p->present >> i) & 1 ? &p->head[i] : NULL;
}

uint32_t *cidx_put(struct carry_index *x, uint64_t key)
{
	int created = 0;
	uint32_t *pi;
	struct cidx_page *p;
	unsigned i = (unsigned)(key % CIDX_PAGE);

	/* room first: a failed grow leaves no page number without its page */
	if (grow_array((void **)&x->pages, &x->cap_pages, x->n_pages + 1, sizeof(*x->pages), 16) !=
		    0 ||
	    (pi = u64map_put(&x->at, key / CIDX_PAGE, &created)) == NULL)
		return NULL;
	if (created) {
		assert(x->n_pages < UINT32_MAX);
		*pi = (uint32_t)x->n_pages;
		memset(&x->pages[x->n_pages++], 0, sizeof(*x->pages));
	}
	assert(*pi < x->n_pages);
	p = &x->pages[*pi];
	if (!((p->present >> i) & 1)) {
		p->present |= UINT64_C(1) << i;
		assert(p->head[i] == 0);
		x->len++;
	}
	return &p->head[i];
}
