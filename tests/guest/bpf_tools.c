// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF tools against a known workload: N single-frame kicks on the TX
 * vq, each answered before the next, and M state transitions. Every tool's
 * JSON must count exactly that, through tp_btf/fentry and through the raw
 * tracepoint/kprobe fallback alike.
 */
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include "harness.h"
#include "net.h"

/* Paths are built from $OUT, which is far shorter than PATH_MAX. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define N_KICKS		40
#define N_STATES	4	/* RUNNING, STOPPED, RUNNING, STOPPED */

struct tool {
	pid_t pid;
	int out;	/* the tool's stdout */
	int err;	/* the tool's stderr */
};

static bool vhm_module_btf(void)
{
	return access("/sys/kernel/btf/vhost_mdev", R_OK) == 0;
}

/* 1 when fd has data, 0 on timeout. */
static int wait_readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, timeout_ms);
}

static const char *bpf_dir(void)
{
	static char dir[PATH_MAX - 64];
	const char *out = getenv("OUT");

	snprintf(dir, sizeof(dir), "%s/bpf", out ? out : ".output");
	return dir;
}

/* Start a tool and wait until it says it is attached. */
static int tool_start(struct tool *t, char *const argv[])
{
	int out[2], err[2];
	char buf[512], path[PATH_MAX];
	int64_t end = vhm_now_ms() + 60000;
	size_t got = 0;

	if (pipe(out) || pipe(err))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", bpf_dir(), argv[0]);
	t->pid = fork();
	if (t->pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		execv(path, argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	t->out = out[0];
	t->err = err[0];
	while (vhm_now_ms() < end && got < sizeof(buf) - 1) {
		ssize_t n;

		if (wait_readable(t->err, 1000) <= 0)
			continue;
		n = read(t->err, buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			break;
		got += n;
		buf[got] = 0;
		if (strstr(buf, "Hit Ctrl-C"))
			return 0;
	}
	buf[got] = 0;
	TH_LOG("%s did not attach: %s", argv[0], buf);
	return -1;
}

/* Stop the tool as Ctrl-C would; its whole stdout, or NULL. */
static char *tool_stop(struct tool *t, int *status)
{
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	kill(t->pid, SIGINT);
	while (buf && (n = read(t->out, buf + len, cap - 1 - len)) > 0) {
		len += n;
		if (len == cap - 1)
			buf = realloc(buf, cap *= 2);
	}
	if (buf)
		buf[len] = 0;
	waitpid(t->pid, status, 0);
	close(t->out);
	close(t->err);
	return buf;
}

FIXTURE(tools) {
	char uuid[37];
	long long dev;
	struct vhm_net net;
	uint32_t base_seen;	/* TX vring base read after the last stop */
};

FIXTURE_SETUP(tools)
{
	char path[PATH_MAX];

	if (!vhm_sim_loaded(VHM_SIM_NET))
		SKIP(return, "vhost_mdev_sim is not loaded");
	snprintf(path, sizeof(path), "%s/vhmtrace", bpf_dir());
	if (access(path, X_OK))
		SKIP(return, "BPF tools are not built (make bpf)");
	ASSERT_EQ(vhm_mdev_create(VHM_SIM_NET, self->uuid), 0);
	self->dev = vhm_mdev_attr(self->uuid, "vhost/id");
	ASSERT_GE(self->dev, 0);
	ASSERT_EQ(vhm_net_open(&self->net, self->uuid, 64, 2048, 1 << 20), 0);
}

FIXTURE_TEARDOWN(tools)
{
	vhm_net_close(&self->net);
	if (self->uuid[0])
		vhm_mdev_remove(self->uuid);
}

/* N one-frame round trips and M transitions; the vring base after each stop. */
static void workload(struct __test_metadata *_metadata,
		     FIXTURE_DATA(tools) *self)
{
	struct vhm_net *n = &self->net;
	uint8_t frame[64];
	uint32_t id, len;
	int i, half = N_KICKS / 2;

	ASSERT_EQ(vhm_net_fill_rx(n, 64), 0);
	for (i = 0; i < N_KICKS; i++) {
		if (i == 0 || i == half)
			ASSERT_EQ(vhm_set_state(n->vfio.device, VHOST_MDEV_S_RUNNING), 0);
		vhm_frame_fill(frame, sizeof(frame), i);
		ASSERT_EQ(vhm_net_queue(n, frame, sizeof(frame)), 0);
		ASSERT_EQ(vhm_vq_kick(&n->tx), 0);
		/*
		 * Kick, then wait for the interrupt: the used entry is there
		 * before the call, and a kick before the call would overlap.
		 */
		ASSERT_EQ(vhm_wait_fd(n->tx.call, 10000), 1);
		ASSERT_EQ(vhm_vq_get(&n->tx, &id, &len), 0);
		if (i == half - 1 || i == N_KICKS - 1) {
			ASSERT_EQ(vhm_set_state(n->vfio.device, VHOST_MDEV_S_STOPPED), 0);
			self->base_seen = vhm_get_base(n->vfio.device, VHM_NET_TX);
		}
	}
	ASSERT_EQ(self->base_seen, N_KICKS);
}

static json_t *last_json(const char *out)
{
	const char *line = out, *nl, *last = NULL;

	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		if (nl > line)
			last = line;
	}
	return last ? json_loads(last, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
}

static long long count_events(const char *out, long long dev, const char *event,
			      int vq, long long *value)
{
	const char *line = out, *nl;
	long long n = 0;

	for (; *line; line = nl + 1) {
		json_t *o, *v;

		nl = strchr(line, '\n');
		if (!nl)
			break;
		o = json_loadb(line, nl - line, 0, NULL);
		if (!o)
			return -1;	/* every line must be JSON */
		if (json_object_get(o, "event") &&
		    json_integer_value(json_object_get(o, "dev")) == dev &&
		    !strcmp(json_string_value(json_object_get(o, "event")), event) &&
		    (vq < 0 || json_integer_value(json_object_get(o, "vq")) == vq)) {
			n++;
			v = json_object_get(o, "value");
			if (value && v)
				*value = json_integer_value(v);
		}
		json_decref(o);
	}
	return n;
}

static void check_vhmtrace(struct __test_metadata *_metadata,
			   FIXTURE_DATA(tools) *self, const char *mode)
{
	char dev[16];
	char *argv[] = { "vhmtrace", "-j", "-d", dev, (char *)mode, NULL };
	long long base = -1;
	struct tool t;
	char *out;
	int status;

	snprintf(dev, sizeof(dev), "%lld", self->dev);
	ASSERT_EQ(tool_start(&t, argv), 0);
	workload(_metadata, self);
	out = tool_stop(&t, &status);
	ASSERT_NE(out, NULL);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(count_events(out, self->dev, "kick", VHM_NET_TX, NULL), N_KICKS);
	/*
	 * As in check_vhmlat(): the worker SET_STATE(RUNNING) starts may
	 * consume the next frame before its kick lands, and that kick has
	 * no processing start of its own (one per start, two starts).
	 */
	EXPECT_GE(count_events(out, self->dev, "process", VHM_NET_TX, NULL),
		  N_KICKS - 2);
	EXPECT_LE(count_events(out, self->dev, "process", VHM_NET_TX, NULL),
		  N_KICKS);
	EXPECT_EQ(count_events(out, self->dev, "used", VHM_NET_TX, NULL), N_KICKS);
	EXPECT_EQ(count_events(out, self->dev, "call", VHM_NET_TX, NULL), N_KICKS);
	EXPECT_EQ(count_events(out, self->dev, "set_state", -1, NULL), N_STATES);
	/* One read-back per stop; the last is where the device stopped. */
	EXPECT_EQ(count_events(out, self->dev, "get_vring_base", VHM_NET_TX, &base), 2);
	EXPECT_EQ(base, self->base_seen);
	free(out);
}

TEST_F(tools, vhmtrace_counts_btf)
{
	if (!vhm_module_btf())
		SKIP(return, "no module BTF");
	check_vhmtrace(_metadata, self, "--btf");
}

TEST_F(tools, vhmtrace_counts_fallback)
{
	check_vhmtrace(_metadata, self, "--fallback");
}

static json_t *find_hist(json_t *summary, const char *kind, int vq)
{
	json_t *h, *hists = json_object_get(summary, "hists");
	size_t i;

	json_array_foreach(hists, i, h) {
		if (strcmp(json_string_value(json_object_get(h, "kind")), kind))
			continue;
		if (vq >= 0 && json_integer_value(json_object_get(h, "vq")) != vq)
			continue;
		return h;
	}
	return NULL;
}

static void check_vhmlat(struct __test_metadata *_metadata,
			 FIXTURE_DATA(tools) *self, const char *mode)
{
	char dev[16];
	char *argv[] = { "vhmlat", "-j", "-k", "all", "-Q", "-d", dev,
			 (char *)mode, NULL };
	json_t *sum, *h;
	struct tool t;
	char *out;
	int status;

	snprintf(dev, sizeof(dev), "%lld", self->dev);
	ASSERT_EQ(tool_start(&t, argv), 0);
	workload(_metadata, self);
	out = tool_stop(&t, &status);
	ASSERT_NE(out, NULL);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	sum = last_json(out);
	ASSERT_NE(sum, NULL);
	ASSERT_STREQ(json_string_value(json_object_get(sum, "type")), "summary");
	/*
	 * A kick that lands after the start's worker consumed its frame and
	 * called (see below) has no call of its own to pair with: up to one
	 * pair fewer per start (seen on the debug kernel under load).
	 */
	h = find_hist(sum, "kick_to_call", VHM_NET_TX);
	ASSERT_NE(h, NULL);
	EXPECT_GE(json_integer_value(json_object_get(h, "count")), N_KICKS - 2);
	EXPECT_LE(json_integer_value(json_object_get(h, "count")), N_KICKS);
	/* Percentiles are ordered and inside [min, max]. */
	EXPECT_LE(json_real_value(json_object_get(h, "min")),
		  json_real_value(json_object_get(h, "p50")));
	EXPECT_LE(json_real_value(json_object_get(h, "p50")),
		  json_real_value(json_object_get(h, "p99")));
	EXPECT_LE(json_real_value(json_object_get(h, "p99")),
		  json_real_value(json_object_get(h, "max")) + 1);
	/*
	 * Each kick was picked up by the worker, then answered; but the
	 * worker that SET_STATE(RUNNING) starts may consume the next frame
	 * before its kick lands, and that kick has no processing start.
	 */
	h = find_hist(sum, "kick_to_process", VHM_NET_TX);
	ASSERT_NE(h, NULL);
	EXPECT_GE(json_integer_value(json_object_get(h, "count")), N_KICKS - 2);
	EXPECT_LE(json_integer_value(json_object_get(h, "count")), N_KICKS);
	h = find_hist(sum, "process_to_call", VHM_NET_TX);
	ASSERT_NE(h, NULL);
	EXPECT_GE(json_integer_value(json_object_get(h, "count")), N_KICKS - 2);
	EXPECT_LE(json_integer_value(json_object_get(h, "count")), N_KICKS);
	h = find_hist(sum, "set_state", -1);
	ASSERT_NE(h, NULL);
	EXPECT_EQ(json_integer_value(json_object_get(h, "count")), N_STATES);
	json_decref(sum);
	free(out);
}

TEST_F(tools, vhmlat_counts_btf)
{
	if (!vhm_module_btf())
		SKIP(return, "no module BTF");
	check_vhmlat(_metadata, self, "--btf");
}

TEST_F(tools, vhmlat_counts_kprobe_fallback)
{
	check_vhmlat(_metadata, self, "--fallback");
}

static long long hist_value(json_t *line, const char *kind, int vq,
			    const char *what)
{
	json_t *h = find_hist(line, kind, vq);

	return h ? json_integer_value(json_object_get(h, what)) : 0;
}

static double hist_real(json_t *line, const char *kind, int vq,
			const char *what)
{
	json_t *h = find_hist(line, kind, vq);

	return h ? json_real_value(json_object_get(h, what)) : 0;
}

/* Take the frame the device looped back to RX and give the buffer back. */
static void rx_recycle(struct __test_metadata *_metadata, struct vhm_net *n)
{
	uint32_t id, len;

	ASSERT_EQ(vhm_vq_wait(&n->rx, 1, 10000), 0);
	ASSERT_EQ(vhm_vq_get(&n->rx, &id, &len), 0);
	ASSERT_EQ(vhm_vq_add(&n->rx, 2048, true), 0);
}

/* One round trip on TX: queue, kick, wait for the interrupt, take it. */
static void round_trip(struct __test_metadata *_metadata, struct vhm_net *n,
		       unsigned int i)
{
	uint8_t frame[64];
	uint32_t id, len;

	vhm_frame_fill(frame, sizeof(frame), i);
	ASSERT_EQ(vhm_net_queue(n, frame, sizeof(frame)), 0);
	ASSERT_EQ(vhm_vq_kick(&n->tx), 0);
	ASSERT_EQ(vhm_wait_fd(n->tx.call, 10000), 1);
	ASSERT_EQ(vhm_vq_get(&n->tx, &id, &len), 0);
	rx_recycle(_metadata, n);
}

/*
 * Many 1-second intervals over 600 round trips: every sample is in exactly
 * one interval (the summary has them all), and each interval's three kinds
 * cover the same kicks, so their counts match and their averages add up.
 */
TEST_F(tools, vhmlat_intervals_lose_nothing)
{
	const int rounds = 600;
	char dev[16];
	char *argv[] = { "vhmlat", "-j", "-k", "all", "-Q", "-d", dev, "1",
			 NULL };
	long long sum = 0, k2c, k2p, p2c;
	const char *line, *nl;
	int status, i, intervals = 0;
	json_t *o;
	struct tool t;
	char *out;

	snprintf(dev, sizeof(dev), "%lld", self->dev);
	ASSERT_EQ(vhm_net_fill_rx(&self->net, 64), 0);
	/*
	 * Started before the tool: the start's own batch, on a workqueue, may
	 * take a first frame before its kick lands, and that kick then shares
	 * the next frame's interrupt, a sample fewer. A round trip first.
	 */
	ASSERT_EQ(vhm_set_state(self->net.vfio.device, VHOST_MDEV_S_RUNNING), 0);
	round_trip(_metadata, &self->net, rounds);
	usleep(20000);
	ASSERT_EQ(tool_start(&t, argv), 0);
	for (i = 0; i < rounds; i++) {
		round_trip(_metadata, &self->net, i);
		usleep(6000);
	}
	ASSERT_EQ(vhm_set_state(self->net.vfio.device, VHOST_MDEV_S_STOPPED), 0);
	out = tool_stop(&t, &status);
	ASSERT_NE(out, NULL);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	for (line = out; (nl = strchr(line, '\n')); line = nl + 1) {
		o = json_loadb(line, nl - line, 0, NULL);
		ASSERT_NE(o, NULL);
		k2c = hist_value(o, "kick_to_call", VHM_NET_TX, "count");
		k2p = hist_value(o, "kick_to_process", VHM_NET_TX, "count");
		p2c = hist_value(o, "process_to_call", VHM_NET_TX, "count");
		EXPECT_EQ(k2p, k2c);
		EXPECT_EQ(p2c, k2c);
		if (k2c)
			EXPECT_TRUE(fabs(hist_real(o, "kick_to_process", VHM_NET_TX, "avg") +
					 hist_real(o, "process_to_call", VHM_NET_TX, "avg") -
					 hist_real(o, "kick_to_call", VHM_NET_TX, "avg")) <= 1.0);
		if (!strcmp(json_string_value(json_object_get(o, "type")),
			    "interval")) {
			intervals++;
			sum += k2c;
		} else {
			TH_LOG("summary: %lld samples, %lld overtaken, %lld unanswered",
			       k2c, json_integer_value(json_object_get(o, "overtaken")),
			       json_integer_value(json_object_get(o, "unanswered")));
			EXPECT_EQ(k2c, rounds);
			EXPECT_LE(sum, rounds);
			EXPECT_EQ(json_integer_value(json_object_get(o, "unanswered")), 0);
		}
		json_decref(o);
	}
	TH_LOG("%d intervals held %lld of %d samples", intervals, sum, rounds);
	EXPECT_GE(intervals, 2);
	free(out);
}

/*
 * A kick whose publication raised no interrupt (the driver had them off)
 * is not paired with a later interrupt, in the same session or the next:
 * no sample spans the pause after it; the one in the session is counted
 * as unanswered, the one across the stop is forgotten with the session.
 */
TEST_F(tools, vhmlat_pairs_only_answering_calls)
{
	const int rounds = 10, pause_us = 300000;
	char dev[16];
	char *argv[] = { "vhmlat", "-j", "-Q", "-d", dev, NULL };
	struct vhm_net *n = &self->net;
	uint8_t frame[64];
	uint32_t id, len;
	int status, i, s;
	json_t *sum;
	struct tool t;
	char *out;

	snprintf(dev, sizeof(dev), "%lld", self->dev);
	ASSERT_EQ(tool_start(&t, argv), 0);
	ASSERT_EQ(vhm_net_fill_rx(n, 64), 0);
	for (s = 0; s < 2; s++) {
		ASSERT_EQ(vhm_set_state(n->vfio.device, VHOST_MDEV_S_RUNNING), 0);
		/* A frame with interrupts off: used, never signalled. */
		vhm_vring_disable_cb(&n->tx.vr);
		vhm_frame_fill(frame, sizeof(frame), 1000 + s);
		ASSERT_EQ(vhm_net_queue(n, frame, sizeof(frame)), 0);
		ASSERT_EQ(vhm_vq_kick(&n->tx), 0);
		for (i = 0; i < 1000 && vhm_vq_ready(&n->tx) < 1; i++)
			usleep(10000);
		ASSERT_EQ(vhm_vq_get(&n->tx, &id, &len), 0);
		rx_recycle(_metadata, n);
		/* The second session starts after a stop. */
		if (s == 1) {
			ASSERT_EQ(vhm_set_state(n->vfio.device, VHOST_MDEV_S_STOPPED), 0);
			ASSERT_EQ(vhm_set_state(n->vfio.device, VHOST_MDEV_S_RUNNING), 0);
		}
		usleep(pause_us);
		vhm_vring_enable_cb(&n->tx.vr);
		for (i = 0; i < rounds; i++)
			round_trip(_metadata, n, i);
		ASSERT_EQ(vhm_set_state(n->vfio.device, VHOST_MDEV_S_STOPPED), 0);
	}
	out = tool_stop(&t, &status);
	ASSERT_NE(out, NULL);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	sum = last_json(out);
	ASSERT_NE(sum, NULL);
	/*
	 * In the session, the first kick after the pause shares its call
	 * with the one before (the oldest kick is kept): that pair is
	 * dropped whole; across the stop every round trip counts.
	 */
	EXPECT_EQ(hist_value(sum, "kick_to_call", VHM_NET_TX, "count"),
		  2 * rounds - 1);
	EXPECT_LT(hist_real(sum, "kick_to_call", VHM_NET_TX, "max"),
		  pause_us * 1000.0);
	EXPECT_EQ(json_integer_value(json_object_get(sum, "unanswered")), 1);
	json_decref(sum);
	free(out);
}

TEST_F(tools, vhmtop_counts)
{
	char dev[16];
	char *argv[] = { "vhmtop", "-j", "-Q", "-d", dev, "1", NULL };
	json_t *sum, *vqs, *v, *tx = NULL;
	struct tool t;
	char *out;
	int status;
	size_t i;

	snprintf(dev, sizeof(dev), "%lld", self->dev);
	ASSERT_EQ(tool_start(&t, argv), 0);
	workload(_metadata, self);
	out = tool_stop(&t, &status);
	ASSERT_NE(out, NULL);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	sum = last_json(out);
	ASSERT_NE(sum, NULL);
	ASSERT_STREQ(json_string_value(json_object_get(sum, "type")), "summary");
	vqs = json_object_get(sum, "vqs");
	json_array_foreach(vqs, i, v)
		if (json_integer_value(json_object_get(v, "vq")) == VHM_NET_TX)
			tx = v;
	ASSERT_NE(tx, NULL);
	EXPECT_EQ(json_integer_value(json_object_get(tx, "kicks")), N_KICKS);
	EXPECT_EQ(json_integer_value(json_object_get(tx, "calls")), N_KICKS);
	EXPECT_EQ(json_integer_value(json_object_get(tx, "buffers")), N_KICKS);
	EXPECT_EQ(json_integer_value(json_object_get(tx, "used_idx")), self->base_seen);
	/* The simulator's own counters agree. */
	EXPECT_EQ(vhm_mdev_attr(self->uuid, "sim/frames"), N_KICKS);
	json_decref(sum);
	free(out);
}

/*
 * The task filters select the devices a task drives: during one workload,
 * -c with this test's name and -p with its pid see every kick, another
 * name none.
 */
TEST_F(tools, task_filters_select_devices)
{
	char comm[16] = "", pid[16], dev[16], *out;
	const char *filters[3][2] = {
		{ "-c", comm }, { "-p", pid }, { "-c", "nosuchtask" },
	};
	const long long want[3] = { N_KICKS, N_KICKS, 0 };
	struct tool t[3];
	int i, status;
	FILE *f = fopen("/proc/self/comm", "r");

	ASSERT_NE(f, NULL);
	ASSERT_NE(fgets(comm, sizeof(comm), f), NULL);
	fclose(f);
	comm[strcspn(comm, "\n")] = 0;
	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(dev, sizeof(dev), "%lld", self->dev);
	for (i = 0; i < 3; i++) {
		char *argv[] = { "vhmtrace", "-j", "-e", "kick,set_state",
				 "-d", dev, (char *)filters[i][0],
				 (char *)filters[i][1], NULL };

		ASSERT_EQ(tool_start(&t[i], argv), 0);
	}
	workload(_metadata, self);
	for (i = 0; i < 3; i++) {
		out = tool_stop(&t[i], &status);
		ASSERT_NE(out, NULL);
		EXPECT_EQ(count_events(out, self->dev, "kick", VHM_NET_TX, NULL),
			  want[i]);
		free(out);
	}
}

/* Without the privileges: one line that says so, no libbpf noise. */
TEST(unprivileged_user_is_told)
{
	char cmd[PATH_MAX + 128], buf[4096];
	size_t n;
	FILE *p;

	if (access("/usr/bin/setpriv", X_OK))
		SKIP(return, "no setpriv");
	snprintf(cmd, sizeof(cmd),
		 "setpriv --reuid 65534 --regid 65534 --clear-groups %s/vhmlat 1 1 2>&1; echo status=$?",
		 bpf_dir());
	p = popen(cmd, "r");
	ASSERT_NE(p, NULL);
	n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = 0;
	pclose(p);
	TH_LOG("%s", buf);
	EXPECT_NE(strstr(buf, "tracing needs root"), NULL);
	EXPECT_EQ(strstr(buf, "libbpf:"), NULL);
	EXPECT_NE(strstr(buf, "status=1"), NULL);
}

/* Without the module: the documented message, a failure, nothing attached. */
TEST(module_absent)
{
	char path[PATH_MAX], cmd[PATH_MAX + 64], buf[512];
	static const char *const tools[] = { "vhmtrace", "vhmlat", "vhmtop" };
	size_t n;
	FILE *p;
	int i;

	if (access("/sys/module/vhost_mdev", F_OK) == 0 &&
	    system("scripts/vhm-modules unload >/dev/null 2>&1") != 0)
		SKIP(return, "cannot unload the modules");
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", bpf_dir(), tools[i]);
		snprintf(cmd, sizeof(cmd), "%s 2>&1; echo status=$?", path);
		p = popen(cmd, "r");
		ASSERT_NE(p, NULL);
		n = fread(buf, 1, sizeof(buf) - 1, p);
		buf[n] = 0;
		pclose(p);
		EXPECT_NE(strstr(buf, "module vhost_mdev is not loaded"), NULL);
		EXPECT_NE(strstr(buf, "status=1"), NULL);
	}
	/* No program of ours stays loaded. */
	p = popen("bpftool prog show 2>/dev/null | grep -cE 'name (btf|fb|kp)_'", "r");
	ASSERT_NE(p, NULL);
	n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = 0;
	pclose(p);
	EXPECT_EQ(atoi(buf), 0);
	ASSERT_EQ(system("scripts/vhm-modules load >/dev/null 2>&1"), 0);
}

TEST_HARNESS_MAIN
