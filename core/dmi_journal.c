/* Variant dmi-journal: dm-integrity in mode J (dm-integrity.rst "J -
 * journaled writes"; dm-integrity.c dm_integrity_map_continue(),
 * __journal_read_write(), integrity_commit(), integrity_writer(),
 * do_journal_write(), replay_journal()).
 *
 * A write takes the next free journal entries (logical sector and crc32c tag
 * each, in memory) and is complete; a commit (a flush, a FUA write, the
 * commit_time timer, or the journal filling past its watermark) closes the
 * current section and writes every uncommitted section's 8 entry sectors,
 * each ending with the section's commit id, with FUA. When no more than
 * free_sectors_threshold entries are free after a commit, the writer copies
 * every committed section home (tags, then data) and flushes. At set-up after
 * a crash the sections whose commit ids follow on are replayed.
 *
 * Where the model differs (docs/DMINTEGRITY.md "dmi-journal"): the kernel
 * keeps the journal's data in memory and writes a section's data sectors
 * with its entries at commit; the model writes each write's data to its
 * journal slots at once (the data sub-I/O of the write) and orders them
 * before the entry sectors with a PREFLUSH on the commit. So a section is
 * committed when its 8 entry sectors carry its commit id, and journal reads
 * and copies home read the slots back from the disk. Timers run at the first
 * piece that starts at or after they fall due. */
#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "core/dmi_home.h"
#include "core/dmi_variants.h"

#define IDX_SLOTS 65536u /* open addressing, > 3 * DMI_MAX_ENTRIES */
#define NONE32 UINT32_MAX
#define BLOCK (DMI_JBLOCK * CSUM_SECTOR)

struct idx_slot {
	uint64_t key; /* logical sector + 1; 0 = empty */
	uint32_t pos; /* journal position: section * 168 + entry */
};

struct journal_ctx {
	struct dmi_geo g;
	struct dmi_tcache tc;
	uint32_t n_entries;
	/* ring of sections: committed, then uncommitted, then free */
	uint32_t committed_section, n_committed;
	uint32_t uncommitted_section, n_uncommitted;
	uint32_t free_section, free_entry, free_sectors;
	uint8_t commit_seq;
	bool autocommit;       /* the autocommit timer is pending */
	uint64_t autocommit_due; /* ns */
	uint64_t e_sector[DMI_MAX_ENTRIES]; /* DMI_UNUSED when free */
	uint32_t e_tag[DMI_MAX_ENTRIES];
	int8_t sec_seq[DMI_MAX_SECTIONS];   /* recovery: seq of a whole section, or -1 */
	struct idx_slot idx[IDX_SLOTS];     /* ic->journal_tree: newest entry per sector */
};

enum journal_state {
	JS_COMMIT = 1, /* entry blocks written (a batch of up to 8 sections) */
	JS_WB_READ,    /* copy home: journal slots + tag sector read */
	JS_WB_WRITE,   /* copy home: tag sector + data written */
	JS_WB_FLUSH,
	JS_SLOTS,      /* write: data into its journal slots */
	JS_R_HOME,     /* read: sectors not in the journal */
	JS_R_JOURNAL,  /* read: the newest copies from journal slots */
	JS_RC_SB,
	JS_RC_BLOCKS,  /* recovery: entry blocks read (batches of 8 sections) */
	JS_RC_CLEAR,   /* recovery: init_journal() of entry blocks */
	JS_DONE,
};

/* What follows a commit or a copy home. */
enum { AF_DONE = 0, AF_PIECE, AF_WRITE, AF_FORCE_WB, AF_DISCARD, AF_RC_END };

struct journal_job {
	uint8_t state;
	uint8_t op;
	uint8_t after;    /* after the commit */
	uint8_t wb_after; /* after the copy home */
	uint32_t rq_flags;
	uint32_t rq_count; /* the user request's sectors */
	uint64_t now;
	struct csum_piece p;
	uint64_t rel;
	uint8_t *buf;
	uint64_t *tags;
	struct bu_ios ios;
	struct dmi_home h;
	/* commit / clear: sections [c_first, c_first + c_n), next c_done */
	uint32_t c_first, c_n, c_done;
	uint8_t c_seq;
	/* copy home: sections [w_first, +w_n), cursor section w_i, entry w_e */
	uint32_t w_first, w_n, w_i, w_e;
	bool replay;
	uint32_t run_e, run_n; /* the run being copied: entries of section w_i */
	uint32_t run_pos;      /* entries of the run already written */
	uint64_t run_rel;
	/* read */
	uint32_t r_pos;
	uint32_t r_src[DMI_TAGS_PER_SECTOR]; /* journal position, or NONE32 */
	/* recovery */
	bool rc_bad;       /* a sector with no commit id: clear the journal */
	bool rc_empty;
	bool used[DMI_N_COMMIT_IDS];
	uint32_t max_sec[DMI_N_COMMIT_IDS];
	uint32_t rc_i;
	uint32_t rc_start, rc_sections, rc_last_used;
	uint8_t rc_want;
	uint8_t blocks[DMI_JBLOCK][BLOCK];
	uint8_t sb[DMI_SB_SECTORS * CSUM_SECTOR];
	uint64_t rtags[DMI_TAGS_PER_SECTOR];
	uint8_t rbuf[DMI_TAGS_PER_SECTOR * CSUM_SECTOR];
};

static unsigned next_seq(unsigned s)
{
	return (s + 1u) % DMI_N_COMMIT_IDS;
}

static unsigned prev_seq(unsigned s)
{
	return (s + DMI_N_COMMIT_IDS - 1u) % DMI_N_COMMIT_IDS;
}

static uint32_t wrap(const struct journal_ctx *c, uint32_t s)
{
	assert(s < 2u * c->g.sections); /* at most one lap ahead */
	return s >= c->g.sections ? s - c->g.sections : s;
}

/* The ring between steps: committed, uncommitted, then the open section,
 * each starting where the one before ends; every entry is free, open or in
 * a closed section. O(1). */
static void ring_check(const struct journal_ctx *c)
{
#ifndef NDEBUG
	uint32_t n = c->g.sections;

	assert(c->n_entries == n * DMI_SECTION_ENTRIES);
	assert(c->committed_section < n && c->uncommitted_section < n && c->free_section < n);
	assert(c->free_entry < DMI_SECTION_ENTRIES);
	assert(c->n_committed + c->n_uncommitted + (c->free_entry != 0) <= n);
	assert(c->uncommitted_section == (c->committed_section + c->n_committed) % n);
	assert(c->free_section == (c->uncommitted_section + c->n_uncommitted) % n);
	assert((uint64_t)c->free_sectors +
		       (uint64_t)(c->n_committed + c->n_uncommitted) * DMI_SECTION_ENTRIES +
		       c->free_entry == c->n_entries);
	assert(c->commit_seq < DMI_N_COMMIT_IDS);
#else
	(void)c;
#endif
}

static uint64_t slot_sector(const struct journal_ctx *c, uint32_t pos)
{
	assert(pos < c->n_entries);
	return dmi_section_sector(&c->g, pos / DMI_SECTION_ENTRIES) + DMI_JBLOCK +
	       pos % DMI_SECTION_ENTRIES;
}

/* ---- the journal tree ---------------------------------------------------- */

static struct idx_slot *idx_find(struct journal_ctx *c, uint64_t sector)
{
	uint32_t h = (uint32_t)((sector * UINT64_C(0x9e3779b97f4a7c15)) >> 48) & (IDX_SLOTS - 1u);

	while (c->idx[h].key != 0 && c->idx[h].key != sector + 1u)
		h = (h + 1u) & (IDX_SLOTS - 1u);
	return &c->idx[h];
}

static uint32_t idx_get(struct journal_ctx *c, uint64_t sector)
{
	const struct idx_slot *s = idx_find(c, sector);

	return s->key ? s->pos : NONE32;
}

static void idx_put(struct journal_ctx *c, uint64_t sector, uint32_t pos)
{
	struct idx_slot *s = idx_find(c, sector);

	/* the newest entry of a sector the device provides */
	assert(pos < c->n_entries && sector < c->g.provided);
	s->key = sector + 1u;
	s->pos = pos;
}

/* The tree after a copy home: only the entries still in the journal, oldest
 * first so the newest wins. */
static void idx_rebuild(struct journal_ctx *c)
{
	uint32_t sec = c->uncommitted_section;
	uint32_t full = c->n_uncommitted;

	memset(c->idx, 0, sizeof(c->idx));
	for (uint32_t n = 0; n <= full; n++, sec = wrap(c, sec + 1u)) {
		uint32_t lim = n < full ? DMI_SECTION_ENTRIES : c->free_entry;

		if (n == full && sec != c->free_section)
			break;
		for (uint32_t e = 0; e < lim; e++) {
			uint32_t pos = sec * DMI_SECTION_ENTRIES + e;

			if (c->e_sector[pos] != DMI_UNUSED)
				idx_put(c, c->e_sector[pos], pos);
		}
	}
}

static bool in_committed(const struct journal_ctx *c, uint32_t pos)
{
	uint32_t s = pos / DMI_SECTION_ENTRIES;
	uint32_t d = s >= c->committed_section ? s - c->committed_section
					       : s + c->g.sections - c->committed_section;

	return d < c->n_committed;
}

/* ---- set-up ---------------------------------------------------------------- */

static void journal_reset(struct journal_ctx *c, uint32_t section, uint8_t seq)
{
	c->committed_section = c->uncommitted_section = c->free_section = section;
	c->n_committed = c->n_uncommitted = 0;
	c->free_entry = 0;
	c->free_sectors = c->n_entries;
	c->commit_seq = seq;
	c->autocommit = false;
	for (uint32_t i = 0; i < c->n_entries; i++)
		c->e_sector[i] = DMI_UNUSED;
	memset(c->idx, 0, sizeof(c->idx));
}

static int journal_init(void *vctx, const struct csum_table *t, const struct csum_options *o,
			const char **why)
{
	struct journal_ctx *c = vctx;

	memset(&c->tc, 0, sizeof(c->tc));
	if (dmi_geo_init(&c->g, DMI_MODE_J, t, o, why) != 0)
		return -1;
	c->n_entries = c->g.sections * DMI_SECTION_ENTRIES;
	/* the first activation cleared the journal with seq 1: commits go on
	 * with seq 2 from section 0 (core/dmi_format.c initial_sector) */
	journal_reset(c, 0, 2);
	ring_check(c);
	return 0;
}

/* ---- steps ----------------------------------------------------------------- */

static void done(struct journal_job *j, struct csum_step *out, int result, const char *why)
{
	j->state = JS_DONE;
	bu_step_done(out, result, why);
}

static void io_step(struct journal_job *j, uint8_t state, struct csum_step *out)
{
	assert(state != JS_DONE);
	j->state = state;
	bu_step_io(&j->ios, out);
}

static void piece(struct journal_ctx *c, struct journal_job *j, struct csum_step *out);
static void write_alloc(struct journal_ctx *c, struct journal_job *j, struct csum_step *out);
static void wb_begin(struct journal_ctx *c, struct journal_job *j, uint32_t first, uint32_t n,
		     bool replay, uint8_t after, struct csum_step *out);
static void rc_end(struct journal_ctx *c, struct journal_job *j, struct csum_step *out);

static void then(struct journal_ctx *c, struct journal_job *j, uint8_t after,
		 struct csum_step *out)
{
	switch (after) {
	case AF_PIECE:
		piece(c, j, out);
		return;
	case AF_WRITE:
		write_alloc(c, j, out);
		return;
	case AF_RC_END:
		rc_end(c, j, out);
		return;
	case AF_FORCE_WB:
		wb_begin(c, j, c->committed_section, c->n_committed, false, AF_DISCARD, out);
		return;
	case AF_DISCARD:
		/* the journaled sectors are home: filler tags, flushed */
		j->state = JS_R_HOME;
		dmi_home_start(&c->g, &c->tc, &j->h, CSUM_OP_DISCARD, true, &j->p, j->buf, j->tags, out);
		return;
	default:
		done(j, out, 0, NULL);
		return;
	}
}

/* ---- commit: integrity_commit() -------------------------------------------- */

/* The entry block of section s from memory, sealed with seq. */
static void build_block(const struct journal_ctx *c, uint8_t *blk, uint32_t s, unsigned seq)
{
	memset(blk, 0, BLOCK);
	for (uint32_t e = 0; e < DMI_SECTION_ENTRIES; e++) {
		uint32_t pos = s * DMI_SECTION_ENTRIES + e;
		struct dmi_entry en = { .sector = c->e_sector[pos], .tag = c->e_tag[pos] };

		dmi_entry_put(blk, e, &en);
	}
	dmi_entry_block_seal(blk, s, seq);
}

/* Entry blocks of sections c_first + c_done.., up to 8 per step, FUA; the
 * first of a commit also carries PREFLUSH (the model's order for the data
 * slots written before). `clear` writes unused entries (init_journal()). */
static void block_batch(struct journal_ctx *c, struct journal_job *j, bool clear, uint8_t state,
			struct csum_step *out)
{
	bu_ios_reset(&j->ios);
	while (j->c_done < j->c_n && j->ios.n < DMI_JBLOCK) {
		uint32_t s = wrap(c, j->c_first + j->c_done);
		uint8_t *blk;

		assert(j->ios.n < DMI_JBLOCK); /* j->blocks holds 8 */
		blk = j->blocks[j->ios.n];
		uint32_t fl = CSUM_IOF_FUA | CSUM_IOF_SYNC | CSUM_IOF_META;

		if (clear) {
			memset(blk, 0, BLOCK);
			for (uint32_t e = 0; e < DMI_SECTION_ENTRIES; e++)
				dmi_entry_put(blk, e, &(struct dmi_entry){ .sector = DMI_UNUSED });
			dmi_entry_block_seal(blk, s, j->c_seq);
		} else {
			build_block(c, blk, s, j->c_seq);
			if (j->c_done == 0)
				fl |= CSUM_IOF_PREFLUSH;
			/* integrity_commit(): the seq moves on past the last section */
			if (s + 1u >= c->g.sections)
				j->c_seq = (uint8_t)next_seq(j->c_seq);
		}
		bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_JOURNAL_WRITE, fl,
			   dmi_section_sector(&c->g, s), DMI_JBLOCK, blk, NULL);
		j->c_done++;
	}
	io_step(j, state, out);
}

static void commit(struct journal_ctx *c, struct journal_job *j, uint8_t after,
		   struct csum_step *out)
{
	c->autocommit = false; /* del_timer() */
	/* pad_uncommitted(): the open section is closed as it is */
	if (c->free_entry) {
		c->free_sectors -= DMI_SECTION_ENTRIES - c->free_entry;
		c->free_entry = 0;
		c->free_section = wrap(c, c->free_section + 1u);
		c->n_uncommitted++;
	}
	j->after = after;
	if (c->n_uncommitted == 0) {
		/* nothing to write: flush bios end without I/O */
		then(c, j, after, out);
		return;
	}
	j->c_first = c->uncommitted_section;
	j->c_n = c->n_uncommitted;
	j->c_done = 0;
	j->c_seq = c->commit_seq;
	block_batch(c, j, false, JS_COMMIT, out);
}

static void commit_resume(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	if (bu_ios_failed(&j->ios)) {
		done(j, out, -CSUM_EIO, "writing journal failed");
		return;
	}
	if (j->c_done < j->c_n) {
		block_batch(c, j, false, JS_COMMIT, out);
		return;
	}
	/* the sections written are the ones that were uncommitted */
	assert(j->c_n <= c->n_uncommitted && j->c_first == c->uncommitted_section);
	c->commit_seq = j->c_seq;
	c->uncommitted_section = wrap(c, c->uncommitted_section + j->c_n);
	c->n_uncommitted -= j->c_n;
	c->n_committed += j->c_n;
	if (c->free_sectors <= c->g.free_threshold) {
		/* queue_work(writer_wq): every committed section goes home */
		wb_begin(c, j, c->committed_section, c->n_committed, false, j->after, out);
		return;
	}
	then(c, j, j->after, out);
}

/* ---- copy home: do_journal_write() ----------------------------------------- */

static void wb_next(struct journal_ctx *c, struct journal_job *j, struct csum_step *out);

static void wb_begin(struct journal_ctx *c, struct journal_job *j, uint32_t first, uint32_t n,
		     bool replay, uint8_t after, struct csum_step *out)
{
	j->w_first = first;
	j->w_n = n;
	j->w_i = 0;
	j->w_e = 0;
	j->replay = replay;
	j->wb_after = after;
	wb_next(c, j, out);
}

/* The next run: consecutive used entries of one section whose sectors
 * follow on in one tag sector; outside replay, its ends trimmed of entries
 * a newer committed entry replaces (find_newer_committed_node()). */
static bool next_run(struct journal_ctx *c, struct journal_job *j)
{
	for (; j->w_i < j->w_n; j->w_i++, j->w_e = 0) {
		uint32_t s = wrap(c, j->w_first + j->w_i);

		while (j->w_e < DMI_SECTION_ENTRIES) {
			uint32_t base = s * DMI_SECTION_ENTRIES, e = j->w_e, k;
			uint64_t sec = c->e_sector[base + e];

			if (sec == DMI_UNUSED || sec >= c->g.provided) {
				j->w_e++;
				continue;
			}
			for (k = e + 1; k < DMI_SECTION_ENTRIES; k++) {
				uint64_t s2 = c->e_sector[base + k];

				if (s2 != sec + (k - e) || s2 / c->g.piece_max != sec / c->g.piece_max)
					break;
			}
			j->w_e = k;
			if (!j->replay) {
				uint32_t np;

				while (e < k && (np = idx_get(c, c->e_sector[base + e])) != base + e &&
				       np != NONE32 && in_committed(c, np))
					e++;
				while (e < k &&
				       (np = idx_get(c, c->e_sector[base + k - 1u])) != base + k - 1u &&
				       np != NONE32 && in_committed(c, np))
					k--;
				if (e == k)
					continue;
			}
			j->run_e = base + e;
			j->run_n = k - e;
			j->run_rel = c->e_sector[base + e];
			/* a run fits j->rbuf and one tag sector */
			assert(j->run_n >= 1 && j->run_n <= c->g.piece_max);
			assert(j->run_rel + j->run_n <= c->g.provided);
			return true;
		}
	}
	return false;
}

static void wb_next(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	if (!next_run(c, j)) {
		/* dm_integrity_flush_buffers(ic, true) */
		bu_ios_reset(&j->ios);
		bu_ios_add(&j->ios, CSUM_IO_FLUSH, CSUM_ROLE_FLUSH, 0, 0, 0, NULL, NULL);
		io_step(j, JS_WB_FLUSH, out);
		return;
	}
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_DATA_READ, 0, slot_sector(c, j->run_e), j->run_n,
		   j->rbuf, j->rtags);
	if (!dmi_tc_get(&c->tc, dmi_tag_sector(&c->g, j->run_rel), j->h.tagsec))
		bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_IMD_READ, 0,
			   dmi_tag_sector(&c->g, j->run_rel), 1, j->h.tagsec, NULL);
	j->run_pos = 0;
	io_step(j, JS_WB_READ, out);
}

/* Tags into the tag sector, then the data home in sub-runs: in replay an
 * entry whose slot no longer holds its data is skipped (see the file
 * comment and docs/DMINTEGRITY.md). */
static void wb_write(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	bool first = j->run_pos == 0;

	bu_ios_reset(&j->ios);
	if (first) {
		for (uint32_t i = 0; i < j->run_n; i++) {
			uint32_t pos = j->run_e + i;
			bool ok = true;

			if (j->replay) {
				out->crc_bytes += CSUM_SECTOR;
				ok = dmi_tag(j->run_rel + i, j->rbuf + (size_t)i * CSUM_SECTOR) ==
				     c->e_tag[pos];
			}
			if (ok)
				dmi_put_tag(j->h.tagsec, j->run_rel + i, c->e_tag[pos]);
			else
				c->e_sector[pos] = DMI_UNUSED; /* marks it skipped */
		}
		bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_IMD_WRITE, CSUM_IOF_META,
			   dmi_tag_sector(&c->g, j->run_rel), 1, j->h.tagsec, NULL);
		dmi_tc_put(&c->tc, dmi_tag_sector(&c->g, j->run_rel), j->h.tagsec);
	}
	while (j->run_pos < j->run_n && j->ios.n < CSUM_STEP_MAX_IO) {
		uint32_t i = j->run_pos, e;

		if (c->e_sector[j->run_e + i] == DMI_UNUSED) {
			j->run_pos++;
			continue;
		}
		for (e = i + 1; e < j->run_n && c->e_sector[j->run_e + e] != DMI_UNUSED; e++)
			;
		bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_DATA_WRITE, 0,
			   dmi_data_sector(&c->g, j->run_rel + i), e - i,
			   j->rbuf + (size_t)i * CSUM_SECTOR, j->rtags + i);
		j->run_pos = e;
	}
	if (j->ios.n == 0) {
		wb_next(c, j, out);
		return;
	}
	io_step(j, JS_WB_WRITE, out);
}

static void wb_finish(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	if (!j->replay) {
		/* integrity_writer(): the sections are free again */
		for (uint32_t n = 0; n < j->w_n; n++) {
			uint32_t s = wrap(c, j->w_first + n);

			for (uint32_t e = 0; e < DMI_SECTION_ENTRIES; e++)
				c->e_sector[s * DMI_SECTION_ENTRIES + e] = DMI_UNUSED;
		}
		/* the sections copied home are the committed ones */
		assert(j->w_n == c->n_committed && j->w_first == c->committed_section);
		c->committed_section = wrap(c, c->committed_section + j->w_n);
		c->n_committed -= j->w_n;
		c->free_sectors += j->w_n * DMI_SECTION_ENTRIES;
		idx_rebuild(c);
	}
	then(c, j, j->wb_after, out);
}

/* ---- writes: dm_integrity_map_continue(), __journal_read_write() ---------- */

static void write_alloc(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	uint32_t pos;

	if (c->free_sectors < j->p.count) {
		if (!c->n_uncommitted && !c->free_entry && !c->n_committed) {
			done(j, out, -CSUM_EIO, "journal smaller than a piece");
			return;
		}
		/* the kernel waits for the writer (sleep_on_endio_wait()); the
		 * model commits and copies home now */
		if (c->n_uncommitted || c->free_entry)
			commit(c, j, AF_WRITE, out);
		else
			wb_begin(c, j, c->committed_section, c->n_committed, false, AF_WRITE, out);
		return;
	}
	assert(j->p.count >= 1 && j->rel + j->p.count <= c->g.provided);
	c->free_sectors -= j->p.count;
	pos = c->free_section * DMI_SECTION_ENTRIES + c->free_entry;
	bu_ios_reset(&j->ios);
	for (uint32_t i = 0; i < j->p.count; i++) {
		uint32_t tag = dmi_tag(j->rel + i, j->buf + (size_t)i * CSUM_SECTOR);

		out->crc_bytes += CSUM_SECTOR;
		c->e_sector[pos] = j->rel + i;
		c->e_tag[pos] = tag;
		idx_put(c, j->rel + i, pos);
		if (i == 0 || pos % DMI_SECTION_ENTRIES == 0)
			bu_ios_add(&j->ios, CSUM_IO_WRITE, CSUM_ROLE_JOURNAL_WRITE, 0,
				   slot_sector(c, pos), 0, j->buf + (size_t)i * CSUM_SECTOR,
				   j->tags ? j->tags + i : NULL);
		j->ios.io[j->ios.n - 1u].count++;
		if (++c->free_entry == DMI_SECTION_ENTRIES) {
			c->free_entry = 0;
			c->free_section = wrap(c, c->free_section + 1u);
			c->n_uncommitted++;
		}
		pos = c->free_section * DMI_SECTION_ENTRIES + c->free_entry;
	}
	io_step(j, JS_SLOTS, out);
}

static void write_done(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	if (bu_ios_failed(&j->ios)) {
		done(j, out, -CSUM_EIO, "journal write failed");
		return;
	}
	/* do_endio_flush(): the bio's one commit, once all of it is journaled
	 * (the kernel does not cut it at tag sectors; the model's pieces run
	 * one at a time in queue order, so the last one comes last) */
	if ((j->rq_flags & CSUM_RQ_FUA) && j->p.offset + j->p.count == j->rq_count) {
		commit(c, j, AF_DONE, out);
		return;
	}
	if (c->free_sectors <= c->g.free_threshold) {
		commit(c, j, AF_DONE, out);
		return;
	}
	if (!c->autocommit) { /* schedule_autocommit() */
		c->autocommit = true;
		c->autocommit_due = j->now + (uint64_t)c->g.commit_ms * 1000000u;
	}
	done(j, out, 0, NULL);
}

/* ---- reads ----------------------------------------------------------------- */

/* The kernel copies journaled data from memory and checks nothing; the
 * model reads it back from the slot, so it checks it against the entry's
 * tag: rot the kernel could not meet fails the read instead of passing. */
static void read_journal_judge(struct journal_ctx *c, struct journal_job *j,
			       struct csum_step *out)
{
	int r = 0;

	for (uint32_t i = 0; i < j->p.count; i++) {
		if (j->r_src[i] == NONE32)
			continue;
		out->crc_bytes += CSUM_SECTOR;
		if (dmi_tag(j->rel + i, j->buf + (size_t)i * CSUM_SECTOR) == c->e_tag[j->r_src[i]]) {
			j->h.verdict[i] = CSUM_V_NEWER;
		} else {
			j->h.verdict[i] = CSUM_V_MISMATCH;
			r = -DMI_EILSEQ;
		}
	}
	done(j, out, r, "journal slot does not match its entry");
}

static void read_journal(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	bu_ios_reset(&j->ios);
	while (j->r_pos < j->p.count && j->ios.n < CSUM_STEP_MAX_IO) {
		uint32_t i = j->r_pos, e;

		if (j->r_src[i] == NONE32) {
			j->r_pos++;
			continue;
		}
		for (e = i + 1; e < j->p.count && j->r_src[e] == j->r_src[i] + (e - i) &&
				(j->r_src[i] + (e - i)) % DMI_SECTION_ENTRIES != 0;
		     e++)
			;
		bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_DATA_READ, 0, slot_sector(c, j->r_src[i]),
			   e - i, j->buf + (size_t)i * CSUM_SECTOR, j->tags ? j->tags + i : NULL);
		j->r_pos = e;
	}
	if (j->ios.n == 0) {
		read_journal_judge(c, j, out);
		return;
	}
	io_step(j, JS_R_JOURNAL, out);
}

static void read_begin(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	/* find_journal_node(): the newest copy may be in the journal */
	for (uint32_t i = 0; i < j->p.count; i++) {
		j->r_src[i] = idx_get(c, j->rel + i);
		j->h.skip[i] = j->r_src[i] != NONE32;
		j->h.verdict[i] = CSUM_V_NOCHECK; /* until read_journal_judge() */
	}
	j->state = JS_R_HOME;
	dmi_home_start(&c->g, &c->tc, &j->h, CSUM_OP_READ, false, &j->p, j->buf, j->tags, out);
	if (out->kind == CSUM_STEP_DONE && out->result == 0) {
		j->r_pos = 0; /* every sector is in the journal */
		read_journal(c, j, out);
	}
}

/* ---- a piece --------------------------------------------------------------- */

static void piece(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	if (j->op == CSUM_OP_FLUSH) {
		commit(c, j, AF_DONE, out);
	} else if (j->op == CSUM_OP_READ) {
		read_begin(c, j, out);
	} else if (j->op == CSUM_OP_DISCARD) {
		/* a discard over journaled sectors commits and copies home
		 * first (discard_retried), then filler tags, flushed */
		if (c->n_uncommitted || c->free_entry || c->n_committed) {
			commit(c, j, AF_FORCE_WB, out);
			return;
		}
		j->state = JS_R_HOME;
		dmi_home_start(&c->g, &c->tc, &j->h, CSUM_OP_DISCARD, true, &j->p, j->buf, j->tags, out);
	} else if ((j->rq_flags & CSUM_RQ_PREFLUSH) && j->p.offset == 0) {
		j->rq_flags &= ~(uint32_t)CSUM_RQ_PREFLUSH;
		commit(c, j, AF_PIECE, out); /* dm sends the flush first */
	} else {
		write_alloc(c, j, out);
	}
}

static void journal_start(void *vctx, void *vjob, const struct csum_request *rq,
			  const struct csum_piece *p, uint8_t *buf, uint64_t *tags,
			  struct csum_step *out)
{
	struct journal_ctx *c = vctx;
	struct journal_job *j = vjob;

	memset(j, 0, offsetof(struct journal_job, blocks));
	j->op = rq->op;
	j->rq_flags = rq->flags;
	j->rq_count = rq->count;
	j->now = rq->now_ns;
	j->p = *p;
	j->rel = p->sector - c->g.begin;
	j->buf = buf;
	j->tags = tags;
	/* r_src and the home job hold one tag sector's worth */
	assert(p->count <= DMI_TAGS_PER_SECTOR);
	ring_check(c);
	if (c->autocommit && j->now >= c->autocommit_due) {
		commit(c, j, AF_PIECE, out); /* autocommit_fn() fell due */
		return;
	}
	piece(c, j, out);
}

/* ---- recovery: replay_journal() -------------------------------------------- */

static void rc_blocks(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	bu_ios_reset(&j->ios);
	for (uint32_t k = 0; k < DMI_JBLOCK && j->rc_i + k < c->g.sections; k++)
		bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_IMD_READ, CSUM_IOF_META,
			   dmi_section_sector(&c->g, j->rc_i + k), DMI_JBLOCK, j->blocks[k], NULL);
	io_step(j, JS_RC_BLOCKS, out);
}

/* Commit ids and entries of the sections just read. */
static void rc_parse(struct journal_ctx *c, struct journal_job *j)
{
	for (unsigned k = 0; k < j->ios.n; k++) {
		uint32_t i = j->rc_i + k;
		int seq0 = -2;

		assert(i < c->g.sections);

		c->sec_seq[i] = -1;
		for (uint32_t s = 0; s < DMI_JBLOCK; s++) {
			int q = dmi_find_seq(i, s, bu_get_le64(j->blocks[k] + s * CSUM_SECTOR +
								DMI_COMMIT_ID_OFF));

			if (q < 0) {
				j->rc_bad = true; /* find_commit_seq() fails: clear_journal */
				continue;
			}
			j->used[q] = true;
			j->max_sec[q] = i;
			if (seq0 == -2)
				seq0 = q;
			else if (seq0 != q)
				seq0 = -1;
		}
		if (seq0 >= 0)
			c->sec_seq[i] = (int8_t)seq0;
		for (uint32_t e = 0; e < DMI_SECTION_ENTRIES; e++) {
			struct dmi_entry en;

			dmi_entry_get(j->blocks[k], e, &en);
			c->e_sector[i * DMI_SECTION_ENTRIES + e] = en.sector;
			c->e_tag[i * DMI_SECTION_ENTRIES + e] = en.tag;
			if (en.sector != DMI_UNUSED)
				j->rc_empty = false;
		}
	}
}

static void rc_clear(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	/* clear_journal: init_journal() of every section with erase_seq */
	uint8_t erase = (uint8_t)prev_seq(prev_seq(j->rc_last_used));

	j->c_first = 0;
	j->c_n = c->g.sections;
	j->c_done = 0;
	j->c_seq = erase;
	journal_reset(c, 0, (uint8_t)next_seq(erase));
	block_batch(c, j, true, JS_RC_CLEAR, out);
}

/* Of the entries the replay copies, only each sector's newest. The kernel
 * replays every entry in ring order (commit order), the newest last, from
 * sections it wrote whole at commit, so an older lap's section is intact
 * until its next commit. The model writes data into its slots at write
 * time, so such a section may have lost slots to writes not yet committed;
 * skipping only those (wb_write()) let an older copy of the same sector, in
 * a section replayed earlier, land last: acknowledged, flushed data read
 * back old (docs/DMINTEGRITY.md, "Journal mode and torn journal writes").
 * A newest entry whose slot is gone was copied home and flushed before its
 * section was freed, so leaving out every older one gives the kernel's
 * result. */
static void rc_trim(struct journal_ctx *c, uint32_t start, uint32_t n)
{
	memset(c->idx, 0, sizeof(c->idx));
	for (uint32_t k = n; k-- > 0;) {
		uint32_t s = wrap(c, start + k);

		for (uint32_t e = DMI_SECTION_ENTRIES; e-- > 0;) {
			uint32_t pos = s * DMI_SECTION_ENTRIES + e;
			uint64_t sec = c->e_sector[pos];

			if (sec == DMI_UNUSED || sec >= c->g.provided)
				continue;
			if (idx_get(c, sec) != NONE32)
				c->e_sector[pos] = DMI_UNUSED; /* a newer one follows */
			else
				idx_put(c, sec, pos);
		}
	}
}

/* Which sections replay, then replay them (do_journal_write(from_replay)). */
static void rc_decide(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	unsigned unused, want;
	uint32_t i, n;

	if (j->rc_bad) {
		j->rc_last_used = 0;
		rc_clear(c, j, out);
		return;
	}
	if (!j->used[DMI_N_COMMIT_IDS - 1u]) {
		unused = DMI_N_COMMIT_IDS - 1u;
		while (unused && !j->used[unused - 1u])
			unused--;
	} else {
		for (unused = 0; unused < DMI_N_COMMIT_IDS; unused++)
			if (!j->used[unused])
				break;
		if (unused == DMI_N_COMMIT_IDS) {
			j->rc_last_used = 0;
			rc_clear(c, j, out);
			return;
		}
	}
	j->rc_last_used = prev_seq(unused);
	assert(j->rc_last_used < DMI_N_COMMIT_IDS && j->used[j->rc_last_used]);
	want = prev_seq(j->rc_last_used);
	if (!j->used[want] && j->used[prev_seq(want)])
		j->rc_empty = true;
	i = j->max_sec[j->rc_last_used] + 1u;
	if (i >= c->g.sections)
		want = next_seq(want);
	i = wrap(c, i);
	j->rc_start = i;
	for (n = 0; n < c->g.sections; n++) {
		if (c->sec_seq[i] != (int8_t)want)
			break;
		i++;
		if (i >= c->g.sections)
			want = next_seq(want);
		i = wrap(c, i);
	}
	assert(n <= c->g.sections && j->rc_start < c->g.sections);
	j->rc_sections = n;
	j->rc_want = (uint8_t)want;
	rc_trim(c, j->rc_start, n);
	if (!j->rc_empty) {
		wb_begin(c, j, j->rc_start, n, true, AF_RC_END, out);
		return;
	}
	rc_end(c, j, out);
}

static void rc_end(struct journal_ctx *c, struct journal_job *j, struct csum_step *out)
{
	if (j->rc_sections == c->g.sections) {
		/* the whole journal follows on: go on from where it starts */
		journal_reset(c, j->rc_start, j->rc_want);
		done(j, out, 0, NULL);
		return;
	}
	rc_clear(c, j, out);
}

static void journal_recover_start(void *vctx, void *vjob, struct csum_step *out)
{
	struct journal_ctx *c = vctx;
	struct journal_job *j = vjob;

	memset(j, 0, offsetof(struct journal_job, blocks));
	j->rc_empty = true;
	journal_reset(c, 0, 0);
	bu_ios_reset(&j->ios);
	bu_ios_add(&j->ios, CSUM_IO_READ, CSUM_ROLE_IMD_READ, CSUM_IOF_META, c->g.start,
		   DMI_SB_SECTORS, j->sb, NULL);
	io_step(j, JS_RC_SB, out);
}

/* ---- resume ---------------------------------------------------------------- */

static void journal_resume(void *vctx, void *vjob, struct csum_step *out)
{
	struct journal_ctx *c = vctx;
	struct journal_job *j = vjob;
	bool failed = bu_ios_failed(&j->ios);

	if (j->state < JS_RC_SB)
		ring_check(c); /* recovery rebuilds the ring: checked when it ends */
	switch (j->state) {
	case JS_COMMIT:
		commit_resume(c, j, out);
		return;
	case JS_WB_READ:
		if (failed) {
			done(j, out, -CSUM_EIO, "copying from journal failed");
			return;
		}
		wb_write(c, j, out);
		return;
	case JS_WB_WRITE:
		if (failed) {
			done(j, out, -CSUM_EIO, "copying from journal failed");
			return;
		}
		if (j->run_pos < j->run_n)
			wb_write(c, j, out);
		else
			wb_next(c, j, out);
		return;
	case JS_WB_FLUSH:
		if (failed) {
			done(j, out, -CSUM_EIO, "flush failed");
			return;
		}
		wb_finish(c, j, out);
		return;
	case JS_SLOTS:
		write_done(c, j, out);
		return;
	case JS_R_HOME:
		dmi_home_resume(&c->g, &j->h, out);
		if (out->kind != CSUM_STEP_DONE || j->op != CSUM_OP_READ)
			return;
		if (out->result != 0) {
			j->state = JS_DONE;
			return;
		}
		{
			uint32_t crc = out->crc_bytes;

			memset(out, 0, sizeof(*out));
			out->crc_bytes = crc;
		}
		j->r_pos = 0;
		read_journal(c, j, out);
		return;
	case JS_R_JOURNAL:
		if (failed) {
			done(j, out, -CSUM_EIO, "journal read failed");
			return;
		}
		read_journal(c, j, out);
		return;
	case JS_RC_SB:
		if (failed || !dmi_sb_ok(&c->g, j->sb)) {
			done(j, out, -CSUM_EIO, "superblock unreadable");
			return;
		}
		j->rc_i = 0;
		rc_blocks(c, j, out);
		return;
	case JS_RC_BLOCKS:
		if (failed) {
			j->rc_bad = true; /* dm_integrity_failed(): clear_journal */
			rc_decide(c, j, out);
			return;
		}
		rc_parse(c, j);
		j->rc_i += j->ios.n;
		if (j->rc_i < c->g.sections)
			rc_blocks(c, j, out);
		else
			rc_decide(c, j, out);
		return;
	case JS_RC_CLEAR:
		if (failed) {
			done(j, out, -CSUM_EIO, "clearing journal failed");
			return;
		}
		if (j->c_done < j->c_n)
			block_batch(c, j, true, JS_RC_CLEAR, out);
		else
			done(j, out, 0, NULL);
		return;
	default:
		done(j, out, -CSUM_EINVAL, "resume of a finished piece");
		return;
	}
}

static const uint8_t *journal_verdicts(const void *vjob)
{
	const struct journal_job *j = vjob;

	return j->op == CSUM_OP_READ ? j->h.verdict : NULL;
}

const struct csum_variant_ops csum_variant_dmi_journal = {
	.name = "dmi-journal",
	.summary = "dm-integrity mode J: data and crc32c tags journaled in committed sections",
	.ctx_size = sizeof(struct journal_ctx),
	.job_size = sizeof(struct journal_job),
	.lock_scope = CSUM_LOCK_GLOBAL,
	.n_devs = 1,
	.init = journal_init,
	.dev_sectors = dmi_ops_dev_sectors,
	.initial_sector = dmi_ops_initial_sector,
	.split = dmi_ops_split,
	.lock_key = dmi_ops_lock_tag_sector,
	.start = journal_start,
	.resume = journal_resume,
	.verdicts = journal_verdicts,
	.sector_info = dmi_ops_sector_info,
	.locate = dmi_ops_locate,
	.recover_start = journal_recover_start,
};
