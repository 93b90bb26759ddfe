// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-mdev removal: remove an instance while its fd is open, unload the
 * simulator while instances exist (closed and open). The simulator is
 * loaded again after each test that unloads it.
 */
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/vhost.h>

#include "harness.h"
#include "net.h"

#define NUM	64u
#define BUFSZ	2048u
#define MEMSZ	(4u << 20)

/*
 * The simulator .ko this binary's build tree holds for the running kernel:
 * <out>/modules/<uname -r>/kernel/.
 */
static int sim_ko_path(char *buf, size_t size)
{
	char exe[PATH_MAX - 128];
	struct utsname uts;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *p;
	int i;

	if (n < 0)
		return -1;
	exe[n] = 0;
	/* <out>/tests/guest/<name> -> <out> */
	for (i = 0; i < 3; i++) {
		p = strrchr(exe, '/');
		if (!p)
			return -1;
		*p = 0;
	}
	if (uname(&uts))
		return -1;
	snprintf(buf, size, "%s/modules/%s/kernel/vhost_mdev_sim.ko", exe, uts.release);
	return access(buf, R_OK);
}

static int sim_unload(void)
{
	return syscall(SYS_delete_module, "vhost_mdev_sim", O_NONBLOCK);
}

static int sim_load(void)
{
	char path[PATH_MAX];
	int fd, ret;

	if (vhm_sim_loaded(VHM_SIM_NET))
		return 0;
	if (sim_ko_path(path, sizeof(path)))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret;
}

FIXTURE(rm) {
	char uuid[3][37];
	struct vhm_net n;
};

FIXTURE_SETUP(rm)
{
	char path[PATH_MAX];

	vhm_net_init(&self->n);
	if (!vhm_sim_loaded(VHM_SIM_NET))
		SKIP(return, "vhost_mdev_sim is not loaded");
	if (sim_ko_path(path, sizeof(path)))
		SKIP(return, "no vhost_mdev_sim.ko to load again");
}

FIXTURE_TEARDOWN(rm)
{
	int i;

	vhm_net_close(&self->n);
	for (i = 0; i < 3; i++)
		if (self->uuid[i][0] && vhm_mdev_exists(self->uuid[i]))
			vhm_mdev_remove(self->uuid[i]);
	EXPECT_EQ(sim_load(), 0);
}

struct remover {
	const char *uuid;
	int ret;
	volatile bool done;
};

static void *remove_thread(void *arg)
{
	struct remover *r = arg;

	r->ret = vhm_mdev_remove(r->uuid);
	r->done = true;
	return NULL;
}

/*
 * Remove while open and running: the write to remove blocks, the device
 * stops, signals err and answers ENODEV; closing the fd completes removal.
 */
TEST_F(rm, remove_while_open)
{
	struct remover r = { .uuid = self->uuid[0] };
	pthread_t th;
	int i, state = 0;

	ASSERT_EQ(vhm_mdev_create(VHM_SIM_NET, self->uuid[0]), 0);
	ASSERT_EQ(vhm_net_open(&self->n, self->uuid[0], NUM, BUFSZ, MEMSZ), 0);
	ASSERT_EQ(vhm_net_fill_rx(&self->n, NUM), 0);
	ASSERT_EQ(vhm_set_state(self->n.vfio.device, VHOST_MDEV_S_RUNNING), 0);

	ASSERT_EQ(pthread_create(&th, NULL, remove_thread, &r), 0);
	ASSERT_EQ(vhm_wait_fd(self->n.tx.err, 20000), 1);
	ASSERT_EQ(vhm_wait_fd(self->n.rx.err, 1000), 1);
	for (i = 0; i < 200; i++) {
		state = vhm_get_state(self->n.vfio.device);
		if (state == -ENODEV)
			break;
		usleep(10000);
	}
	EXPECT_EQ(state, -ENODEV);
	EXPECT_ERRNO(ioctl(self->n.vfio.device, VHOST_GET_FEATURES, &(uint64_t){0}),
		     ENODEV);
	usleep(200000);
	/* Still waiting for the close. */
	EXPECT_FALSE(r.done);

	vhm_net_close(&self->n);
	for (i = 0; i < 2000 && !r.done; i++)
		usleep(10000);
	ASSERT_TRUE(r.done);
	pthread_join(th, NULL);
	EXPECT_EQ(r.ret, 0);
	EXPECT_FALSE(vhm_mdev_exists(self->uuid[0]));
}

/* Unloading the simulator removes its instances that are not open. */
TEST_F(rm, unload_with_instances)
{
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(vhm_mdev_create(VHM_SIM_NET, self->uuid[i]), 0);
	ASSERT_EQ(sim_unload(), 0);
	for (i = 0; i < 3; i++)
		EXPECT_FALSE(vhm_mdev_exists(self->uuid[i]));
	EXPECT_FALSE(vhm_sim_loaded(VHM_SIM_NET));
	ASSERT_EQ(sim_load(), 0);
	ASSERT_TRUE(vhm_sim_loaded(VHM_SIM_NET));
	/* The fresh parent works. */
	ASSERT_EQ(vhm_mdev_create(VHM_SIM_NET, self->uuid[0]), 0);
	ASSERT_EQ(vhm_mdev_remove(self->uuid[0]), 0);
}

/*
 * An open device fd pins the simulator: unloading fails at once (no hang),
 * the device keeps working, and unloading succeeds after the close.
 */
TEST_F(rm, unload_while_open)
{
	uint8_t frame[100] = { 7 };

	ASSERT_EQ(vhm_mdev_create(VHM_SIM_NET, self->uuid[0]), 0);
	ASSERT_EQ(vhm_mdev_create(VHM_SIM_NET, self->uuid[1]), 0);
	ASSERT_EQ(vhm_net_open(&self->n, self->uuid[0], NUM, BUFSZ, MEMSZ), 0);
	ASSERT_EQ(vhm_net_fill_rx(&self->n, NUM), 0);
	ASSERT_EQ(vhm_set_state(self->n.vfio.device, VHOST_MDEV_S_RUNNING), 0);

	EXPECT_ERRNO(sim_unload(), EWOULDBLOCK);
	EXPECT_TRUE(vhm_mdev_exists(self->uuid[0]));
	EXPECT_TRUE(vhm_mdev_exists(self->uuid[1]));
	ASSERT_EQ(vhm_net_queue(&self->n, frame, sizeof(frame)), 0);
	ASSERT_EQ(vhm_vq_kick(&self->n.tx), 0);
	ASSERT_EQ(vhm_vq_wait(&self->n.rx, 1, 20000), 0);

	vhm_net_close(&self->n);
	ASSERT_EQ(sim_unload(), 0);
	EXPECT_FALSE(vhm_mdev_exists(self->uuid[0]));
	EXPECT_FALSE(vhm_mdev_exists(self->uuid[1]));
	ASSERT_EQ(sim_load(), 0);
}

TEST_HARNESS_MAIN
