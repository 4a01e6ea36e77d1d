/*
 * lsblk [-r]: the block devices, from /proc/partitions, as util-linux's
 * lsblk shows them (NAME MAJ:MIN RM SIZE RO TYPE), each partition under
 * its disk. RO comes from the device (BLKROGET on /dev/NAME; "?" if the
 * node cannot be opened). -r prints /proc/partitions itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define BLKROGET 0x125e

/* "64M", "1.5G": util-linux's style, one decimal under 10. */
static void human(unsigned long long bytes, char *buf, size_t size)
{
	const char *units = "BKMGTPE";
	double v = bytes;
	int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v >= 10 || v == (unsigned long long)v)
		snprintf(buf, size, "%.0f%c", v, units[u]);
	else
		snprintf(buf, size, "%.1f%c", v, units[u]);
}

static const char *read_only(const char *name)
{
	char path[80];
	int fd, ro = 0;

	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return "?";
	if (ioctl(fd, BLKROGET, &ro))
		ro = -1;
	close(fd);
	return ro < 0 ? "?" : ro ? "1" : "0";
}

/* A partition of disk: its name is the disk's, then (maybe "p" and) a number. */
static int is_partition_of(const char *name, const char *disk)
{
	size_t n = strlen(disk);

	if (!disk[0] || strncmp(name, disk, n))
		return 0;
	name += n;
	if (*name == 'p' && name[1] >= '0' && name[1] <= '9')
		name++;
	if (!*name)
		return 0;
	for (; *name; name++)
		if (*name < '0' || *name > '9')
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	FILE *f = fopen("/proc/partitions", "r");
	char line[256], disk[64] = "";
	int raw = argc > 1 && !strcmp(argv[1], "-r");

	if (!f) {
		fprintf(stderr, "lsblk: /proc/partitions: %s\n", strerror(errno));
		return 1;
	}
	if (raw) {
		while (fgets(line, sizeof(line), f))
			fputs(line, stdout);
		return 0;
	}
	printf("%-10s %7s %2s %6s %2s %s\n", "NAME", "MAJ:MIN", "RM", "SIZE", "RO", "TYPE");
	while (fgets(line, sizeof(line), f)) {
		unsigned int major, minor;
		unsigned long long kib;
		char name[64], size[16], majmin[16];
		int part;

		if (sscanf(line, "%u %u %llu %63s", &major, &minor, &kib, name) != 4)
			continue;	/* the header and the blank line */
		part = is_partition_of(name, disk);
		if (!part)
			snprintf(disk, sizeof(disk), "%s", name);
		human(kib * 1024, size, sizeof(size));
		snprintf(majmin, sizeof(majmin), "%u:%u", major, minor);
		printf("%s%-*s %7s %2d %6s %2s %s\n", part ? "`-" : "", part ? 8 : 10, name, majmin, 0,
		       size, read_only(name), part ? "part" : "disk");
	}
	return 0;
}
