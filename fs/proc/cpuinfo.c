/*
 * /proc/cpuinfo: one block per online CPU, in Linux's format. CPUID
 * answers for the CPU that executes it, so each CPU's block is gathered
 * on that CPU (smp_call_function_single, waiting). The flags are the
 * CPUID bits Linux names the same way; "cpu MHz" is the calibrated TSC.
 */
#include <kestrel/smp.h>
#include <kestrel/string.h>
#include <asm/processor.h>
#include <asm/tsc.h>
#include "internal.h"

struct cpuid_info {
	u32 max_leaf, max_ext;
	char vendor[13];
	char model_name[49];
	u32 leaf1_eax, leaf1_ebx, leaf1_ecx, leaf1_edx;
	u32 leaf7_ebx, leaf7_ecx;
	u32 ext1_ecx, ext1_edx;
};

static void read_cpuid(void *arg)
{
	struct cpuid_info *ci = arg;
	u32 a, b, c, d;

	memset(ci, 0, sizeof(*ci));
	cpuid(0, &a, &b, &c, &d);
	ci->max_leaf = a;
	memcpy(ci->vendor, &b, 4);
	memcpy(ci->vendor + 4, &d, 4);
	memcpy(ci->vendor + 8, &c, 4);
	cpuid(1, &ci->leaf1_eax, &ci->leaf1_ebx, &ci->leaf1_ecx, &ci->leaf1_edx);
	if (ci->max_leaf >= 7)
		cpuid_count(7, 0, &a, &ci->leaf7_ebx, &ci->leaf7_ecx, &d);
	cpuid(0x80000000, &ci->max_ext, &b, &c, &d);
	if (ci->max_ext >= 0x80000001)
		cpuid(0x80000001, &a, &b, &ci->ext1_ecx, &ci->ext1_edx);
	if (ci->max_ext >= 0x80000004) {
		u32 *w = (u32 *)ci->model_name;

		for (u32 leaf = 0; leaf < 3; leaf++)
			cpuid(0x80000002 + leaf, &w[leaf * 4], &w[leaf * 4 + 1], &w[leaf * 4 + 2],
			      &w[leaf * 4 + 3]);
	}
}

struct flag_name {
	u8 reg;		/* which register below */
	u8 bit;
	const char *name;
};
enum { L1_EDX, L1_ECX, L7_EBX, L7_ECX, E1_EDX, E1_ECX };

static const struct flag_name flag_names[] = {
	{ L1_EDX, 0, "fpu" }, { L1_EDX, 1, "vme" }, { L1_EDX, 2, "de" }, { L1_EDX, 3, "pse" },
	{ L1_EDX, 4, "tsc" }, { L1_EDX, 5, "msr" }, { L1_EDX, 6, "pae" }, { L1_EDX, 7, "mce" },
	{ L1_EDX, 8, "cx8" }, { L1_EDX, 9, "apic" }, { L1_EDX, 11, "sep" }, { L1_EDX, 12, "mtrr" },
	{ L1_EDX, 13, "pge" }, { L1_EDX, 14, "mca" }, { L1_EDX, 15, "cmov" }, { L1_EDX, 16, "pat" },
	{ L1_EDX, 17, "pse36" }, { L1_EDX, 19, "clflush" }, { L1_EDX, 23, "mmx" },
	{ L1_EDX, 24, "fxsr" }, { L1_EDX, 25, "sse" }, { L1_EDX, 26, "sse2" }, { L1_EDX, 28, "ht" },
	{ E1_EDX, 11, "syscall" }, { E1_EDX, 20, "nx" }, { E1_EDX, 26, "pdpe1gb" },
	{ E1_EDX, 27, "rdtscp" }, { E1_EDX, 29, "lm" },
	{ L1_ECX, 0, "pni" }, { L1_ECX, 1, "pclmulqdq" }, { L1_ECX, 9, "ssse3" },
	{ L1_ECX, 12, "fma" }, { L1_ECX, 13, "cx16" }, { L1_ECX, 17, "pcid" },
	{ L1_ECX, 19, "sse4_1" }, { L1_ECX, 20, "sse4_2" }, { L1_ECX, 21, "x2apic" },
	{ L1_ECX, 22, "movbe" }, { L1_ECX, 23, "popcnt" }, { L1_ECX, 24, "tsc_deadline_timer" },
	{ L1_ECX, 25, "aes" }, { L1_ECX, 26, "xsave" }, { L1_ECX, 28, "avx" },
	{ L1_ECX, 29, "f16c" }, { L1_ECX, 30, "rdrand" }, { L1_ECX, 31, "hypervisor" },
	{ E1_ECX, 0, "lahf_lm" }, { E1_ECX, 5, "abm" },
	{ L7_EBX, 0, "fsgsbase" }, { L7_EBX, 3, "bmi1" }, { L7_EBX, 5, "avx2" },
	{ L7_EBX, 7, "smep" }, { L7_EBX, 8, "bmi2" }, { L7_EBX, 9, "erms" },
	{ L7_EBX, 10, "invpcid" }, { L7_EBX, 18, "rdseed" }, { L7_EBX, 19, "adx" },
	{ L7_EBX, 20, "smap" }, { L7_EBX, 23, "clflushopt" }, { L7_ECX, 2, "umip" },
};

static u32 flag_reg(const struct cpuid_info *ci, int reg)
{
	switch (reg) {
	case L1_EDX: return ci->leaf1_edx;
	case L1_ECX: return ci->leaf1_ecx;
	case L7_EBX: return ci->leaf7_ebx;
	case L7_ECX: return ci->leaf7_ecx;
	case E1_EDX: return ci->ext1_edx;
	default: return ci->ext1_ecx;
	}
}

static void show_cpu(struct seq_file *m, unsigned int cpu, const struct cpuid_info *ci)
{
	u32 eax = ci->leaf1_eax;
	unsigned int family = (eax >> 8) & 0xf, model = (eax >> 4) & 0xf;
	const char *name = ci->model_name;

	if (family == 0xf)
		family += (eax >> 20) & 0xff;
	if (family >= 6)
		model += ((eax >> 16) & 0xf) << 4;
	while (*name == ' ')
		name++;
	seq_printf(m, "processor\t: %u\n", cpu);
	seq_printf(m, "vendor_id\t: %s\n", ci->vendor);
	seq_printf(m, "cpu family\t: %u\n", family);
	seq_printf(m, "model\t\t: %u\n", model);
	seq_printf(m, "model name\t: %s\n", *name ? name : "unknown");
	seq_printf(m, "stepping\t: %u\n", eax & 0xf);
	seq_printf(m, "cpu MHz\t\t: %llu.%03llu\n", (unsigned long long)(tsc_khz / 1000),
		   (unsigned long long)(tsc_khz % 1000));
	seq_printf(m, "apicid\t\t: %u\n", ci->leaf1_ebx >> 24);
	seq_printf(m, "cpu cores\t: %u\n", num_online_cpus());
	seq_puts(m, "flags\t\t:");
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (flag_reg(ci, flag_names[i].reg) & (1U << flag_names[i].bit))
			seq_printf(m, " %s", flag_names[i].name);
	seq_puts(m, "\n\n");
}

int cpuinfo_proc_show(struct seq_file *m, void *v)
{
	struct cpuid_info ci;
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		int err = smp_call_function_single(cpu, read_cpuid, &ci, true);

		if (err)
			return err;
		show_cpu(m, cpu, &ci);
	}
	return 0;
}
