/*
 * cov-gen: writes large, realistic coverage reports for the coverage-gate
 * benchmark (tests/bench/coverage.sh).
 *
 *   cov-gen lcov OUT MB [FILES]    an LCOV tracefile of at least MB MB
 *   cov-gen go OUT MB [FILES]      a Go coverprofile of at least MB MB
 *
 * The output depends only on the arguments (a fixed pseudo-random seed), so
 * two runs write the same bytes and the benchmark can keep a report it made
 * earlier.
 *
 * Why the shape is realistic:
 *
 * LCOV. A large C or C++ project measured per test is captured with
 * "geninfo --test-name T" once per test, and the tracefiles are merged with
 * "lcov -a". lcov 1.x writes the merged file sorted by source file and, for
 * each file, one record per test that ran it:
 *   TN:<test>  SF:<path>  FN:<line>,<name>...  FNDA:<count>,<name>...
 *   FNF/FNH  BRDA:<line>,<block>,<branch>,<taken|->...  BRF/BRH
 *   DA:<line>,<count>...  LF/LH  end_of_record
 * which is what is written here: a few thousand source files under an
 * absolute build path (as geninfo writes them), each with its own
 * instrumented lines, functions (C names and mangled C++ names) and
 * branches, repeated for the tests that link the file (about two in five);
 * each test executes part of each file with skewed hit counts, branches of
 * unexecuted lines are '-', and the summary lines agree with the records.
 *
 * Go. "go test -coverpkg=./... -coverprofile=c.out ./..." instruments every
 * package of the module in every test binary, and the profile is the
 * per-package profiles one after the other under a single "mode:" line: so
 * each block "module/pkg/file.go:sl.sc,el.ec numstmt count" appears once
 * per test package, most with count 0 outside the package's own tests.
 * Blocks follow Go's shape: consecutive, non-overlapping ranges, a block
 * often starting on the line where the previous one ends.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILES 100000

/* xorshift64*: small, fast and the same everywhere. */
static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 2685821657736338717ull;
}

static void seed(uint64_t a, uint64_t b)
{
	rnd_state =
	    (a + 1) * 0x9e3779b97f4a7c15ull ^ (b + 7) * 0xbf58476d1ce4e5b9ull;
	if (!rnd_state)
		rnd_state = 1;
	(void)rnd();
}

/* 0 <= r < n */
static uint32_t below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

/* Hit counts as tests give them: mostly small, a long tail of hot loops. */
static uint64_t hits(void)
{
	uint32_t k = below(100);

	if (k < 55)
		return 1 + below(4);
	if (k < 85)
		return 1 + below(60);
	if (k < 97)
		return 1 + below(5000);
	return 1 + below(2000000);
}

static const char *const dirs[] = {
    "core",   "net",	 "http", "tls",	     "storage", "index",   "query",
    "parser", "planner", "exec", "cache",    "util",	"log",	   "config",
    "auth",   "crypto",	 "io",	 "compress", "rpc",	"metrics", "sched",
    "mem",    "json",	 "xml",	 "cli",	     "server",	"client",  "repl",
};
static const char *const words[] = {
    "buffer", "stream", "table",  "header", "request", "reply",	 "token",
    "page",   "node",	"tree",	  "hash",   "queue",   "worker", "session",
    "frame",  "chunk",	"record", "block",  "segment", "cursor", "range",
    "state",  "pool",	"timer",  "event",  "handle",  "plan",	 "schema",
};
static const char *const verbs[] = {
    "read",  "write", "parse", "encode", "decode", "open",   "close",
    "init",  "free",  "merge", "split",	 "flush",  "lookup", "insert",
    "erase", "check", "apply", "resize", "scan",   "commit", "reset",
};

#define NDIRS (sizeof(dirs) / sizeof(dirs[0]))
#define NWORDS (sizeof(words) / sizeof(words[0]))
#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

/* ---- LCOV ---- */

struct fn {
	uint32_t line;
	char name[96];
};

struct lfile {
	char path[160];
	uint32_t nlines;
	uint32_t *line; /* instrumented lines, ascending */
	uint8_t *nbr;	/* branches on line[i]: 0, 2 or 4 */
	uint8_t *reach; /* 0: no test gets there, 1: rarely, 2: often */
	uint32_t nfn;
	struct fn *fn;	 /* functions, by start line */
	uint32_t *fn_at; /* index in line[] of each function's first line */
};

static void make_lfile(struct lfile *f, uint32_t idx)
{
	const char *dir = dirs[idx % NDIRS];
	uint32_t i, at, k, cxx;

	seed(idx, 1);
	cxx = below(3) == 0;
	snprintf(f->path, sizeof(f->path),
		 "/home/runner/work/engine/engine/src/%s/%s_%s_%u.%s", dir,
		 words[below(NWORDS)], words[below(NWORDS)], idx,
		 cxx ? "cpp" : "c");
	/* Source files: most have a few hundred instrumented lines. */
	k = below(100);
	f->nlines = k < 60   ? 20 + below(200)
		    : k < 92 ? 150 + below(500)
			     : 500 + below(2500);
	f->line = malloc(f->nlines * sizeof(*f->line));
	f->nbr = calloc(f->nlines, 1);
	f->reach = malloc(f->nlines);
	f->fn = malloc((f->nlines / 8 + 1) * sizeof(*f->fn));
	f->fn_at = malloc((f->nlines / 8 + 1) * sizeof(*f->fn_at));
	if (!f->line || !f->nbr || !f->reach || !f->fn || !f->fn_at) {
		fprintf(stderr, "cov-gen: out of memory\n");
		exit(1);
	}
	at = 10 + below(30);
	f->nfn = 0;
	for (i = 0; i < f->nlines; i++) {
		/* A function every 8 to 24 instrumented lines. */
		if (i == 0 || (f->nfn < f->nlines / 8 && below(16) == 0)) {
			struct fn *fn = &f->fn[f->nfn];
			const char *w = words[below(NWORDS)];
			const char *v = verbs[below(NVERBS)];

			at +=
			    3 + below(6); /* a blank line, a comment, a brace */
			fn->line = at;
			char cls[40];

			/* engine::dir::wordN::verb(char const*, unsigned long)
			 */
			snprintf(cls, sizeof(cls), "%s%u", w, f->nfn);
			if (cxx)
				snprintf(fn->name, sizeof(fn->name),
					 "_ZN6engine%zu%s%zu%s%zu%sEPKcm",
					 strlen(dir), dir, strlen(cls), cls,
					 strlen(v), v);
			else
				snprintf(fn->name, sizeof(fn->name), "%s_%s_%s",
					 dir, cls, v);
			f->fn_at[f->nfn++] = i;
			at += 1;
		}
		at += 1 + (below(3) == 0) + (below(8) == 0);
		f->line[i] = at;
		if (below(100) < 14)
			f->nbr[i] = below(4) == 0 ? 4 : 2;
		/* Error paths and dead code: some lines no test reaches. */
		k = below(100);
		f->reach[i] = k < 8 ? 0 : k < 25 ? 1 : 2;
	}
}

static void free_lfile(struct lfile *f)
{
	free(f->line);
	free(f->nbr);
	free(f->reach);
	free(f->fn);
	free(f->fn_at);
}

/* Does test t run file idx? About two tests in five link a file. */
static int runs(uint32_t idx, uint32_t t)
{
	uint64_t h = ((uint64_t)idx << 32 | t) * 0x9e3779b97f4a7c15ull;

	return (h >> 40) % 5 < 2;
}

struct out {
	FILE *f;
	uint64_t bytes;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->f && fwrite(s, 1, n, o->f) != n) {
		fprintf(stderr, "cov-gen: write: %s\n", strerror(errno));
		exit(1);
	}
	o->bytes += n;
}

static void putf(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void putf(struct out *o, const char *fmt, ...)
{
	char b[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(b)) {
		fprintf(stderr, "cov-gen: line too long\n");
		exit(1);
	}
	put(o, b, (size_t)n);
}

static void lcov_record(struct out *o, const struct lfile *f, uint32_t idx,
			uint32_t t, uint64_t *cnt)
{
	uint32_t i, j, k, share, fnh = 0, brf = 0, brh = 0, lh = 0;

	seed(idx, (uint64_t)t << 8 | 2);
	/* How much of the file this test executes, from nothing to most. */
	share = below(4) == 0 ? 0 : 10 + below(85);
	for (i = 0; i < f->nlines; i++) {
		uint32_t p = f->reach[i] == 2 ? share
			     : f->reach[i]    ? share / 30
					      : 0;

		cnt[i] = below(100) < p ? hits() : 0;
	}
	putf(o, "TN:test_%s_%u\nSF:%s\n", dirs[t % NDIRS], t, f->path);
	for (k = 0; k < f->nfn; k++)
		putf(o, "FN:%u,%s\n", f->fn[k].line, f->fn[k].name);
	for (k = 0; k < f->nfn; k++) {
		uint64_t c = cnt[f->fn_at[k]];

		fnh += c != 0;
		putf(o, "FNDA:%llu,%s\n", (unsigned long long)c, f->fn[k].name);
	}
	putf(o, "FNF:%u\nFNH:%u\n", f->nfn, fnh);
	for (i = 0; i < f->nlines; i++) {
		for (j = 0; j < f->nbr[i]; j++) {
			brf++;
			if (!cnt[i]) {
				putf(o, "BRDA:%u,%u,%u,-\n", f->line[i], j / 2,
				     j);
				continue;
			}
			/* one side of a decision often is never taken */
			uint64_t tk =
			    (j & 1) && below(3) == 0
				? 0
				: 1 + below((uint32_t)(cnt[i] % 1000 + 1));
			brh += tk != 0;
			putf(o, "BRDA:%u,%u,%u,%llu\n", f->line[i], j / 2, j,
			     (unsigned long long)tk);
		}
	}
	putf(o, "BRF:%u\nBRH:%u\n", brf, brh);
	for (i = 0; i < f->nlines; i++) {
		lh += cnt[i] != 0;
		putf(o, "DA:%u,%llu\n", f->line[i], (unsigned long long)cnt[i]);
	}
	putf(o, "LF:%u\nLH:%u\nend_of_record\n", f->nlines, lh);
}

static void gen_lcov(FILE *out, uint64_t want, uint32_t nfiles)
{
	struct lfile *files = calloc(nfiles, sizeof(*files));
	struct out o = {NULL, 0};
	uint64_t *cnt = malloc(3000 * sizeof(*cnt)), one;
	uint32_t i, t, ntests;

	if (!files || !cnt) {
		fprintf(stderr, "cov-gen: out of memory\n");
		exit(1);
	}
	for (i = 0; i < nfiles; i++)
		make_lfile(&files[i], i);
	/* One record of every file, to size the number of tests. */
	for (i = 0; i < nfiles; i++)
		lcov_record(&o, &files[i], i, 0, cnt);
	one = o.bytes;
	ntests = (uint32_t)(want * 5 / 2 / one) + 1;
	ntests += ntests / 20 + 1; /* a margin: some tests run less */
	fprintf(stderr, "cov-gen: %u files, %u tests\n", nfiles, ntests);
	o.f = out;
	o.bytes = 0;
	for (i = 0; i < nfiles; i++)
		for (t = 0; t < ntests; t++)
			if (runs(i, t))
				lcov_record(&o, &files[i], i, t, cnt);
	for (i = 0; i < nfiles; i++)
		free_lfile(&files[i]);
	free(files);
	free(cnt);
}

/* ---- Go ---- */

struct gblock {
	uint32_t sl, sc, el, ec, nstmt;
};

struct gfile {
	char path[160];
	uint32_t pkg;
	uint32_t n;
	struct gblock *b;
};

static void make_gfile(struct gfile *f, uint32_t idx, uint32_t files_per_pkg)
{
	uint32_t i, line, k, col;

	seed(idx, 3);
	f->pkg = idx / files_per_pkg;
	snprintf(f->path, sizeof(f->path),
		 "github.com/acme/platform/internal/%s/%s%u/%s_%s.go",
		 dirs[f->pkg % NDIRS], words[f->pkg % NWORDS], f->pkg,
		 words[below(NWORDS)], verbs[below(NVERBS)]);
	k = below(100);
	f->n = k < 70 ? 8 + below(50) : 40 + below(200);
	f->b = malloc(f->n * sizeof(*f->b));
	if (!f->b) {
		fprintf(stderr, "cov-gen: out of memory\n");
		exit(1);
	}
	line = 12 + below(20);
	col = 0;
	for (i = 0; i < f->n; i++) {
		struct gblock *b = &f->b[i];

		/* A new function now and then; else the block goes on from
		 * the "{" or "}" where the last one ended. */
		if (i == 0 || below(5) == 0) {
			line += 2 + below(6);
			col = 0;
		}
		b->sl = line;
		b->sc = col ? col + below(3) : 2 + below(40);
		b->el = line + below(9);
		b->ec = 2 + below(60);
		if (b->el == b->sl && b->ec <= b->sc)
			b->ec = b->sc + 1 + below(20);
		b->nstmt = 1 + below(b->el - b->sl + 2);
		line = b->el;
		col = b->ec;
	}
}

static void gen_go(FILE *out, uint64_t want, uint32_t nfiles)
{
	const uint32_t files_per_pkg = 20;
	uint32_t npkgs = (nfiles + files_per_pkg - 1) / files_per_pkg;
	struct gfile *files = calloc(nfiles, sizeof(*files));
	struct out o = {out, 0};
	uint32_t i, j, t, tpkg;

	if (!files) {
		fprintf(stderr, "cov-gen: out of memory\n");
		exit(1);
	}
	for (i = 0; i < nfiles; i++)
		make_gfile(&files[i], i, files_per_pkg);
	put(&o, "mode: atomic\n", 13);
	/* One section per test package, until the size is reached. */
	for (t = 0; o.bytes < want; t++) {
		tpkg = (t * 7919u) % npkgs;
		for (i = 0; i < nfiles; i++) {
			/* Its own package well covered, a few neighbours a
			 * little, the rest not at all. */
			uint32_t share = files[i].pkg == tpkg	       ? 80
					 : (files[i].pkg + t) % 9 == 0 ? 20
								       : 0;

			seed(i, (uint64_t)t << 8 | 4);
			for (j = 0; j < files[i].n; j++) {
				const struct gblock *b = &files[i].b[j];
				uint64_t c =
				    share && below(100) < share ? hits() : 0;

				putf(&o, "%s:%u.%u,%u.%u %u %llu\n",
				     files[i].path, b->sl, b->sc, b->el, b->ec,
				     b->nstmt, (unsigned long long)c);
			}
		}
	}
	fprintf(stderr, "cov-gen: %u files in %u packages, %u sections\n",
		nfiles, npkgs, t);
	for (i = 0; i < nfiles; i++)
		free(files[i].b);
	free(files);
}

int main(int argc, char **argv)
{
	unsigned long mb, nfiles = 3000;
	char *end;
	FILE *out;

	if (argc < 4 || argc > 5 ||
	    (strcmp(argv[1], "lcov") != 0 && strcmp(argv[1], "go") != 0)) {
		fprintf(stderr, "usage: cov-gen lcov|go OUT MB [FILES]\n");
		return 2;
	}
	errno = 0;
	mb = strtoul(argv[3], &end, 10);
	if (errno || *end || mb == 0 || mb > 100000) {
		fprintf(stderr, "cov-gen: bad size '%s'\n", argv[3]);
		return 2;
	}
	if (argc == 5) {
		nfiles = strtoul(argv[4], &end, 10);
		if (errno || *end || nfiles == 0 || nfiles > MAX_FILES) {
			fprintf(stderr, "cov-gen: bad file count '%s'\n",
				argv[4]);
			return 2;
		}
	}
	out = fopen(argv[2], "w");
	if (!out) {
		fprintf(stderr, "cov-gen: cannot write '%s': %s\n", argv[2],
			strerror(errno));
		return 1;
	}
	setvbuf(out, NULL, _IOFBF, 1 << 20);
	if (argv[1][0] == 'l')
		gen_lcov(out, (uint64_t)mb << 20, (uint32_t)nfiles);
	else
		gen_go(out, (uint64_t)mb << 20, (uint32_t)nfiles);
	if (fclose(out) != 0) {
		fprintf(stderr, "cov-gen: cannot write '%s': %s\n", argv[2],
			strerror(errno));
		return 1;
	}
	return 0;
}
