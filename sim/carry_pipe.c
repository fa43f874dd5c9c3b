/* A carried judgement over a pipe, from the process that judged a point to
 * the one that goes on to the next (sim/verify_carry.h). */
#include <stdlib.h>
#include <string.h>

#include "sim/carry_priv.h"
#include "util/fdio.h"
#include "util/grow.h"

/* 0 when all n bytes arrived. */
static int read_full(int fd, void *buf, size_t n)
{
	size_t got;

	return fd_read_all(fd, buf, n, &got) == 0 && got == n ? 0 : -1;
}

struct carry_head {
	uint64_t valid, n_runs, n_cls, n_deps, n_stale, reread, kept, retagged;
};

/* A stale group as sent: its first sector and the sectors new in it. */
struct stale_rec {
	uint64_t first, added;
};

/* c's runs as a recorded read-back (group by group, in the order made). */
static int flatten(const struct carry *c, struct flat *f)
{
	for (uint64_t i = 0; i < c->n_groups; i++) {
		const struct carry_group *g = &c->groups[i];

		for (unsigned r = 0; r < g->n_runs; r++) {
			const struct carry_run *cr = &g->runs[r];
			struct flat_run *fr;

			if (carry_flat_reserve(f, cr->len, cr->n_dep) != 0)
				return -1;
			fr = &f->runs[f->n_runs++];
			fr->sector = g->first + cr->off;
			fr->count = cr->len;
			fr->cls = f->n_cls;
			fr->dep = f->n_deps;
			fr->n_dep = cr->n_dep;
			fr->failed = cr->failed;
			memcpy(&f->cls[f->n_cls], &g->cls[cr->off], cr->len);
			memcpy(&f->okey[f->n_cls], &g->okey[cr->off], cr->len * sizeof(*f->okey));
			memcpy(&f->tag[f->n_cls], &g->tag[cr->off], cr->len * sizeof(*f->tag));
			f->n_cls += cr->len;
			if (cr->n_dep > 0)
				memcpy(&f->deps[f->n_deps], &g->deps[cr->dep],
				       cr->n_dep * sizeof(*f->deps));
			f->n_deps += cr->n_dep;
		}
	}
	return 0;
}

int carry_send(int fd, const struct carry *c)
{
	struct flat f;
	struct carry_head h = { .valid = c->valid, .n_stale = c->n_stale, .reread = c->reread,
				.kept = c->kept, .retagged = c->retagged };
	struct stale_rec *st = malloc((c->n_stale ? c->n_stale : 1) * sizeof(*st));
	int rc = -1;

	memset(&f, 0, sizeof(f));
	if (st == NULL || (c->valid && flatten(c, &f) != 0))
		goto out;
	for (uint64_t i = 0; i < c->n_stale; i++) {
		st[i].first = c->groups[c->stale[i]].first;
		st[i].added = c->groups[c->stale[i]].added;
	}
	h.n_runs = f.n_runs;
	h.n_cls = f.n_cls;
	h.n_deps = f.n_deps;
	if (fd_write_all(fd, &h, sizeof(h)) != 0)
		goto out;
	if (c->valid &&
	    (fd_write_all(fd, f.runs, f.n_runs * sizeof(*f.runs)) != 0 ||
	     fd_write_all(fd, f.cls, f.n_cls) != 0 ||
	     fd_write_all(fd, f.okey, f.n_cls * sizeof(*f.okey)) != 0 ||
	     fd_write_all(fd, f.tag, f.n_cls * sizeof(*f.tag)) != 0 ||
	     fd_write_all(fd, f.deps, f.n_deps * sizeof(*f.deps)) != 0 ||
	     fd_write_all(fd, st, c->n_stale * sizeof(*st)) != 0))
		goto out;
	rc = 0;
out:
	free(st);
	carry_flat_free(&f);
	return rc;
}

int carry_recv(int fd, struct carry *c)
{
	struct carry_head h;
	struct flat f;
	struct stale_rec *st = NULL;
	int rc = -1;

	carry_free(c);
	memset(&f, 0, sizeof(f));
	if (read_full(fd, &h, sizeof(h)) != 0)
		return -1;
	if (!h.valid) {
		c->reread = h.reread;
		c->kept = h.kept;
		c->retagged = h.retagged;
		return 0;
	}
	if (grow_array((void **)&f.runs, &f.cap_runs, h.n_runs, sizeof(*f.runs), 256) ||
	    carry_flat_reserve(&f, (uint32_t)0, h.n_deps) != 0)
		goto out;
	{
		uint64_t cap = f.cap_cls, cap_tag = f.cap_cls;

		if (grow_array((void **)&f.cls, &cap, h.n_cls, 1, 256) != 0 ||
		    grow_array((void **)&f.tag, &cap_tag, h.n_cls, sizeof(*f.tag), 256) != 0 ||
		    grow_array((void **)&f.okey, &f.cap_cls, h.n_cls, sizeof(*f.okey), 256))
			goto out;
	}
	if (read_full(fd, f.runs, h.n_runs * sizeof(*f.runs)) != 0 ||
	    read_full(fd, f.cls, h.n_cls) != 0 ||
	    read_full(fd, f.okey, h.n_cls * sizeof(*f.okey)) != 0 ||
	    read_full(fd, f.tag, h.n_cls * sizeof(*f.tag)) != 0 ||
	    read_full(fd, f.deps, h.n_deps * sizeof(*f.deps)) != 0)
		goto out;
	st = malloc((h.n_stale ? h.n_stale : 1) * sizeof(*st));
	if (st == NULL || read_full(fd, st, h.n_stale * sizeof(*st)) != 0)
		goto out;
	f.n_runs = h.n_runs;
	f.n_cls = h.n_cls;
	f.n_deps = h.n_deps;
	if (carry_install_all(c, &f) != 0)
		goto out;
	for (uint64_t i = 0; i < h.n_stale; i++) {
		bool oom = false;
		struct carry_group *g = carry_group_of(c, st[i].first, true, &oom);

		if (g == NULL || carry_stale_add(c, (uint32_t)(g - c->groups)) != 0)
			goto out;
		g = &c->groups[c->stale[c->n_stale - 1]];
		g->added = st[i].added;
	}
	c->reread = h.reread;
	c->kept = h.kept;
	c->retagged = h.retagged;
	rc = 0;
out:
	if (rc != 0)
		carry_free(c);
	free(st);
	carry_flat_free(&f);
	return rc;
}
