/* mv SRC DST, mv SRC... DIR: rename (within one file system). */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	struct stat st;
	char target[4096];
	int ret = 0, to_dir;

	if (argc < 3) {
		fprintf(stderr, "usage: mv SRC DST | mv SRC... DIR\n");
		return 2;
	}
	to_dir = !stat(argv[argc - 1], &st) && S_ISDIR(st.st_mode);
	for (int i = 1; i < argc - 1; i++) {
		char copy[4096];

		if (to_dir) {
			snprintf(copy, sizeof(copy), "%s", argv[i]);
			snprintf(target, sizeof(target), "%s/%s", argv[argc - 1], basename(copy));
		} else {
			snprintf(target, sizeof(target), "%s", argv[argc - 1]);
		}
		if (rename(argv[i], target)) {
			fprintf(stderr, "mv: %s -> %s: %s\n", argv[i], target, strerror(errno));
			ret = 1;
		}
	}
	return ret;
}
