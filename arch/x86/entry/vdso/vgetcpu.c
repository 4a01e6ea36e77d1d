/*
 * The vDSO's getcpu: the CPU this thread runs on, from the limit of the
 * CPU's own GDT entry GDT_ENTRY_CPUNODE (arch/x86/kernel/gdt.c), which
 * `lsl` reads in ring 3 without a system call. Like any getcpu answer it
 * may be stale as soon as it is returned. Built as user code (vdso.lds).
 */
#include <asm/segment.h>

struct getcpu_cache;

long __vdso_getcpu(unsigned int *cpu, unsigned int *node, struct getcpu_cache *unused)
{
	unsigned int p;

	__asm__ volatile("lsl %1, %0" : "=r"(p) : "r"(__CPUNODE_SEG));
	if (cpu)
		*cpu = p & 0xfff;
	if (node)
		*node = p >> 12;
	return 0;
}
long getcpu(unsigned int *cpu, unsigned int *node, struct getcpu_cache *unused)
	__attribute__((weak, alias("__vdso_getcpu")));
