/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf_event_open counters around a measured phase: software counters of
 * this process (all its threads) and system-wide context switches, plus
 * hardware counters where the CPU (or the emulator) has them.
 */
#ifndef VHM_PERF_H
#define VHM_PERF_H

#include <stdbool.h>
#include <stdint.h>

enum vhm_perf_counter {
	VHM_PERF_TASK_CLOCK,		/* ns on CPU, this process */
	VHM_PERF_CONTEXT_SWITCHES,	/* this process */
	VHM_PERF_CPU_MIGRATIONS,	/* this process */
	VHM_PERF_PAGE_FAULTS,		/* this process */
	VHM_PERF_CYCLES,		/* hardware, this process */
	VHM_PERF_INSTRUCTIONS,		/* hardware, this process */
	VHM_PERF_SYS_CONTEXT_SWITCHES,	/* every CPU: kthreads and workers too */
	VHM_PERF_NR,
};

struct vhm_perf {
	int fds[VHM_PERF_NR][64];	/* per CPU for system-wide, [0] otherwise */
	int ncpus;
	uint64_t value[VHM_PERF_NR];
	bool valid[VHM_PERF_NR];
};

extern const char *const vhm_perf_names[VHM_PERF_NR];

/* Open every counter that this kernel and CPU allow; never fails. */
void vhm_perf_open(struct vhm_perf *p);
void vhm_perf_start(struct vhm_perf *p);
/* Stop and read into p->value/p->valid. */
void vhm_perf_stop(struct vhm_perf *p);
void vhm_perf_close(struct vhm_perf *p);

#endif /* VHM_PERF_H */
