/*
 * Printing machine state: show_regs() for an oops, dump_stack() for a
 * backtrace from anywhere (WARN_ON, panic, debugging).
 *
 * Backtraces follow the frame-pointer chain (the kernel is built with
 * -fno-omit-frame-pointer): at [rbp] the caller's rbp, at [rbp + 8] the
 * return address. The entry code adds one such frame holding the
 * interrupted RIP, so a trace taken in a handler continues into the
 * interrupted code. The stack being walked may be corrupt (that is often
 * why we are here), so every frame is read with copy_from_kernel_nofault()
 * and the walk stops at the first unreadable or implausible frame.
 */
#include <kestrel/kallsyms.h>
#include <kestrel/percpu.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/version.h>
#include <asm/extable.h>
#include <asm/processor.h>
#include <asm/ptrace.h>

#define MAX_TRACE_DEPTH 48	/* lines printed */
#define MAX_WALK_DEPTH 100000	/* frames followed (recursion runs collapse) */

static void print_address(const char *lvl, unsigned long addr, bool is_return)
{
	char sym[KSYM_NAME_LEN + 48];

	if (kallsyms_sprint(sym, sizeof(sym), addr, is_return))
		printk("%s %s\n", lvl, sym);
	else
		printk("%s %016lx\n", lvl, addr);
}

static void flush_repeats(const char *lvl, unsigned long repeats)
{
	if (repeats)
		printk("%s ... the frame above %lu more time%s (recursion)\n", lvl, repeats,
		       repeats == 1 ? "" : "s");
}

/*
 * Walk the frame-pointer chain starting at frame rbp. Runs of identical
 * return addresses (deep recursion, a stack overflow) print as one line.
 */
static void show_trace_log_lvl(const char *lvl, unsigned long rbp)
{
	unsigned long last = 0, repeats = 0;
	int printed = 0;

	for (int walked = 0; rbp && walked < MAX_WALK_DEPTH; walked++) {
		unsigned long frame[2];	/* saved rbp, return address */

		if (!IS_ALIGNED(rbp, 8) || copy_from_kernel_nofault(frame, (void *)rbp, sizeof(frame))) {
			flush_repeats(lvl, repeats);
			printk("%s (bad frame pointer %016lx, trace ends)\n", lvl, rbp);
			return;
		}
		if (!frame[1])
			break;
		if (frame[1] == last) {
			repeats++;
		} else {
			flush_repeats(lvl, repeats);
			repeats = 0;
			if (++printed > MAX_TRACE_DEPTH) {
				printk("%s ... (trace cut at %d frames)\n", lvl, MAX_TRACE_DEPTH);
				return;
			}
			print_address(lvl, frame[1], true);
			last = frame[1];
		}
		if (frame[0] == rbp)
			break;	/* a loop: the chain is corrupt */
		rbp = frame[0];
	}
	flush_repeats(lvl, repeats);
}

static void show_guessed_return(const char *lvl, unsigned long rsp)
{
	char sym[KSYM_NAME_LEN + 48];
	unsigned long ret;

	if (copy_from_kernel_nofault(&ret, (void *)rsp, sizeof(ret)))
		return;
	if (kallsyms_sprint(sym, sizeof(sym), ret, true))
		printk("%s ? %s\n", lvl, sym);
}

static void show_cpu_line(const char *lvl)
{
	struct task_struct *t = current;

	/* Linux's line: which task was running, by pid and name. */
	if (t)
		printk("%sCPU: %u PID: %d Comm: %.16s Kestrel %s\n", lvl, smp_processor_id(), t->pid,
		       t->comm, KESTREL_VERSION);
	else
		printk("%sCPU: %u Kestrel %s\n", lvl, smp_processor_id(), KESTREL_VERSION);
}

/* The bytes around RIP, the faulting one in <>, as Linux prints them. */
static void show_code(const char *lvl, unsigned long rip)
{
	enum { BEFORE = 21, AFTER = 21 };
	u8 code[BEFORE + AFTER];
	char line[3 * sizeof(code) + 8];
	int n = 0;

	if (copy_from_kernel_nofault(code, (void *)(rip - BEFORE), sizeof(code))) {
		printk("%sCode: Unable to access opcode bytes at %016lx.\n", lvl, rip - BEFORE);
		return;
	}
	for (int i = 0; i < (int)sizeof(code); i++)
		n += scnprintf(line + n, sizeof(line) - n, i == BEFORE ? "<%02x> " : "%02x ", code[i]);
	printk("%sCode: %s\n", lvl, line);
}

static void show_regs_log_lvl(const char *lvl, const struct pt_regs *regs)
{
	show_cpu_line(lvl);
	printk("%sRIP: %04lx:%pS\n", lvl, regs->cs & 0xffff, (void *)regs->rip);
	show_code(lvl, regs->rip);
	printk("%sRSP: %04lx:%016lx RFLAGS: %08lx\n", lvl, regs->ss & 0xffff, regs->rsp,
	       regs->rflags);
	printk("%sRAX: %016lx RBX: %016lx RCX: %016lx\n", lvl, regs->rax, regs->rbx, regs->rcx);
	printk("%sRDX: %016lx RSI: %016lx RDI: %016lx\n", lvl, regs->rdx, regs->rsi, regs->rdi);
	printk("%sRBP: %016lx R08: %016lx R09: %016lx\n", lvl, regs->rbp, regs->r8, regs->r9);
	printk("%sR10: %016lx R11: %016lx R12: %016lx\n", lvl, regs->r10, regs->r11, regs->r12);
	printk("%sR13: %016lx R14: %016lx R15: %016lx\n", lvl, regs->r13, regs->r14, regs->r15);
	printk("%sFS:  %016lx GS:  %016lx knlGS: %016lx\n", lvl, rdmsr(MSR_FS_BASE),
	       rdmsr(MSR_GS_BASE), rdmsr(MSR_KERNEL_GS_BASE));
	printk("%sCR0: %016lx CR2: %016lx CR3: %016lx\n", lvl, read_cr0(), read_cr2(), read_cr3());
	printk("%sCR4: %016lx\n", lvl, read_cr4());
	printk("%sCall Trace:\n", lvl);
	/* The interrupted function first: its own frame may not be set up yet. */
	print_address(lvl, regs->rip, false);
	if (user_mode(regs))
		return;
	/*
	 * RIP in no function (a call through a bad pointer): the word at RSP is
	 * most likely the return address of that call, the caller whose frame
	 * the chain below skips. Marked "?" as Linux marks unreliable entries.
	 */
	if (!kallsyms_lookup(regs->rip, NULL, NULL))
		show_guessed_return(lvl, regs->rsp);
	show_trace_log_lvl(lvl, regs->rbp);
}

void show_regs(const struct pt_regs *regs)
{
	show_regs_log_lvl(KERN_EMERG, regs);
}

__noinline void dump_stack_lvl(const char *lvl)
{
	show_cpu_line(lvl);
	printk("%sCall Trace:\n", lvl);
	/* Start at our caller: this function's own frame is not interesting. */
	show_trace_log_lvl(lvl, (unsigned long)__builtin_frame_address(0));
}

__noinline void dump_stack(void)
{
	dump_stack_lvl(KERN_ERR);
}
