/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mediated device instances and the simulator through sysfs: create and
 * remove instances, read their attributes and counters, set the
 * simulator's parameters. Functions return 0 or -errno (errno set too)
 * unless said otherwise.
 */
#ifndef VHM_MDEV_H
#define VHM_MDEV_H

#include <stdbool.h>
#include <stddef.h>

#define VHM_MDEV_DEVICES	"/sys/bus/mdev/devices"
#define VHM_SIM_PARENT		"/sys/class/mdev_bus/vhost_mdev_sim"
#define VHM_SIM_PARAMS		"/sys/module/vhost_mdev_sim/parameters"
/* The simulator's types, a folder under VHM_SIM_PARENT. */
#define VHM_SIM_TYPE(name)	VHM_SIM_PARENT "/mdev_supported_types/" \
				"vhost_mdev_sim-" name
#define VHM_SIM_NET		VHM_SIM_TYPE("net")
#define VHM_SIM_BLK		VHM_SIM_TYPE("blk")

#define VHM_UUID_LEN		37	/* 36 characters and the NUL */

/* Write s to a sysfs file, as one write. */
int vhm_sysfs_write(const char *path, const char *s);
/* Read a sysfs file into buf, trailing newlines dropped. */
int vhm_sysfs_read(const char *path, char *buf, size_t size);
/* A number from a sysfs file, or -1. */
long long vhm_sysfs_read_num(const char *path);

/* A random (version 4) UUID. */
void vhm_uuid_random(char uuid[VHM_UUID_LEN]);

/* Create an instance of type (a type folder) under a new UUID. */
int vhm_mdev_create(const char *type, char uuid[VHM_UUID_LEN]);
int vhm_mdev_remove(const char *uuid);
bool vhm_mdev_exists(const char *uuid);
/* An attribute of an instance as a number, or -1: "sim/frames". */
long long vhm_mdev_attr(const char *uuid, const char *name);

/* Is the simulator loaded with the type (VHM_SIM_NET...) offered? */
bool vhm_sim_loaded(const char *type);
int vhm_sim_set_param(const char *name, unsigned long long value);

#endif /* VHM_MDEV_H */
