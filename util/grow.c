#include "util/grow.h"

#include <stdlib.h>

int grow_array(void **p, uint64_t *cap, uint64_t need, size_t size, uint64_t first)
{
	uint64_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : first;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, ncap * size);
	if (np == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}
