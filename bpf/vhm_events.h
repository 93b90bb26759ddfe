/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vhost_mdev tracepoints as the BPF tools see them: one id per event,
 * shared by the BPF programs and their loaders.
 */
#ifndef VHM_EVENTS_H
#define VHM_EVENTS_H

enum vhm_event {
	VHM_EV_SET_STATE,
	VHM_EV_KICK,
	VHM_EV_CALL,
	VHM_EV_GET_VRING_BASE,
	VHM_EV_SET_VRING_BASE,
	VHM_EV_FEATURES,
	VHM_EV_CONFIG,
	VHM_EV_DMA_MAP,
	VHM_EV_DMA_UNMAP,
	VHM_EV_ERROR,
	VHM_EV_USED,
	VHM_EV_PROCESS,
	VHM_EV_MAX,
};

#endif /* VHM_EVENTS_H */
