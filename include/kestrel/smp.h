/*
 * Symmetric multiprocessing: which CPUs run, and how CPUs ask each other
 * to do things (inter-processor interrupts). docs/smp.md explains it all.
 *
 * Bring-up (arch/x86/kernel/smpboot.c): smp_init() on the boot CPU starts
 * every enabled CPU of the ACPI MADT, one at a time, and prints exactly
 * `smp: N CPUs online`. A CPU is online once it runs kernel code with
 * its own per-CPU area, GDT/TSS, local APIC and timer tick.
 */
#ifndef KESTREL_SMP_H
#define KESTREL_SMP_H

#include <kestrel/compiler.h>
#include <kestrel/percpu.h>

/* Boot CPU, interrupts on, after the tick is running: start the others. */
void smp_init(void);

/* Is CPU cpu online? How many are? (Only ever grows: no CPU hot-unplug.) */
bool cpu_online(unsigned int cpu);
unsigned int num_online_cpus(void);

#define for_each_online_cpu(cpu) \
	for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++) if (cpu_online(cpu))

#endif
