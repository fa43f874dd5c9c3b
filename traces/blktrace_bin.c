/* blktrace's binary capture: the per-CPU files STEM.blktrace.N it writes,
 * each a run of records (struct blk_io_trace, 48 bytes, in the byte order of
 * the machine that captured it) each followed by pdu_len bytes of payload.
 * The files are merged by time, as blkparse does, and each event goes
 * through the same mapping as a blkparse text line (blkparse_event), its
 * RWBS letters made from the record's category bits. Learnt from blktrace's
 * blktrace_api.h and blkparse(1); written fresh. */
#include "traces/reader.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BT_MAGIC 0x65617400u  /* "eat" and the version in the low byte */
#define BT_VERSION 0x07u
#define BT_RECORD 48u
#define BT_MAX_FILES 1024     /* CPUs */

/* Category bits, above the action code (action >> 16). */
#define BT_TC_WRITE (1u << 1)
#define BT_TC_FLUSH (1u << 2)
#define BT_TC_SYNC (1u << 3)
#define BT_TC_PC (1u << 9)
#define BT_TC_NOTIFY (1u << 10)
#define BT_TC_AHEAD (1u << 11)
#define BT_TC_META (1u << 12)
#define BT_TC_DISCARD (1u << 13)
#define BT_TC_FUA (1u << 15)

/* The action codes (action & 0xffff) in blkparse's letters, from 1. */
static const char *const bt_letters[] = {
	NULL, "Q", "M", "F", "G", "S", "R", "D", "C", "P", "U", "UT", "I", "X", "B", "A",
};

struct bt_event {
	uint64_t time, sector;
	uint32_t sequence, bytes, action;
};

struct bt_file {
	FILE *f;
	char *path;
	bool big_endian;
	bool have;             /* ev holds its next record */
	struct bt_event ev;
	uint64_t record;       /* of ev, from 1 */
};

struct blktrace_bin {
	struct bt_file *file;
	size_t n;
	char actions[8];
	const char *last_path; /* the file of the last record returned */
};

static uint32_t get32(const uint8_t *p, bool be)
{
	if (be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t get64(const uint8_t *p, bool be)
{
	uint64_t a = get32(p, be), b = get32(p + 4, be);

	return be ? a << 32 | b : b << 32 | a;
}

static uint16_t get16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

bool blktrace_bin_magic(const uint8_t *p, size_t n)
{
	return n >= 4 && ((get32(p, false) & 0xffffff00u) == BT_MAGIC ||
			  (get32(p, true) & 0xffffff00u) == BT_MAGIC);
}

bool blktrace_bin_file(const char *path)
{
	uint8_t b[4];
	FILE *f = strcmp(path, "-") != 0 ? fopen(path, "rb") : NULL;
	size_t got;

	if (f == NULL)
		return false;
	got = fread(b, 1, sizeof(b), f);
	fclose(f);
	return blktrace_bin_magic(b, got);
}

/* Reads fl's next record into fl->ev: 1, 0 at a clean end, -1 with err. */
static int bt_read(struct bt_file *fl, struct cs_err *err)
{
	uint8_t b[BT_RECORD];
	size_t got = fread(b, 1, sizeof(b), fl->f);
	uint32_t magic;
	uint16_t pdu;

	fl->have = false;
	if (got == 0 && !ferror(fl->f))
		return 0;
	fl->record++;
	if (got < sizeof(b))
		return ferror(fl->f)
			       ? cs_err_at(err, fl->path, fl->record, NULL, "cannot read: %s",
					   strerror(errno))
			       : cs_err_at(err, fl->path, fl->record, NULL,
					   "the file ends inside a record (%zu of %u bytes)", got,
					   BT_RECORD);
	if (fl->record == 1)
		fl->big_endian = (get32(b, true) & 0xffffff00u) == BT_MAGIC;
	magic = get32(b, fl->big_endian);
	if ((magic & 0xffffff00u) != BT_MAGIC)
		return cs_err_at(err, fl->path, fl->record, "magic",
				 "0x%08x is not a blktrace record's (0x%08x)", magic,
				 BT_MAGIC | BT_VERSION);
	if ((magic & 0xffu) != BT_VERSION)
		return cs_err_at(err, fl->path, fl->record, "magic",
				 "version %u; csumsim reads version %u (blktrace 1.0 and later)",
				 magic & 0xffu, BT_VERSION);
	fl->ev.sequence = get32(b + 4, fl->big_endian);
	fl->ev.time = get64(b + 8, fl->big_endian);
	fl->ev.sector = get64(b + 16, fl->big_endian);
	fl->ev.bytes = get32(b + 24, fl->big_endian);
	fl->ev.action = get32(b + 28, fl->big_endian);
	/* pid, device and cpu (b + 32..43) and error (b + 44) are not needed */
	pdu = get16(b + 46, fl->big_endian);
	if (pdu > 0 && fseek(fl->f, pdu, SEEK_CUR) != 0)
		return cs_err_at(err, fl->path, fl->record, "pdu_len",
				 "cannot skip the %u payload bytes: %s", pdu, strerror(errno));
	fl->have = true;
	return 1;
}

/* Its RWBS letters, as blkparse prints them: F(lush), the operation, then
 * F(UA), A(head), S(ync), M(eta). */
static void bt_rwbs(const struct bt_event *e, char *s)
{
	uint32_t tc = e->action >> 16;
	size_t i = 0;

	if (tc & BT_TC_FLUSH)
		s[i++] = 'F';
	if (tc & BT_TC_DISCARD)
		s[i++] = 'D';
	else if (tc & BT_TC_WRITE)
		s[i++] = 'W';
	else if (e->bytes != 0)
		s[i++] = 'R';
	else
		s[i++] = 'N';
	if (tc & BT_TC_FUA)
		s[i++] = 'F';
	if (tc & BT_TC_AHEAD)
		s[i++] = 'A';
	if (tc & BT_TC_SYNC)
		s[i++] = 'S';
	if (tc & BT_TC_META)
		s[i++] = 'M';
	s[i] = '\0';
}

/* "DIR/STEM.N" -> the length of "DIR/STEM." (0 when the name does not end
 * in a CPU number). */
static size_t stem_len(const char *path)
{
	size_t n = strlen(path), d = n;

	while (d > 0 && path[d - 1] >= '0' && path[d - 1] <= '9')
		d--;
	return d < n && d > 0 && path[d - 1] == '.' ? d : 0;
}

static int add_file(struct blktrace_bin *b, const char *path, struct cs_err *err)
{
	struct bt_file *fl;

	if (b->n == BT_MAX_FILES)
		return cs_err_set(err, "%s: more than %d per-CPU files", path, BT_MAX_FILES);
	fl = &b->file[b->n];
	memset(fl, 0, sizeof(*fl));
	fl->path = strdup(path);
	if (fl->path == NULL)
		return cs_err_oom(err, path);
	fl->f = fopen(path, "rb");
	if (fl->f == NULL) {
		int e = errno;

		free(fl->path);
		return cs_err_set(err, "%s: cannot open: %s", path, strerror(e));
	}
	b->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;
	size_t sx = strlen(*x), sy = strlen(*y);

	return sx != sy ? (sx < sy ? -1 : 1) : strcmp(*x, *y); /* .2 before .10 */
}

/* Every STEM.N beside path (path is one of them, or STEM itself). */
static int find_files(struct blktrace_bin *b, const char *path, struct cs_err *err)
{
	size_t sl = stem_len(path);
	char *stem = sl ? strndup(path, sl) : malloc(strlen(path) + 2);
	const char *slash, *base;
	char dir[4096];
	char **names = NULL;
	size_t nn = 0;
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (stem == NULL)
		return cs_err_oom(err, path);
	if (sl == 0)
		sprintf(stem, "%s.", path);
	slash = strrchr(stem, '/');
	base = slash ? slash + 1 : stem;
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - stem) : 1, slash ? stem : ".");
	if (slash == stem)
		snprintf(dir, sizeof(dir), "/");
	d = opendir(dir);
	if (d == NULL) {
		rc = cs_err_set(err, "%s: cannot read the folder %s: %s", path, dir, strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		size_t bl = strlen(base);
		const char *cpu = de->d_name + bl;
		char **more;

		if (strncmp(de->d_name, base, bl) != 0 || *cpu == '\0' ||
		    cpu[strspn(cpu, "0123456789")] != '\0')
			continue;
		more = realloc(names, (nn + 1) * sizeof(*names));
		if (more == NULL || (more[nn] = malloc(strlen(stem) + strlen(cpu) + 1)) == NULL) {
			names = more != NULL ? more : names;
			rc = cs_err_oom(err, path);
			break;
		}
		names = more;
		sprintf(names[nn++], "%s%s", stem, cpu);
	}
	closedir(d);
	if (rc == 0 && nn == 0)
		rc = cs_err_set(err, "%s: no per-CPU blktrace files %sN", path, stem);
	if (rc == 0) {
		qsort(names, nn, sizeof(*names), cmp_str);
		b->file = calloc(nn, sizeof(*b->file));
		if (b->file == NULL)
			rc = cs_err_oom(err, path);
	}
	for (size_t i = 0; rc == 0 && i < nn; i++)
		rc = add_file(b, names[i], err);
out:
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	free(stem);
	return rc;
}

struct blktrace_bin *blktrace_bin_open(const char *path, const char *actions, struct cs_err *err)
{
	struct blktrace_bin *b = calloc(1, sizeof(*b));

	if (b == NULL) {
		cs_err_oom(err, path);
		return NULL;
	}
	snprintf(b->actions, sizeof(b->actions), "%s", actions);
	if (strcmp(path, "-") == 0) {
		cs_err_set(err, "a binary blktrace capture cannot come from standard input: give "
				"its per-CPU files (trace.file: DEV.blktrace.0), or pipe blkparse's "
				"text");
		free(b);
		return NULL;
	}
	if (find_files(b, path, err) != 0) {
		blktrace_bin_close(b);
		return NULL;
	}
	for (size_t i = 0; i < b->n; i++)
		if (bt_read(&b->file[i], err) < 0) {
			blktrace_bin_close(b);
			return NULL;
		}
	b->last_path = b->file[0].path;
	return b;
}

/* The file whose next record comes first: by time, then sequence, then CPU. */
static struct bt_file *bt_first(struct blktrace_bin *b)
{
	struct bt_file *best = NULL;

	for (size_t i = 0; i < b->n; i++) {
		struct bt_file *fl = &b->file[i];

		if (!fl->have)
			continue;
		if (best == NULL || fl->ev.time < best->ev.time ||
		    (fl->ev.time == best->ev.time && fl->ev.sequence < best->ev.sequence))
			best = fl;
	}
	return best;
}

int blktrace_bin_next(struct blktrace_bin *b, struct trace_raw *out, uint64_t *rec,
		      struct cs_err *err)
{
	struct bt_file *fl;

	while ((fl = bt_first(b)) != NULL) {
		struct bt_event e = fl->ev;
		uint64_t at = fl->record;
		uint32_t code = e.action & 0xffffu, tc = e.action >> 16;
		const char *letter = code < sizeof(bt_letters) / sizeof(bt_letters[0])
					     ? bt_letters[code] : NULL;
		char rwbs[8], bad = '?';
		uint8_t op;
		bool data_op;
		uint32_t flags;
		int rc;

		b->last_path = fl->path;
		if (bt_read(fl, err) < 0)
			return -1;
		/* messages and process names (notify), SCSI commands, other
		 * actions: valid records that carry no request we take */
		if ((tc & (BT_TC_NOTIFY | BT_TC_PC)) != 0 || letter == NULL || letter[1] != '\0' ||
		    strchr(b->actions, letter[0]) == NULL)
			continue;
		bt_rwbs(&e, rwbs);
		if (blkparse_rwbs(rwbs, &op, &data_op, &flags, &bad) < 0)
			return cs_err_at(err, fl->path, at, "action", "bad RWBS '%s'", rwbs);
		rc = blkparse_event(letter[0], op, data_op, flags, e.time, e.sector,
				    (uint64_t)e.bytes >> 9, out);
		if (rc == TRACE_PARSE_SKIP)
			continue;
		if (rc == TRACE_PARSE_ERROR)
			return cs_err_at(err, fl->path, at, "bytes", "zero-length %s",
					 op == CSUM_OP_READ ? "read" :
					 op == CSUM_OP_WRITE ? "write" : "discard");
		*rec = at;
		return 1;
	}
	return 0;
}

const char *blktrace_bin_path(const struct blktrace_bin *b)
{
	return b->last_path;
}

void blktrace_bin_close(struct blktrace_bin *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->n; i++) {
		fclose(b->file[i].f);
		free(b->file[i].path);
	}
	free(b->file);
	free(b);
}
