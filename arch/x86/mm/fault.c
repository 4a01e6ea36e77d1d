/*
 * The page-fault handler (vector 14; arch/x86/kernel/traps.c reads CR2 and
 * calls do_page_fault).
 *
 * A fault on a user address, from user mode or from one of the kernel's
 * user-copy instructions (is_uaccess_insn), is resolved through the
 * current mm's VMAs:
 *
 *   no VMA, or below a VMA that is not a stack   SEGV_MAPERR
 *   below a VM_GROWSDOWN VMA                     the stack grows (guard gap,
 *                                                RLIMIT_STACK), then as below
 *   the access is not allowed (write to a
 *   read-only VMA, fetch from a non-exec one)    SEGV_ACCERR
 *   otherwise                                    handle_mm_fault (mm/memory.c):
 *                                                demand-zero, COW, file pages
 *
 * When that fails, a user-mode access gets a signal (SIGSEGV with the code
 * above, SIGBUS when the file has no page there, e.g. beyond EOF after a
 * truncate) with si_addr = the address; a user copy is resumed at its
 * exception-table fixup, which makes the copy short (-EFAULT). Any other
 * kernel fault keeps the oops path of traps.c.
 *
 * The handler runs with interrupts as the faulting code had them (it
 * sleeps on mmap_lock and allocations). A fault with interrupts off, in
 * atomic context or with page faults disabled (pagefault_disable, around
 * a copy made with a folio locked) cannot be handled: it goes straight to
 * the fixup (or, from user mode, to the signal).
 *
 * Locking: mmap_lock read around the VMA lookup and the fault; write only
 * to grow a stack (then downgraded).
 */
#include <kestrel/dcache.h>
#include <kestrel/fs.h>
#include <kestrel/mm.h>
#include <kestrel/oom.h>
#include <kestrel/preempt.h>
#include <kestrel/printk.h>
#include <kestrel/sched.h>
#include <kestrel/signal.h>
#include <kestrel/time.h>
#include <kestrel/vsprintf.h>
#include <kestrel/vm.h>
#include <asm/extable.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/traps.h>

#define PF_PROT (1UL << 0)	/* 0: page not present */
#define PF_WRITE (1UL << 1)
#define PF_USER (1UL << 2)
#define PF_RSVD (1UL << 3)
#define PF_INSTR (1UL << 4)

/* Does the VMA forbid this access? */
static bool access_error(unsigned long error_code, const struct vm_area_struct *vma)
{
	if (error_code & PF_WRITE)
		return !(vma->vm_flags & VM_WRITE);
	if (error_code & PF_INSTR)
		return !(vma->vm_flags & VM_EXEC);
	if (error_code & PF_PROT)
		return true;	/* a read of a present page that still faulted */
	return !(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC));
}

/*
 * " in NAME[START+LEN]": the file mapping holding ip, as Linux's
 * print_vma_addr, so a crash in a shared library names it. Empty when
 * the lock is busy or ip is in no file mapping.
 */
static void describe_vma_of(unsigned long ip, char *buf, size_t size)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;

	buf[0] = '\0';
	if (!mm || !down_read_trylock(&mm->mmap_lock))
		return;
	vma = find_vma(mm, ip);
	if (vma && vma->vm_start <= ip && vma->vm_file) {
		struct dentry *d = vma->vm_file->f_path.dentry;

		spin_lock(&d->d_lock);
		snprintf(buf, size, " in %s[%lx+%lx]", d->d_name.name, vma->vm_start,
			 vma->vm_end - vma->vm_start);
		spin_unlock(&d->d_lock);
	}
	up_read(&mm->mmap_lock);
}

/* A user access that cannot be satisfied: the task gets the signal. */
static void user_fault_signal(struct pt_regs *regs, unsigned long error_code, int sig,
			      int code, unsigned long address)
{
	char where[96];

	describe_vma_of(regs->rip, where, sizeof(where));
	pr_info("%s[%d]: %s at %lx ip %lx sp %lx error %lx%s\n", current->comm, current->pid,
		sig == SIGBUS ? "bus error" : sig == SIGKILL ? "out of memory" : "segfault",
		address, regs->rip, regs->rsp, error_code, where);
	if (sig == SIGKILL)
		force_sig(SIGKILL);
	else
		force_sig_fault(sig, code, (void __user *)address);
}

/* A kernel-mode fault nothing resolved: the user copy's fixup, or an oops. */
static void kernel_fault(struct pt_regs *regs, unsigned long address)
{
	if (fixup_exception(regs))
		return;
	page_fault_oops(regs, address);
}

/*
 * The fault could not get memory, although the allocator tried the OOM
 * killer (Linux's pagefault_out_of_memory). If we are dying, or a victim
 * is still giving memory back, the access is retried (after the signal,
 * or a short wait); only when nobody can be killed does this task get
 * SIGKILL. mmap_lock not held.
 */
static int pagefault_out_of_memory(unsigned long address)
{
	if (fatal_signal_pending(current))
		return 0;
	if (out_of_memory(0, 0)) {
		oom_wait_for_victim(HZ / 10);
		return 0;
	}
	pr_err("page fault: out of memory at %lx (%s[%d])\n", address, current->comm,
	       current->pid);
	return SIGKILL;
}

/*
 * Resolve a fault on a user address in mm. Returns 0 when the access can
 * be retried, else the signal (with *code) that a user access gets.
 */
static int user_address_fault(struct mm_struct *mm, unsigned long error_code,
			      unsigned long address, bool user, int *code)
{
	unsigned int flags = 0;
	struct vm_area_struct *vma;
	vm_fault_t fault;

	if (user)
		flags |= FAULT_FLAG_USER;
	if (error_code & PF_WRITE)
		flags |= FAULT_FLAG_WRITE;
	if (error_code & PF_INSTR)
		flags |= FAULT_FLAG_INSTRUCTION;

	*code = SEGV_MAPERR;
	down_read(&mm->mmap_lock);
	vma = find_vma(mm, address);
	if (vma && vma->vm_start > address && (vma->vm_flags & VM_GROWSDOWN)) {
		/* Growing the stack changes the VMA: take the lock for writing, look again. */
		up_read(&mm->mmap_lock);
		down_write(&mm->mmap_lock);
		vma = find_vma(mm, address);
		if (vma && vma->vm_start > address && expand_stack(vma, address))
			vma = NULL;
		downgrade_write(&mm->mmap_lock);
	}
	if (!vma || vma->vm_start > address)
		goto bad;
	*code = SEGV_ACCERR;
	if (access_error(error_code, vma))
		goto bad;
	fault = handle_mm_fault(vma, address, flags);
	up_read(&mm->mmap_lock);
	if (!(fault & VM_FAULT_ERROR)) {
		if (fault & VM_FAULT_MAJOR)
			current->maj_flt++;
		else
			current->min_flt++;
		return 0;
	}
	if (fault & VM_FAULT_SIGBUS) {
		*code = BUS_ADRERR;
		return SIGBUS;
	}
	if (fault & VM_FAULT_OOM)
		return pagefault_out_of_memory(address);
	return SIGSEGV;
bad:
	up_read(&mm->mmap_lock);
	return SIGSEGV;
}

void do_page_fault(struct pt_regs *regs, unsigned long error_code, unsigned long address)
{
	bool user = user_mode(regs);
	struct mm_struct *mm = current->mm;
	int sig, code = SEGV_MAPERR;

	if (address >= TASK_SIZE_LIMIT || (error_code & PF_RSVD)) {
		/* Kernel half (or a broken table): never resolved through VMAs. */
		if (user) {
			user_fault_signal(regs, error_code, SIGSEGV, SEGV_MAPERR, address);
			return;
		}
		kernel_fault(regs, address);
		return;
	}
	if (!user && !is_uaccess_insn(regs->rip)) {
		page_fault_oops(regs, address);	/* the kernel touched user memory directly: a bug */
		return;
	}
	if (!mm || in_atomic() || !(regs->rflags & X86_EFLAGS_IF) || pagefault_disabled()) {
		/*
		 * Cannot sleep, no user address space, or the copy asked not to
		 * be resolved (pagefault_disable): nothing to resolve through.
		 */
		if (user) {
			user_fault_signal(regs, error_code, SIGSEGV, SEGV_MAPERR, address);
			return;
		}
		kernel_fault(regs, address);
		return;
	}
	local_irq_enable();
	sig = user_address_fault(mm, error_code, address, user, &code);
	if (sig) {
		if (user)
			user_fault_signal(regs, error_code, sig, code, address);
		else
			kernel_fault(regs, address);	/* the copy comes back short: -EFAULT */
	}
	local_irq_disable();
}
