/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For host tests of the project's scripts: the repository's top and a
 * shell runner.
 */
#ifndef SCRIPT_TEST_H
#define SCRIPT_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

/* The repository's top: $VHM_TOP, else the working folder; "" if unknown. */
static char top[4096];

static inline void find_top(void)
{
	const char *t = getenv("VHM_TOP");

	if (t)
		snprintf(top, sizeof(top), "%s", t);
	else if (!getcwd(top, sizeof(top)))
		top[0] = 0;
}

/* Runs a shell command line; its exit status, -1 on a signal. */
static inline int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif /* SCRIPT_TEST_H */
