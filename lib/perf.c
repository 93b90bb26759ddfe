// SPDX-License-Identifier: GPL-2.0
/* perf_event_open counters. See perf.h. */
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/perf_event.h>

#include "perf.h"

const char *const vhm_perf_names[VHM_PERF_NR] = {
	[VHM_PERF_TASK_CLOCK] = "task-clock",
	[VHM_PERF_CONTEXT_SWITCHES] = "context-switches",
	[VHM_PERF_CPU_MIGRATIONS] = "cpu-migrations",
	[VHM_PERF_PAGE_FAULTS] = "page-faults",
	[VHM_PERF_CYCLES] = "cycles",
	[VHM_PERF_INSTRUCTIONS] = "instructions",
	[VHM_PERF_SYS_CONTEXT_SWITCHES] = "system-context-switches",
};

static const struct { uint32_t type; uint64_t config; } vhm_perf_events[VHM_PERF_NR] = {
	[VHM_PERF_TASK_CLOCK] = { PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	[VHM_PERF_CONTEXT_SWITCHES] = { PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	[VHM_PERF_CPU_MIGRATIONS] = { PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	[VHM_PERF_PAGE_FAULTS] = { PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	[VHM_PERF_CYCLES] = { PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	[VHM_PERF_INSTRUCTIONS] = { PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	[VHM_PERF_SYS_CONTEXT_SWITCHES] = { PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
};

static int vhm_perf_event_open(uint32_t type, uint64_t config, int pid, int cpu)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.config = config;
	attr.disabled = 1;
	/* Threads created later (the floor's responder) count too. */
	attr.inherit = pid == 0;
	return (int)syscall(__NR_perf_event_open, &attr, pid, cpu, -1,
			    PERF_FLAG_FD_CLOEXEC);
}

void vhm_perf_open(struct vhm_perf *p)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	memset(p, 0, sizeof(*p));
	p->ncpus = n < 1 ? 1 : n > 64 ? 64 : (int)n;
	for (int c = 0; c < VHM_PERF_NR; c++) {
		bool system = c == VHM_PERF_SYS_CONTEXT_SWITCHES;
		int nfds = system ? p->ncpus : 1;

		p->valid[c] = true;
		for (int i = 0; i < 64; i++)
			p->fds[c][i] = -1;
		for (int i = 0; i < nfds; i++) {
			p->fds[c][i] = vhm_perf_event_open(vhm_perf_events[c].type,
							   vhm_perf_events[c].config,
							   system ? -1 : 0,
							   system ? i : -1);
			if (p->fds[c][i] < 0)
				p->valid[c] = false;
		}
	}
}

static void vhm_perf_each(struct vhm_perf *p, unsigned long req)
{
	for (int c = 0; c < VHM_PERF_NR; c++)
		for (int i = 0; i < 64 && p->valid[c]; i++)
			if (p->fds[c][i] >= 0)
				ioctl(p->fds[c][i], req, 0);
}

void vhm_perf_start(struct vhm_perf *p)
{
	vhm_perf_each(p, PERF_EVENT_IOC_RESET);
	vhm_perf_each(p, PERF_EVENT_IOC_ENABLE);
}

void vhm_perf_stop(struct vhm_perf *p)
{
	vhm_perf_each(p, PERF_EVENT_IOC_DISABLE);
	for (int c = 0; c < VHM_PERF_NR; c++) {
		p->value[c] = 0;
		for (int i = 0; i < 64 && p->valid[c]; i++) {
			uint64_t v;

			if (p->fds[c][i] < 0)
				continue;
			if (read(p->fds[c][i], &v, sizeof(v)) != sizeof(v))
				p->valid[c] = false;
			else
				p->value[c] += v;
		}
	}
}

void vhm_perf_close(struct vhm_perf *p)
{
	for (int c = 0; c < VHM_PERF_NR; c++)
		for (int i = 0; i < 64; i++)
			if (p->fds[c][i] >= 0)
				close(p->fds[c][i]);
}
