/* cp SRC DST, cp SRC... DIR: copy regular files (mode kept). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy_file(const char *src, const char *dst)
{
	char buf[8192];
	struct stat st;
	ssize_t n;
	int in, out, ret = 0;

	in = open(src, O_RDONLY);
	if (in < 0 || fstat(in, &st)) {
		fprintf(stderr, "cp: %s: %s\n", src, strerror(errno));
		return 1;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 07777);
	if (out < 0) {
		fprintf(stderr, "cp: %s: %s\n", dst, strerror(errno));
		close(in);
		return 1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			n = -1;
			break;
		}
	if (n < 0) {
		fprintf(stderr, "cp: %s -> %s: %s\n", src, dst, strerror(errno));
		ret = 1;
	}
	close(in);
	if (close(out))
		ret = 1;
	return ret;
}

int main(int argc, char **argv)
{
	struct stat st;
	char target[4096], copy[4096];
	int ret = 0, to_dir;

	if (argc < 3) {
		fprintf(stderr, "usage: cp SRC DST | cp SRC... DIR\n");
		return 2;
	}
	to_dir = !stat(argv[argc - 1], &st) && S_ISDIR(st.st_mode);
	for (int i = 1; i < argc - 1; i++) {
		snprintf(copy, sizeof(copy), "%s", argv[i]);
		if (to_dir)
			snprintf(target, sizeof(target), "%s/%s", argv[argc - 1], basename(copy));
		else
			snprintf(target, sizeof(target), "%s", argv[argc - 1]);
		ret |= copy_file(argv[i], target);
	}
	return ret;
}
