/* The lattice of device contracts and its weakest holding sets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/contract_report.h"

/* Steps weaker than the strongest disk, per property. */
static unsigned w_atomic(const struct sc_contract *k)
{
	return k->atomic == SC_ATOMIC_WRITE ? 0 : k->atomic == SC_ATOMIC_4K ? 1 : 2;
}

static unsigned w_reorder(const struct sc_contract *k)
{
	return k->reorder == SC_REORDER_ANY ? 1 : 0;
}

bool contract_weaker_eq(const struct sc_contract *a, const struct sc_contract *b)
{
	return w_atomic(a) >= w_atomic(b) && a->shorn >= b->shorn && w_reorder(a) >= w_reorder(b);
}

static unsigned rank(const struct sc_contract *k)
{
	return w_atomic(k) + (k->shorn ? 1u : 0u) + w_reorder(k);
}

static int cmp_set(const void *pa, const void *pb)
{
	const struct sc_contract *a = &((const struct contract_set *)pa)->k;
	const struct sc_contract *b = &((const struct contract_set *)pb)->k;
	unsigned ka[4] = {rank(a), w_reorder(a), w_atomic(a), a->shorn};
	unsigned kb[4] = {rank(b), w_reorder(b), w_atomic(b), b->shorn};

	for (int i = 0; i < 4; i++)
		if (ka[i] != kb[i])
			return ka[i] < kb[i] ? -1 : 1;
	return 0;
}

void contract_lattice(struct contract_set out[CONTRACT_SETS])
{
	static const uint8_t atomics[3] = {SC_ATOMIC_WRITE, SC_ATOMIC_4K, SC_ATOMIC_SECTOR};
	static const char *const a_id[3] = {"write", "4k", "sector"};
	static const char *const a_label[3] = {"write atomic", "4 KiB atomic", "sector atomic"};
	unsigned n = 0;

	for (unsigned a = 0; a < 3; a++)
		for (unsigned s = 0; s < 2; s++)
			for (unsigned r = 0; r < 2; r++) {
				struct contract_set *c = &out[n++];

				memset(c, 0, sizeof(*c));
				c->k.atomic = atomics[a];
				c->k.shorn = s != 0;
				c->k.reorder = r ? SC_REORDER_ANY : SC_REORDER_NEVER;
				snprintf(c->id, sizeof(c->id), "%s%s-%s", a_id[a],
					 s ? "-shorn" : "", r ? "reorder" : "inorder");
				snprintf(c->label, sizeof(c->label), "%s%s, %s", a_label[a],
					 s ? ", shorn" : "", r ? "reorders" : "in order");
			}
	/* unique keys: a total order, so qsort's instability cannot show */
	qsort(out, CONTRACT_SETS, sizeof(*out), cmp_set);
}

uint32_t contract_weakest(const struct contract_input *in, uint32_t v,
			  uint32_t out[CONTRACT_SETS])
{
	const struct contract_cell *row = &in->cells[(size_t)v * CONTRACT_SETS];
	uint32_t n = 0;

	for (uint32_t i = 0; i < CONTRACT_SETS; i++) {
		bool weaker_holds = false;

		if (row[i].violating != 0 || row[i].stalled || row[i].states == 0)
			continue;
		for (uint32_t j = 0; j < CONTRACT_SETS && !weaker_holds; j++)
			weaker_holds = j != i && row[j].violating == 0 && !row[j].stalled &&
				       row[j].states != 0 &&
				       contract_weaker_eq(&in->sets[j].k, &in->sets[i].k);
		if (!weaker_holds)
			out[n++] = i;
	}
	return n;
}
