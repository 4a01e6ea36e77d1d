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
#include <kestrel/cpumask.h>
#include <kestrel/percpu.h>

/* Boot CPU, interrupts on, after the tick is running: start the others. */
void smp_init(void);

/* Is CPU cpu online? How many are? (Only ever grows: no CPU hot-unplug.) */
bool cpu_online(unsigned int cpu);
unsigned int num_online_cpus(void);

#define for_each_online_cpu(cpu) \
	for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++) if (cpu_online(cpu))

/*
 * IPIs (arch/x86/kernel/smp.c). The call-function family runs fn(info)
 * on other CPUs in interrupt context (interrupts off: fn must not sleep
 * or send calls itself). With wait, the caller returns after every fn
 * returned, and must have interrupts on (a WARN otherwise: two CPUs
 * waiting on each other with interrupts off could deadlock).
 *
 * smp_call_function_single  on cpu (this CPU: run here); 0 or -ENXIO
 *                           if cpu is not online
 * smp_call_function_many    on the online CPUs of mask, except this one
 * on_each_cpu               on every online CPU, this one included
 */
typedef void (*smp_call_func_t)(void *info);
int smp_call_function_single(unsigned int cpu, smp_call_func_t fn, void *info, bool wait);
void smp_call_function_many(cpumask_t mask, smp_call_func_t fn, void *info, bool wait);
void on_each_cpu(smp_call_func_t fn, void *info, bool wait);

/*
 * Make cpu look at its need_resched now (the scheduler sets it first):
 * an interrupt, whose return is a preemption point. No-op if cpu is
 * not online.
 */
void smp_send_reschedule(unsigned int cpu);

/*
 * Halt every other CPU for good, interrupts off: panic and oops call it
 * so that only the crashing CPU prints. A fixed IPI first, then an NMI for
 * CPUs that did not stop within 100 ms. If another CPU is already
 * stopping everyone, the caller is stopped instead (never returns).
 */
void smp_send_stop(void);
/* Whether smp_send_stop() has begun (other CPUs are being halted). */
bool smp_stopping(void);
/* NMI handler hook: halts this CPU (no return) if it is being stopped; else false. */
bool smp_stop_nmi(void);

/* Interrupts of vector (RESCHEDULE_VECTOR, CALL_FUNCTION_VECTOR) cpu took, for tests. */
unsigned long smp_ipi_count(unsigned int cpu, unsigned int vector);

#endif
