/* ktests for CPU feature detection and enabling (arch/x86/kernel/cpu.c). */
#include <kestrel/ktest.h>
#include <kestrel/percpu.h>
#include <kestrel/string.h>
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/smap.h>

#define X86_EFLAGS_AC (1UL << 18)

/* Read the bit straight from CPUID, independently of cpu.c's table. */
static bool cpuid_bit(u32 leaf, int reg, int bit)
{
	u32 r[4], max;

	cpuid(leaf & 0x80000000, &max, &r[1], &r[2], &r[3]);
	if (leaf > max)
		return false;
	cpuid_count(leaf, 0, &r[0], &r[1], &r[2], &r[3]);
	return r[reg] & (1U << bit);
}

KTEST(cpu, features_match_cpuid)
{
	KEXPECT_EQ(boot_cpu_has(X86_FEATURE_NX), cpuid_bit(0x80000001, 3, 20));
	KEXPECT_EQ(boot_cpu_has(X86_FEATURE_SMEP), cpuid_bit(7, 1, 7));
	KEXPECT_EQ(boot_cpu_has(X86_FEATURE_SMAP), cpuid_bit(7, 1, 20));
	KEXPECT_EQ(boot_cpu_has(X86_FEATURE_UMIP), cpuid_bit(7, 2, 2));
	KEXPECT_EQ(boot_cpu_has(X86_FEATURE_PGE), cpuid_bit(1, 3, 13));
}

KTEST(cpu, enabled_features_are_on)
{
	unsigned long cr4 = read_cr4();

	/* Everything present among NX/SMEP/SMAP/UMIP is enabled, and really on. */
	KEXPECT_EQ(cpu_feature_enabled(X86_FEATURE_NX), boot_cpu_has(X86_FEATURE_NX));
	KEXPECT_EQ(!!(rdmsr(MSR_EFER) & EFER_NXE), boot_cpu_has(X86_FEATURE_NX));
	KEXPECT_EQ(!!(cr4 & X86_CR4_SMEP), boot_cpu_has(X86_FEATURE_SMEP));
	KEXPECT_EQ(!!(cr4 & X86_CR4_SMAP), boot_cpu_has(X86_FEATURE_SMAP));
	KEXPECT_EQ(!!(cr4 & X86_CR4_UMIP), boot_cpu_has(X86_FEATURE_UMIP));
	/* Detected but deliberately left off. */
	KEXPECT(!(cr4 & X86_CR4_FSGSBASE));
}

KTEST(cpu, stac_clac)
{
	stac();
	KEXPECT_EQ(!!(native_save_fl() & X86_EFLAGS_AC), cpu_feature_enabled(X86_FEATURE_SMAP));
	clac();
	KEXPECT(!(native_save_fl() & X86_EFLAGS_AC));
}

KTEST(cpu, feature_names)
{
	KEXPECT_STREQ(x86_feature_name(X86_FEATURE_SMAP), "SMAP");
	KEXPECT_STREQ(x86_feature_name(X86_FEATURE_NX), "NX");
	KEXPECT_STREQ(x86_feature_name(X86_NR_FEATURES), "?");
}

KTEST(cpu, descriptor_tables_in_place)
{
	struct desc_ptr gdt, idt;

	/* UMIP only stops user mode: the kernel may still read these. */
	__asm__ volatile("sgdt %0" : "=m"(gdt));
	store_idt(&idt);
	KEXPECT_EQ(gdt.base, (unsigned long)this_cpu()->arch.gdt);
	KEXPECT_EQ(gdt.limit, sizeof(this_cpu()->arch.gdt) - 1);
	KEXPECT_EQ(idt.limit, 256 * 16 - 1);
}
