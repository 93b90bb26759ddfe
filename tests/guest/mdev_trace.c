// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-mdev tracepoints: every event is listed with its documented fields,
 * perf sees them, and a bpftrace one-liner counts exactly one kick event per
 * kick of a traffic run.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "harness.h"
#include "net.h"

#define NUM	64u
#define BUFSZ	2048u
#define MEMSZ	(4u << 20)

static const char *tracefs(void)
{
	if (!access("/sys/kernel/tracing/events", F_OK))
		return "/sys/kernel/tracing";
	if (!access("/sys/kernel/debug/tracing/events", F_OK))
		return "/sys/kernel/debug/tracing";
	return NULL;
}

static const struct {
	const char *name;
	const char *fields[5];
} events[] = {
	{ "vhost_mdev_set_state", { "dev", "old", "new", "ret" } },
	{ "vhost_mdev_kick", { "dev", "vq" } },
	{ "vhost_mdev_process", { "dev", "vq" } },
	{ "vhost_mdev_call", { "dev", "vq" } },
	{ "vhost_mdev_call_latency", { "dev", "vq", "kick_to_call_ns",
				       "kick_to_process_ns", "overtaken" } },
	{ "vhost_mdev_used", { "dev", "vq", "idx", "count" } },
	{ "vhost_mdev_get_vring_base", { "dev", "vq", "value" } },
	{ "vhost_mdev_set_vring_base", { "dev", "vq", "value" } },
	{ "vhost_mdev_features", { "dev", "features", "ret" } },
	{ "vhost_mdev_config", { "dev", "write", "off", "len", "ret" } },
	{ "vhost_mdev_dma_map", { "dev", "iova", "ret" } },
	{ "vhost_mdev_dma_unmap", { "dev", "iova", "len", "pages" } },
	{ "vhost_mdev_device_error", { "dev", "vq", "err" } },
};

TEST(events_listed)
{
	const char *tfs = tracefs();
	char path[PATH_MAX], fmt[4096], field[64];
	unsigned int i, k;
	FILE *f;

	if (!tfs)
		SKIP(return, "tracefs is not mounted");
	if (access("/sys/module/vhost_mdev", F_OK))
		SKIP(return, "vhost_mdev is not loaded");
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "%s/events/vhost_mdev/%s/format",
			 tfs, events[i].name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			FAIL("no event %s", events[i].name);
		n = read(fd, fmt, sizeof(fmt) - 1);
		close(fd);
		ASSERT_GT(n, 0);
		fmt[n] = 0;
		for (k = 0; k < 5 && events[i].fields[k]; k++) {
			snprintf(field, sizeof(field), " %s;",
				 events[i].fields[k]);
			if (!strstr(fmt, field))
				FAIL("%s has no field %s", events[i].name,
				     events[i].fields[k]);
		}
	}

	/* perf sees them too. */
	if (access("/usr/bin/perf", X_OK)) {
		TH_LOG("no perf: listing by perf not checked");
		return;
	}
	f = popen("perf list 'vhost_mdev:*' 2>/dev/null", "r");
	ASSERT_TRUE(f != NULL);
	k = 0;
	while (fgets(fmt, sizeof(fmt), f))
		k += strstr(fmt, "vhost_mdev:vhost_mdev_") != NULL;
	pclose(f);
	EXPECT_EQ(k, sizeof(events) / sizeof(events[0]));
}

/* Start bpftrace with prog; its stdout in *out_fd. The pid, or -1. */
static pid_t bpftrace_start(const char *prog, int *out_fd)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		/* A test killed by its timeout takes bpftrace with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execl("/usr/bin/bpftrace", "bpftrace", "-q", "-e", prog,
		      (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	*out_fd = p[0];
	return pid;
}

/* Read from fd into buf until it holds needle; false on timeout/EOF. */
static bool read_until(int fd, char *buf, size_t size, const char *needle,
		       int timeout_ms)
{
	int64_t end = vhm_now_ms() + timeout_ms;
	size_t len = strlen(buf);

	while (!strstr(buf, needle)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = end - vhm_now_ms();
		ssize_t n;

		if (left <= 0 || len + 1 >= size)
			return false;
		if (poll(&pfd, 1, (int)left) <= 0)
			return false;
		n = read(fd, buf + len, size - 1 - len);
		if (n <= 0)
			return false;
		len += n;
		buf[len] = 0;
	}
	return true;
}

/*
 * Stop bpftrace as a user does, with SIGINT, and read what it prints until
 * needle. bpftrace (0.17) now and then misses a SIGINT sent soon after its
 * BEGIN probe ran (4 runs in 10 here), so repeat it every 2 s, as a user
 * presses Ctrl-C again. The number of SIGINTs sent; 0 when
 * needle never came.
 */
static int bpftrace_stop(pid_t pid, int fd, char *buf, size_t size,
			 const char *needle, int timeout_ms)
{
	int64_t end = vhm_now_ms() + timeout_ms;
	int sent = 0;

	while (vhm_now_ms() < end) {
		int64_t start = vhm_now_ms();

		kill(pid, SIGINT);
		sent++;
		if (read_until(fd, buf, size, needle, 2000))
			return sent;
		if (vhm_now_ms() - start < 1000)
			break;	/* EOF: it exited without printing needle */
	}
	return 0;
}

FIXTURE(tr) {
	char uuid[37];
	struct vhm_net n;
};

FIXTURE_SETUP(tr)
{
	vhm_net_init(&self->n);
	if (access("/usr/bin/bpftrace", X_OK))
		SKIP(return, "no /usr/bin/bpftrace");
	if (!vhm_sim_loaded(VHM_SIM_NET))
		SKIP(return, "vhost_mdev_sim is not loaded");
	ASSERT_EQ(vhm_mdev_create(VHM_SIM_NET, self->uuid), 0);
	ASSERT_EQ(vhm_net_open(&self->n, self->uuid, NUM, BUFSZ, MEMSZ), 0);
}

FIXTURE_TEARDOWN(tr)
{
	vhm_net_close(&self->n);
	if (self->uuid[0] && vhm_mdev_exists(self->uuid))
		EXPECT_EQ(vhm_mdev_remove(self->uuid), 0);
}

TEST_F(tr, bpftrace_counts_kicks)
{
	const unsigned int frames = 50;
	char prog[512], out[4096] = "";
	struct vhm_net *np = &self->n;
	uint8_t frame[256];
	long long id, count = -1;
	uint32_t used_id, used_len;
	unsigned int i;
	int status, sigints, fd = -1;
	pid_t pid;
	char *at;

	id = vhm_mdev_attr(self->uuid, "vhost/id");
	ASSERT_GE(id, 0);
	ASSERT_EQ(vhm_net_fill_rx(np, NUM), 0);
	ASSERT_EQ(vhm_set_state(np->vfio.device, VHOST_MDEV_S_RUNNING), 0);

	snprintf(prog, sizeof(prog),
		 "BEGIN { printf(\"ready\\n\"); } "
		 "tracepoint:vhost_mdev:vhost_mdev_kick "
		 "/args->dev == %lld && args->vq == %d/ { @n = count(); }",
		 id, VHM_NET_TX);
	pid = bpftrace_start(prog, &fd);
	ASSERT_GT(pid, 0);
	/* Compiling takes seconds under TCG; well inside the test's alarm. */
	if (!read_until(fd, out, sizeof(out), "ready", 90000)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		FAIL("bpftrace did not start: %s", out);
	}

	/* One kick per frame, each waited for. */
	for (i = 0; i < frames; i++) {
		vhm_frame_fill(frame, sizeof(frame), i);
		ASSERT_EQ(vhm_net_queue(np, frame, sizeof(frame)), 0);
		ASSERT_EQ(vhm_vq_kick(&np->tx), 0);
		ASSERT_EQ(vhm_vq_wait(&np->tx, 1, 20000), 0);
		ASSERT_EQ(vhm_vq_wait(&np->rx, 1, 20000), 0);
		ASSERT_EQ(vhm_vq_get(&np->tx, &used_id, &used_len), 0);
		ASSERT_EQ(vhm_vq_get(&np->rx, &used_id, &used_len), 0);
		ASSERT_EQ(vhm_vq_add(&np->rx, BUFSZ, true), 0);
	}
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/frames"), frames);

	/* bpftrace prints its maps on exit: "@n: <count>". */
	sigints = bpftrace_stop(pid, fd, out, sizeof(out), "@n: ", 20000);
	if (!sigints) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		FAIL("bpftrace did not exit on SIGINT: %s", out);
	}
	read_until(fd, out, sizeof(out), "\n\n\n", 2000);
	waitpid(pid, &status, 0);
	close(fd);
	at = strstr(out, "@n: ");
	if (at)
		count = atoll(at + 4);
	TH_LOG("bpftrace counted %lld kicks for %u frames (%d SIGINT)", count,
	       frames, sigints);
	EXPECT_EQ(count, frames);
}

TEST_HARNESS_MAIN
