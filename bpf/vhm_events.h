/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vhost_mdev tracepoints as the BPF tools see them: one id per event and
 * per record field, shared by the BPF programs and their loaders.
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
	VHM_EV_CALL_LATENCY,
	VHM_EV_MAX,
};

/* Record fields the fallback programs read (tracefs format names). */
enum vhm_field {
	VHM_F_DEV,
	VHM_F_VQ,
	VHM_F_IDX,
	VHM_F_COUNT,
	VHM_F_VALUE,
	VHM_F_OLD,
	VHM_F_NEW,
	VHM_F_RET,
	VHM_F_FEATURES,
	VHM_F_WRITE,
	VHM_F_OFF,
	VHM_F_LEN,
	VHM_F_IOVA,
	VHM_F_PAGES,
	VHM_F_ERR,
	VHM_F_PUBLISHED,
	VHM_F_KICK_TO_CALL,
	VHM_F_KICK_TO_PROCESS,
	VHM_F_OVERTAKEN,
	VHM_F_UNANSWERED,
	VHM_F_MAX,
};

/*
 * Per-(device, vq) state lives in arrays indexed by slot: devices 0..63
 * (ids are the lowest free, so that many instances at once), vqs 0..7.
 * Events beyond are counted as out of range, not traced.
 */
#define VHM_MAX_DEV	64
#define VHM_MAX_VQ	8

#endif /* VHM_EVENTS_H */
