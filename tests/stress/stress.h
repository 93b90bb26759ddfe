/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the stress workers of tests/stress/ (run by scripts/stress in
 * the guest): a seeded random generator, the deadline and stop flag, and
 * the counters file every worker leaves behind for the summary.
 *
 * A worker runs for --time seconds (or until SIGINT/SIGTERM), then writes
 * "name value" lines to --counts FILE (also every few seconds while it
 * runs, so a worker that hangs still leaves its last counts) and exits 0,
 * or 1 when it saw a violation of the device's contract (it says which on
 * stderr). Kernel reports are the driver's business, not the worker's.
 */
#ifndef VHM_STRESS_H
#define VHM_STRESS_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* --- random numbers: xorshift64*, seeded through splitmix64 ------------- */

struct vhm_rng {
	uint64_t s;
};

static inline void vhm_rng_seed(struct vhm_rng *r, uint64_t seed)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	r->s = (z ^ (z >> 31)) | 1;
}

static inline uint64_t vhm_rng_next(struct vhm_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

/* Uniform in [0, n), n > 0 (the modulo bias is irrelevant here). */
static inline uint32_t vhm_rng_below(struct vhm_rng *r, uint32_t n)
{
	return (uint32_t)((vhm_rng_next(r) >> 32) % n);
}

/* True with probability 1/n. */
static inline bool vhm_rng_one_in(struct vhm_rng *r, uint32_t n)
{
	return vhm_rng_below(r, n) == 0;
}

static inline void vhm_rng_fill(struct vhm_rng *r, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len >= 8) {
		uint64_t v = vhm_rng_next(r);

		memcpy(p, &v, 8);
		p += 8;
		len -= 8;
	}
	if (len) {
		uint64_t v = vhm_rng_next(r);

		memcpy(p, &v, len);
	}
}

/* A seed from the clock and pid, when the caller gave none. */
static inline uint64_t vhm_stress_auto_seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000000007ull) ^ (uint64_t)ts.tv_nsec ^
	       ((uint64_t)getpid() << 32);
}

/* --- time and stopping -------------------------------------------------- */

static inline uint64_t vhm_stress_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Set by SIGINT/SIGTERM or when the deadline passed. */
static volatile sig_atomic_t vhm_stress_stopping;
static uint64_t vhm_stress_deadline_ns;

static inline void vhm_stress_on_signal(int sig)
{
	(void)sig;
	vhm_stress_stopping = 1;
}

/*
 * Arm the deadline seconds from now and the stop signals. SIGPIPE is
 * ignored: a worker writes to logs only.
 */
static inline void vhm_stress_start(double seconds)
{
	struct sigaction sa = { .sa_handler = vhm_stress_on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	vhm_stress_deadline_ns = vhm_stress_now_ns() +
				 (uint64_t)(seconds * 1e9);
}

static inline bool vhm_stress_done(void)
{
	if (vhm_stress_stopping)
		return true;
	if (vhm_stress_now_ns() >= vhm_stress_deadline_ns) {
		vhm_stress_stopping = 1;
		return true;
	}
	return false;
}

/*
 * Wait up to max_us microseconds: usually asleep (the CPUs are shared with
 * every other worker and the device's own threads), one time in four
 * spinning, for the tighter races.
 */
static inline void vhm_stress_pause_us(struct vhm_rng *r, uint32_t max_us)
{
	uint32_t us = vhm_rng_below(r, max_us + 1);
	struct timespec ts = { .tv_sec = us / 1000000,
			       .tv_nsec = (long)(us % 1000000) * 1000 };

	if (vhm_rng_one_in(r, 4)) {
		uint64_t end = vhm_stress_now_ns() + (uint64_t)us * 1000;

		while (vhm_stress_now_ns() < end)
			__builtin_ia32_pause();
		return;
	}
	nanosleep(&ts, NULL);
}

/* A number of seconds (or any non-negative number) from argv; 0 or -1. */
static inline int vhm_stress_parse_num(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end || *out < 0 ? -1 : 0;
}

static inline int vhm_stress_parse_seed(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || end == s || *end || s[0] == '-' ? -1 : 0;
}

/* --- counters ----------------------------------------------------------- */

struct vhm_stress_count {
	const char *name;
	uint64_t value;
};

/*
 * Write "name value" lines to path through a temporary file and rename, so
 * the driver never reads half a file. NULL or "" path: nothing.
 */
static inline void vhm_stress_counts_write(const char *path,
					   const struct vhm_stress_count *c,
					   size_t n)
{
	char tmp[4096];
	FILE *f;

	if (!path || !path[0])
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s %llu\n", c[i].name,
			(unsigned long long)c[i].value);
	if (fclose(f) == 0)
		rename(tmp, path);
}

/* A violation of the device's contract: say it on stderr, count it. */
static inline void vhm_stress_violation(uint64_t *count, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void vhm_stress_violation(uint64_t *count, const char *fmt, ...)
{
	va_list ap;

	/* The first few in full; the count says how many followed. */
	if (__atomic_fetch_add(count, 1, __ATOMIC_RELAXED) >= 20)
		return;
	fputs("VIOLATION: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

#endif /* VHM_STRESS_H */
