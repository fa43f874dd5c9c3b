#include "cli/sweep_shard.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int shard_info_write(const char *dir, const struct shard_info *si, struct cs_err *err)
{
	char path[4400], fp[32];
	json_t *o = json_object();
	int rc;

	if (o == NULL)
		return cs_err_set(err, "out of memory");
	snprintf(fp, sizeof(fp), "%016" PRIx64, si->fingerprint);
	json_object_set_new(o, "fingerprint", json_string(fp));
	json_object_set_new(o, "shard", json_integer(si->shard));
	json_object_set_new(o, "of", json_integer(si->of));
	json_object_set_new(o, "n_runs", json_integer((json_int_t)si->n_runs));
	json_object_set_new(o, "reproduce", json_string(si->reproduce));
	json_object_set_new(o, "plots", json_boolean(si->plots));
	snprintf(path, sizeof(path), "%s/%s", dir, SHARD_MARKER);
	rc = json_dump_file(o, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	return rc == 0 ? 0 : cs_err_set(err, "cannot write %s", path);
}

int shard_info_read(const char *dir, struct shard_info *si, char **text_out, struct cs_err *err)
{
	char path[4400];
	json_error_t je;
	json_t *o, *x;
	int rc = -1;

	*text_out = NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, SHARD_MARKER);
	o = json_load_file(path, 0, &je);
	if (o == NULL)
		return cs_err_set(err, "%s: not a shard of a sweep (no readable %s: %s)", dir,
				  SHARD_MARKER, je.text);
	memset(si, 0, sizeof(*si));
#define FIELD(name, test)                                                                  \
	x = json_object_get(o, name);                                                      \
	if (!(test)) {                                                                     \
		cs_err_set(err, "%s: field '%s' is missing or wrong", path, name);          \
		goto out;                                                                  \
	}
	FIELD("fingerprint", json_is_string(x) &&
				     sscanf(json_string_value(x), "%" SCNx64, &si->fingerprint) == 1);
	FIELD("shard", json_is_integer(x) && json_integer_value(x) >= 0);
	si->shard = (uint32_t)json_integer_value(x);
	FIELD("of", json_is_integer(x) && json_integer_value(x) > si->shard &&
			    json_integer_value(x) <= 100000);
	si->of = (uint32_t)json_integer_value(x);
	FIELD("n_runs", json_is_integer(x) && json_integer_value(x) > 0);
	si->n_runs = (uint64_t)json_integer_value(x);
	FIELD("plots", json_is_boolean(x));
	si->plots = json_is_true(x);
	FIELD("reproduce", json_is_string(x));
	*text_out = strdup(json_string_value(x));
	if (*text_out == NULL) {
		cs_err_set(err, "out of memory");
		goto out;
	}
	si->reproduce = *text_out;
#undef FIELD
	rc = 0;
out:
	json_decref(o);
	return rc;
}
