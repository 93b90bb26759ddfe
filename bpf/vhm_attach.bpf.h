/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every tool attaches to the vhost_mdev tracepoints twice over: tp_btf
 * (typed arguments, needs the module's BTF) and raw_tp (works without it).
 * The loader keeps one set; VHM_TP defines both around one handler.
 */
#ifndef VHM_ATTACH_BPF_H
#define VHM_ATTACH_BPF_H

#define VHM_TP(name, handler, args...)					\
	SEC("tp_btf/" #name)						\
	int BPF_PROG(btf_##name, args)					\
	{								\
		return handler;						\
	}								\
	SEC("raw_tp/" #name)						\
	int BPF_PROG(raw_##name, args)					\
	{								\
		return handler;						\
	}

#endif /* VHM_ATTACH_BPF_H */
