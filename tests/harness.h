/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small kselftest-style test harness: TEST, TEST_F with FIXTURE,
 * ASSERT_* (stop the test) and EXPECT_* (record and go on), SKIP with a
 * reason. Every test runs in its own child process with a time limit, so a
 * crash or hang fails that test alone. Output is TAP 13.
 *
 *	TEST(ring_wraps) { ASSERT_EQ(1, 1); }
 *
 *	FIXTURE(dev) { int fd; };
 *	FIXTURE_SETUP(dev) { self->fd = open(...); ASSERT_GE(self->fd, 0); }
 *	FIXTURE_TEARDOWN(dev) { close(self->fd); }
 *	TEST_F(dev, reads) { ... self->fd ... }
 *
 *	TEST_HARNESS_MAIN
 *
 * A test binary takes test names as arguments to run only those, and
 * HARNESS_TIMEOUT (seconds, default 120) in the environment.
 */
#ifndef VHM_HARNESS_H
#define VHM_HARNESS_H

/* ASSERT_EQ(x, 1) compares whatever the test hands it, as kselftest does. */
#pragma GCC diagnostic ignored "-Wsign-compare"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct __test_metadata;
typedef void (*__test_fn)(struct __test_metadata *t);

struct __test_metadata {
	const char *name;
	__test_fn fn;
	struct __test_metadata *next;
	/* Shared with the child: set by the test process. */
	struct __test_result *res;
};

enum { __TEST_PASS, __TEST_FAIL, __TEST_SKIP };

struct __test_result {
	int status;
	char reason[256];
};

static struct __test_metadata *__test_list, **__test_tail = &__test_list;

static inline void __register_test(struct __test_metadata *t)
{
	*__test_tail = t;
	__test_tail = &t->next;
}

#define __TEST_IMPL(test_name, fn_name)					\
	static void fn_name(struct __test_metadata *_metadata);		\
	static struct __test_metadata _##fn_name##_meta = {		\
		.name = test_name, .fn = fn_name,			\
	};								\
	static void __attribute__((constructor)) _##fn_name##_reg(void) \
	{								\
		__register_test(&_##fn_name##_meta);			\
	}								\
	static void fn_name(struct __test_metadata __attribute__((unused)) *_metadata)

#define TEST(name) __TEST_IMPL(#name, __test_##name)

#define FIXTURE(fx) struct _fixture_##fx
#define FIXTURE_DATA(fx) struct _fixture_##fx
#define FIXTURE_SETUP(fx)						\
	static void _setup_##fx(struct __test_metadata __attribute__((unused)) *_metadata, \
				FIXTURE_DATA(fx) __attribute__((unused)) *self)
#define FIXTURE_TEARDOWN(fx)						\
	static void _teardown_##fx(struct __test_metadata __attribute__((unused)) *_metadata, \
				   FIXTURE_DATA(fx) __attribute__((unused)) *self)

/*
 * Teardown runs even when the test body or the setup fails an ASSERT: the
 * failing assertion longjmps back here.
 */
#define TEST_F(fx, name)						\
	static void _body_##fx##_##name(struct __test_metadata *_metadata, \
					FIXTURE_DATA(fx) *self);	\
	__TEST_IMPL(#fx "." #name, __test_##fx##_##name)		\
	{								\
		FIXTURE_DATA(fx) self;					\
		memset(&self, 0, sizeof(self));				\
		if (!setjmp(__harness_jmp)) {				\
			__harness_in_setup = true;			\
			_setup_##fx(_metadata, &self);			\
			__harness_in_setup = false;			\
			if (!setjmp(__harness_jmp))			\
				_body_##fx##_##name(_metadata, &self);	\
		}							\
		if (!__harness_in_setup) {				\
			if (!setjmp(__harness_jmp))			\
				_teardown_##fx(_metadata, &self);	\
		}							\
	}								\
	static void _body_##fx##_##name(struct __test_metadata __attribute__((unused)) *_metadata, \
					FIXTURE_DATA(fx) __attribute__((unused)) *self)

#include <setjmp.h>
static jmp_buf __harness_jmp;
static bool __harness_in_setup __attribute__((unused));
static bool __harness_jmp_armed;
static struct __test_result *__harness_res;

static inline void __harness_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline void __harness_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "# %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (__harness_res->status != __TEST_SKIP)
		__harness_res->status = __TEST_FAIL;
}

static inline void __harness_abort(void)
{
	if (__harness_jmp_armed)
		longjmp(__harness_jmp, 1);
	exit(1);
}

#define __CMP(assert, a, op, b)						\
	do {								\
		__typeof__(a) __a = (a);				\
		__typeof__(b) __b = (b);				\
		if (!(__a op __b)) {					\
			__harness_fail(__FILE__, __LINE__,		\
				"expected %s (%lld) %s %s (%lld)%s%s",	\
				#a, (long long)__a, #op, #b, (long long)__b, \
				errno ? ", errno: " : "",		\
				errno ? strerror(errno) : "");		\
			if (assert)					\
				__harness_abort();			\
		}							\
	} while (0)

#define ASSERT_EQ(a, b) __CMP(1, a, ==, b)
#define ASSERT_NE(a, b) __CMP(1, a, !=, b)
#define ASSERT_LT(a, b) __CMP(1, a, <, b)
#define ASSERT_LE(a, b) __CMP(1, a, <=, b)
#define ASSERT_GT(a, b) __CMP(1, a, >, b)
#define ASSERT_GE(a, b) __CMP(1, a, >=, b)
#define ASSERT_TRUE(a) __CMP(1, !!(a), ==, 1)
#define ASSERT_FALSE(a) __CMP(1, !!(a), ==, 0)
#define EXPECT_EQ(a, b) __CMP(0, a, ==, b)
#define EXPECT_NE(a, b) __CMP(0, a, !=, b)
#define EXPECT_LT(a, b) __CMP(0, a, <, b)
#define EXPECT_LE(a, b) __CMP(0, a, <=, b)
#define EXPECT_GT(a, b) __CMP(0, a, >, b)
#define EXPECT_GE(a, b) __CMP(0, a, >=, b)
#define EXPECT_TRUE(a) __CMP(0, !!(a), ==, 1)
#define EXPECT_FALSE(a) __CMP(0, !!(a), ==, 0)

/* An ioctl or syscall expected to fail with errno E. */
#define __ERRNO(assert, call, e)					\
	do {								\
		long __r;						\
		errno = 0;						\
		__r = (long)(call);					\
		if (__r != -1 || errno != (e)) {			\
			int __e = errno;				\
			__harness_fail(__FILE__, __LINE__,		\
				"expected %s to fail with %s, got %ld (%s)", \
				#call, strerror(e), __r,		\
				__r == -1 ? strerror(__e) : "no error"); \
			if (assert)					\
				__harness_abort();			\
		}							\
	} while (0)
#define ASSERT_ERRNO(call, e) __ERRNO(1, call, e)
#define EXPECT_ERRNO(call, e) __ERRNO(0, call, e)

#define ASSERT_STREQ(a, b)						\
	do {								\
		const char *__a = (a), *__b = (b);			\
		if (strcmp(__a, __b)) {					\
			__harness_fail(__FILE__, __LINE__,		\
				"expected %s \"%s\" == %s \"%s\"",	\
				#a, __a, #b, __b);			\
			__harness_abort();				\
		}							\
	} while (0)

/* Fail with a message (ASSERT-style). */
#define FAIL(fmt, ...)							\
	do {								\
		__harness_fail(__FILE__, __LINE__, fmt, ##__VA_ARGS__);	\
		__harness_abort();					\
	} while (0)

/* Print a diagnostic line that TAP readers skip. */
#define TH_LOG(fmt, ...) fprintf(stderr, "# " fmt "\n", ##__VA_ARGS__)

/* Skip the test with a reason; `statement` runs after (e.g. return). */
#define SKIP(statement, fmt, ...)					\
	do {								\
		__harness_res->status = __TEST_SKIP;			\
		snprintf(__harness_res->reason,				\
			 sizeof(__harness_res->reason), fmt, ##__VA_ARGS__); \
		__harness_abort();					\
		statement;						\
	} while (0)

static inline bool __harness_selected(const char *name, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return true;
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

static inline int __harness_timeout(void)
{
	const char *s = getenv("HARNESS_TIMEOUT");
	int v = s ? atoi(s) : 0;

	return v > 0 ? v : 120;
}

/* Run one test in a child; returns its result. */
static inline int __harness_run_one(struct __test_metadata *t,
				    struct __test_result *res)
{
	int status;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		snprintf(res->reason, sizeof(res->reason), "fork: %s",
			 strerror(errno));
		return __TEST_FAIL;
	}
	if (pid == 0) {
		__harness_res = res;
		alarm(__harness_timeout());
		if (!setjmp(__harness_jmp)) {
			__harness_jmp_armed = true;
			t->fn(t);
		}
		fflush(stdout);
		fflush(stderr);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return __TEST_FAIL;
	if (WIFSIGNALED(status)) {
		snprintf(res->reason, sizeof(res->reason), "killed by %s%s",
			 strsignal(WTERMSIG(status)),
			 WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
		fprintf(stderr, "# %s: %s\n", t->name, res->reason);
		return __TEST_FAIL;
	}
	if (WEXITSTATUS(status) != 0 && res->status == __TEST_PASS)
		return __TEST_FAIL;
	return res->status;
}

static inline int __harness_main(int argc, char **argv)
{
	struct __test_result *res;
	struct __test_metadata *t;
	int n = 0, i = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (t = __test_list; t; t = t->next)
		n += __harness_selected(t->name, argc, argv);
	printf("TAP version 13\n1..%d\n", n);
	for (t = __test_list; t; t = t->next) {
		int r;

		if (!__harness_selected(t->name, argc, argv))
			continue;
		r = __harness_run_one(t, res);
		i++;
		if (r == __TEST_SKIP)
			printf("ok %d %s # SKIP %s\n", i, t->name, res->reason);
		else if (r == __TEST_PASS)
			printf("ok %d %s\n", i, t->name);
		else
			printf("not ok %d %s\n", i, t->name);
		failed += r == __TEST_FAIL;
	}
	printf("# %d tests, %d failed\n", n, failed);
	return failed ? 1 : 0;
}

#define TEST_HARNESS_MAIN						\
	int main(int argc, char **argv)					\
	{								\
		return __harness_main(argc, argv);			\
	}

#endif /* VHM_HARNESS_H */
