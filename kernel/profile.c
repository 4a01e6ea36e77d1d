/*
 * The sampling profiler (include/kestrel/profile.h, docs/profiling.md).
 *
 * Sampling: while profile_hz is set, each CPU's local APIC timer runs at
 * profile_hz (arch/x86/kernel/apic.c) and calls profile_tick() from its
 * interrupt. A sample is one record appended to the CPU's own buffer:
 *
 *	word 0      number of kernel frames | number of user frames << 8 | pid << 32
 *	words 1-2   the task's comm (16 bytes)
 *	then        the kernel frames, interrupted RIP first, then return addresses
 *	then        the user frames, the same way
 *
 * Only the owning CPU writes its buffer, from its timer interrupt, so
 * appending needs no lock: the record is written, then head is published
 * with a release store; a reader takes head with an acquire load and reads
 * the records before it, which never change. A full buffer drops samples
 * (counted). Starting a new run or writing /proc/profile clears the
 * samples by advancing profile_gen: each CPU empties its buffer at its
 * next interrupt and then publishes the generation it has cleared for;
 * a reader ignores a buffer whose generation is not the current one.
 *
 * /proc/profile is Linux's histogram of interrupted kernel RIPs: one u32
 * per 1 << PROF_SHIFT bytes of text from _stext, preceded by that bucket
 * size (readprofile's format); hits are atomic increments.
 *
 * Locks used to protect the fields below:
 *	[m] profile_mutex (control and readers)
 *	[o] written only by the owning CPU, interrupts off; others read with
 *	    READ_ONCE / smp_load_acquire
 *	[a] written under [m] with WRITE_ONCE, read anywhere with READ_ONCE
 */
#include <kestrel/atomic.h>
#include <kestrel/cmdline.h>
#include <kestrel/errno.h>
#include <kestrel/fs.h>
#include <kestrel/init.h>
#include <kestrel/kallsyms.h>
#include <kestrel/mutex.h>
#include <kestrel/percpu.h>
#include <kestrel/printk.h>
#include <kestrel/proc_fs.h>
#include <kestrel/profile.h>
#include <kestrel/sched.h>
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <kestrel/time.h>
#include <kestrel/uaccess.h>
#include <kestrel/uio.h>
#include <kestrel/vmalloc.h>
#include <asm/extable.h>
#include <asm/ptrace.h>
#include <asm/syscall.h>

#define PROF_SHIFT 2			/* /proc/profile: 4-byte buckets */
#define PROFILE_BUF_BYTES (4UL << 20)	/* per CPU */
#define PROFILE_BUF_WORDS (PROFILE_BUF_BYTES / sizeof(u64))
#define KSTACK_MAX 48
#define USTACK_MAX 32
#define REC_HDR_WORDS 3
#define REC_MAX_WORDS (REC_HDR_WORDS + KSTACK_MAX + USTACK_MAX)

extern char _stext[], _etext[];

struct profile_cpu {
	u64 *buf;		/* [m] PROFILE_BUF_WORDS words, allocated once, never freed */
	unsigned long head;	/* [o] words used (release store) */
	unsigned long gen;	/* [o] the generation buf was last cleared for (release store) */
	unsigned long samples;	/* [o] recorded since then */
	unsigned long idle;	/* [o] interrupts that hit the idle task */
	unsigned long dropped;	/* [o] samples lost to a full buffer */
};

static DEFINE_MUTEX(profile_mutex);
static struct profile_cpu profile_cpus[NR_CPUS];
static unsigned int profile_hz;		/* [a] samples per second per CPU; 0: off */
static unsigned int timer_mult = 1;	/* [a] timer interrupts per tick */
static unsigned long profile_gen;	/* [a] advanced to clear every buffer */
static atomic_t *prof_buffer;		/* [m] allocated once; the counters are atomic */
static unsigned long prof_len;		/* [m] buckets in prof_buffer */
static unsigned int boot_hz;		/* kestrel.profile=, set while parsing */

unsigned int profile_timer_mult(void)
{
	return READ_ONCE(timer_mult);
}

/* ---------------------------------------------------------------- sampling */

static void prof_hit(unsigned long rip)
{
	unsigned long i = (rip - (unsigned long)_stext) >> PROF_SHIFT;
	atomic_t *buf = READ_ONCE(prof_buffer);

	if (buf && rip >= (unsigned long)_stext && i < READ_ONCE(prof_len))
		atomic_inc(&buf[i]);
}

/*
 * Follow the frame-pointer chain from fp: [fp] is the caller's frame
 * pointer, [fp + 8] the return address. Frames live at rising addresses
 * (callers are higher up the stack), which also ends a corrupt chain.
 */
static int walk_kernel(unsigned long fp, u64 *pcs, int n, int max)
{
	while (n < max && fp && IS_ALIGNED(fp, 8)) {
		unsigned long frame[2];

		if (copy_from_kernel_nofault(frame, (void *)fp, sizeof(frame)) || !frame[1])
			break;
		pcs[n++] = frame[1];
		if (frame[0] <= fp)
			break;
		fp = frame[0];
	}
	return n;
}

/*
 * The same for a user stack, read without faulting anything in (this is
 * an interrupt handler: a missing page ends the walk). Code built without
 * frame pointers leaves rbp as a general register, so only frames above
 * the stack pointer with plausible return addresses are followed.
 */
static int walk_user(const struct pt_regs *uregs, u64 *pcs, int max)
{
	unsigned long fp = uregs->rbp;
	int n = 0;

	pcs[n++] = uregs->rip;
	while (n < max && fp >= uregs->rsp && IS_ALIGNED(fp, 8)) {
		unsigned long frame[2];

		if (__copy_from_user_inatomic(frame, (const void __user *)fp, sizeof(frame)) ||
		    !frame[1] || frame[1] >= TASK_SIZE_MAX)
			break;
		pcs[n++] = frame[1];
		if (frame[0] <= fp)
			break;
		fp = frame[0];
	}
	return n;
}

/* The user registers under the interrupted kernel code, or NULL (a kernel thread). */
static const struct pt_regs *user_regs_of(struct task_struct *t, const struct pt_regs *regs)
{
	if (user_mode(regs))
		return regs;
	if (!t->mm || (t->flags & PF_KTHREAD))
		return NULL;
	return current_pt_regs();
}

void profile_tick(struct pt_regs *regs)
{
	struct profile_cpu *pc = &profile_cpus[smp_processor_id()];
	unsigned long gen = READ_ONCE(profile_gen);
	struct task_struct *t = current;
	const struct pt_regs *uregs;
	u64 rec[REC_MAX_WORDS];
	int nk = 0, nu = 0, len;

	if (!READ_ONCE(profile_hz) || !pc->buf)
		return;
	if (pc->gen != gen) {
		pc->head = 0;
		WRITE_ONCE(pc->samples, 0);
		WRITE_ONCE(pc->idle, 0);
		WRITE_ONCE(pc->dropped, 0);
		smp_store_release(&pc->gen, gen);
	}
	if (t->flags & PF_IDLE) {
		WRITE_ONCE(pc->idle, pc->idle + 1);
		return;
	}
	if (!user_mode(regs)) {
		prof_hit(regs->rip);
		rec[REC_HDR_WORDS] = regs->rip;
		nk = walk_kernel(regs->rbp, rec + REC_HDR_WORDS, 1, KSTACK_MAX);
	}
	uregs = user_regs_of(t, regs);
	if (uregs)
		nu = walk_user(uregs, rec + REC_HDR_WORDS + nk, USTACK_MAX);
	rec[0] = (u64)nk | (u64)nu << 8 | (u64)(u32)t->pid << 32;
	memcpy(&rec[1], t->comm, 16);
	len = REC_HDR_WORDS + nk + nu;
	if (pc->head + len > PROFILE_BUF_WORDS) {
		WRITE_ONCE(pc->dropped, pc->dropped + 1);
		return;
	}
	memcpy(pc->buf + pc->head, rec, len * sizeof(u64));
	smp_store_release(&pc->head, pc->head + len);
	WRITE_ONCE(pc->samples, pc->samples + 1);
}

/* ---------------------------------------------------------------- control */

/* Buffers for every online CPU and the histogram; profile_mutex held. */
static int profile_alloc(void)
{
	unsigned int cpu;

	if (!prof_buffer) {
		unsigned long len = ((unsigned long)(_etext - _stext) >> PROF_SHIFT) + 1;
		atomic_t *buf = vzalloc(len * sizeof(atomic_t));

		if (!buf)
			return -ENOMEM;
		WRITE_ONCE(prof_len, len);
		WRITE_ONCE(prof_buffer, buf);
	}
	for_each_online_cpu(cpu) {
		struct profile_cpu *pc = &profile_cpus[cpu];

		if (pc->buf)
			continue;
		pc->buf = vmalloc(PROFILE_BUF_BYTES);
		if (!pc->buf)
			return -ENOMEM;
	}
	return 0;
}

/* Forget every sample; profile_mutex held. */
static void profile_clear(void)
{
	WRITE_ONCE(profile_gen, profile_gen + 1);
	if (prof_buffer)
		memset(prof_buffer, 0, prof_len * sizeof(atomic_t));
}

int profile_set_hz(unsigned int hz)
{
	int err = 0;

	if (hz > PROFILE_MAX_HZ)
		return -EINVAL;
	hz = (hz + HZ - 1) / HZ * HZ;	/* the tick must stay every mult-th interrupt */
	mutex_lock(&profile_mutex);
	if (hz) {
		err = profile_alloc();
		if (err)
			goto out;
		if (!profile_hz)
			profile_clear();	/* a new run */
	}
	WRITE_ONCE(profile_hz, hz);
	WRITE_ONCE(timer_mult, hz ? hz / HZ : 1);
out:
	mutex_unlock(&profile_mutex);
	return err;
}

static int profile_param(const char *val)
{
	unsigned long long hz;

	if (kstrtoull(val, 10, &hz) || !hz || hz > PROFILE_MAX_HZ)
		return -1;
	boot_hz = hz;
	return 0;
}
KERNEL_PARAM("kestrel.profile", profile_param,
	     "HZ: sample every CPU HZ times a second from boot (docs/profiling.md)");

/* ---------------------------------------------------------------- reading */

/* Is cpu's buffer from the current generation? Then its first *words are samples. */
static bool buffer_snapshot(unsigned int cpu, unsigned long *words)
{
	struct profile_cpu *pc = &profile_cpus[cpu];

	if (!pc->buf || smp_load_acquire(&pc->gen) != READ_ONCE(profile_gen))
		return false;
	*words = smp_load_acquire(&pc->head);
	return true;
}

/* /proc/kestrel/profile: "hz samples idle dropped", the counts summed over CPUs. */
static ssize_t control_read(struct kiocb *iocb, struct iov_iter *to)
{
	unsigned long samples = 0, idle = 0, dropped = 0, words;
	unsigned int cpu;
	char text[96];
	loff_t pos = iocb->ki_pos;
	ssize_t n;
	int len;

	mutex_lock(&profile_mutex);
	for_each_online_cpu(cpu) {
		if (!buffer_snapshot(cpu, &words))
			continue;
		samples += READ_ONCE(profile_cpus[cpu].samples);
		idle += READ_ONCE(profile_cpus[cpu].idle);
		dropped += READ_ONCE(profile_cpus[cpu].dropped);
	}
	len = scnprintf(text, sizeof(text), "%u %lu %lu %lu\n", profile_hz, samples, idle, dropped);
	mutex_unlock(&profile_mutex);
	if (pos >= len)
		return 0;
	n = copy_to_iter(text + pos, len - pos, to);
	iocb->ki_pos += n;
	return n;
}

static ssize_t control_write(struct kiocb *iocb, struct iov_iter *from)
{
	size_t count = iov_iter_count(from);
	unsigned long long hz;
	char text[16];
	int err;

	if (count >= sizeof(text))
		return -EINVAL;
	if (copy_from_iter(text, count, from) != count)
		return -EFAULT;
	text[count] = '\0';
	if (count && text[count - 1] == '\n')
		text[count - 1] = '\0';
	if (kstrtoull(text, 10, &hz) || hz > PROFILE_MAX_HZ)
		return -EINVAL;
	err = profile_set_hz(hz);
	return err ? err : (ssize_t)count;
}

static const struct file_operations profile_control_fops = {
	.read_iter = control_read,
	.write_iter = control_write,
};

/* /proc/profile: the bucket size, then the buckets. Sized for readprofile's lseek(SEEK_END). */
static loff_t histogram_size(void)
{
	return (loff_t)(READ_ONCE(prof_len) + 1) * sizeof(u32);	/* atomic_t: one u32 each */
}

static ssize_t histogram_read(struct kiocb *iocb, struct iov_iter *to)
{
	u32 step = 1U << PROF_SHIFT;
	loff_t pos = iocb->ki_pos, size;
	size_t done = 0;

	mutex_lock(&profile_mutex);
	size = prof_buffer ? histogram_size() : 0;
	while (pos < size && iov_iter_count(to)) {
		const char *src = pos < 4 ? (const char *)&step + pos :
					    (const char *)prof_buffer + (pos - 4);
		size_t chunk = pos < 4 ? 4 - pos : size - pos;
		size_t n;

		if (chunk > iov_iter_count(to))
			chunk = iov_iter_count(to);
		n = copy_to_iter(src, chunk, to);
		pos += n;
		done += n;
		if (n < chunk)
			break;
	}
	mutex_unlock(&profile_mutex);
	iocb->ki_pos = pos;
	return done ? (ssize_t)done : (pos < size ? -EFAULT : 0);
}

/* As Linux: any write clears the profile. */
static ssize_t histogram_write(struct kiocb *iocb, struct iov_iter *from)
{
	size_t count = iov_iter_count(from);

	mutex_lock(&profile_mutex);
	profile_clear();
	mutex_unlock(&profile_mutex);
	iov_iter_advance(from, count);
	return count;
}

static loff_t histogram_llseek(struct file *file, loff_t offset, int whence)
{
	return generic_file_llseek_size(file, offset, whence, histogram_size(), histogram_size());
}

static const struct file_operations profile_histogram_fops = {
	.read_iter = histogram_read,
	.write_iter = histogram_write,
	.llseek = histogram_llseek,
};

/*
 * /proc/kestrel/profile_folded: generated at open into a vmalloc'd text,
 * which reads then copy from. Identical samples are merged first (a hash
 * of the raw records), then each distinct one is printed with its count.
 */
struct folded_text {
	char *buf;
	size_t len, size;
	bool failed;	/* out of memory: the text is cut */
};

static void ft_printf(struct folded_text *ft, const char *fmt, ...) __printf(2, 3);

static void ft_printf(struct folded_text *ft, const char *fmt, ...)
{
	va_list args;
	size_t room;
	int n;

	if (ft->failed)
		return;
	for (;;) {
		room = ft->size - ft->len;
		va_start(args, fmt);
		n = vsnprintf(ft->buf + ft->len, room, fmt, args);
		va_end(args);
		if ((size_t)n < room) {
			ft->len += n;
			return;
		}
		size_t size = ft->size ? ft->size * 2 : 64 * 1024;
		char *bigger = vmalloc(size);
		if (!bigger) {
			ft->failed = true;
			return;
		}
		if (ft->buf)
			memcpy(bigger, ft->buf, ft->len);
		vfree(ft->buf);
		ft->buf = bigger;
		ft->size = size;
	}
}

struct stack_slot {
	const u64 *rec;		/* NULL: empty slot */
	unsigned long count;
};

static unsigned int rec_words(const u64 *rec)
{
	return REC_HDR_WORDS + (rec[0] & 0xff) + ((rec[0] >> 8) & 0xff);
}

static u64 rec_hash(const u64 *rec, unsigned int words)
{
	u64 h = 0xcbf29ce484222325ULL;

	for (unsigned int i = 0; i < words; i++)
		h = (h ^ rec[i]) * 0x100000001b3ULL;
	return h;
}

/* One folded line: comm;user frames outermost first;kernel frames outermost first count. */
static void print_stack(struct folded_text *ft, const u64 *rec, unsigned long count)
{
	unsigned int nk = rec[0] & 0xff, nu = (rec[0] >> 8) & 0xff;
	const u64 *kpcs = rec + REC_HDR_WORDS, *upcs = kpcs + nk;
	char comm[17];

	memcpy(comm, &rec[1], 16);
	comm[16] = '\0';
	for (char *c = comm; *c; c++)
		if (*c == ';' || *c == ' ')
			*c = '_';
	ft_printf(ft, "%s", comm[0] ? comm : "?");
	/* Return addresses name the call: look up the byte before them. */
	for (int i = nu - 1; i >= 0; i--)
		ft_printf(ft, ";0x%llx", (unsigned long long)(i ? upcs[i] - 1 : upcs[i]));
	for (int i = nk - 1; i >= 0; i--) {
		const char *name = kallsyms_lookup(i ? kpcs[i] - 1 : kpcs[i], NULL, NULL);

		if (name)
			ft_printf(ft, ";%s", name);
		else
			ft_printf(ft, ";0x%llx", (unsigned long long)kpcs[i]);
	}
	ft_printf(ft, " %lu\n", count);
}

/* Merge identical records of every CPU into slots (nslots a power of two). */
static void merge_samples(struct stack_slot *slots, unsigned long nslots)
{
	unsigned int cpu;
	unsigned long words;

	for_each_online_cpu(cpu) {
		if (!buffer_snapshot(cpu, &words))
			continue;
		for (unsigned long at = 0; at < words; at += rec_words(profile_cpus[cpu].buf + at)) {
			const u64 *rec = profile_cpus[cpu].buf + at;
			unsigned int n = rec_words(rec);
			unsigned long i = rec_hash(rec, n) & (nslots - 1);

			while (slots[i].rec && memcmp(slots[i].rec, rec, n * sizeof(u64)))
				i = (i + 1) & (nslots - 1);
			if (!slots[i].rec)
				slots[i].rec = rec;
			slots[i].count++;
		}
	}
}

static int folded_open(struct inode *inode, struct file *file)
{
	struct folded_text *ft = vzalloc(sizeof(*ft));
	unsigned long total = 0, nslots = 1, words;
	struct stack_slot *slots;
	unsigned int cpu;

	if (!ft)
		return -ENOMEM;
	mutex_lock(&profile_mutex);
	for_each_online_cpu(cpu)
		if (buffer_snapshot(cpu, &words))
			total += READ_ONCE(profile_cpus[cpu].samples);
	while (nslots < 2 * total + 2)
		nslots <<= 1;
	slots = vzalloc(nslots * sizeof(*slots));
	if (!slots) {
		mutex_unlock(&profile_mutex);
		vfree(ft);
		return -ENOMEM;
	}
	/* samples may have grown since: merge_samples stops at each head it reads */
	merge_samples(slots, nslots);
	for (unsigned long i = 0; i < nslots; i++)
		if (slots[i].rec)
			print_stack(ft, slots[i].rec, slots[i].count);
	mutex_unlock(&profile_mutex);
	vfree(slots);
	if (ft->failed) {
		vfree(ft->buf);
		vfree(ft);
		return -ENOMEM;
	}
	file->private_data = ft;
	return 0;
}

static ssize_t folded_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct folded_text *ft = iocb->ki_filp->private_data;
	loff_t pos = iocb->ki_pos;
	size_t n;

	if (pos < 0 || (size_t)pos >= ft->len || !iov_iter_count(to))
		return 0;
	n = copy_to_iter(ft->buf + pos, ft->len - pos, to);
	if (!n)
		return -EFAULT;
	iocb->ki_pos += n;
	return n;
}

static int folded_release(struct inode *inode, struct file *file)
{
	struct folded_text *ft = file->private_data;

	vfree(ft->buf);
	vfree(ft);
	return 0;
}

static const struct file_operations profile_folded_fops = {
	.open = folded_open,
	.read_iter = folded_read,
	.release = folded_release,
};

static int profile_init(void)
{
	struct proc_dir_entry *dir = proc_mkdir("kestrel", NULL);

	if (!dir || !proc_create("profile", 0644, dir, &profile_control_fops) ||
	    !proc_create("profile_folded", 0444, dir, &profile_folded_fops) ||
	    !proc_create("profile", 0644, NULL, &profile_histogram_fops))
		pr_err("profile: cannot create the /proc files\n");
	if (boot_hz) {
		int err = profile_set_hz(boot_hz);

		if (err)
			pr_err("profile: cannot start at %u Hz: %d\n", boot_hz, err);
		else
			pr_info("profile: sampling every CPU at %u Hz\n", READ_ONCE(profile_hz));
	}
	return 0;
}
late_initcall(profile_init);
