/* `csumsim help keys | variants | profiles`: the lists that the man page and
 * the bash completion are generated from (scripts/gen-man.sh,
 * scripts/gen-completion.sh), so neither can drift from the program. */
#include "cli/help_lists.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/csum.h"
#include "scenarios/sc_schema.h"

static const char *kind_name(const struct sc_field *f)
{
	switch (f->kind) {
	case SCK_STR:
		return "string";
	case SCK_U64:
	case SCK_U32:
		return "integer";
	case SCK_F64:
		return f->unit_ns > 0 ? "duration" : "number";
	case SCK_BOOL:
		return "bool";
	case SCK_ENUM:
		return "enum";
	case SCK_SECTORS:
		return "sectors";
	case SCK_BUDGET:
		return "budget";
	default:
		return "list";
	}
}

static void print_field(FILE *o, const char *prefix, const struct sc_field *f)
{
	fprintf(o, "%s%s\t%s", prefix, f->path, kind_name(f));
	if (f->kind == SCK_ENUM) {
		fputc('\t', o);
		for (const char *const *n = f->names; *n; n++)
			fprintf(o, "%s%s", n == f->names ? "" : "|", *n);
	} else if ((f->kind == SCK_U64 || f->kind == SCK_U32 || f->kind == SCK_F64) &&
		   (f->min != 0 || f->max != 0)) {
		fprintf(o, "\t%.17g..", f->min);
		if (!isinf(f->max))
			fprintf(o, "%.17g", f->max);
	} else if (f->kind == SCK_BUDGET) {
		fputs("\tnone|1..1e12 [states]|1ms..168h", o);
	}
	fputc('\n', o);
}

static void print_keys(FILE *o)
{
	for (size_t i = 0; i < sc_root_schema.n; i++) {
		const struct sc_field *f = &sc_root_schema.f[i];

		if (f->kind == SCK_SECTION)
			continue;
		if (f->kind != SCK_DISK) {
			print_field(o, "", f);
			continue;
		}
		for (size_t j = 0; j < sc_disk_schema.n; j++) {
			char prefix[64];

			if (sc_disk_schema.f[j].kind == SCK_SECTION)
				continue;
			snprintf(prefix, sizeof(prefix), "%s.", f->path);
			print_field(o, prefix, &sc_disk_schema.f[j]);
		}
	}
}

int cli_help_list(const char *what, FILE *o)
{
	if (strcmp(what, "keys") == 0) {
		print_keys(o);
	} else if (strcmp(what, "variants") == 0) {
		for (const struct csum_variant_ops *const *v = csum_variant_all(); *v; v++)
			fprintf(o, "%s\n", (*v)->name);
	} else if (strcmp(what, "profiles") == 0) {
		for (const char *const *p = sc_profile_names; *p; p++)
			fprintf(o, "%s\n", *p);
	} else {
		return -1;
	}
	return 0;
}
