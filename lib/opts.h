/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line options as data: one table row per option (name, help,
 * default, where the value goes). argp's option vector and --help are
 * generated from it, and the documented default is the value used.
 */
#ifndef VHM_OPTS_H
#define VHM_OPTS_H

#include <stdbool.h>

enum vhm_opt_type {
	VHM_OPT_UINT,		/* unsigned int */
	VHM_OPT_INT,		/* int */
	VHM_OPT_DOUBLE,		/* double */
	VHM_OPT_STR,		/* const char * */
	VHM_OPT_FLAG,		/* bool, no argument */
	VHM_OPT_LIST,		/* struct vhm_uint_list: "1,2,4" */
};

#define VHM_LIST_MAX	32

struct vhm_uint_list {
	unsigned int n;
	unsigned int v[VHM_LIST_MAX];
};

struct vhm_opt {
	const char *name;	/* long option */
	int key;		/* short option character, or a value > 255 */
	const char *arg;	/* argument name, NULL for flags */
	enum vhm_opt_type type;
	void *value;
	const char *def;	/* default, parsed like the argument; NULL: none */
	const char *help;
};

/*
 * Apply the defaults, then parse argv. doc is argp's documentation string
 * (text, then '\v', then the examples printed after the options). Exits
 * with a message naming the option on a bad value.
 */
int vhm_opts_parse(const struct vhm_opt *opts, int argc, char **argv,
		   const char *doc);

/* Parse "1,2,4" into list; 0 or -EINVAL. */
int vhm_parse_uint_list(const char *s, struct vhm_uint_list *list);

#endif /* VHM_OPTS_H */
