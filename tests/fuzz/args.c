/*
 * The fuzzer's arguments: the pools a call draws from (descriptors of each
 * kind, paths, memory at fixed addresses) and one generator per argument
 * type (fuzz.h). Generators only read the random stream, so describing a
 * call (printing) and making it (in the child) give the same values.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fuzz.h"

/* ---------------------------------------------------------------- paths */

static char long_name[300];	/* one component longer than NAME_MAX */
static char long_path[4200];	/* longer than PATH_MAX */
static char dotdots[200];	/* ../ forty times, then file_rw */

static const char *const paths[] = {
	"/file_rw", "/file_ro", "/file_empty", "/dir", "/dir/sub", "/dir/file", "/newfile", "/newdir",
	"/nonexistent/x", "", "/", ".", "..", "/link", "/loop1", "/dangling", "/file_rw/x", "/dir/",
	"/file_rw/", "/fifo", "/dev/null", "/dev/zero", "/proc/self/status", "/proc/self/fd/3",
	"/proc/self/exe", "/proc/self/maps", "/proc/1/status", "/proc/self/cwd/file_rw", "/proc/self/root",
	"/proc", "/exe_garbage", "/exe_script", "/exe_elfhdr", "/mnt", "//file_rw", "file_rw", "dir/sub",
	"/dir/../dir/./sub", "/chain0", "/proc/self/fd", "/dir/sub/deep", "/newlink", "/dir/newfile",
	long_name, long_path, dotdots,
};
#define NR_PATHS (sizeof(paths) / sizeof(paths[0]))

/* ---------------------------------------------------------------- descriptors */

/*
 * The pool, opened in this order after fds 0-2 (/dev/null) so every child
 * has the same numbers: [3] /file_rw ... [FD_LAST]. A slot whose open
 * failed is a closed descriptor, which is a kind too.
 */
static const struct {
	const char *path;
	int flags;
	const char *what;
} fd_pool[] = {
	{ "/file_rw", O_RDWR, "file" },
	{ "/file_ro", O_RDONLY, "file-ro" },
	{ "/", O_RDONLY | O_DIRECTORY, "dir-root" },
	{ NULL, 0, "pipe-r" },		/* a pipe: read end */
	{ NULL, 1, "pipe-w" },		/* and write end */
	{ "/dev/null", O_RDWR, "null" },
	{ "/dev/zero", O_RDWR, "zero" },
	{ "/proc/self/status", O_RDONLY, "proc-status" },
	{ "/proc", O_RDONLY | O_DIRECTORY, "dir-proc" },
	{ "/file_append", O_WRONLY | O_APPEND, "file-append" },
	{ "/link", O_PATH | O_NOFOLLOW, "opath-link" },
	{ "/dev/urandom", O_RDONLY, "urandom" },
	{ "/fifo", O_RDWR | O_NONBLOCK, "fifo" },
	{ "/file_direct", O_RDWR | O_DIRECT, "file-direct" },
	{ "/proc/self/maps", O_RDONLY, "proc-maps" },
	{ "/dev/full", O_RDWR, "full" },
	{ "/dir", O_RDONLY | O_DIRECTORY, "dir" },
	{ "/file_empty", O_RDWR | O_TRUNC, "file-empty" },
};
#define NR_POOL_FDS (sizeof(fd_pool) / sizeof(fd_pool[0]))
#define FD_FIRST 3

void pool_open_fds(void)
{
	int p[2] = { -1, -1 };

	for (unsigned int i = 0; i < NR_POOL_FDS; i++) {
		int want = FD_FIRST + (int)i, fd;

		if (!fd_pool[i].path && fd_pool[i].flags == 0) {
			if (pipe2(p, O_NONBLOCK) == 0) {
				dup2(p[0], want);
				if (p[0] != want)
					close(p[0]);
				(void)!write(p[1], "fuzz", 4);
			}
			continue;
		}
		if (!fd_pool[i].path) {
			if (p[1] >= 0) {
				dup2(p[1], want);
				if (p[1] != want)
					close(p[1]);
			}
			continue;
		}
		fd = open(fd_pool[i].path, fd_pool[i].flags, 0644);
		if (fd < 0 && (fd_pool[i].flags & O_DIRECT))
			fd = open(fd_pool[i].path, fd_pool[i].flags & ~O_DIRECT);
		if (fd >= 0 && fd != want) {
			dup2(fd, want);
			close(fd);
		}
	}
}

/* ---------------------------------------------------------------- memory */

static void map_at(unsigned long addr, unsigned long len, int prot, int flags, int fd)
{
	mmap((void *)addr, len, prot, flags | MAP_FIXED, fd, 0);
}

void pool_setup_memory(void)
{
	int fd;

	map_at(POOL_ARGS, 6 * POOL_ARG_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	map_at(POOL_RO, 0x1000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset((void *)POOL_RO, 'A', 0x1000);
	mprotect((void *)POOL_RO, 0x1000, PROT_READ);
	map_at(POOL_NONE, 0x1000, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	map_at(POOL_EDGE, 0x1000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	map_at(POOL_BIG, POOL_BIG_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	fd = open("/file_rw", O_RDWR);
	if (fd >= 0) {
		map_at(POOL_FILEMAP, 0x2000, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
		close(fd);
	}
}

/* ---------------------------------------------------------------- files */

static int put_file(const char *path, const void *data, size_t len, int mode, int uid)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0)
		return -1;
	if (len && write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	close(fd);
	chmod(path, mode);
	return chown(path, uid, uid);
}

/*
 * The jail's contents, made as root in a fresh tmpfs before the child
 * drops to its uid: files it owns and files root owns, links that loop,
 * a FIFO, devices, /proc, and executables that are not programs.
 */
int pool_setup_files(int uid, uint64_t seed, char *err, unsigned long errsize)
{
	static char junk[8192];
	struct rng r = { seed };
	static const unsigned char elfhdr[64] = {
		0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		2, 0, 0x3e, 0, 1, 0, 0, 0, 0x00, 0x10, 0x40, 0, 0, 0, 0, 0,
		0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0x40, 0, 0x38, 0, 0xff, 0xff, 0x40, 0, 0, 0, 0, 0,
	};
	static const struct { const char *name; int major, minor; } devs[] = {
		{ "/dev/null", 1, 3 }, { "/dev/zero", 1, 5 }, { "/dev/full", 1, 7 }, { "/dev/urandom", 1, 9 },
	};

	memset(long_name, 'n', sizeof(long_name) - 1);
	for (size_t i = 0; i + 2 < sizeof(long_path); i += 2)
		memcpy(long_path + i, "a/", 2);
	long_path[sizeof(long_path) - 1] = 0;
	dotdots[0] = 0;
	for (int i = 0; i < 40; i++)
		strcat(dotdots, "../");
	strcat(dotdots, "file_rw");
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)rnd(&r);

#define CHECK(x) do { if ((x) < 0) { snprintf(err, errsize, "%s: %m", #x); return -1; } } while (0)
	CHECK(mkdir("/proc", 0555));
	CHECK(mount("proc", "/proc", "proc", 0, NULL));
	CHECK(mkdir("/dev", 0755));
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
		CHECK(mknod(devs[i].name, S_IFCHR | 0666, makedev(devs[i].major, devs[i].minor)));
	CHECK(put_file("/file_rw", junk, sizeof(junk), 0644, uid));
	CHECK(put_file("/file_ro", junk, 100, 0644, 0));
	CHECK(put_file("/file_empty", NULL, 0, 0666, uid));
	CHECK(put_file("/file_append", "x", 1, 0600, uid));
	CHECK(put_file("/file_direct", junk, 4096, 0600, uid));
	CHECK(put_file("/exe_garbage", junk + 100, 512, 0755, uid));
	CHECK(put_file("/exe_script", "#!/exe_script\n", 14, 0755, uid));
	CHECK(put_file("/exe_elfhdr", elfhdr, sizeof(elfhdr), 0755, uid));
	CHECK(mkdir("/dir", 0777));
	CHECK(mkdir("/dir/sub", 0777));
	CHECK(mkdir("/dir/sub/deep", 0700));
	CHECK(mkdir("/mnt", 0755));
	CHECK(put_file("/dir/file", junk, 10, 0666, uid));
	CHECK(symlink("/file_rw", "/link"));
	CHECK(symlink("/loop2", "/loop1"));
	CHECK(symlink("/loop1", "/loop2"));
	CHECK(symlink("/nowhere", "/dangling"));
	for (int i = 0; i < 45; i++) {	/* longer than the 40 links Linux follows */
		char from[16], to[16];

		snprintf(from, sizeof(from), "/chain%d", i);
		snprintf(to, sizeof(to), i == 44 ? "/file_rw" : "/chain%d", i + 1);
		CHECK(symlink(to, from));
	}
	CHECK(mkfifo("/fifo", 0666));
	CHECK(chown("/fifo", uid, uid));
	CHECK(chown("/dir", uid, uid));
	CHECK(chown("/dir/sub", uid, uid));
	CHECK(chmod("/", 0777));
#undef CHECK
	return 0;
}

/* ---------------------------------------------------------------- generators */

static const uint64_t edges[] = {
	0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 511, 512, 1023, 1024,
	4095, 4096, 4097, 8191, 8192, 65535, 65536, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
	0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, ~0ULL - 4095, 1ULL << 62, 1ULL << 40,
	(uint64_t)-4096, (uint64_t)-1 - 1, 0xffffffff80000000ULL,
};
#define NR_EDGES (sizeof(edges) / sizeof(edges[0]))

static uint64_t gen_rand(struct rng *r)
{
	switch (rnd_below(r, 6)) {
	case 0: return rnd_below(r, 16);
	case 1: return edges[rnd_below(r, NR_EDGES)];
	case 2: return rnd(r);
	case 3: return rnd(r) & 0xffffffff;
	case 4: return POOL_ARGS + rnd_below(r, 6 * POOL_ARG_SIZE);
	default: return rnd_below(r, 4096);
	}
}

/* A pointer into argument slot i's two pages, or a bad one. */
static uint64_t gen_ptr(struct rng *r, int slot, unsigned long want, char *note)
{
	uint64_t base = POOL_ARGS + (uint64_t)slot * POOL_ARG_SIZE;

	switch (rnd_below(r, 20)) {
	case 0: strcpy(note, "NULL"); return 0;
	case 1: strcpy(note, "read-only"); return POOL_RO + rnd_below(r, 64);
	case 2: strcpy(note, "PROT_NONE"); return POOL_NONE;
	case 3: strcpy(note, "unmapped"); return POOL_HOLE + rnd_below(r, 4096);
	case 4: strcpy(note, "page-end"); return POOL_EDGE + 4096 - 1 - rnd_below(r, 64);
	case 5: {
		static const uint64_t kern[] = {
			0xffffffff80000000ULL, 0xffffffff80100000ULL, 0xffff888000000000ULL,
			0xffff800000000000ULL, 0xffffffffff600000ULL, 0xfffffffffffff000ULL,
		};
		strcpy(note, "kernel");
		return kern[rnd_below(r, sizeof(kern) / sizeof(kern[0]))];
	}
	case 6: strcpy(note, "non-canonical"); return one_in(r, 2) ? 0x0000800000000000ULL : 0x8000000000000000ULL;
	case 7: strcpy(note, "big"); return POOL_BIG + rnd_below(r, 64);
	case 8: strcpy(note, "misaligned"); return base + 1 + rnd_below(r, 7);
	case 9: strcpy(note, "shared-file"); return POOL_FILEMAP + rnd_below(r, 2) * 4096;
	default:
		strcpy(note, "buf");
		return base + (want >= POOL_ARG_SIZE ? 0 : rnd_below(r, (POOL_ARG_SIZE - want) / 8) * 8);
	}
}

static void fill(struct rng *r, const struct genctx *g, uint64_t p, unsigned long n)
{
	/* Only into our own rw slots; the random stream advances either way. */
	for (unsigned long i = 0; i < n; i += 8) {
		uint64_t v = one_in(r, 3) ? gen_rand(r) : rnd(r);

		if (g->live && p >= POOL_ARGS && p + i + 8 <= POOL_ARGS + 6 * POOL_ARG_SIZE)
			memcpy((void *)(p + i), &v, 8);
	}
}

static uint64_t gen_path(struct rng *r, const struct genctx *g, int slot, char *note)
{
	uint64_t p = POOL_ARGS + (uint64_t)slot * POOL_ARG_SIZE;
	const char *s;

	if (one_in(r, 12))
		return gen_ptr(r, slot, 0, note);
	s = paths[rnd_below(r, NR_PATHS)];
	if (s == long_path)
		strcpy(note, "\"a/a/a/...\" (4199 bytes)");
	else if (s == long_name)
		strcpy(note, "\"nnn...\" (299 bytes)");
	else
		snprintf(note, 72, "\"%.60s\"", s);
	if (g->live)
		strcpy((char *)p, s);
	return p;
}

static uint64_t gen_flags(struct rng *r, const struct argdesc *a)
{
	uint64_t v = 0;

	if (one_in(r, 25))
		return rnd(r);
	for (unsigned int i = 0; i < a->nvals; i++)
		if (one_in(r, 3))
			v |= a->vals[i];
	if (one_in(r, 8))
		v |= 1ULL << rnd_below(r, 64);
	return v;
}

static uint64_t gen_fd(struct rng *r, char *note)
{
	static const int bad[] = { -1, -100, 1023, 1024, 65536, 0x7fffffff, -2147483647 - 1, 200 };
	uint64_t k = rnd_below(r, 20);

	if (k < 14) {
		unsigned int i = (unsigned int)rnd_below(r, NR_POOL_FDS);

		snprintf(note, 72, "fd:%s", fd_pool[i].what);
		return FD_FIRST + i;
	}
	if (k < 15) {
		strcpy(note, "fd:stdio");
		return rnd_below(r, 3);
	}
	strcpy(note, "fd:bad");
	return (uint64_t)(int64_t)bad[rnd_below(r, sizeof(bad) / sizeof(bad[0]))];
}

static uint64_t gen_len(struct rng *r)
{
	if (one_in(r, 3))
		return rnd_below(r, 256);
	if (one_in(r, 2))
		return edges[rnd_below(r, NR_EDGES)];
	return rnd_below(r, 2 * 4096 + 1);
}

static uint64_t gen_off(struct rng *r)
{
	static const uint64_t offs[] = {
		0, 1, 4095, 4096, 8192, 0x7fffffffffffffffULL, 0x7fffffffffffffffULL - 4095,
		1ULL << 62, 1ULL << 40, 1ULL << 31, 1ULL << 32, (uint64_t)-1, (uint64_t)-4096,
	};

	if (one_in(r, 2))
		return rnd_below(r, 16384);
	return offs[rnd_below(r, sizeof(offs) / sizeof(offs[0]))];
}

static uint64_t gen_pid(struct rng *r, const struct genctx *g, char *note)
{
	switch (rnd_below(r, 8)) {
	case 0: strcpy(note, "pid:0"); return 0;
	case 1:
		/* Root's signal to init is a request: SIGTERM reboots, SIGUSR1/2 halt and power off. */
		if (g->uid != 0) {
			strcpy(note, "pid:init");
			return 1;
		}
		/* fall through */
	case 2: strcpy(note, "pid:nobody"); return 4194303;
	case 3: strcpy(note, "pid:INT_MIN"); return (uint64_t)(int64_t)(-2147483647 - 1);
	case 4:
		/* Root's -1 would be every process but init: the fuzzer itself. */
		if (g->uid != 0) {
			strcpy(note, "pid:-1");
			return (uint64_t)-1;
		}
		/* fall through */
	case 5:
		strcpy(note, "pid:-self");
		return g->live ? (uint64_t)(int64_t)-g->pid : 0;
	default:
		strcpy(note, "pid:self");
		return g->live ? (uint64_t)g->pid : 0;
	}
}

static uint64_t gen_sig(struct rng *r)
{
	static const uint64_t common[] = { 0, 9, 19, 18, 14, 17, 11, 10, 12, 1, 15, 20, 21, 22, 32, 33, 34, 64, 65 };

	if (one_in(r, 10))
		return rnd(r) & 0xffffffff;
	if (one_in(r, 2))
		return common[rnd_below(r, sizeof(common) / sizeof(common[0]))];
	return rnd_below(r, 66);
}

static uint64_t gen_uid(struct rng *r)
{
	static const uint64_t ids[] = { 0, 1000, 1001, 65534, 0xffffffff, 0xfffffffe, 0x7fffffff };

	return one_in(r, 8) ? rnd(r) & 0xffffffff : ids[rnd_below(r, sizeof(ids) / sizeof(ids[0]))];
}

static uint64_t gen_timespec(struct rng *r, const struct genctx *g, int slot, char *note)
{
	uint64_t p = POOL_ARGS + (uint64_t)slot * POOL_ARG_SIZE + 0x1800;
	int64_t ts[2];

	if (one_in(r, 8))
		return gen_ptr(r, slot, 16, note);
	switch (rnd_below(r, 6)) {
	case 0: ts[0] = 0; ts[1] = 0; break;
	case 1: ts[0] = 0; ts[1] = 1000 + (int64_t)rnd_below(r, 1000000); break;
	case 2: ts[0] = -1; ts[1] = 0; break;
	case 3: ts[0] = 0; ts[1] = 1000000000; break;
	case 4: ts[0] = 0; ts[1] = -1; break;
	default: ts[0] = (int64_t)rnd_below(r, 3); ts[1] = (int64_t)rnd_below(r, 1000); break;
	}
	snprintf(note, 72, "{%lld, %lld}", (long long)ts[0], (long long)ts[1]);
	if (g->live)
		memcpy((void *)p, ts, sizeof(ts));
	return p;
}

/* iovecs: entries pointing at the big area or a bad pointer, short lengths. */
static uint64_t gen_iovec(struct rng *r, const struct genctx *g, int slot, char *note)
{
	uint64_t p = POOL_ARGS + (uint64_t)slot * POOL_ARG_SIZE;

	if (one_in(r, 10))
		return gen_ptr(r, slot, 16, note);
	strcpy(note, "iovec[]");
	for (int i = 0; i < 64; i++) {
		char dummy[72];
		uint64_t base = one_in(r, 6) ? gen_ptr(r, 5 - (slot % 6), 0, dummy) : POOL_BIG + rnd_below(r, 4096);
		uint64_t len = one_in(r, 8) ? edges[rnd_below(r, NR_EDGES)] : rnd_below(r, 4096);

		if (g->live) {
			memcpy((void *)(p + 16 * i), &base, 8);
			memcpy((void *)(p + 16 * i + 8), &len, 8);
		}
	}
	return p;
}

static uint64_t gen_mmap_addr(struct rng *r, int slot, char *note)
{
	if (one_in(r, 6))
		return gen_ptr(r, slot, 0, note);
	strcpy(note, "mmap-area");
	return POOL_MMAP + rnd_below(r, POOL_MMAP_SIZE / 4096) * 4096 + (one_in(r, 20) ? rnd_below(r, 4096) : 0);
}

static uint64_t gen_argv(struct rng *r, const struct genctx *g, int slot, char *note)
{
	uint64_t p = POOL_ARGS + (uint64_t)slot * POOL_ARG_SIZE;
	unsigned int n = (unsigned int)rnd_below(r, 8);
	uint64_t v;

	if (one_in(r, 6))
		return gen_ptr(r, slot, 64, note);
	snprintf(note, 72, "argv[%u]", n);
	for (unsigned int i = 0; i <= n; i++) {
		if (i == n)
			v = one_in(r, 10) ? POOL_RO : 0;	/* sometimes never ended */
		else if (one_in(r, 5))
			v = gen_ptr(r, slot, 0, note + 40);
		else
			v = p + 0x1000 + 16 * i;
		if (g->live) {
			memcpy((void *)(p + 8 * i), &v, 8);
			memcpy((void *)(p + 0x1000 + 16 * i), "fuzzarg", 8);
		}
	}
	return p;
}

static uint64_t gen_string(struct rng *r, const struct genctx *g, const struct argdesc *a, int slot, char *note)
{
	uint64_t p = POOL_ARGS + (uint64_t)slot * POOL_ARG_SIZE;
	const char *s;

	if (one_in(r, 10))
		return gen_ptr(r, slot, 0, note);
	s = a->strs[rnd_below(r, a->nvals)];
	snprintf(note, 72, "\"%.60s\"", s);
	if (g->live)
		strcpy((char *)p, s);
	return p;
}

/*
 * clone's flags: any. The new task leaves with exit(0) right after the
 * syscall instruction, touching no memory (fuzz.c), so even CLONE_VM is
 * safe; gen_call gives it a stack of its own for a signal that might
 * arrive first.
 */
static const uint64_t clone_bits[] = {
	0x100, 0x200, 0x400, 0x800, 0x1000, 0x2000, 0x4000, 0x8000, 0x10000, 0x20000, 0x40000,
	0x80000, 0x100000, 0x200000, 0x400000, 0x800000, 0x1000000, 0x2000000, 0x4000000,
	0x8000000, 0x10000000, 0x20000000, 0x40000000, 0x80000000ULL, 0x100000000ULL,
};

static uint64_t gen_clone_flags(struct rng *r)
{
	uint64_t f = one_in(r, 3) ? 17 : rnd_below(r, 70);	/* exit signal */

	for (unsigned int i = 0; i < sizeof(clone_bits) / sizeof(clone_bits[0]); i++)
		if (one_in(r, 6))
			f |= clone_bits[i];
	return f;
}

static uint64_t gen_clone_args(struct rng *r, const struct genctx *g, int slot, char *note)
{
	uint64_t p = POOL_ARGS + (uint64_t)slot * POOL_ARG_SIZE;
	uint64_t ca[11];
	char dummy[72];

	if (one_in(r, 10))
		return gen_ptr(r, slot, 88, note);
	ca[0] = gen_clone_flags(r) & ~0xffULL;
	ca[1] = gen_ptr(r, 5 - (slot % 6), 0, dummy);	/* pidfd */
	ca[2] = gen_ptr(r, 5 - (slot % 6), 0, dummy);	/* child_tid */
	ca[3] = gen_ptr(r, 5 - (slot % 6), 0, dummy);	/* parent_tid */
	ca[4] = one_in(r, 2) ? 17 : rnd_below(r, 70);	/* exit_signal */
	/* The new task leaves at once (fuzz.c), but a signal could land on its stack first. */
	ca[5] = (ca[0] & 0x100) || one_in(r, 2) ? POOL_BIG : 0;	/* stack */
	ca[6] = ca[5] ? POOL_BIG_SIZE : 0;		/* stack_size */
	ca[7] = rnd(r);					/* tls */
	ca[8] = 0;					/* set_tid */
	ca[9] = 0;
	ca[10] = one_in(r, 10) ? rnd(r) : 0;		/* cgroup */
	snprintf(note, 72, "{flags=%#llx, exit_signal=%llu}", (unsigned long long)ca[0], (unsigned long long)ca[4]);
	if (g->live)
		memcpy((void *)p, ca, sizeof(ca));
	return p;
}

static uint64_t gen_mknod_dev(struct rng *r, const struct genctx *g)
{
	/* Root could make a node for the console or a disk and write noise to it: not a bug. */
	if (g->uid == 0)
		return one_in(r, 2) ? 0 : makedev(1, 3 + 2 * rnd_below(r, 3));
	return one_in(r, 2) ? rnd(r) & 0xffffffff : makedev(rnd_below(r, 256), rnd_below(r, 256));
}

static uint64_t gen_one(struct rng *r, const struct genctx *g, const struct argdesc *a, int slot,
			char *note, uint64_t *prev)
{
	uint64_t p;

	note[0] = 0;
	switch (a->type) {
	case A_NONE: return 0;
	case A_FD: return gen_fd(r, note);
	case A_DIRFD:
		if (one_in(r, 2)) {
			strcpy(note, "AT_FDCWD");
			return (uint64_t)-100;
		}
		return gen_fd(r, note);
	case A_PATH: return gen_path(r, g, slot, note);
	case A_BUF:
		p = gen_ptr(r, slot, 0, note);
		fill(r, g, p, 256);
		return p;
	case A_LEN: return gen_len(r);
	case A_OFF: return gen_off(r);
	case A_FLAGS: return gen_flags(r, a);
	case A_OP:
		if (one_in(r, 12))
			return one_in(r, 2) ? rnd(r) : rnd_below(r, 64);
		return a->vals[rnd_below(r, a->nvals)];
	case A_RANGE:
		if (one_in(r, 12))
			return gen_rand(r);
		return a->vals[0] + rnd_below(r, a->vals[1] - a->vals[0] + 1);
	case A_PID: return gen_pid(r, g, note);
	case A_SIG: return gen_sig(r);
	case A_MODE: return one_in(r, 8) ? rnd(r) & 0xffffffff : rnd_below(r, 010000) | (rnd_below(r, 16) << 12);
	case A_UID: return gen_uid(r);
	case A_TIMESPEC: return gen_timespec(r, g, slot, note);
	case A_IOVEC: return gen_iovec(r, g, slot, note);
	case A_IOVCNT: {
		static const uint64_t n[] = { 0, 1, 2, 3, 8, 64, 1024, 1025, 0xffffffff, 0x80000000 };

		return n[rnd_below(r, sizeof(n) / sizeof(n[0]))];
	}
	case A_MMAP: return gen_mmap_addr(r, slot, note);
	case A_ARGV: return gen_argv(r, g, slot, note);
	case A_STRING: return gen_string(r, g, a, slot, note);
	case A_CLONEFLAGS: return gen_clone_flags(r);
	case A_CLONEARGS: return gen_clone_args(r, g, slot, note);
	case A_SOCKADDR:
		p = gen_ptr(r, slot, 128, note);
		fill(r, g, p, 128);
		if (g->live && p >= POOL_ARGS && p < POOL_ARGS + 6 * POOL_ARG_SIZE)
			*(uint16_t *)p = (uint16_t)rnd_below(r, 46);
		return p;
	case A_REBOOT:
		/* magic1 only: the caller pairs it with a magic2 that never matches. */
		return one_in(r, 2) ? 0xfee1dead : rnd(r) & 0xffffffff;
	case A_MKNODDEV: return gen_mknod_dev(r, g);
	case A_STRUCT:
		p = gen_ptr(r, slot, a->vals[0], note);
		fill(r, g, p, a->vals[0]);
		return p;
	default:
		(void)prev;
		return gen_rand(r);
	}
}

const struct scdesc *find_desc(const char *name)
{
	for (unsigned int i = 0; i < nr_sc_descs; i++)
		if (!strcmp(sc_descs[i].name, name))
			return &sc_descs[i];
	return NULL;
}

static const struct scdesc generic = {
	"(generic)", 6, 0,
	{ { .type = A_RAND }, { .type = A_RAND }, { .type = A_RAND }, { .type = A_RAND }, { .type = A_RAND },
	  { .type = A_RAND } },
};

/*
 * Call number `iter` of `seed`: a row of the table, its arguments. Only
 * the random stream decides, so any run can print any call.
 */
void gen_call(uint64_t seed, uint64_t iter, const struct genctx *g, struct call *c)
{
	struct rng r = { seed * 0x9e3779b97f4a7c15ULL ^ (iter + 1) * 0xc2b2ae3d27d4eb4fULL };
	const struct scrow *row;

	rnd(&r);
	do {
		row = &sc_rows[rnd_below(&r, nr_sc_rows)];
		c->desc = find_desc(row->name);
	} while (c->desc && (c->desc->flags & SC_RARE) && !one_in(&r, 10));
	c->nr = row->nr;
	c->name = row->name;
	if (!c->desc)
		c->desc = &generic;
	for (int i = 0; i < 6; i++) {
		c->arg[i] = i < c->desc->nargs ? gen_one(&r, g, &c->desc->a[i], i, c->note[i], NULL) : 0;
		if (i >= c->desc->nargs)
			c->note[i][0] = 0;
	}
	/* Fix-ups no type can express alone. */
	if (!strcmp(c->name, "clone") && (c->arg[0] & 0x100) && !(c->arg[0] & 0x4000)) {
		c->arg[1] = POOL_BIG + POOL_BIG_SIZE;	/* CLONE_VM without CLONE_VFORK: a stack of its own */
		strcpy(c->note[1], "stack");
	}
	/* A wait with SIGALRM blocked would outlast the child's time limit. */
	for (int i = 0; i < 6 && g->live; i++) {
		uint64_t m = c->arg[i];

		if ((c->desc->flags & SC_SIGMASK(i)) && m >= POOL_ARGS && m + 8 <= POOL_ARGS + 6 * POOL_ARG_SIZE)
			*(uint64_t *)m &= ~(1ULL << (14 - 1));
	}
	if (!strcmp(c->name, "reboot") && c->arg[0] == 0xfee1dead) {
		static const uint64_t valid[] = { 672274793, 85072278, 369367448, 537993216 };

		for (unsigned int i = 0; i < 4; i++)
			if (c->arg[1] == valid[i])
				c->arg[1] ^= 1;
	}
}

int format_call(const struct call *c, char *buf, unsigned long size)
{
	int n = snprintf(buf, size, "%s(", c->name);

	for (int i = 0; i < c->desc->nargs && i < 6 && (unsigned long)n < size; i++)
		n += snprintf(buf + n, size - n, "%s%#llx%s%s%s", i ? ", " : "", (unsigned long long)c->arg[i],
			      c->note[i][0] ? " [" : "", c->note[i], c->note[i][0] ? "]" : "");
	if ((unsigned long)n < size)
		n += snprintf(buf + n, size - n, ") [nr %u]", c->nr);
	return n;
}
