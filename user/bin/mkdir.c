/* mkdir [-p] DIR...: make directories (-p: parents too, no error if they exist). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int mkdir_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0777) && errno != EEXIST ? -1 : 0;
}

int main(int argc, char **argv)
{
	int i = 1, parents = 0, ret = 0;

	if (i < argc && !strcmp(argv[i], "-p")) {
		parents = 1;
		i++;
	}
	for (; i < argc; i++) {
		if (parents ? mkdir_parents(argv[i]) : mkdir(argv[i], 0777)) {
			fprintf(stderr, "mkdir: %s: %s\n", argv[i], strerror(errno));
			ret = 1;
		}
	}
	return ret;
}
