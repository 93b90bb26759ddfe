/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log-linear histogram shared by BPF programs and loaders: each power of two
 * is split in VHM_HIST_SUB linear sub-buckets, so percentiles are good to
 * about 1/VHM_HIST_SUB of the value (a plain log2 histogram is only good to
 * a factor of 2). Values below VHM_HIST_SUB get a bucket each.
 */
#ifndef VHM_HIST_H
#define VHM_HIST_H

#define VHM_HIST_SUB_BITS	2
#define VHM_HIST_SUB		(1 << VHM_HIST_SUB_BITS)
#define VHM_HIST_SLOTS		(64 * VHM_HIST_SUB)

struct vhm_hist {
	__u64 slots[VHM_HIST_SLOTS];
	__u64 count;
	__u64 sum;
	__u64 min;
	__u64 max;
};

/* floor(log2(v)) for v > 0, without clz: BPF has no such instruction. */
static inline unsigned int vhm_log2(__u64 v)
{
	unsigned int r = 0, shift;

	shift = (v > 0xffffffffULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

/* Bucket of v: exponent in the high bits, next bits below the top one. */
static inline unsigned int vhm_hist_slot(__u64 v)
{
	unsigned int log2 = vhm_log2(v);

	if (v < VHM_HIST_SUB)
		return v;
	return (log2 << VHM_HIST_SUB_BITS) |
	       ((v >> (log2 - VHM_HIST_SUB_BITS)) & (VHM_HIST_SUB - 1));
}

/* Smallest value of a bucket: the inverse of vhm_hist_slot(). */
static inline __u64 vhm_hist_slot_low(unsigned int slot)
{
	unsigned int log2 = slot >> VHM_HIST_SUB_BITS;
	__u64 sub = slot & (VHM_HIST_SUB - 1);

	if (slot < VHM_HIST_SUB)
		return slot;
	/* Slots between the direct buckets and the first log-linear one. */
	if (log2 < VHM_HIST_SUB_BITS)
		return VHM_HIST_SUB;
	return (1ULL << log2) | (sub << (log2 - VHM_HIST_SUB_BITS));
}

#endif /* VHM_HIST_H */
