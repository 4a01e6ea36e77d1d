/* ls [-a] [-l] [PATH...]: list directories (sorted) or name files. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int all, longfmt;

static char type_char(mode_t m)
{
	return S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' :
	       S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '-';
}

static void show(const char *path, const char *name)
{
	struct stat st;
	char perm[11], when[32], target[4096];
	ssize_t n;

	if (!longfmt) {
		printf("%s\n", name);
		return;
	}
	if (lstat(path, &st)) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return;
	}
	perm[0] = type_char(st.st_mode);
	for (int i = 0; i < 9; i++)
		perm[1 + i] = st.st_mode & (0400 >> i) ? "rwxrwxrwx"[i] : '-';
	perm[10] = '\0';
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", gmtime(&st.st_mtime));
	printf("%s %2lu %4u %4u %8lld %s %s", perm, (unsigned long)st.st_nlink, st.st_uid,
	       st.st_gid, (long long)st.st_size, when, name);
	if (S_ISLNK(st.st_mode) && (n = readlink(path, target, sizeof(target) - 1)) >= 0) {
		target[n] = '\0';
		printf(" -> %s", target);
	}
	putchar('\n');
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0;

	if (!d) {
		fprintf(stderr, "ls: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' && !all)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(names, cap * sizeof(*names));
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		show(path, names[i]);
		free(names[i]);
	}
	free(names);
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1, ret = 0, nargs;
	struct stat st;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
		for (const char *f = argv[i] + 1; *f; f++) {
			if (*f == 'a')
				all = 1;
			else if (*f == 'l')
				longfmt = 1;
		}
	nargs = argc - i;
	if (nargs == 0)
		return list_dir(".");
	for (; i < argc; i++) {
		if (lstat(argv[i], &st)) {
			fprintf(stderr, "ls: %s: %s\n", argv[i], strerror(errno));
			ret = 1;
		} else if (S_ISDIR(st.st_mode)) {
			if (nargs > 1)
				printf("%s:\n", argv[i]);
			ret |= list_dir(argv[i]);
		} else {
			show(argv[i], argv[i]);
		}
	}
	return ret;
}
