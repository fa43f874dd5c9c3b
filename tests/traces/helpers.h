/* Shared by the traces tests: read a whole trace into an array. */
#ifndef CSUMSIM_TESTS_TRACES_HELPERS_H
#define CSUMSIM_TESTS_TRACES_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/trace.h"

struct req_list {
	struct trace_req *r;
	size_t n, cap;
};

static inline void req_list_free(struct req_list *l)
{
	free(l->r);
	memset(l, 0, sizeof(*l));
}

static inline struct sc_trace file_spec(const char *path, int format, const char *actions)
{
	struct sc_trace s;

	memset(&s, 0, sizeof(s));
	s.kind = SC_TRACE_FILE;
	s.format = (uint8_t)format;
	snprintf(s.path, sizeof(s.path), "%s", path);
	snprintf(s.actions, sizeof(s.actions), "%s", actions ? actions : "Q");
	return s;
}

/* Reads every record; returns 0, or -1 with err set (records so far kept). */
static inline int read_spec(const struct sc_trace *spec, const char *base, uint64_t dev,
			    uint64_t seed, struct req_list *l, struct cs_err *err)
{
	struct trace_reader *r = trace_open(spec, base, dev, seed, err);
	int got;

	memset(l, 0, sizeof(*l));
	if (r == NULL)
		return -1;
	for (;;) {
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 64;
			struct trace_req *p = realloc(l->r, cap * sizeof(*p));

			if (p == NULL)
				abort();
			l->r = p;
			l->cap = cap;
		}
		got = trace_next(r, &l->r[l->n], err);
		if (got <= 0)
			break;
		l->n++;
	}
	trace_close(r);
	return got < 0 ? -1 : 0;
}

static inline int read_file(const char *path, int format, const char *actions,
			    struct req_list *l, struct cs_err *err)
{
	struct sc_trace s = file_spec(path, format, actions);

	return read_spec(&s, NULL, 0, 0, l, err);
}

#endif
