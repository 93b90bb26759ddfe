// SPDX-License-Identifier: GPL-2.0
/* Option table to argp. See opts.h. */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"

int vhm_parse_uint_list(const char *s, struct vhm_uint_list *list)
{
	char *end;

	list->n = 0;
	while (*s) {
		unsigned long v = strtoul(s, &end, 0);

		if (end == s || (*end && *end != ',') || list->n == VHM_LIST_MAX ||
		    v > 0xffffffffu)
			return -EINVAL;
		list->v[list->n++] = (unsigned int)v;
		s = *end ? end + 1 : end;
	}
	return list->n ? 0 : -EINVAL;
}

static int vhm_opt_set(const struct vhm_opt *o, const char *arg)
{
	char *end = NULL;

	switch (o->type) {
	case VHM_OPT_UINT: {
		unsigned long v;

		errno = 0;
		v = strtoul(arg, &end, 0);
		if (errno || *end || v > 0xffffffffu || arg[0] == '-')
			return -EINVAL;
		*(unsigned int *)o->value = (unsigned int)v;
		return 0;
	}
	case VHM_OPT_INT: {
		long v;

		errno = 0;
		v = strtol(arg, &end, 0);
		if (errno || *end || v < -0x7fffffffL || v > 0x7fffffffL)
			return -EINVAL;
		*(int *)o->value = (int)v;
		return 0;
	}
	case VHM_OPT_DOUBLE:
		errno = 0;
		*(double *)o->value = strtod(arg, &end);
		return errno || *end ? -EINVAL : 0;
	case VHM_OPT_STR:
		*(const char **)o->value = arg;
		return 0;
	case VHM_OPT_FLAG:
		*(bool *)o->value = !strcmp(arg, "1") || !strcmp(arg, "true");
		return 0;
	case VHM_OPT_LIST:
		return vhm_parse_uint_list(arg, o->value);
	}
	return -EINVAL;
}

struct vhm_opts_state {
	const struct vhm_opt *opts;
};

static error_t vhm_opts_parser(int key, char *arg, struct argp_state *state)
{
	const struct vhm_opts_state *s = state->input;

	for (const struct vhm_opt *o = s->opts; o->name; o++) {
		if (o->key != key)
			continue;
		if (vhm_opt_set(o, o->type == VHM_OPT_FLAG ? "1" : arg))
			argp_error(state, "bad value '%s' for --%s", arg, o->name);
		return 0;
	}
	if (key == ARGP_KEY_ARG)
		argp_error(state, "unexpected argument '%s'", arg);
	return ARGP_ERR_UNKNOWN;
}

int vhm_opts_parse(const struct vhm_opt *opts, int argc, char **argv,
		   const char *doc)
{
	struct vhm_opts_state state = { .opts = opts };
	struct argp_option *aopts;
	char **helps;
	size_t n = 0;
	int err;

	while (opts[n].name)
		n++;
	aopts = calloc(n + 1, sizeof(*aopts));
	helps = calloc(n + 1, sizeof(*helps));
	if (!aopts || !helps) {
		free(aopts);
		free(helps);
		return -ENOMEM;
	}

	for (size_t i = 0; i < n; i++) {
		const struct vhm_opt *o = &opts[i];

		if (o->def && vhm_opt_set(o, o->def)) {
			fprintf(stderr, "bad built-in default '%s' of --%s\n",
				o->def, o->name);
			abort();
		}
		if (o->def && o->def[0] && o->type != VHM_OPT_FLAG &&
		    asprintf(&helps[i], "%s (default: %s)", o->help,
			     o->def) < 0)
			helps[i] = NULL;
		aopts[i] = (struct argp_option){
			.name = o->name,
			.key = o->key,
			.arg = o->type == VHM_OPT_FLAG ? NULL : o->arg,
			.doc = helps[i] ? helps[i] : o->help,
		};
	}

	struct argp argp = {
		.options = aopts,
		.parser = vhm_opts_parser,
		.doc = doc,
	};
	err = argp_parse(&argp, argc, argv, 0, NULL, &state);
	/* argp keeps no pointers into aopts after parsing. */
	for (size_t i = 0; i < n; i++)
		free(helps[i]);
	free(helps);
	free(aopts);
	return err ? -err : 0;
}
