// SPDX-License-Identifier: GPL-2.0
/*
 * mtstamp: copies standard input to standard output line by line, each line
 * prefixed with the CLOCK_REALTIME nanoseconds at which it was read, so the
 * benchmark can tell when the reader wrote an event.
 *   cc -O2 -Wall -Wextra -Werror -static mtstamp.c -o mtstamp
 */

#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(void)
{
	char *line = NULL;
	size_t size = 0;
	struct timespec now;

	while (getline(&line, &size, stdin) > 0) {
		clock_gettime(CLOCK_REALTIME, &now);
		printf("%lld %s", (long long)now.tv_sec * 1000000000LL + now.tv_nsec,
		       line);
		fflush(stdout);
	}
	free(line);
	return 0;
}
