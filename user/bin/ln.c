/* ln [-s] TARGET NAME: a hard link, or with -s a symbolic link. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int i = 1, sym = 0;

	if (i < argc && !strcmp(argv[i], "-s")) {
		sym = 1;
		i++;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: ln [-s] TARGET NAME\n");
		return 2;
	}
	if ((sym ? symlink : link)(argv[i], argv[i + 1])) {
		fprintf(stderr, "ln: %s -> %s: %s\n", argv[i + 1], argv[i], strerror(errno));
		return 1;
	}
	return 0;
}
