/*
 * A workload for the profiler test (tests/integration/profile.sh):
 *
 *   profwork stat N PATH   stat PATH N times (the profile must show stat's path)
 *   profwork hist          print /proc/profile: "hist-step S", then
 *                          "hist INDEX COUNT" for every bucket hit
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int stat_loop(long n, const char *path)
{
	struct stat st;

	for (long i = 0; i < n; i++) {
		if (stat(path, &st)) {
			perror(path);
			return 1;
		}
	}
	return 0;
}

static int hist(void)
{
	FILE *f = fopen("/proc/profile", "r");
	unsigned int w;
	long i = 0;

	if (!f) {
		perror("/proc/profile");
		return 1;
	}
	while (fread(&w, sizeof(w), 1, f) == 1) {
		if (i == 0)
			printf("hist-step %u\n", w);
		else if (w)
			printf("hist %ld %u\n", i - 1, w);
		i++;
	}
	fclose(f);
	printf("hist-words %ld\n", i);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "stat"))
		return stat_loop(atol(argv[2]), argv[3]);
	if (argc == 2 && !strcmp(argv[1], "hist"))
		return hist();
	fprintf(stderr, "usage: profwork stat N PATH | profwork hist\n");
	return 2;
}
