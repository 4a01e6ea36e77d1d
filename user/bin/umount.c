/* umount [-l] DIR: unmount (-l: lazily, MNT_DETACH). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

int main(int argc, char **argv)
{
	int i = 1, flags = 0;

	if (i < argc && !strcmp(argv[i], "-l")) {
		flags = MNT_DETACH;
		i++;
	}
	if (i + 1 != argc) {
		fprintf(stderr, "usage: umount [-l] DIR\n");
		return 2;
	}
	if (umount2(argv[i], flags)) {
		fprintf(stderr, "umount: %s: %s\n", argv[i], strerror(errno));
		return 1;
	}
	return 0;
}
