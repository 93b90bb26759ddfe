/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers the benchmark drivers share: clock, pinning, progress, backends. */
#ifndef VHM_RUN_H
#define VHM_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <jansson.h>

#include "dev.h"

static inline uint64_t vhm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Pin the calling thread to cpu (no-op for cpu < 0). 0 or -errno. */
int vhm_pin_cpu(int cpu);
/*
 * The driver's scheduling: prio > 0 runs the process SCHED_FIFO at prio,
 * 0 leaves it to the fair scheduler, < 0 picks: 10 on the virtual clock
 * (VHM_CLOCK=virtual), else 0. Returns the priority in force, or -errno
 * with a message.
 */
int vhm_sched_driver(int prio);

/*
 * Progress: one line on stderr, rewritten with \r, only when stderr is a
 * terminal and VHM_NO_PROGRESS is unset. The driver declares its work in
 * units of its choosing (round trips, ns of measuring), then reports how
 * much is done with the step and the point it is at; the line adds the
 * percentage and an ETA in wall-clock time. It is redrawn at most every
 * VHM_PROGRESS_NS of the process's clock, so the lines fall at the same
 * places of a run on the virtual clock (there, the wall time for the ETA
 * comes from the RTC, which QEMU keeps on the host's time).
 */
#define VHM_PROGRESS_NS		250000000ull

void vhm_progress_begin(const char *tool, uint64_t total);
/* done units of the total so far; fmt: the step and the point. */
void vhm_progress(uint64_t done, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Erase the line (before printing anything else on the terminal). */
void vhm_progress_done(void);
/* "1:05" or "-" when unknown; buf. Shared with the tests. */
const char *vhm_eta_format(double secs, char *buf, size_t size);

/*
 * Split "all" or "vhost-mdev,floor" into backend names (at most max).
 * Returns the count or -EINVAL with a message naming the bad one.
 */
int vhm_backends_parse(const char *list, const char **names, int max);

/*
 * The simulator's counters of a vhost-mdev instance
 * (/sys/bus/mdev/devices/<uuid>/sim/): a JSON object, or NULL when the
 * device is not a simulator instance.
 */
json_t *vhm_sim_counters(const char *uuid);

/* Driver-side counters of d as a JSON object. */
json_t *vhm_dev_counters_json(const struct vhm_dev *d);

#endif /* VHM_RUN_H */
