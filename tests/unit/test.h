/*
 * test.h: a tiny TAP producer for the C unit tests.
 *
 * Each tests/unit/test-*.c defines "void run_tests(void)" and calls the
 * macros below; the main() here prints the plan at the end, so a test
 * file never counts its own assertions. A failed check prints the file,
 * line and the values as TAP diagnostics. Exit status is 1 if anything
 * failed.
 */
#ifndef DA_TEST_H
#define DA_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_count, t_failed;

static void run_tests(void);

static int t_ok(int cond, const char *file, int line, const char *name)
{
	t_count++;
	printf("%sok %d - %s\n", cond ? "" : "not ", t_count, name);
	if (!cond) {
		t_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, name) t_ok(!!(cond), __FILE__, __LINE__, (name))

#define is_int(got, want, name)                                                \
	do {                                                                   \
		long long t_g_ = (long long)(got), t_w_ = (long long)(want);   \
		if (!t_ok(t_g_ == t_w_, __FILE__, __LINE__, (name)))           \
			printf("#   got %lld, want %lld\n", t_g_, t_w_);       \
	} while (0)

#define is_str(got, want, name)                                                \
	do {                                                                   \
		const char *t_g_ = (got), *t_w_ = (want);                      \
		int t_c_ =                                                     \
		    (t_g_ && t_w_) ? strcmp(t_g_, t_w_) == 0 : t_g_ == t_w_;   \
		if (!t_ok(t_c_, __FILE__, __LINE__, (name)))                   \
			printf("#   got  '%s'\n#   want '%s'\n",               \
			       t_g_ ? t_g_ : "(null)",                         \
			       t_w_ ? t_w_ : "(null)");                        \
	} while (0)

#define has_str(hay, needle, name)                                             \
	do {                                                                   \
		const char *t_h_ = (hay), *t_n_ = (needle);                    \
		if (!t_ok(t_h_ && strstr(t_h_, t_n_) != NULL, __FILE__,        \
			  __LINE__, (name)))                                   \
			printf("#   '%s'\n#   does not contain '%s'\n",        \
			       t_h_ ? t_h_ : "(null)", t_n_);                  \
	} while (0)

/* snprintf that fails the test, and leaves "", when the text is cut. */
static inline void format(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline void format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		ok(0, "test text fits its buffer");
		buf[0] = '\0';
	}
}

#define diag(...)                                                              \
	do {                                                                   \
		printf("# ");                                                  \
		printf(__VA_ARGS__);                                           \
		printf("\n");                                                  \
	} while (0)

#define skip_all(why)                                                          \
	do {                                                                   \
		printf("1..0 # SKIP %s\n", (why));                             \
		exit(0);                                                       \
	} while (0)

int main(void)
{
	run_tests();
	printf("1..%d\n", t_count);
	return t_failed ? 1 : 0;
}

#endif
