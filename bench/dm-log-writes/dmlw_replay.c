/*
 * dmlw_replay: replays a dm-log-writes log onto an image file and checks a
 * crash state at chosen entries, timing both; the reference cost of the
 * xfstests crash-state workflow (docs/BENCH-dm-log-writes.md).
 *
 * Log layout (kernel Documentation/admin-guide/device-mapper/log-writes.rst
 * and the format comment of drivers/md/dm-log-writes.c); all fields are
 * little-endian and the unit is the log's sector size S:
 *   block 0:   super {u64 magic, u64 version, u64 nr_entries, u32 sectorsize}
 *   then, for each entry: one block {u64 sector, u64 nr_sectors, u64 flags,
 *   u64 data_len} (a mark keeps its name in the rest of that block), then
 *   nr_sectors blocks of written data (none for a discard or a mark).
 *
 * A crash state is the image after entry N. "Checking" it reads back every
 * sector written so far (the union of the replayed extents) and folds it into
 * a digest: a stand-in for fsck that costs what a read-back costs.
 *
 * Built by run.sh with cc -O2 -Wall -Wextra; not part of the CMake build.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LW_MAGIC 0x6a736677736872ULL
#define LW_VERSION 1ULL
#define F_FLUSH (1u << 0)
#define F_FUA (1u << 1)
#define F_DISCARD (1u << 2)
#define F_MARK (1u << 3)
#define IO_CHUNK (1u << 20)

struct entry {
    uint64_t sector, nr_sectors, flags, data_len;
    uint64_t data_off; /* byte offset of the data in the log */
    char mark[64];
};

struct log {
    int fd;
    uint32_t ss; /* sector size of the log, bytes */
    uint64_t nr_entries;
    struct entry *e;
    uint64_t n;        /* entries read */
    uint64_t end_byte; /* first byte after the last entry */
};

enum check_at { AT_FLUSH, AT_FUA, AT_SYNC, AT_MARK, AT_EVERY };

struct opts {
    const char *log_path, *img_path, *verify_path, *csv_path, *at_path;
    enum check_at at;
    uint64_t every, points, img_sectors;
    int scratch, fsync_img;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static int pread_all(int fd, void *buf, size_t len, uint64_t off)
{
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t r = pread(fd, p, len, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        len -= (size_t)r;
        off += (uint64_t)r;
    }
    return 0;
}

static int pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
    const unsigned char *p = buf;
    while (len > 0) {
        ssize_t r = pwrite(fd, p, len, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        len -= (size_t)r;
        off += (uint64_t)r;
    }
    return 0;
}

static void die(const char *what, const char *path)
{
    fprintf(stderr, "dmlw_replay: %s: %s: %s\n", path, what, errno ? strerror(errno) : "bad data");
    exit(2);
}

/* Reads the super and every entry header (not the data). */
static void read_log(struct log *lg, const char *path)
{
    unsigned char hdr[4096];
    lg->fd = open(path, O_RDONLY);
    if (lg->fd < 0)
        die("cannot open", path);
    if (pread_all(lg->fd, hdr, 32, 0) != 0)
        die("cannot read the super", path);
    errno = 0;
    if (le64(hdr) != LW_MAGIC)
        die("not a dm-log-writes log (magic)", path);
    if (le64(hdr + 8) != LW_VERSION)
        die("unknown log version", path);
    lg->nr_entries = le64(hdr + 16);
    lg->ss = (uint32_t)hdr[24] | (uint32_t)hdr[25] << 8 | (uint32_t)hdr[26] << 16 |
             (uint32_t)hdr[27] << 24;
    if (lg->ss < 512 || lg->ss > sizeof hdr || (lg->ss & (lg->ss - 1)))
        die("sector size out of range", path);
    lg->e = calloc(lg->nr_entries ? lg->nr_entries : 1, sizeof *lg->e);
    if (!lg->e)
        die("out of memory", path);
    uint64_t off = lg->ss;
    for (lg->n = 0; lg->n < lg->nr_entries; lg->n++) {
        struct entry *e = &lg->e[lg->n];
        if (pread_all(lg->fd, hdr, lg->ss, off) != 0)
            die("log ends before nr_entries", path);
        e->sector = le64(hdr);
        e->nr_sectors = le64(hdr + 8);
        e->flags = le64(hdr + 16);
        e->data_len = le64(hdr + 24);
        off += lg->ss;
        errno = 0;
        if (e->flags & F_MARK) {
            size_t l = e->data_len < sizeof e->mark - 1 ? (size_t)e->data_len : sizeof e->mark - 1;
            if (e->data_len > lg->ss - 32)
                die("mark longer than its block", path);
            memcpy(e->mark, hdr + 32, l);
            e->mark[l] = '\0';
        } else if (e->data_len != 0) {
            die("inline entry data (not written by this kernel path)", path);
        }
        e->data_off = off;
        if (!(e->flags & (F_DISCARD | F_MARK)))
            off += e->nr_sectors * lg->ss;
    }
    lg->end_byte = off;
}

/* The set of 512-byte sectors written so far: what a check reads back. */
struct bitmap {
    uint64_t *w;
    uint64_t bits, set;
};

static void bm_set(struct bitmap *b, uint64_t first, uint64_t count)
{
    for (uint64_t s = first; s < first + count && s < b->bits; s++) {
        uint64_t m = 1ULL << (s & 63);
        if (!(b->w[s >> 6] & m)) {
            b->w[s >> 6] |= m;
            b->set++;
        }
    }
}

static int bm_test(const struct bitmap *b, uint64_t s) { return (b->w[s >> 6] >> (s & 63)) & 1; }

static unsigned char *g_buf;

/* Applies entries [from, to) to the image. Returns written bytes. */
static uint64_t apply(struct log *lg, int img, struct bitmap *bm, uint64_t from, uint64_t to,
                      const char *img_path)
{
    uint64_t bytes = 0, k512 = lg->ss / 512;
    for (uint64_t i = from; i < to; i++) {
        const struct entry *e = &lg->e[i];
        if (e->flags & F_MARK || e->nr_sectors == 0)
            continue;
        uint64_t dst = e->sector * lg->ss, len = e->nr_sectors * lg->ss;
        if (dst + len > bm->bits * 512) {
            errno = 0;
            die("entry beyond the end of the image", img_path);
        }
        if (e->flags & F_DISCARD) {
            /* Like a discard that returns zeroes: keeps later reads exact. */
            memset(g_buf, 0, IO_CHUNK);
            for (uint64_t o = 0; o < len; o += IO_CHUNK) {
                size_t n = len - o < IO_CHUNK ? (size_t)(len - o) : IO_CHUNK;
                if (pwrite_all(img, g_buf, n, dst + o) != 0)
                    die("cannot write", img_path);
            }
        } else {
            for (uint64_t o = 0; o < len; o += IO_CHUNK) {
                size_t n = len - o < IO_CHUNK ? (size_t)(len - o) : IO_CHUNK;
                if (pread_all(lg->fd, g_buf, n, e->data_off + o) != 0)
                    die("cannot read entry data", "log");
                if (pwrite_all(img, g_buf, n, dst + o) != 0)
                    die("cannot write", img_path);
            }
            bytes += len;
        }
        bm_set(bm, e->sector * k512, e->nr_sectors * k512);
    }
    return bytes;
}

/* Reads back every written sector; returns a digest so nothing is skipped. */
static uint64_t check(int img, const struct bitmap *bm, uint64_t *sectors, const char *img_path)
{
    uint64_t digest = 0, s = 0;
    while (s < bm->bits) {
        if ((bm->w[s >> 6] == 0) && !(s & 63)) {
            s += 64;
            continue;
        }
        if (!bm_test(bm, s)) {
            s++;
            continue;
        }
        uint64_t run = s;
        while (run < bm->bits && bm_test(bm, run) && (run - s) < IO_CHUNK / 512)
            run++;
        size_t n = (size_t)(run - s) * 512;
        if (pread_all(img, g_buf, n, s * 512) != 0)
            die("cannot read back", img_path);
        const uint64_t *w = (const uint64_t *)g_buf;
        for (size_t i = 0; i < n / 8; i++)
            digest = (digest ^ w[i]) * 0x100000001b3ULL;
        *sectors += run - s;
        s = run;
    }
    return digest;
}

static int is_point(const struct opts *o, const struct entry *e, uint64_t i)
{
    switch (o->at) {
    case AT_FLUSH: return (e->flags & F_FLUSH) != 0;
    case AT_FUA: return (e->flags & F_FUA) != 0;
    case AT_SYNC: return (e->flags & (F_FLUSH | F_FUA)) != 0;
    case AT_MARK: return (e->flags & F_MARK) != 0;
    case AT_EVERY: return (i + 1) % o->every == 0;
    }
    return 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: dmlw_replay --log LOG --replay IMG --sectors N\n"
            "       [--check-at flush|fua|sync|mark|every:K] [--points P] [--at-entries FILE]\n"
            "       [--from-scratch]\n"
            "       [--fsync] [--verify EXPECTED_IMG] [--csv FILE]\n"
            "Replays LOG onto IMG (created/zeroed, N 512-byte sectors) entry by entry; at\n"
            "each check point (P of them, evenly spaced; 0 = all) reads back every sector\n"
            "written so far. --from-scratch zeroes IMG and replays from entry 0 for each\n"
            "point instead of going on incrementally. --verify compares the final image.\n");
    exit(2);
}

int main(int argc, char **argv)
{
    struct opts o = {.at = AT_FLUSH, .points = 0, .every = 1};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--log") && v) o.log_path = argv[++i];
        else if (!strcmp(a, "--replay") && v) o.img_path = argv[++i];
        else if (!strcmp(a, "--verify") && v) o.verify_path = argv[++i];
        else if (!strcmp(a, "--csv") && v) o.csv_path = argv[++i];
        else if (!strcmp(a, "--at-entries") && v) o.at_path = argv[++i];
        else if (!strcmp(a, "--sectors") && v) o.img_sectors = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(a, "--points") && v) o.points = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(a, "--from-scratch")) o.scratch = 1;
        else if (!strcmp(a, "--fsync")) o.fsync_img = 1;
        else if (!strcmp(a, "--check-at") && v) {
            i++;
            if (!strcmp(v, "flush")) o.at = AT_FLUSH;
            else if (!strcmp(v, "fua")) o.at = AT_FUA;
            else if (!strcmp(v, "sync")) o.at = AT_SYNC;
            else if (!strcmp(v, "mark")) o.at = AT_MARK;
            else if (!strncmp(v, "every:", 6) && strtoull(v + 6, NULL, 10) > 0) {
                o.at = AT_EVERY;
                o.every = strtoull(v + 6, NULL, 10);
            } else usage();
        } else usage();
    }
    if (!o.log_path || !o.img_path || o.img_sectors == 0)
        usage();

    g_buf = aligned_alloc(4096, IO_CHUNK);
    struct log lg;
    double t0 = now_s();
    read_log(&lg, o.log_path);
    double t_parse = now_s() - t0;

    uint64_t nw = 0, nf = 0, nfua = 0, nd = 0, nm = 0, data_bytes = 0;
    uint64_t *cand = malloc((lg.n ? lg.n : 1) * sizeof *cand), ncand = 0;
    for (uint64_t i = 0; i < lg.n; i++) {
        const struct entry *e = &lg.e[i];
        if (e->flags & F_MARK) nm++;
        else if (e->flags & F_DISCARD) nd++;
        else if (e->nr_sectors) { nw++; data_bytes += e->nr_sectors * lg.ss; }
        if (e->flags & F_FLUSH) nf++;
        if (e->flags & F_FUA) nfua++;
        if (is_point(&o, e, i)) cand[ncand++] = i;
    }
    /* P points evenly spaced over the candidates (all if P is 0 or larger). */
    uint64_t np = (o.points == 0 || o.points >= ncand) ? ncand : o.points;
    uint64_t *pt = malloc((np ? np : 1) * sizeof *pt);
    for (uint64_t k = 0; k < np; k++)
        pt[k] = np == ncand ? cand[k] : cand[(k * (ncand - 1)) / (np > 1 ? np - 1 : 1)];
    if (o.at_path) {
        /* --at-entries: the states after the entries listed (ascending),
         * e.g. the positions of another tool's crash points in the log */
        FILE *af = fopen(o.at_path, "r");
        unsigned long long v;
        if (!af) die("cannot open", o.at_path);
        np = 0;
        while (fscanf(af, "%llu", &v) == 1) {
            if (v >= lg.n || (np > 0 && v < pt[np - 1])) die("entry out of order or range", o.at_path);
            pt = realloc(pt, (np + 1) * sizeof *pt);
            if (!pt) die("out of memory", o.at_path);
            pt[np++] = v;
        }
        fclose(af);
    }

    int img = open(o.img_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (img < 0 || ftruncate(img, (off_t)(o.img_sectors * 512)) != 0)
        die("cannot create", o.img_path);
    struct bitmap bm = {.bits = o.img_sectors};
    bm.w = calloc((o.img_sectors + 63) / 64, 8);

    FILE *csv = NULL;
    if (o.csv_path) {
        csv = fopen(o.csv_path, "w");
        if (!csv) die("cannot create", o.csv_path);
        fprintf(csv, "point,entry,replay_s,check_s,state_s,sectors_checked,digest\n");
    }
    double t_replay = 0, t_check = 0, max_state = 0;
    uint64_t replayed_bytes = 0, checked = 0, done = 0;
    for (uint64_t k = 0; k < np; k++) {
        uint64_t upto = pt[k] + 1;
        double a = now_s();
        if (o.scratch) {
            /* A fresh zeroed copy of the data device for every crash state. */
            if (ftruncate(img, 0) != 0 || ftruncate(img, (off_t)(o.img_sectors * 512)) != 0)
                die("cannot reset", o.img_path);
            memset(bm.w, 0, (o.img_sectors + 63) / 64 * 8);
            bm.set = 0;
            done = 0;
        }
        replayed_bytes += apply(&lg, img, &bm, done, upto, o.img_path);
        done = upto;
        if (o.fsync_img && fdatasync(img) != 0)
            die("cannot fdatasync", o.img_path);
        double b = now_s();
        uint64_t sec = 0;
        uint64_t dg = check(img, &bm, &sec, o.img_path);
        double c = now_s();
        t_replay += b - a;
        t_check += c - b;
        checked += sec;
        if (c - a > max_state) max_state = c - a;
        if (csv)
            fprintf(csv, "%" PRIu64 ",%" PRIu64 ",%.6f,%.6f,%.6f,%" PRIu64 ",%016" PRIx64 "\n", k,
                    pt[k], b - a, c - b, c - a, sec, dg);
    }
    /* The rest of the log, so the final image can be compared. */
    double a = now_s();
    replayed_bytes += apply(&lg, img, &bm, done, lg.n, o.img_path);
    double t_tail = now_s() - a;
    if (csv) fclose(csv);

    int verified = -1;
    if (o.verify_path) {
        int ref = open(o.verify_path, O_RDONLY);
        if (ref < 0) die("cannot open", o.verify_path);
        unsigned char *rb = malloc(IO_CHUNK);
        verified = 1;
        for (uint64_t off = 0; off < o.img_sectors * 512; off += IO_CHUNK) {
            size_t n = o.img_sectors * 512 - off < IO_CHUNK ? (size_t)(o.img_sectors * 512 - off)
                                                            : IO_CHUNK;
            if (pread_all(ref, rb, n, off) != 0 || pread_all(img, g_buf, n, off) != 0)
                die("cannot read for --verify", o.verify_path);
            if (memcmp(rb, g_buf, n) != 0) {
                verified = 0;
                fprintf(stderr, "dmlw_replay: first difference in the MiB at byte %" PRIu64 "\n", off);
                break;
            }
        }
        free(rb);
        close(ref);
    }

    double total = t_replay + t_check;
    printf("log_sector_size=%u\n", lg.ss);
    printf("log_entries=%" PRIu64 "\n", lg.n);
    printf("log_bytes=%" PRIu64 "\n", lg.end_byte);
    printf("entries_write=%" PRIu64 "\nentries_flush=%" PRIu64 "\nentries_fua=%" PRIu64
           "\nentries_discard=%" PRIu64 "\nentries_mark=%" PRIu64 "\n",
           nw, nf, nfua, nd, nm);
    printf("data_bytes=%" PRIu64 "\n", data_bytes);
    printf("marks=");
    for (uint64_t i = 0; i < lg.n; i++)
        if (lg.e[i].flags & F_MARK) printf("%s@%" PRIu64 " ", lg.e[i].mark, i);
    printf("\n");
    printf("mode=%s\n", o.scratch ? "from-scratch" : "incremental");
    printf("candidates=%" PRIu64 "\npoints=%" PRIu64 "\n", ncand, np);
    printf("parse_s=%.6f\n", t_parse);
    printf("replay_s=%.6f\ncheck_s=%.6f\ntotal_s=%.6f\ntail_s=%.6f\n", t_replay, t_check, total, t_tail);
    printf("replayed_bytes=%" PRIu64 "\n", replayed_bytes);
    printf("sectors_checked=%" PRIu64 "\n", checked);
    printf("sectors_checked_per_s=%.0f\n", t_check > 0 ? (double)checked / t_check : 0.0);
    printf("mean_state_s=%.6f\nmax_state_s=%.6f\n", np ? total / (double)np : 0.0, max_state);
    printf("states_per_s=%.2f\n", total > 0 ? (double)np / total : 0.0);
    printf("written_sectors_final=%" PRIu64 "\n", bm.set);
    if (verified >= 0)
        printf("verify=%s\n", verified ? "identical" : "DIFFERENT");
    close(img);
    close(lg.fd);
    return verified == 0 ? 1 : 0;
}
