/*
 * memhog [MiB]: as uid 1000 (when run as root), map MiB of anonymous
 * memory (default 4096) and write every page, printing each 64 MiB
 * touched. On a machine with less, it runs out of memory: the OOM killer
 * must choose it and kill it with SIGKILL (tests/integration/contain.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 4096, len = mib << 20;
	char *p;

	if (getuid() == 0 && (setgid(1000) || setuid(1000))) {
		perror("memhog: setuid");
		return 2;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (p == MAP_FAILED) {
		perror("memhog: mmap");
		return 2;
	}
	for (size_t off = 0; off < len; off += 4096) {
		p[off] = 1;
		if (off && !(off & ((64UL << 20) - 1))) {
			printf("memhog: %zu MiB\n", off >> 20);
			fflush(stdout);
		}
	}
	printf("memhog: all %zu MiB touched\n", mib);
	return 0;
}
