/* cat [FILE...]: copy the files (or stdin, or "-") to stdout. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int copy(int fd, const char *name)
{
	char buf[8192];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(1, buf + off, n - off);
			if (w < 0) {
				perror("cat: write");
				return 1;
			}
			off += w;
		}
	}
	if (n < 0) {
		fprintf(stderr, "cat: %s: ", name);
		perror("read");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int ret = 0;

	if (argc < 2)
		return copy(0, "stdin");
	for (int i = 1; i < argc; i++) {
		int fd = strcmp(argv[i], "-") ? open(argv[i], O_RDONLY) : 0;

		if (fd < 0) {
			perror(argv[i]);
			ret = 1;
			continue;
		}
		ret |= copy(fd, argv[i]);
		if (fd)
			close(fd);
	}
	return ret;
}
