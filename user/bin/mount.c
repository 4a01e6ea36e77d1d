/*
 * mount: list mounts (/proc/mounts); mount -t TYPE [-o ro] SOURCE DIR;
 * mount -o remount,ro|rw DIR.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static int list(void)
{
	char buf[4096];
	ssize_t n;
	int fd = open("/proc/mounts", O_RDONLY);

	if (fd < 0) {
		perror("mount: /proc/mounts");
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *type = NULL, *opts = "", *args[2];
	unsigned long flags = 0;
	int nargs = 0;

	if (argc == 1)
		return list();
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-t") && i + 1 < argc)
			type = argv[++i];
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			opts = argv[++i];
		else if (nargs < 2)
			args[nargs++] = argv[i];
	}
	if (strstr(opts, "remount"))
		flags |= MS_REMOUNT;
	if (strstr(opts, "ro"))
		flags |= MS_RDONLY;
	if (flags & MS_REMOUNT && nargs == 1) {
		args[1] = args[0];
		args[0] = "none";
		nargs = 2;
	}
	if (nargs != 2) {
		fprintf(stderr, "usage: mount [-t TYPE] [-o OPTS] SOURCE DIR\n");
		return 2;
	}
	if (mount(args[0], args[1], type, flags, NULL)) {
		fprintf(stderr, "mount: %s on %s: %s\n", args[0], args[1], strerror(errno));
		return 1;
	}
	return 0;
}
