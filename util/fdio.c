#include "util/fdio.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

int fd_write_all(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n > 0) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		assert((size_t)r <= n); /* write never says more than it was given */
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int fd_read_all(int fd, void *buf, size_t n, size_t *got)
{
	uint8_t *p = buf;

	*got = 0;
	while (*got < n) {
		ssize_t r = read(fd, p + *got, n - *got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? 0 : -1;
		*got += (size_t)r;
		assert(*got <= n);
	}
	return 0;
}
