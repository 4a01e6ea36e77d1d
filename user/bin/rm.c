/* rm [-r] [-f] FILE...: remove files (-r: directories and their contents). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int recursive, force;

static int remove_path(const char *path)
{
	struct stat st;

	if (lstat(path, &st)) {
		if (force && errno == ENOENT)
			return 0;
		fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (S_ISDIR(st.st_mode) && recursive) {
		DIR *d = opendir(path);
		struct dirent *e;
		char sub[4096];
		int ret = 0;

		if (!d) {
			fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
			return 1;
		}
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			ret |= remove_path(sub);
		}
		closedir(d);
		if (rmdir(path)) {
			fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
			return 1;
		}
		return ret;
	}
	if (unlink(path)) {
		fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1, ret = 0;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
		for (const char *f = argv[i] + 1; *f; f++) {
			if (*f == 'r' || *f == 'R')
				recursive = 1;
			else if (*f == 'f')
				force = 1;
		}
	for (; i < argc; i++)
		ret |= remove_path(argv[i]);
	return ret;
}
