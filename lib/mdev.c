// SPDX-License-Identifier: GPL-2.0
/* Mediated device instances through sysfs. See mdev.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mdev.h"

static int vhm_sysfs_err(void)
{
	return errno ? -errno : -EIO;
}

int vhm_sysfs_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return vhm_sysfs_err();
	if (write(fd, s, strlen(s)) < 0)
		err = vhm_sysfs_err();
	close(fd);
	if (err)
		errno = -err;
	return err;
}

int vhm_sysfs_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return vhm_sysfs_err();
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return vhm_sysfs_err();
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

long long vhm_sysfs_read_num(const char *path)
{
	char buf[64];

	if (vhm_sysfs_read(path, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 0);
}

static void vhm_random_bytes(unsigned char *b, size_t n)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, b, n) != (ssize_t)n) {
		unsigned int seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();

		for (size_t i = 0; i < n; i++)
			b[i] = (unsigned char)rand_r(&seed);
	}
	if (fd >= 0)
		close(fd);
}

void vhm_uuid_random(char uuid[VHM_UUID_LEN])
{
	unsigned char b[16];

	vhm_random_bytes(b, sizeof(b));
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	snprintf(uuid, VHM_UUID_LEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
}

int vhm_mdev_create(const char *type, char uuid[VHM_UUID_LEN])
{
	char path[PATH_MAX];

	vhm_uuid_random(uuid);
	snprintf(path, sizeof(path), "%s/create", type);
	return vhm_sysfs_write(path, uuid);
}

int vhm_mdev_remove(const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), VHM_MDEV_DEVICES "/%s/remove", uuid);
	return vhm_sysfs_write(path, "1");
}

bool vhm_mdev_exists(const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), VHM_MDEV_DEVICES "/%s", uuid);
	return access(path, F_OK) == 0;
}

long long vhm_mdev_attr(const char *uuid, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), VHM_MDEV_DEVICES "/%s/%s", uuid, name);
	return vhm_sysfs_read_num(path);
}

bool vhm_sim_loaded(const char *type)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/create", type);
	return access(path, W_OK) == 0;
}

int vhm_sim_set_param(const char *name, unsigned long long value)
{
	char path[PATH_MAX], buf[32];

	snprintf(path, sizeof(path), VHM_SIM_PARAMS "/%s", name);
	snprintf(buf, sizeof(buf), "%llu", value);
	return vhm_sysfs_write(path, buf);
}
