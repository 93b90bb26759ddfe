// SPDX-License-Identifier: GPL-2.0
/* Shared benchmark helpers. See run.h. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

int vhm_pin_cpu(int cpu)
{
	cpu_set_t set;
	int err;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (err)
		fprintf(stderr, "failed to pin to CPU %d: %s\n", cpu, strerror(err));
	return -err;
}

/*
 * On the virtual clock one vCPU runs the driver and the device's thread in
 * turns. Under the fair scheduler, whether a woken driver preempts the
 * thread that woke it depends on their past run times: round trips then
 * fall in two modes and the median hops between them with the run's
 * length. A real-time driver always runs at once: one mode.
 */
#define VHM_VIRTUAL_FIFO_PRIO	10

int vhm_sched_driver(int prio)
{
	const char *clock = getenv("VHM_CLOCK");
	struct sched_param sp = { 0 };

	if (prio < 0)
		prio = clock && !strcmp(clock, "virtual") ? VHM_VIRTUAL_FIFO_PRIO : 0;
	if (!prio)
		return 0;
	sp.sched_priority = prio;
	if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
		int err = errno;

		fprintf(stderr, "failed to run SCHED_FIFO at priority %d: %s%s\n", prio,
			strerror(err), err == EPERM ? " (needs CAP_SYS_NICE; --fifo 0 to go without)" : "");
		return -err;
	}
	return prio;
}

static int vhm_progress_shown;

void vhm_progress(const char *fmt, ...)
{
	va_list ap;

	/* Serial consoles are terminals too: VHM_NO_PROGRESS keeps logs clean. */
	if (!isatty(STDERR_FILENO) || getenv("VHM_NO_PROGRESS"))
		return;
	fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	vhm_progress_shown = 1;
}

void vhm_progress_done(void)
{
	if (vhm_progress_shown)
		fputs("\r\033[K", stderr);
	vhm_progress_shown = 0;
}

int vhm_backends_parse(const char *list, const char **names, int max)
{
	static const char *const all[] = { "vhost-mdev", "vhost-net", "floor" };
	static char buf[256];
	char *save = NULL, *tok;
	int n = 0;

	if (!strcmp(list, "all")) {
		for (n = 0; n < 3 && n < max; n++)
			names[n] = all[n];
		return n;
	}
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!vhm_backend_find(tok)) {
			fprintf(stderr, "unknown backend '%s': choose from all, "
				"vhost-mdev, vhost-net, floor (vhost-mdev@MODE: "
				"the simulator's workqueue, kthread, poll or task_work)\n",
				tok);
			return -EINVAL;
		}
		if (n == max)
			return -EINVAL;
		names[n++] = tok;
	}
	return n ? n : -EINVAL;
}

/* A sysfs value: a number, or a word such as the simulator's mode. */
static json_t *vhm_sysfs_value(char *val)
{
	char *end;
	long long v;

	val[strcspn(val, "\n")] = '\0';
	v = strtoll(val, &end, 0);
	if (end != val && !*end)
		return json_integer(v);
	return json_string(val);
}

json_t *vhm_sim_counters(const char *uuid)
{
	char dir[PATH_MAX], path[PATH_MAX + 256], val[64];
	struct dirent *e;
	json_t *obj;
	DIR *d;

	if (!uuid)
		return NULL;
	snprintf(dir, sizeof(dir), "/sys/bus/mdev/devices/%s/sim", uuid);
	d = opendir(dir);
	if (!d)
		return NULL;
	obj = json_object();
	while ((e = readdir(d))) {
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(val, sizeof(val), f))
			json_object_set_new(obj, e->d_name, vhm_sysfs_value(val));
		fclose(f);
	}
	closedir(d);
	return obj;
}

json_t *vhm_dev_counters_json(const struct vhm_dev *d)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			 "tx_frames", (json_int_t)d->tx.frames,
			 "tx_bytes", (json_int_t)d->tx.bytes,
			 "tx_kicks", (json_int_t)d->tx.kicks,
			 "tx_kicks_suppressed", (json_int_t)d->tx.kicks_suppressed,
			 "tx_interrupts", (json_int_t)d->tx.interrupts,
			 "tx_call_signals", (json_int_t)d->tx.call_signals,
			 "tx_polls", (json_int_t)d->tx.polls,
			 "rx_frames", (json_int_t)d->rx.frames,
			 "rx_kicks", (json_int_t)d->rx.kicks,
			 "rx_call_signals", (json_int_t)d->rx.call_signals);
}
