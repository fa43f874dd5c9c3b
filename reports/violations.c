#include <stdlib.h>

#include "reports/metrics.h"

int run_metrics_add_violation(struct run_metrics *m, const struct violation *v)
{
	m->violations++;
	if (m->n_viol >= VIOLATIONS_KEPT)
		return 0;
	if (m->n_viol == m->cap_viol) {
		uint32_t ncap = m->cap_viol ? m->cap_viol * 2 : 8;
		struct violation *nv = realloc(m->viol, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		m->viol = nv;
		m->cap_viol = ncap;
	}
	m->viol[m->n_viol++] = *v;
	return 0;
}
