/*
 * CPU masks: one bit per CPU number (NR_CPUS <= 64, so one word).
 * Passed by value; the scheduler uses them for affinity
 * (set_cpus_allowed) and for the CPUs it runs on. As in Linux,
 * cpumask_set_cpu/cpumask_clear_cpu are atomic (set_bit: a mask shared
 * between CPUs, like mm->cpu_vm_mask); __cpumask_set_cpu and
 * __cpumask_clear_cpu are the plain ones for a mask of one's own.
 */
#ifndef KESTREL_CPUMASK_H
#define KESTREL_CPUMASK_H

#include <kestrel/bitops.h>
#include <kestrel/compiler.h>
#include <kestrel/percpu.h>

BUILD_BUG_ON(NR_CPUS > 64);

typedef struct cpumask {
	u64 bits;
} cpumask_t;

#define CPU_MASK_ALL ((cpumask_t){ ~0ULL })
#define CPU_MASK_NONE ((cpumask_t){ 0 })

static inline cpumask_t cpumask_of(unsigned int cpu)
{
	return (cpumask_t){ 1ULL << cpu };
}

static inline bool cpumask_test_cpu(unsigned int cpu, cpumask_t m)
{
	return cpu < NR_CPUS && (m.bits >> cpu) & 1;
}

static inline void cpumask_set_cpu(unsigned int cpu, cpumask_t *m)
{
	set_bit(cpu, &m->bits);
}

static inline void cpumask_clear_cpu(unsigned int cpu, cpumask_t *m)
{
	clear_bit(cpu, &m->bits);
}

static inline void __cpumask_set_cpu(unsigned int cpu, cpumask_t *m)
{
	__set_bit(cpu, &m->bits);
}

static inline void __cpumask_clear_cpu(unsigned int cpu, cpumask_t *m)
{
	__clear_bit(cpu, &m->bits);
}

static inline cpumask_t cpumask_and(cpumask_t a, cpumask_t b)
{
	return (cpumask_t){ a.bits & b.bits };
}

static inline bool cpumask_empty(cpumask_t m)
{
	return m.bits == 0;
}

static inline unsigned int cpumask_weight(cpumask_t m)
{
	unsigned int n = 0;

	for (u64 b = m.bits; b; b &= b - 1)	/* clear the lowest set bit */
		n++;
	return n;
}

/* Lowest CPU in m, or NR_CPUS if none. */
static inline unsigned int cpumask_first(cpumask_t m)
{
	return m.bits ? (unsigned int)__builtin_ctzll(m.bits) : NR_CPUS;
}

#define for_each_cpu(cpu, mask) \
	for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++) if (cpumask_test_cpu((cpu), (mask)))

#endif
