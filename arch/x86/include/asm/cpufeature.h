/*
 * CPU features Kestrel detects with CPUID and turns on (arch/x86/kernel/cpu.c).
 *
 * cpu_features_init() runs once on the boot CPU: it records what CPUID
 * offers in boot_cpu_features and enables what the kernel uses (NX,
 * SMEP, SMAP, UMIP). A CPU brought up later calls cpu_features_enable()
 * to turn the same features on for itself. boot_cpu_features is written
 * once before any other CPU starts and only read afterwards.
 */
#ifndef ASM_CPUFEATURE_H
#define ASM_CPUFEATURE_H

#include <kestrel/types.h>

enum x86_feature {
	X86_FEATURE_NX,		/* no-execute pages (EFER.NXE) */
	X86_FEATURE_SMEP,	/* supervisor mode execution prevention */
	X86_FEATURE_SMAP,	/* supervisor mode access prevention (stac/clac) */
	X86_FEATURE_UMIP,	/* user-mode instruction prevention (sgdt, sidt, str ... fault) */
	X86_FEATURE_FSGSBASE,	/* rdfsbase and friends (detected, not enabled: unused) */
	X86_FEATURE_PGE,	/* global pages */
	X86_FEATURE_PCID,
	X86_FEATURE_INVPCID,
	X86_FEATURE_X2APIC,
	X86_FEATURE_TSC_DEADLINE,
	X86_FEATURE_XSAVE,
	X86_FEATURE_RDRAND,
	X86_FEATURE_GBPAGES,	/* 1 GiB pages */
	X86_NR_FEATURES
};

/* What CPUID reports on the boot CPU (bit n = enum x86_feature n). */
extern u64 boot_cpu_features;
/* The subset the kernel turned on. */
extern u64 enabled_cpu_features;

static inline bool boot_cpu_has(enum x86_feature f)
{
	return boot_cpu_features & (1ULL << f);
}

static inline bool cpu_feature_enabled(enum x86_feature f)
{
	return enabled_cpu_features & (1ULL << f);
}

/* Name of a feature as printed in the "cpu:" boot line. */
const char *x86_feature_name(enum x86_feature f);

/* Boot CPU: detect, enable, print "cpu: NX SMEP SMAP UMIP" (what got enabled). */
void cpu_features_init(void);
/* Another CPU: enable what the boot CPU enabled. */
void cpu_features_enable(void);

#endif
