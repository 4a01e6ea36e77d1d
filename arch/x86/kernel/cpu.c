/*
 * CPU feature detection (CPUID) and the protection features Kestrel turns
 * on: NX (EFER.NXE; head.S already set it for the boot page tables, mm
 * relies on it for W^X), SMEP (no executing user pages in ring 0), SMAP
 * (no touching user pages in ring 0 outside stac/clac) and UMIP (user
 * mode may not read descriptor-table registers). FSGSBASE is detected but
 * left off: nothing uses it, and enabling it would let user code change
 * its GS base behind swapgs's back.
 *
 * Locking: boot_cpu_features and enabled_cpu_features are written once by
 * the boot CPU before other CPUs start, then only read.
 */
#include <kestrel/printk.h>
#include <kestrel/string.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>

u64 boot_cpu_features;
u64 enabled_cpu_features;

/* Where CPUID reports each feature: leaf, register, bit. */
enum { REG_EBX, REG_ECX, REG_EDX };
static const struct {
	const char *name;
	u32 leaf;
	u8 reg, bit;
} features[X86_NR_FEATURES] = {
	[X86_FEATURE_NX] = { "NX", 0x80000001, REG_EDX, 20 },
	[X86_FEATURE_SMEP] = { "SMEP", 7, REG_EBX, 7 },
	[X86_FEATURE_SMAP] = { "SMAP", 7, REG_EBX, 20 },
	[X86_FEATURE_UMIP] = { "UMIP", 7, REG_ECX, 2 },
	[X86_FEATURE_FSGSBASE] = { "FSGSBASE", 7, REG_EBX, 0 },
	[X86_FEATURE_PGE] = { "PGE", 1, REG_EDX, 13 },
	[X86_FEATURE_PCID] = { "PCID", 1, REG_ECX, 17 },
	[X86_FEATURE_INVPCID] = { "INVPCID", 7, REG_EBX, 10 },
	[X86_FEATURE_X2APIC] = { "X2APIC", 1, REG_ECX, 21 },
	[X86_FEATURE_TSC_DEADLINE] = { "TSC_DEADLINE", 1, REG_ECX, 24 },
	[X86_FEATURE_XSAVE] = { "XSAVE", 1, REG_ECX, 26 },
	[X86_FEATURE_RDRAND] = { "RDRAND", 1, REG_ECX, 30 },
	[X86_FEATURE_GBPAGES] = { "GBPAGES", 0x80000001, REG_EDX, 26 },
};

/* What the kernel turns on when present, in the order the boot line lists them. */
static const enum x86_feature wanted[] = {
	X86_FEATURE_NX, X86_FEATURE_SMEP, X86_FEATURE_SMAP, X86_FEATURE_UMIP,
};

const char *x86_feature_name(enum x86_feature f)
{
	return (unsigned int)f < X86_NR_FEATURES ? features[f].name : "?";
}

static u32 max_leaf(u32 base)
{
	u32 a, b, c, d;

	cpuid(base, &a, &b, &c, &d);
	return a;
}

static void detect(void)
{
	u32 max_std = max_leaf(0), max_ext = max_leaf(0x80000000);

	for (int f = 0; f < X86_NR_FEATURES; f++) {
		u32 r[3], a, leaf = features[f].leaf;
		if (leaf >= 0x80000000 ? leaf > max_ext : leaf > max_std)
			continue;
		cpuid_count(leaf, 0, &a, &r[REG_EBX], &r[REG_ECX], &r[REG_EDX]);
		if (r[features[f].reg] & (1U << features[f].bit))
			boot_cpu_features |= 1ULL << f;
	}
}

/* Turn on feature f on this CPU. */
static void enable(enum x86_feature f)
{
	switch (f) {
	case X86_FEATURE_NX:
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
		break;
	case X86_FEATURE_SMEP:
		write_cr4(read_cr4() | X86_CR4_SMEP);
		break;
	case X86_FEATURE_SMAP:
		write_cr4(read_cr4() | X86_CR4_SMAP);
		break;
	case X86_FEATURE_UMIP:
		write_cr4(read_cr4() | X86_CR4_UMIP);
		break;
	default:
		break;
	}
}

void cpu_features_enable(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(wanted); i++)
		if (cpu_feature_enabled(wanted[i]))
			enable(wanted[i]);
}

void cpu_features_init(void)
{
	char line[64] = "";
	size_t n = 0;

	detect();
	for (size_t i = 0; i < ARRAY_SIZE(wanted); i++) {
		if (!boot_cpu_has(wanted[i]))
			continue;
		enabled_cpu_features |= 1ULL << wanted[i];
		n += scnprintf(line + n, sizeof(line) - n, " %s", features[wanted[i]].name);
	}
	cpu_features_enable();
	if (n)
		pr_info("cpu:%s\n", line);
	else
		pr_info("cpu: none of NX SMEP SMAP UMIP available\n");
	if (!boot_cpu_has(X86_FEATURE_NX))
		pr_warn("cpu: no NX: data and stacks stay executable\n");
}
