/* The lattice of device contracts and its weakest holding sets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/contract_report.h"

const char *const contract_axis_names[CONTRACT_AXES] = {"atomic", "shorn", "reorder",
							"flush", "fua", "safe_append"};

/* Steps weaker than the strongest disk, per property (enum contract_axis). */
static unsigned weakness(const struct sc_contract *k, unsigned axis)
{
	switch (axis) {
	case CA_ATOMIC:
		return k->atomic == SC_ATOMIC_4K ? 1 : k->atomic == SC_ATOMIC_SECTOR ? 2 : 0;
	case CA_SHORN:
		return k->shorn ? 1 : 0;
	case CA_REORDER:
		return k->reorder == SC_REORDER_ANY ? 2 : k->reorder == SC_REORDER_WITHIN_EPOCH;
	case CA_FLUSH:
		return k->flush == SC_IGNORED;
	case CA_FUA:
		return k->fua == SC_IGNORED;
	default:
		return k->safe_append ? 0 : 1;
	}
}

/* How many values each axis has, and the value of step i. */
static const unsigned axis_steps[CONTRACT_AXES] = {3, 2, 3, 2, 2, 2};

static void set_step(struct sc_contract *k, unsigned axis, unsigned i)
{
	static const uint8_t atomics[3] = {SC_ATOMIC_WRITE, SC_ATOMIC_4K, SC_ATOMIC_SECTOR};
	static const uint8_t reorders[3] = {SC_REORDER_NEVER, SC_REORDER_WITHIN_EPOCH,
					    SC_REORDER_ANY};

	switch (axis) {
	case CA_ATOMIC:
		k->atomic = atomics[i];
		break;
	case CA_SHORN:
		k->shorn = i != 0;
		break;
	case CA_REORDER:
		k->reorder = reorders[i];
		break;
	case CA_FLUSH:
		k->flush = i ? SC_IGNORED : SC_HONOURED;
		break;
	case CA_FUA:
		k->fua = i ? SC_IGNORED : SC_HONOURED;
		break;
	default:
		k->safe_append = i == 0;
		break;
	}
}

bool contract_weaker_eq(const struct sc_contract *a, const struct sc_contract *b)
{
	for (unsigned x = 0; x < CONTRACT_AXES; x++)
		if (weakness(a, x) < weakness(b, x))
			return false;
	return true;
}

unsigned contract_rank(const struct sc_contract *k, const unsigned *axes, unsigned n)
{
	unsigned r = 0;

	for (unsigned i = 0; i < n; i++)
		r += weakness(k, axes[i]);
	return r;
}

/* Tie-break after the rank: reorder, atomic unit, shorn (the order the
 * first lattice had), then flush, fua, safe append. */
static const unsigned tie_axes[CONTRACT_AXES] = {CA_REORDER, CA_ATOMIC, CA_SHORN,
						 CA_FLUSH, CA_FUA, CA_APPEND};
static const unsigned all_axes[CONTRACT_AXES] = {0, 1, 2, 3, 4, 5};

static int cmp_set(const void *pa, const void *pb)
{
	const struct sc_contract *a = &((const struct contract_set *)pa)->k;
	const struct sc_contract *b = &((const struct contract_set *)pb)->k;
	unsigned ra = contract_rank(a, all_axes, CONTRACT_AXES);
	unsigned rb = contract_rank(b, all_axes, CONTRACT_AXES);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	for (unsigned i = 0; i < CONTRACT_AXES; i++) {
		unsigned x = weakness(a, tie_axes[i]), y = weakness(b, tie_axes[i]);

		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

void contract_write_id(const struct sc_contract *k, char *buf, size_t size)
{
	static const char *const a_id[4] = {"off", "write", "4k", "sector"};

	snprintf(buf, size, "%s%s", a_id[k->atomic & 3], k->shorn ? "-shorn" : "");
	if (k->safe_append)
		snprintf(buf + strlen(buf), size - strlen(buf), "-append");
}

void contract_cache_id(const struct sc_contract *k, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s",
		 k->reorder == SC_REORDER_NEVER ? "inorder" :
		 k->reorder == SC_REORDER_WITHIN_EPOCH ? "epoch" : "reorder",
		 k->flush == SC_IGNORED ? "-noflush" : "", k->fua == SC_IGNORED ? "-nofua" : "");
}

static void name_set(struct contract_set *c)
{
	static const char *const a_id[4] = {"off", "write", "4k", "sector"};
	static const char *const a_label[4] = {"no contract", "write atomic", "4 KiB atomic",
					       "sector atomic"};
	const struct sc_contract *k = &c->k;
	char o[32];

	/* the first lattice's twelve ids keep their meaning: atomic[-shorn]-order */
	contract_cache_id(k, o, sizeof(o));
	snprintf(c->id, sizeof(c->id), "%s%s-%s%s", a_id[k->atomic & 3], k->shorn ? "-shorn" : "",
		 o, k->safe_append ? "-append" : "");
	snprintf(c->label, sizeof(c->label), "%s%s, %s%s%s%s", a_label[k->atomic & 3],
		 k->shorn ? ", shorn" : "",
		 k->reorder == SC_REORDER_NEVER ? "in order" :
		 k->reorder == SC_REORDER_WITHIN_EPOCH ? "reorders within a flush epoch"
						       : "reorders",
		 k->flush == SC_IGNORED ? ", flush ignored" : "",
		 k->fua == SC_IGNORED ? ", FUA ignored" : "",
		 k->safe_append ? ", safe append" : "");
}

uint32_t contract_lattice(uint32_t axes, const struct sc_contract *base,
			  struct contract_set out[CONTRACT_SETS_MAX])
{
	uint32_t n = 1;
	struct sc_contract b = *base;

	if (b.atomic == SC_ATOMIC_OFF)
		b.atomic = SC_ATOMIC_WRITE;
	memset(&out[0], 0, sizeof(out[0]));
	out[0].k = b;
	/* the product of the varying axes' values */
	for (unsigned x = 0; x < CONTRACT_AXES; x++) {
		uint32_t m = n;

		if (!(axes & (1u << x)))
			continue;
		for (unsigned i = 1; i < axis_steps[x]; i++)
			for (uint32_t j = 0; j < m; j++) {
				out[n] = out[j];
				set_step(&out[n].k, x, i);
				n++;
			}
		for (uint32_t j = 0; j < m; j++)
			set_step(&out[j].k, x, 0);
	}
	for (uint32_t i = 0; i < n; i++)
		name_set(&out[i]);
	/* unique keys: a total order, so qsort's instability cannot show */
	qsort(out, n, sizeof(*out), cmp_set);
	return n;
}

int contract_axes_parse(const char *list, uint32_t *axes, struct cs_err *err)
{
	const char *s = list;

	*axes = 0;
	for (;;) {
		size_t len = strcspn(s, ",");
		unsigned x;

		for (x = 0; x < CONTRACT_AXES; x++)
			if (strlen(contract_axis_names[x]) == len &&
			    strncmp(s, contract_axis_names[x], len) == 0)
				break;
		if (x == CONTRACT_AXES)
			return cs_err_set(err, "--axes: '%.*s' is not an axis (atomic, shorn, "
					  "reorder, flush, fua, safe_append)", (int)len, s);
		if (*axes & (1u << x))
			return cs_err_set(err, "--axes: '%s' listed twice",
					  contract_axis_names[x]);
		*axes |= 1u << x;
		if (s[len] == '\0')
			return 0;
		s += len + 1;
	}
}

uint32_t contract_weakest(const struct contract_input *in, uint32_t v, uint32_t *out)
{
	const struct contract_cell *row = &in->cells[(size_t)v * in->n_sets];
	uint32_t n = 0;

	for (uint32_t i = 0; i < in->n_sets; i++) {
		bool weaker_holds = false;

		if (row[i].violating != 0 || row[i].stalled || row[i].states == 0)
			continue;
		for (uint32_t j = 0; j < in->n_sets && !weaker_holds; j++)
			weaker_holds = j != i && row[j].violating == 0 && !row[j].stalled &&
				       row[j].states != 0 &&
				       contract_weaker_eq(&in->sets[j].k, &in->sets[i].k);
		if (!weaker_holds)
			out[n++] = i;
	}
	return n;
}
