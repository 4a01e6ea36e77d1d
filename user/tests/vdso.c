/*
 * The vDSO (arch/x86/entry/vdso/): exec maps linux-vdso.so.1 and its data
 * page into every process, AT_SYSINFO_EHDR points at it, its dynamic
 * symbols carry the LINUX_2.6 version the C libraries look up, and its
 * clock_gettime, gettimeofday, time and getcpu give what the system calls
 * give. On Kestrel, /proc/self/syscalls (a count of the thread's system
 * calls) shows that the C library's clock_gettime never enters the kernel.
 */
#include "harness.h"

#include <elf.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>

/* The vDSO's symbols, found the way a dynamic linker finds them. */
struct vdso_syms {
	const Elf64_Sym *symtab;
	const char *strtab;
	const Elf64_Half *versym;
	const Elf64_Verdef *verdef;
	unsigned long nsyms;
	unsigned long base;	/* load bias: address of the ELF header - first PT_LOAD's vaddr */
};

static int vdso_open(struct vdso_syms *v)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)getauxval(AT_SYSINFO_EHDR);
	const Elf64_Phdr *ph;
	const Elf64_Dyn *dyn = NULL;
	long bias = -1;

	memset(v, 0, sizeof(*v));
	if (!eh || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return -1;
	ph = (const Elf64_Phdr *)((const char *)eh + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && bias < 0)
			bias = (long)eh + (long)ph[i].p_offset - (long)ph[i].p_vaddr;
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const Elf64_Dyn *)((const char *)eh + ph[i].p_offset);
	}
	if (bias < 0 || !dyn)
		return -1;
	v->base = bias;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		unsigned long p = bias + dyn->d_un.d_ptr;

		switch (dyn->d_tag) {
		case DT_SYMTAB: v->symtab = (const Elf64_Sym *)p; break;
		case DT_STRTAB: v->strtab = (const char *)p; break;
		case DT_VERSYM: v->versym = (const Elf64_Half *)p; break;
		case DT_VERDEF: v->verdef = (const Elf64_Verdef *)p; break;
		case DT_HASH: v->nsyms = ((const Elf64_Word *)p)[1]; break;	/* nchain */
		}
	}
	return v->symtab && v->strtab && v->nsyms ? 0 : -1;
}

/* The name of version index ndx, from the version definitions. */
static const char *vdso_version_name(const struct vdso_syms *v, unsigned int ndx)
{
	const Elf64_Verdef *d = v->verdef;

	while (d) {
		if ((d->vd_ndx & 0x7fff) == ndx) {
			const Elf64_Verdaux *a = (const Elf64_Verdaux *)((const char *)d + d->vd_aux);

			return v->strtab + a->vda_name;
		}
		if (!d->vd_next)
			break;
		d = (const Elf64_Verdef *)((const char *)d + d->vd_next);
	}
	return NULL;
}

/* The address of a defined function name@version, or NULL. */
static void *vdso_sym(const struct vdso_syms *v, const char *name, const char *version)
{
	for (unsigned long i = 0; i < v->nsyms; i++) {
		const Elf64_Sym *s = &v->symtab[i];
		const char *vn;

		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF)
			continue;
		if (strcmp(v->strtab + s->st_name, name))
			continue;
		vn = v->versym && v->verdef ? vdso_version_name(v, v->versym[i] & 0x7fff) : NULL;
		if (!vn || strcmp(vn, version))
			continue;
		return (void *)(v->base + s->st_value);
	}
	return NULL;
}

TEST(auxv_points_at_a_shared_object_named_in_maps)
{
	unsigned long ehdr = getauxval(AT_SYSINFO_EHDR);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)ehdr;
	char line[512], want_vdso[64];
	int vdso = 0, vvar = 0;
	FILE *f;

	ASSERT(ehdr != 0);
	ASSERT(!memcmp(eh->e_ident, ELFMAG, SELFMAG));
	EXPECT_EQ(eh->e_ident[EI_CLASS], ELFCLASS64);
	EXPECT_EQ(eh->e_type, ET_DYN);
	EXPECT_EQ(eh->e_machine, EM_X86_64);
	EXPECT_EQ(ehdr & 4095, 0);
	snprintf(want_vdso, sizeof(want_vdso), "%lx-", ehdr);
	f = fopen("/proc/self/maps", "r");
	ASSERT(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "[vdso]")) {
			vdso++;
			EXPECT(!strncmp(line, want_vdso, strlen(want_vdso)));
			EXPECT(!strncmp(strchr(line, ' ') + 1, "r-xp", 4));
		}
		if (strstr(line, "[vvar]")) {
			vvar++;
			EXPECT(!strncmp(strchr(line, ' ') + 1, "r--p", 4));
		}
	}
	fclose(f);
	EXPECT_EQ(vdso, 1);
	EXPECT_EQ(vvar, 1);
}

TEST(exports_the_time_functions_as_linux_2_6)
{
	struct vdso_syms v;

	ASSERT_EQ(vdso_open(&v), 0);
	EXPECT(vdso_sym(&v, "__vdso_clock_gettime", "LINUX_2.6") != NULL);
	EXPECT(vdso_sym(&v, "__vdso_gettimeofday", "LINUX_2.6") != NULL);
	EXPECT(vdso_sym(&v, "__vdso_time", "LINUX_2.6") != NULL);
	EXPECT(vdso_sym(&v, "__vdso_getcpu", "LINUX_2.6") != NULL);
	EXPECT(vdso_sym(&v, "__vdso_clock_gettime", "LINUX_9.9") == NULL);
}

static long long ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/* The vDSO's value of a clock lies between two readings of the system call. */
static void check_clock_between_syscalls(int (*vgettime)(clockid_t, struct timespec *), clockid_t c)
{
	struct timespec a, v, b;

	ASSERT_EQ(syscall(SYS_clock_gettime, c, &a), 0);
	ASSERT_EQ(vgettime(c, &v), 0);
	ASSERT_EQ(syscall(SYS_clock_gettime, c, &b), 0);
	EXPECT(v.tv_nsec >= 0 && v.tv_nsec < 1000000000);
	if (!EXPECT(ts_ns(&a) <= ts_ns(&v) && ts_ns(&v) <= ts_ns(&b)))
		printf("    # clock %d: syscall %lld, vdso %lld, syscall %lld\n", (int)c, ts_ns(&a),
		       ts_ns(&v), ts_ns(&b));
}

TEST(clock_gettime_agrees_with_the_system_call)
{
	struct vdso_syms v;
	int (*vgettime)(clockid_t, struct timespec *);
	struct timespec ts;

	ASSERT_EQ(vdso_open(&v), 0);
	vgettime = vdso_sym(&v, "__vdso_clock_gettime", "LINUX_2.6");
	ASSERT(vgettime != NULL);
	check_clock_between_syscalls(vgettime, CLOCK_REALTIME);
	check_clock_between_syscalls(vgettime, CLOCK_MONOTONIC);
	check_clock_between_syscalls(vgettime, CLOCK_MONOTONIC_RAW);
	check_clock_between_syscalls(vgettime, CLOCK_BOOTTIME);
	check_clock_between_syscalls(vgettime, CLOCK_REALTIME_COARSE);
	check_clock_between_syscalls(vgettime, CLOCK_MONOTONIC_COARSE);
	/* What the page cannot answer goes to the kernel: the same results, errors too. */
	EXPECT_EQ(vgettime(CLOCK_PROCESS_CPUTIME_ID, &ts), 0);
	EXPECT_EQ(vgettime(CLOCK_THREAD_CPUTIME_ID, &ts), 0);
	EXPECT_EQ(vgettime(12345, &ts), -EINVAL);
}

TEST(gettimeofday_and_time_agree_with_the_system_calls)
{
	struct vdso_syms v;
	int (*vgtod)(struct timeval *, struct timezone *);
	long (*vtime)(long *);
	struct timeval a, t, b;
	struct timezone tz = { 123, 456 };
	long s0, s, s1, stored = -1;

	ASSERT_EQ(vdso_open(&v), 0);
	vgtod = vdso_sym(&v, "__vdso_gettimeofday", "LINUX_2.6");
	vtime = vdso_sym(&v, "__vdso_time", "LINUX_2.6");
	ASSERT(vgtod && vtime);
	ASSERT_EQ(syscall(SYS_gettimeofday, &a, NULL), 0);
	ASSERT_EQ(vgtod(&t, &tz), 0);
	ASSERT_EQ(syscall(SYS_gettimeofday, &b, NULL), 0);
	EXPECT(t.tv_usec >= 0 && t.tv_usec < 1000000);
	EXPECT(a.tv_sec * 1000000LL + a.tv_usec <= t.tv_sec * 1000000LL + t.tv_usec);
	EXPECT(t.tv_sec * 1000000LL + t.tv_usec <= b.tv_sec * 1000000LL + b.tv_usec);
	EXPECT_EQ(tz.tz_minuteswest, 0);	/* no time zone kept: UTC, as the system call says */
	EXPECT_EQ(tz.tz_dsttime, 0);
	s0 = syscall(SYS_time, NULL);
	s = vtime(&stored);
	s1 = syscall(SYS_time, NULL);
	EXPECT(s0 <= s && s <= s1);
	EXPECT_EQ(stored, s);
}

TEST(getcpu_names_the_cpu_the_thread_is_pinned_to)
{
	struct vdso_syms v;
	long (*vgetcpu)(unsigned int *, unsigned int *, void *);
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	ASSERT_EQ(vdso_open(&v), 0);
	vgetcpu = vdso_sym(&v, "__vdso_getcpu", "LINUX_2.6");
	ASSERT(vgetcpu != NULL);
	for (int c = 0; c < ncpu && c < 8; c++) {
		cpu_set_t set;
		unsigned int cpu = ~0u, node = ~0u, scpu = ~0u;

		CPU_ZERO(&set);
		CPU_SET(c, &set);
		ASSERT_EQ(sched_setaffinity(0, sizeof(set), &set), 0);
		EXPECT_EQ(vgetcpu(&cpu, &node, NULL), 0);
		EXPECT_EQ(cpu, c);
		EXPECT_EQ(node, 0);
		EXPECT_EQ(syscall(SYS_getcpu, &scpu, NULL, NULL), 0);
		EXPECT_EQ(scpu, c);
		EXPECT_EQ(sched_getcpu(), c);	/* the C library's, through the vDSO */
	}
}

/* The thread's system-call count (Kestrel's /proc/self/syscalls), or -1 on Linux. */
static long syscall_count(void)
{
	char buf[32];
	int fd = open("/proc/thread-self/syscalls", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		fd = open("/proc/self/syscalls", O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

static int on_kestrel(void)
{
	struct utsname u;

	return !uname(&u) && !strcmp(u.sysname, "Kestrel");
}

TEST(libc_clock_gettime_makes_no_system_call)
{
	struct timespec ts;
	struct timeval tv;
	long c0, c1, c2;

	if (!on_kestrel() && syscall_count() < 0)
		return;	/* Linux counts no system calls for us: nothing to compare */
	c0 = syscall_count();
	ASSERT(c0 >= 0);
	c1 = syscall_count();	/* what reading the count itself costs: c1 - c0 */
	for (int i = 0; i < 1000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		clock_gettime(CLOCK_REALTIME, &ts);
		gettimeofday(&tv, NULL);
		(void)time(NULL);
	}
	c2 = syscall_count();
	EXPECT_EQ(c2 - c1, c1 - c0);
	/* And the count is real: a system call moves it by one more. */
	syscall(SYS_getpid);
	EXPECT_EQ(syscall_count() - c2, c1 - c0 + 1);
}

TEST(settimeofday_moves_the_vdso_realtime_too)
{
	struct vdso_syms v;
	int (*vgettime)(clockid_t, struct timespec *);
	struct timespec now, later, a, b;

	/* Setting the host's clock would disturb everything else on it: Kestrel only. */
	if (!on_kestrel())
		return;
	ASSERT_EQ(vdso_open(&v), 0);
	vgettime = vdso_sym(&v, "__vdso_clock_gettime", "LINUX_2.6");
	ASSERT(vgettime != NULL);
	ASSERT_EQ(syscall(SYS_clock_gettime, CLOCK_REALTIME, &now), 0);
	later = now;
	later.tv_sec += 100000;
	ASSERT_EQ(syscall(SYS_clock_settime, CLOCK_REALTIME, &later), 0);
	EXPECT_EQ(vgettime(CLOCK_REALTIME, &a), 0);
	EXPECT(a.tv_sec >= later.tv_sec && a.tv_sec < later.tv_sec + 100);
	check_clock_between_syscalls(vgettime, CLOCK_REALTIME);
	/* Back to (about) where it was. */
	ASSERT_EQ(syscall(SYS_clock_gettime, CLOCK_REALTIME, &b), 0);
	b.tv_sec -= 100000;
	ASSERT_EQ(syscall(SYS_clock_settime, CLOCK_REALTIME, &b), 0);
	EXPECT_EQ(vgettime(CLOCK_REALTIME, &a), 0);
	EXPECT(a.tv_sec < later.tv_sec);
}
