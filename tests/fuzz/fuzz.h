/*
 * The system-call fuzzer's shared definitions (tests/fuzz, docs/security.md).
 *
 * A call is a system-call number and six arguments, each made by the
 * generator of its argument type (args.c) from a random stream that
 * depends only on the seed and the iteration number: the same seed and
 * iteration give the same call in any run, so a finding is printed as
 * the exact call and reproduced with `fuzz -s SEED -i ITER`.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdint.h>

/* What an argument is; args.c shapes each kind (valid, invalid, edges). */
enum argtype {
	A_NONE,		/* unused: 0 */
	A_RAND,		/* anything: small numbers, edges, pointers, random bits */
	A_FD,		/* a descriptor: one of each kind, closed, negative, huge */
	A_DIRFD,	/* AT_FDCWD or a descriptor */
	A_PATH,		/* a path: files, dirs, loops, too long, bad pointers */
	A_BUF,		/* a pointer to memory: writable, read-only, unmapped, kernel */
	A_LEN,		/* a length: 0, 1, page edges, 2^31, 2^32, SIZE_MAX */
	A_OFF,		/* a file offset: 0, page edges, negative, LLONG_MAX */
	A_FLAGS,	/* an OR of vals[] and sometimes unknown bits */
	A_OP,		/* one of vals[], sometimes anything */
	A_RANGE,	/* lo..hi, sometimes outside */
	A_PID,		/* self, own group, init, nobody, -1 (not as root) */
	A_SIG,		/* a signal number, 0..64 and beyond */
	A_MODE,		/* permission and type bits */
	A_UID,		/* 0, 1000, 65534, -1, anything */
	A_TIMESPEC,	/* a pointer to a short or invalid timespec */
	A_IOVEC,	/* a pointer to an iovec array (the next argument counts it) */
	A_IOVCNT,	/* an iovec count: 0, 1, 8, 1024, 1025, -1 */
	A_MMAP,		/* an address in the fuzzer's mapping area (mmap, munmap, ...) */
	A_ARGV,		/* a pointer to a NULL-ended array of strings */
	A_STRING,	/* a pointer to one of vals[]' strings (names, mount data) */
	A_CLONEFLAGS,	/* clone flags that never run two threads on one stack */
	A_CLONEARGS,	/* a pointer to a struct clone_args (clone3) */
	A_SOCKADDR,	/* a pointer to a sockaddr of some family */
	A_REBOOT,	/* reboot's magic: never the pair that reboots */
	A_MKNODDEV,	/* a device number: harmless ones as root */
	A_STRUCT,	/* a pointer to vals[0] bytes of random structure */
};

struct argdesc {
	uint8_t type;
	uint8_t nvals;
	const uint64_t *vals;		/* A_FLAGS, A_OP; A_RANGE: lo, hi; A_STRUCT: size */
	const char *const *strs;	/* A_STRING */
};

#define SC_FORKS 0x1	/* may return 0 in a new process, which must leave at once */
#define SC_EXITS 0x2	/* ends the process (exit, exit_group) */
#define SC_RARE 0x4	/* ends the child nearly always (exit, rt_sigreturn): picked 1/10 as often */
#define SC_SIGMASK(i) (0x100u << (i))	/* argument i is a signal mask that must let SIGALRM in */

struct scdesc {
	const char *name;
	uint8_t nargs;
	unsigned int flags;
	struct argdesc a[6];
};

/* The table: one desc per name; a row with no desc gets six A_RAND. */
extern const struct scdesc sc_descs[];
extern const unsigned int nr_sc_descs;

/* One generated call. note[i] describes argument i for the printout. */
struct call {
	unsigned int nr;
	const char *name;
	const struct scdesc *desc;
	uint64_t arg[6];
	char note[6][72];
};

struct rng {
	uint64_t s;
};

static inline uint64_t rnd(struct rng *r)
{
	/* splitmix64: a stream from any 64-bit state, good enough for fuzzing. */
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rnd_below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

/* 1 in n */
static inline int one_in(struct rng *r, uint64_t n)
{
	return rnd_below(r, n) == 0;
}

/* The state a generator needs about the process it fuzzes in. */
struct genctx {
	int live;		/* write buffers and resolve pids (the child), or only describe (printing) */
	int pid;		/* the fuzzing child's pid (live) */
	int uid;		/* whom it runs as: 0 or unprivileged */
};

/* The syscall table rows: generated from syscall_64.tbl (syscall_list.h). */
struct scrow {
	unsigned int nr;
	const char *name;
};
extern const struct scrow sc_rows[];
extern const unsigned int nr_sc_rows;

/* args.c */
void gen_call(uint64_t seed, uint64_t iter, const struct genctx *g, struct call *c);
int format_call(const struct call *c, char *buf, unsigned long size);
void pool_setup_memory(void);
int pool_setup_files(int uid, uint64_t seed, char *err, unsigned long errsize);
void pool_open_fds(void);
const struct scdesc *find_desc(const char *name);

/* The fixed addresses of the fuzzer's memory (the same in every child). */
#define POOL_BASE	0x200000000000UL
#define POOL_ARGS	(POOL_BASE)			/* 6 x 2 pages rw, one pair per argument */
#define POOL_ARG_SIZE	0x2000UL
#define POOL_RO		(POOL_BASE + 0x100000UL)	/* read-only, no NUL anywhere */
#define POOL_NONE	(POOL_BASE + 0x101000UL)	/* PROT_NONE, right after it */
#define POOL_HOLE	(POOL_BASE + 0x300000UL)	/* never mapped */
#define POOL_EDGE	(POOL_BASE + 0x400000UL)	/* one rw page, unmapped after */
#define POOL_FILEMAP	(POOL_BASE + 0x500000UL)	/* 2 pages MAP_SHARED of /file_rw */
#define POOL_BIG	(POOL_BASE + 0x1000000UL)	/* 1 MiB rw, for long buffers */
#define POOL_BIG_SIZE	0x100000UL
#define POOL_MMAP	(POOL_BASE + 0x10000000UL)	/* 256 MiB the calls may map and unmap */
#define POOL_MMAP_SIZE	0x10000000UL

#endif
