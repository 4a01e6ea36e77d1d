/*
 * The ELF64 loader (x86_64): static ET_EXEC programs, position-independent
 * ET_DYN ones (PIE, at a randomized base) and PT_INTERP, the dynamic
 * linker, loaded at a randomized base of its own.
 *
 * Steps (fs/exec.c calls load_elf_binary with bprm->buf holding the
 * file's first bytes):
 *   1. check the file header and program headers (elf_check_ehdr,
 *      elf_check_phdrs: anything malformed is -ENOEXEC), read PT_INTERP
 *      and open and check the interpreter the same way;
 *   2. begin_new_exec: the point of no return (a fresh mm is current's);
 *   3. the layout: randomized stack top, mmap_base below it, the stack VMA;
 *   4. map every PT_LOAD privately from the file at p_vaddr (+ the load
 *      bias for ET_DYN): offset and vaddr may be unaligned as long as they
 *      agree modulo the page size; memsz > filesz gets the rest of the
 *      last file page zeroed and anonymous zero pages beyond;
 *   5. the same for the interpreter, then brk after the program's end;
 *   6. the vDSO ([vvar] and [vdso], arch/x86/entry/vdso/vma.c);
 *   7. the initial stack: strings, the platform name, 16 random bytes,
 *      argc, argv, envp and the auxiliary vector (create_elf_tables), then
 *      start_thread at the interpreter's entry (or the program's).
 *
 * PT_GNU_STACK asking for an executable stack is not honoured: the stack
 * is never executable (mm/'s setup_stack_vma). Locking: mapping goes
 * through vm_mmap (mmap_lock inside); the mm's layout fields are written
 * under mmap_lock for write.
 */
#include <kestrel/binfmts.h>
#include <kestrel/cred.h>
#include <kestrel/elf.h>
#include <kestrel/errno.h>
#include <kestrel/fs.h>
#include <kestrel/mm_types.h>
#include <kestrel/mman.h>
#include <kestrel/random.h>
#include <kestrel/rwsem.h>
#include <kestrel/sched.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/uaccess.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/sighandling.h>
#include <asm/syscall.h>
#include <asm/vdso.h>

#define ELF_PAGEOFFSET(x) ((x) & (PAGE_SIZE - 1))
#define ELF_PAGESTART(x) ((x) & ~(PAGE_SIZE - 1))
#define ELF_PAGEALIGN(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

#define STACK_TOP TASK_SIZE_MAX
#define STACK_EXPAND (128UL << 10)	/* room the stack VMA gets beyond the initial tables */
/* PIE programs go at two thirds of user space (as Linux's ELF_ET_DYN_BASE), plus 28 random bits of pages. */
#define ELF_ET_DYN_BASE (TASK_SIZE_MAX / 3 * 2)
#define ET_DYN_RND_BITS 28
#define ELF_MAX_PHNUM (65536 / sizeof(Elf64_Phdr))
#define ELF_INTERP_MAX 4096		/* PATH_MAX */
#define USER_HZ 100			/* AT_CLKTCK: times(2) units */
#define AUXV_MAX_PAIRS 24		/* mm->saved_auxv holds 2 * 24 words */

/* One ELF file's headers: the file header, program headers and the span of its PT_LOADs. */
struct elf_image {
	Elf64_Ehdr eh;
	Elf64_Phdr *phdrs;
	unsigned long lo, hi;		/* page-aligned [lowest vaddr, highest vaddr + memsz) */
	bool exec_stack;		/* PT_GNU_STACK with PF_X */
};

int elf_check_ehdr(const Elf64_Ehdr *eh)
{
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_ident[EI_VERSION] != EV_CURRENT)
		return -ENOEXEC;
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return -ENOEXEC;
	if (eh->e_machine != EM_X86_64 || eh->e_version != EV_CURRENT)
		return -ENOEXEC;
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum < 1 ||
	    eh->e_phnum > ELF_MAX_PHNUM)
		return -ENOEXEC;
	return 0;
}

static int check_load_phdr(const Elf64_Phdr *p, unsigned long prev_end)
{
	if (p->p_filesz > p->p_memsz)
		return -ENOEXEC;
	/* mmap can only map file page n at a page with the same offset inside it. */
	if (ELF_PAGEOFFSET(p->p_vaddr) != ELF_PAGEOFFSET(p->p_offset))
		return -ENOEXEC;
	if (p->p_vaddr + p->p_memsz < p->p_vaddr || p->p_vaddr + p->p_memsz > TASK_SIZE_MAX ||
	    p->p_offset + p->p_filesz < p->p_offset)
		return -ENOEXEC;
	/* In address order without overlap (they may share a page). */
	if (p->p_vaddr < prev_end)
		return -ENOEXEC;
	return 0;
}

int elf_check_phdrs(const Elf64_Ehdr *eh, const Elf64_Phdr *ph, unsigned long *lo,
		    unsigned long *hi)
{
	unsigned long prev_end = 0, first = 0, last = 0;
	int loads = 0, interps = 0;

	for (int i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];

		if (p->p_type == PT_INTERP && ++interps > 1)
			return -ENOEXEC;
		if (p->p_type != PT_LOAD)
			continue;
		if (check_load_phdr(p, prev_end))
			return -ENOEXEC;
		if (!loads++)
			first = p->p_vaddr;
		prev_end = last = p->p_vaddr + p->p_memsz;
	}
	if (!loads || ELF_PAGEALIGN(last) > TASK_SIZE_MAX)
		return -ENOEXEC;
	*lo = ELF_PAGESTART(first);
	*hi = ELF_PAGEALIGN(last);
	if (*hi <= *lo)
		return -ENOEXEC;
	/* The entry point must be inside the image. */
	if (eh->e_entry < first || eh->e_entry >= last)
		return -ENOEXEC;
	return 0;
}

/* Header checks and the program headers of file, whose first bytes are in buf. */
static int elf_read_image(struct file *file, const char *buf, struct elf_image *img)
{
	size_t size;
	loff_t pos;
	ssize_t n;
	int err;

	memcpy(&img->eh, buf, sizeof(img->eh));
	err = elf_check_ehdr(&img->eh);
	if (err)
		return err;
	size = img->eh.e_phnum * sizeof(Elf64_Phdr);
	img->phdrs = kmalloc(size, GFP_KERNEL);
	if (!img->phdrs)
		return -ENOMEM;
	pos = img->eh.e_phoff;
	n = kernel_read(file, img->phdrs, size, &pos);
	if (n < 0)
		return n;
	if ((size_t)n != size)
		return -ENOEXEC;
	err = elf_check_phdrs(&img->eh, img->phdrs, &img->lo, &img->hi);
	if (err)
		return err;
	for (int i = 0; i < img->eh.e_phnum; i++)
		if (img->phdrs[i].p_type == PT_GNU_STACK)
			img->exec_stack = img->phdrs[i].p_flags & PF_X;
	return 0;
}

/* The PT_INTERP path of img, opened for exec, its header bytes in ibuf. */
static struct file *elf_open_interp(struct file *file, const struct elf_image *img, char *ibuf)
{
	const Elf64_Phdr *p = NULL;
	struct file *interp;
	char *path;
	loff_t pos;
	ssize_t n;

	for (int i = 0; i < img->eh.e_phnum; i++)
		if (img->phdrs[i].p_type == PT_INTERP)
			p = &img->phdrs[i];
	if (!p)
		return NULL;
	if (p->p_filesz < 2 || p->p_filesz > ELF_INTERP_MAX)
		return ERR_PTR(-ENOEXEC);
	path = kmalloc(p->p_filesz, GFP_KERNEL);
	if (!path)
		return ERR_PTR(-ENOMEM);
	pos = p->p_offset;
	n = kernel_read(file, path, p->p_filesz, &pos);
	if (n != (ssize_t)p->p_filesz || path[p->p_filesz - 1]) {
		kfree(path);
		return ERR_PTR(n < 0 ? n : -ENOEXEC);
	}
	interp = open_exec(path);
	kfree(path);
	if (IS_ERR(interp))
		return interp;
	memset(ibuf, 0, BINPRM_BUF_SIZE);
	pos = 0;
	n = kernel_read(interp, ibuf, BINPRM_BUF_SIZE, &pos);
	if (n < 0) {
		fput(interp);
		return ERR_PTR(n);
	}
	return interp;
}

static unsigned long make_prot(u32 p_flags)
{
	return (p_flags & PF_R ? PROT_READ : 0) | (p_flags & PF_W ? PROT_WRITE : 0) |
	       (p_flags & PF_X ? PROT_EXEC : 0);
}

/*
 * Where an ET_DYN image goes: reserve its whole span (PROT_NONE) so the
 * segments land at fixed distances from each other; they are mapped over
 * the reservation with MAP_FIXED. A PIE program with an interpreter goes
 * near ELF_ET_DYN_BASE, an interpreter (or a PIE without one) wherever
 * mmap puts things (below the randomized mmap_base). Returns the load bias.
 */
static long elf_reserve_dyn(const struct elf_image *img, bool pie_base)
{
	unsigned long len = img->hi - img->lo, addr;

	if (pie_base) {
		unsigned long rnd = (get_random_u64() & ((1UL << ET_DYN_RND_BITS) - 1)) << PAGE_SHIFT;

		addr = vm_mmap(NULL, ELF_PAGESTART(ELF_ET_DYN_BASE + rnd), len, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, 0);
		if (!IS_ERR_VALUE(addr))
			return addr - img->lo;
	}
	addr = vm_mmap(NULL, 0, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(addr))
		return (long)addr;
	return addr - img->lo;
}

/* Layout facts create_elf_tables and the mm want. */
struct elf_load_info {
	unsigned long start_code, end_code, start_data, end_data, brk;
};

/* The zero-filled part of one PT_LOAD: [addr + filesz, addr + memsz). */
static int elf_map_bss(const Elf64_Phdr *p, unsigned long addr, unsigned long prot,
		       unsigned long mapped_end)
{
	unsigned long zero = addr + p->p_filesz, end = addr + p->p_memsz, anon;

	if (end <= zero)
		return 0;
	anon = ELF_PAGEALIGN(zero);
	if (ELF_PAGESTART(zero) < mapped_end) {
		/*
		 * The page holding the file's last bytes: zero the rest of it,
		 * to the page's end and not only to p_memsz (COW on write).
		 * glibc's ld.so carves its first allocations out of the space
		 * between its .bss end and the page end and counts on zeros
		 * there, as Linux's padzero gives.
		 */
		unsigned long n = anon - zero;

		if (n && (prot & PROT_WRITE) && clear_user((void __user *)zero, n))
			return -EFAULT;
	} else {
		anon = ELF_PAGESTART(zero);
	}
	if (ELF_PAGEALIGN(end) > anon) {
		unsigned long r = vm_mmap(NULL, anon, ELF_PAGEALIGN(end) - anon, prot,
					  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
		if (IS_ERR_VALUE(r))
			return (long)r;
	}
	return 0;
}

/* Map every PT_LOAD of img at bias; fill info (addresses with the bias). */
static int elf_map_image(struct file *file, const struct elf_image *img, unsigned long bias,
			 struct elf_load_info *info)
{
	unsigned long mapped_end = 0;

	info->start_code = ~0UL;
	info->end_code = info->start_data = info->end_data = info->brk = 0;
	for (int i = 0; i < img->eh.e_phnum; i++) {
		const Elf64_Phdr *p = &img->phdrs[i];
		unsigned long addr = p->p_vaddr + bias, prot = make_prot(p->p_flags);
		unsigned long pageoff = ELF_PAGEOFFSET(addr);
		int err;

		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_filesz) {
			unsigned long r = vm_mmap(file, addr - pageoff,
						  ELF_PAGEALIGN(p->p_filesz + pageoff), prot,
						  MAP_PRIVATE | MAP_FIXED,
						  (p->p_offset - pageoff) >> PAGE_SHIFT);
			if (IS_ERR_VALUE(r))
				return (long)r;
			mapped_end = ELF_PAGEALIGN(addr + p->p_filesz);
		}
		err = elf_map_bss(p, addr, prot, mapped_end);
		if (err)
			return err;
		if (p->p_memsz > p->p_filesz)
			mapped_end = ELF_PAGEALIGN(addr + p->p_memsz);

		if (addr < info->start_code)
			info->start_code = addr;
		if (addr > info->start_data)
			info->start_data = addr;
		if ((p->p_flags & PF_X) && addr + p->p_filesz > info->end_code)
			info->end_code = addr + p->p_filesz;
		if (addr + p->p_filesz > info->end_data)
			info->end_data = addr + p->p_filesz;
		if (addr + p->p_memsz > info->brk)
			info->brk = addr + p->p_memsz;
	}
	return 0;
}

/* Where the program headers are in memory (AT_PHDR): PT_PHDR, or inside the PT_LOAD holding e_phoff. */
static unsigned long elf_phdr_addr(const struct elf_image *img, unsigned long bias)
{
	for (int i = 0; i < img->eh.e_phnum; i++)
		if (img->phdrs[i].p_type == PT_PHDR)
			return img->phdrs[i].p_vaddr + bias;
	for (int i = 0; i < img->eh.e_phnum; i++) {
		const Elf64_Phdr *p = &img->phdrs[i];

		if (p->p_type == PT_LOAD && img->eh.e_phoff >= p->p_offset &&
		    img->eh.e_phoff + img->eh.e_phnum * sizeof(Elf64_Phdr) <= p->p_offset + p->p_filesz)
			return p->p_vaddr + (img->eh.e_phoff - p->p_offset) + bias;
	}
	return 0;
}

static unsigned long cpu_hwcap(void)
{
	u32 a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	return d;	/* Linux's ELF_HWCAP: CPUID.1:EDX */
}

struct elf_tables {
	unsigned long phdr, phnum, entry, base;	/* base: the interpreter's load address (0: none) */
	unsigned long vdso;			/* the vDSO's ELF header (0: none) */
};

#define ELF_PLATFORM "x86_64"	/* AT_PLATFORM, as Linux's uname machine */

static int put_user_long(unsigned long v, unsigned long addr)
{
	return put_user(v, (unsigned long __user *)addr);
}

/*
 * The initial stack, from stack_top down: the strings (argv, envp, exec
 * name), 16 random bytes, then 16-byte aligned: argc, argv[], NULL,
 * envp[], NULL, auxv pairs ending in AT_NULL. Returns the new sp or -errno.
 */
static long create_elf_tables(struct linux_binprm *bprm, const struct elf_tables *t,
			      unsigned long stack_top)
{
	struct mm_struct *mm = current->mm;
	const struct cred *cred = current_cred();
	unsigned long len = bprm->size - bprm->p, str, platform, rnd, sp, auxv[2 * AUXV_MAX_PAIRS];
	unsigned long ptr, items, off = 0, arg_start, arg_end;
	const char *kstr = bprm->strings + bprm->p;
	unsigned char random[16];
	int n = 0;

	str = stack_top - len;
	if (copy_to_user((void __user *)str, bprm->strings + bprm->p, len))
		return -EFAULT;
	platform = str - sizeof(ELF_PLATFORM);
	if (copy_to_user((void __user *)platform, ELF_PLATFORM, sizeof(ELF_PLATFORM)))
		return -EFAULT;
	rnd = (platform - sizeof(random)) & ~15UL;
	get_random_bytes(random, sizeof(random));
	if (copy_to_user((void __user *)rnd, random, sizeof(random)))
		return -EFAULT;

	/* Linux's order: the architecture's entries (ARCH_DLINFO) first. */
#define NEW_AUX_ENT(id, val) do { auxv[n++] = (id); auxv[n++] = (val); } while (0)
	if (t->vdso)
		NEW_AUX_ENT(AT_SYSINFO_EHDR, t->vdso);
	NEW_AUX_ENT(AT_MINSIGSTKSZ, get_sigframe_size());
	NEW_AUX_ENT(AT_HWCAP, cpu_hwcap());
	NEW_AUX_ENT(AT_PAGESZ, PAGE_SIZE);
	NEW_AUX_ENT(AT_CLKTCK, USER_HZ);
	NEW_AUX_ENT(AT_PHDR, t->phdr);
	NEW_AUX_ENT(AT_PHENT, sizeof(Elf64_Phdr));
	NEW_AUX_ENT(AT_PHNUM, t->phnum);
	NEW_AUX_ENT(AT_BASE, t->base);
	NEW_AUX_ENT(AT_FLAGS, 0);
	NEW_AUX_ENT(AT_ENTRY, t->entry);
	NEW_AUX_ENT(AT_UID, cred->uid);
	NEW_AUX_ENT(AT_EUID, cred->euid);
	NEW_AUX_ENT(AT_GID, cred->gid);
	NEW_AUX_ENT(AT_EGID, cred->egid);
	NEW_AUX_ENT(AT_SECURE, bprm->secureexec);
	NEW_AUX_ENT(AT_RANDOM, rnd);
	NEW_AUX_ENT(AT_HWCAP2, 0);	/* no ring-3 MWAIT, FSGSBASE off */
	/* The exec name is the last (highest) string. */
	NEW_AUX_ENT(AT_EXECFN, stack_top - (strlen(bprm->filename) + 1));
	NEW_AUX_ENT(AT_PLATFORM, platform);
	NEW_AUX_ENT(AT_NULL, 0);
#undef NEW_AUX_ENT

	items = 1 + (bprm->argc + 1) + (bprm->envc + 1) + n;
	sp = (rnd - items * sizeof(unsigned long)) & ~15UL;	/* rsp at argc: 16-byte aligned */

	ptr = sp;
	if (put_user_long(bprm->argc, ptr))
		return -EFAULT;
	ptr += sizeof(unsigned long);
	arg_start = str;
	for (int i = 0; i < bprm->argc; i++, ptr += sizeof(unsigned long)) {
		if (put_user_long(str + off, ptr))
			return -EFAULT;
		off += strnlen(kstr + off, len - off) + 1;
	}
	if (put_user_long(0, ptr))	/* argv's NULL */
		return -EFAULT;
	ptr += sizeof(unsigned long);
	arg_end = str + off;
	for (int i = 0; i < bprm->envc; i++, ptr += sizeof(unsigned long)) {
		if (put_user_long(str + off, ptr))
			return -EFAULT;
		off += strnlen(kstr + off, len - off) + 1;
	}
	if (put_user_long(0, ptr))	/* envp's NULL */
		return -EFAULT;
	ptr += sizeof(unsigned long);
	if (copy_to_user((void __user *)ptr, auxv, n * sizeof(unsigned long)))
		return -EFAULT;

	down_write(&mm->mmap_lock);
	mm->arg_start = arg_start;
	mm->arg_end = mm->env_start = arg_end;
	mm->env_end = str + off;
	mm->start_stack = sp;
	memset(mm->saved_auxv, 0, sizeof(mm->saved_auxv));
	memcpy(mm->saved_auxv, auxv, n * sizeof(unsigned long));
	up_write(&mm->mmap_lock);
	return sp;
}

/* Bytes the initial stack needs below stack_top (create_elf_tables), rounded generously. */
static unsigned long elf_stack_size(const struct linux_binprm *bprm)
{
	unsigned long words = 1 + bprm->argc + 1 + bprm->envc + 1 + 2 * AUXV_MAX_PAIRS;

	return ELF_PAGEALIGN(bprm->size - bprm->p + sizeof(ELF_PLATFORM) + 32 +
			     words * sizeof(unsigned long) + 16) +
	       STACK_EXPAND;
}

static void elf_set_mm_layout(struct mm_struct *mm, const struct elf_load_info *info,
			      bool randomize_brk_start)
{
	down_write(&mm->mmap_lock);
	mm->start_code = info->start_code;
	mm->end_code = info->end_code;
	mm->start_data = info->start_data;
	mm->end_data = info->end_data;
	mm->start_brk = mm->brk = randomize_brk_start ? randomize_brk(info->brk)
						      : ELF_PAGEALIGN(info->brk);
	up_write(&mm->mmap_lock);
}

/* After the point of no return: build the new image. Errors kill the process (exec.c). */
static int elf_load_new_image(struct linux_binprm *bprm, struct elf_image *img,
			      struct file *interp_file, struct elf_image *interp)
{
	struct mm_struct *mm = current->mm;
	struct elf_load_info info, iinfo;
	struct elf_tables t = { 0 };
	unsigned long stack_top, bias = 0;
	long sp, r;
	int err;

	stack_top = randomize_stack_top(STACK_TOP);
	arch_pick_mmap_layout(mm, stack_top);
	err = setup_stack_vma(stack_top, elf_stack_size(bprm));
	if (err)
		return err;

	if (img->eh.e_type == ET_DYN) {
		r = elf_reserve_dyn(img, interp_file != NULL);
		if (IS_ERR_VALUE(r))
			return r;
		bias = r;
	}
	err = elf_map_image(bprm->file, img, bias, &info);
	if (err)
		return err;
	t.phdr = elf_phdr_addr(img, bias);
	t.phnum = img->eh.e_phnum;
	t.entry = img->eh.e_entry + bias;

	if (interp_file) {
		unsigned long ibias = 0;

		if (interp->eh.e_type == ET_DYN) {
			r = elf_reserve_dyn(interp, false);
			if (IS_ERR_VALUE(r))
				return r;
			ibias = r;
		}
		err = elf_map_image(interp_file, interp, ibias, &iinfo);
		if (err)
			return err;
		t.base = interp->lo + ibias;
	}
	elf_set_mm_layout(mm, &info, true);
	/* The vDSO, in the mmap area like a library: AT_SYSINFO_EHDR. */
	r = arch_setup_additional_pages(mm);
	if (IS_ERR_VALUE(r))
		return r;
	t.vdso = r;

	sp = create_elf_tables(bprm, &t, stack_top);
	if (sp < 0)
		return sp;
	start_thread(current_pt_regs(),
		     interp_file ? interp->eh.e_entry + (t.base - interp->lo) : t.entry, sp);
	return 0;
}

static int load_elf_binary(struct linux_binprm *bprm)
{
	struct elf_image img = { 0 }, interp = { 0 };
	struct file *interp_file = NULL;
	char *ibuf = NULL;
	int err;

	if (memcmp(bprm->buf, ELFMAG, SELFMAG))
		return -ENOEXEC;
	err = elf_read_image(bprm->file, bprm->buf, &img);
	if (err)
		goto out;

	err = -ENOMEM;
	ibuf = kmalloc(BINPRM_BUF_SIZE, GFP_KERNEL);
	if (!ibuf)
		goto out;
	interp_file = elf_open_interp(bprm->file, &img, ibuf);
	if (IS_ERR(interp_file)) {
		err = PTR_ERR(interp_file);
		interp_file = NULL;
		goto out;
	}
	if (interp_file) {
		/* A broken interpreter is the program's problem: ENOEXEC, nothing else tried. */
		err = memcmp(ibuf, ELFMAG, SELFMAG) ? -ELIBBAD : elf_read_image(interp_file, ibuf, &interp);
		if (err == -ENOEXEC)
			err = -ELIBBAD;
		if (err)
			goto out;
	}

	err = begin_new_exec(bprm);
	if (err)
		goto out;
	err = elf_load_new_image(bprm, &img, interp_file, &interp);
out:
	if (interp_file)
		fput(interp_file);
	kfree(ibuf);
	kfree(interp.phdrs);
	kfree(img.phdrs);
	return err;
}

const struct linux_binfmt elf_format = {
	.name = "elf",
	.load_binary = load_elf_binary,
};
