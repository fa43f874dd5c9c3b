#include <assert.h>
#include <inttypes.h>
#include <stdio.h>

#include "reports/metrics.h"

/* 13520 -> "13,520". */
static void grouped(uint64_t v, char *buf, size_t n)
{
	char raw[24];
	size_t len, out = 0;

	len = (size_t)snprintf(raw, sizeof(raw), "%" PRIu64, v);
	for (size_t i = 0; i < len && out + 1 < n; i++) {
		if (i > 0 && (len - i) % 3 == 0 && out + 2 < n)
			buf[out++] = ',';
		buf[out++] = raw[i];
	}
	buf[out] = '\0';
}

void budget_covered(const struct budget_info *bi, char *buf, size_t n)
{
	char space[32], explored[32], pct[16];

	grouped(bi->space, space, sizeof(space));
	grouped(bi->explored, explored, sizeof(explored));
	/* rounded down, so 100% means every state */
	if (bi->space == 0 || bi->explored >= bi->space)
		snprintf(pct, sizeof(pct), "100%%");
	else if (bi->explored * 100 < bi->space)
		snprintf(pct, sizeof(pct), "%s", bi->explored ? "<1%" : "0%");
	else {
		/* rounded down: a part explored stays below 100% */
		assert(bi->explored * 100 / bi->space >= 1 && bi->explored * 100 / bi->space < 100);
		snprintf(pct, sizeof(pct), "%" PRIu64 "%%", bi->explored * 100 / bi->space);
	}
	snprintf(buf, n, "covered %s of %s states (%s explored)", pct, space, explored);
}
