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
#include <termios.h>
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

static struct {
	const char *tool;
	uint64_t total;
	uint64_t last_ns;	/* process clock of the last line */
	double wall0;		/* wall clock at the start, seconds */
	bool on, shown;
} vhm_prog;

/* Serial consoles are terminals too: VHM_NO_PROGRESS keeps logs clean. */
static bool vhm_progress_wanted(void)
{
	return isatty(STDERR_FILENO) && !getenv("VHM_NO_PROGRESS");
}

/*
 * Wall-clock seconds. On the virtual clock every clock of the guest is
 * guest time, which runs slower than the host's: the RTC follows the host.
 */
static double vhm_wall_s(void)
{
	const char *clock = getenv("VHM_CLOCK");
	char buf[32];
	FILE *f;

	if (clock && !strcmp(clock, "virtual")) {
		f = fopen("/sys/class/rtc/rtc0/since_epoch", "r");
		if (f) {
			double s = fgets(buf, sizeof(buf), f) ? strtod(buf, NULL) : -1;

			fclose(f);
			if (s > 0)
				return s;
		}
	}
	return (double)vhm_now_ns() / 1e9;
}

/*
 * Out on the line before measuring goes on: in the guest stderr is a serial
 * port, and its transmit interrupts would otherwise land in the next round
 * trips (on the virtual clock, as extra instructions in their times).
 */
static void vhm_progress_flush(void)
{
	fflush(stderr);
	tcdrain(STDERR_FILENO);
}

const char *vhm_eta_format(double secs, char *buf, size_t size)
{
	unsigned long s;

	if (!(secs >= 0) || secs > 360000) {
		snprintf(buf, size, "-");
		return buf;
	}
	s = (unsigned long)(secs + 0.5);
	if (s >= 3600)
		snprintf(buf, size, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, size, "%lu:%02lu", s / 60, s % 60);
	return buf;
}

void vhm_progress_begin(const char *tool, uint64_t total)
{
	memset(&vhm_prog, 0, sizeof(vhm_prog));
	vhm_prog.on = vhm_progress_wanted();
	if (!vhm_prog.on)
		return;
	vhm_prog.tool = tool;
	vhm_prog.total = total;
	vhm_prog.wall0 = vhm_wall_s();
}

void vhm_progress(uint64_t done, const char *fmt, ...)
{
	uint64_t now;
	double pct, el, left;
	char eta[24];
	va_list ap;

	if (!vhm_prog.on)
		return;
	now = vhm_now_ns();
	if (vhm_prog.shown && now - vhm_prog.last_ns < VHM_PROGRESS_NS)
		return;
	vhm_prog.last_ns = now;
	if (done > vhm_prog.total)
		done = vhm_prog.total;
	pct = vhm_prog.total ? 100.0 * (double)done / (double)vhm_prog.total : 0;
	el = vhm_wall_s() - vhm_prog.wall0;
	/* Too early to tell: a second of history at least. */
	left = done && el >= 1 ? el * (double)(vhm_prog.total - done) / (double)done : -1;
	fprintf(stderr, "\r\033[K%s: ", vhm_prog.tool);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ", %.0f%%, ETA %s", pct, vhm_eta_format(left, eta, sizeof(eta)));
	vhm_progress_flush();
	vhm_prog.shown = true;
}

void vhm_progress_done(void)
{
	if (vhm_prog.shown) {
		fputs("\r\033[K", stderr);
		vhm_progress_flush();
	}
	vhm_prog.shown = false;
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
				"vhost-mdev, vhost-net, vhost-vdpa, floor (vhost-mdev@MODE: "
				"the simulator's workqueue, kthread, poll or task_work; "
				"vhost-vdpa@NAME: vdpa device NAME)\n",
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
