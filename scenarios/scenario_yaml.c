/* scenario_to_yaml: the effective scenario, every key in schema order, in a
 * form scenario_load reads back to the same struct. */
#include "scenarios/scenario.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/sc_expect.h"
#include "scenarios/sc_schema.h"

static void put_string(FILE *o, const char *v)
{
	fputc('"', o);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(o, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(o, "\\x%02X", *p);
		else
			fputc(*p, o);
	}
	fputc('"', o);
}

/* The shortest decimal that strtod reads back to exactly v (one format
 * for the whole scenario: sc_format_double). */
static void put_double(FILE *o, double v)
{
	char buf[64];

	sc_format_double(v, buf, sizeof(buf));
	fputs(buf, o);
}

static bool has_prefix(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '.');
}

/* Keys that exist only in some shapes of a scenario. */
static bool skipped(const struct scenario *s, const char *path)
{
	/* added after reports existed: shown only when not the default, so
	 * their scenario.yaml keeps its bytes */
	if (strcmp(path, "device.format") == 0)
		return s->device.format == SC_DEVFMT_RFC;
	if (strcmp(path, "device.size") == 0)
		return s->device.size == SC_DEVSIZE_EXACT;
	if (strcmp(path, "device.second_target") == 0)
		return s->device.second_target == 0;
	if (strcmp(path, "host.barrier") == 0)
		return s->host.barrier == SC_BARRIER_DEFAULT;
	if (strcmp(path, "crash.budget") == 0)
		return s->crash.budget_kind == SC_BUDGET_NONE;
	if (strcmp(path, "imd_disk") == 0)
		return !s->imd_disk_set;
	if (strcmp(path, "crash.recovery") == 0)
		return s->crash.recovery == SC_RECOVERY_OFF;
	if (strcmp(path, "crash.recovery_points") == 0)
		return s->crash.recovery_points == 0;
	if (strcmp(path, "crash.recovery_at") == 0)
		return s->crash.recovery_at == 0;
	if (strcmp(path, "crash.recovery_state") == 0)
		return s->crash.recovery_state == UINT32_MAX;
	/* no contract: the keys stay out, so older scenarios print as before */
	if (has_prefix(path, "disk.contract"))
		return s->disk.contract.atomic == SC_ATOMIC_OFF;
	if (has_prefix(path, "imd_disk.contract"))
		return s->imd_disk.contract.atomic == SC_ATOMIC_OFF;
	/* field models: only what the scenario gave (unset values follow the
	 * preset), so scenarios without them print as before */
	if (has_prefix(path, "faults.field"))
		return !sc_field_key_set(&s->faults.field, path);
	if (strcmp(path, "trace.file") == 0)
		return s->trace.kind != SC_TRACE_FILE;
	if (has_prefix(path, "trace.generator"))
		return s->trace.kind != SC_TRACE_GENERATOR;
	if (strcmp(path, "crash.at") == 0)
		return s->crash.kind != SC_CRASH_AT_TIME && s->crash.kind != SC_CRASH_AT_REQUEST;
	if (strcmp(path, "crash.count") == 0)
		return s->crash.kind != SC_CRASH_RANDOM;
	if (strcmp(path, "crash.keep") == 0)
		return s->crash.cache_loss != SC_LOSS_KEEP;
	if (strcmp(path, "faults.rot.count") == 0)
		return s->faults.rot_at_ns == UINT64_MAX;
	if (strcmp(path, "faults.lse.count") == 0)
		return s->faults.lse_at_ns == UINT64_MAX;
	/* Only a sweep has the section: other scenarios read as they always did. */
	if (has_prefix(path, "sweep"))
		return !scenario_is_sweep(s);
	return false;
}

static void put_value(FILE *o, const struct scenario *s, const struct sc_field *f,
		      const unsigned char *p, int depth)
{
	switch (f->kind) {
	case SCK_STR:
		put_string(o, (const char *)p);
		break;
	case SCK_U64:
	case SCK_SECTORS:
		fprintf(o, "%" PRIu64, *(const uint64_t *)(const void *)p);
		break;
	case SCK_U32:
		fprintf(o, "%" PRIu32, *(const uint32_t *)(const void *)p);
		break;
	case SCK_F64:
		put_double(o, *(const double *)(const void *)p);
		break;
	case SCK_BOOL:
		fputs(*(const bool *)(const void *)p ? "true" : "false", o);
		break;
	case SCK_ENUM:
		fputs(f->names[*p], o);
		break;
	case SCK_FLUSH:
		fputs(s->flush_policy_set ? sc_flush_names[s->flush_policy] : "default", o);
		break;
	case SCK_SIZES:
		fputc('[', o);
		for (uint32_t i = 0; i < s->trace.gen.n_sizes; i++)
			fprintf(o, "%s%" PRIu32, i ? ", " : "", s->trace.gen.sizes[i]);
		fputc(']', o);
		break;
	case SCK_CRASH_AT:
		fputc('[', o);
		for (uint32_t i = 0; i < s->crash.n_at; i++)
			fprintf(o, "%s%" PRIu64, i ? ", " : "", s->crash.at[i]);
		fputc(']', o);
		break;
	case SCK_KEEP:
		fputc('[', o);
		for (uint32_t i = 0; i < s->crash.n_keep; i++)
			fprintf(o, "%s%" PRIu32, i ? ", " : "", s->crash.keep[i]);
		fputc(']', o);
		break;
	case SCK_STATE:
		if (s->crash.only_state == UINT32_MAX)
			fputs("all", o);
		else
			fprintf(o, "%" PRIu32, s->crash.only_state);
		break;
	case SCK_BUDGET:
		if (s->crash.budget_kind == SC_BUDGET_STATES)
			fprintf(o, "%" PRIu64 " states", s->crash.budget_limit);
		else if (s->crash.budget_kind == SC_BUDGET_TIME && s->crash.budget_limit % 1000 == 0)
			fprintf(o, "%" PRIu64 "s", s->crash.budget_limit / 1000);
		else if (s->crash.budget_kind == SC_BUDGET_TIME)
			fprintf(o, "%" PRIu64 "ms", s->crash.budget_limit);
		else
			fputs("none", o);
		break;
	case SCK_AT_OPT:
		if (*(const uint64_t *)(const void *)p == UINT64_MAX)
			fputs("none", o);
		else
			fprintf(o, "%" PRIu64, *(const uint64_t *)(const void *)p);
		break;
	case SCK_NAMES:
		fputc('[', o);
		for (uint32_t i = 0; i < s->compare.n_variants; i++) {
			if (i)
				fputs(", ", o);
			put_string(o, s->compare.variants[i]);
		}
		fputc(']', o);
		break;
	case SCK_PROFILES:
		fputc('[', o);
		for (uint32_t i = 0; i < s->compare.n_profiles; i++)
			fprintf(o, "%s%s", i ? ", " : "", sc_profile_names[s->compare.profiles[i]]);
		fputc(']', o);
		break;
	case SCK_FIU:
		if (s->n_fiu == 0)
			fputs("[]", o);
		for (uint32_t i = 0; i < s->n_fiu; i++) {
			const struct sc_fiu_point *fp = &s->fiu[i];

			fprintf(o, "\n%*s- {point: ", depth * 2 + 2, "");
			put_string(o, fp->name);
			if (fp->nth) {
				fprintf(o, ", nth: %" PRIu64 "}", fp->nth);
			} else {
				fputs(", probability: ", o);
				put_double(o, fp->probability);
				fputc('}', o);
			}
		}
		break;
	case SCK_EXPECT:
		if (s->n_expect == 0)
			fputs("[]", o);
		for (uint32_t i = 0; i < s->n_expect; i++) {
			char text[160];

			sc_expect_format(&s->expect[i], text, sizeof(text));
			fprintf(o, "\n%*s- ", depth * 2 + 2, "");
			put_string(o, text);
		}
		break;
	case SCK_QUICK:
		/* The values are YAML text already (scenario.c, quick_value). */
		if (s->n_quick == 0)
			fputs("{}", o);
		for (uint32_t i = 0; i < s->n_quick; i++)
			fprintf(o, "\n%*s%s: %s", depth * 2 + 2, "", s->quick[i].key,
				s->quick[i].value);
		break;
	case SCK_SWEEP:
		/* The values are YAML text already (scenario.c, set_sweep). An
		 * empty mapping (replicas alone) must still read back. */
		if (s->sweep.n_params == 0)
			fputs("{}", o);
		for (uint32_t i = 0; i < s->sweep.n_params; i++) {
			const struct sc_sweep_param *sp = &s->sweep.params[i];

			fprintf(o, "\n%*s%s: [", depth * 2 + 2, "", sp->key);
			for (uint32_t j = 0; j < sp->n_values; j++)
				fprintf(o, "%s%s", j ? ", " : "", sp->values[j]);
			fputc(']', o);
		}
		break;
	default:
		break;
	}
}

/* Kinds printed as an indented block under their key when not empty. */
static bool block_value(const struct scenario *s, const struct sc_field *f)
{
	return (f->kind == SCK_FIU && s->n_fiu > 0) || (f->kind == SCK_EXPECT && s->n_expect > 0) ||
	       (f->kind == SCK_QUICK && s->n_quick > 0) ||
	       (f->kind == SCK_SWEEP && s->sweep.n_params > 0);
}

static void put_table(FILE *o, const struct scenario *s, const struct sc_table *t,
		      const unsigned char *base, const char *prefix, int depth0)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct sc_field *f = &t->f[i];
		char full[256];
		const char *name = strrchr(f->path, '.');
		int depth = depth0;

		snprintf(full, sizeof(full), "%s%s", prefix, f->path);
		if (skipped(s, full))
			continue;
		for (const char *p = f->path; *p; p++)
			depth += *p == '.';
		name = name ? name + 1 : f->path;
		fprintf(o, "%*s%s:", depth * 2, "", name);
		if (f->kind == SCK_SECTION) {
			fputc('\n', o);
		} else if (f->kind == SCK_DISK) {
			char sub[sizeof(full) + 2];

			fputc('\n', o);
			snprintf(sub, sizeof(sub), "%s.", full);
			put_table(o, s, &sc_disk_schema, base + f->off, sub, depth + 1);
		} else {
			if (!block_value(s, f))
				fputc(' ', o);
			put_value(o, s, f, base + f->off, depth);
			fputc('\n', o);
		}
	}
}

char *scenario_to_yaml(const struct scenario *s)
{
	char *out = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&out, &len);

	if (o == NULL)
		return NULL;
	fputs("# csumsim scenario, canonical form: every key, defaults included.\n", o);
	if (s->trace.kind == SC_TRACE_FILE && s->trace.path[0] && s->trace.path[0] != '/')
		fputs("# trace.file is relative to the scenario file it was read from.\n", o);
	put_table(o, s, &sc_root_schema, (const unsigned char *)s, "", 0);
	if (fclose(o) != 0) {
		free(out);
		return NULL;
	}
	return out;
}
