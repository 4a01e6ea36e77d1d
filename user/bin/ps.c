/* ps: every process from /proc/<pid>/stat: PID, parent, state, command. */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmp_pid(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void show(int pid)
{
	char path[64], buf[1024], *open_paren, *close_paren, state = '?';
	int fd, ppid = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;		/* gone meanwhile */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* "pid (comm) S ppid ...": comm may hold spaces and parentheses. */
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return;
	*close_paren = '\0';
	sscanf(close_paren + 1, " %c %d", &state, &ppid);
	printf("%5d %5d %c %s\n", pid, ppid, state, open_paren + 1);
}

int main(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int pids[4096], n = 0;

	if (!d) {
		perror("ps: /proc");
		return 1;
	}
	while ((e = readdir(d)) && n < 4096)
		if (isdigit((unsigned char)e->d_name[0]))
			pids[n++] = atoi(e->d_name);
	closedir(d);
	qsort(pids, n, sizeof(int), cmp_pid);
	printf("  PID  PPID S COMMAND\n");
	for (int i = 0; i < n; i++)
		show(pids[i]);
	return 0;
}
