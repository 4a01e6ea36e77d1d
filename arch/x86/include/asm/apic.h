/*
 * The local APIC: each CPU's interrupt controller and timer. xAPIC mode
 * reaches its registers through MMIO; x2APIC mode, when the CPU has it,
 * through MSRs (0x800 + register / 16). apic_read()/apic_write() hide
 * the difference; the register offsets below are the xAPIC ones.
 */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <kestrel/types.h>

#define APIC_ID 0x020
#define APIC_LVR 0x030		/* version; bits 23:16 last LVT entry */
#define APIC_TASKPRI 0x080
#define APIC_EOI 0x0b0
#define APIC_LDR 0x0d0
#define APIC_DFR 0x0e0		/* xAPIC only */
#define APIC_SPIV 0x0f0		/* spurious vector; bit 8 software enable */
#define APIC_ESR 0x280
#define APIC_ICR 0x300
#define APIC_ICR2 0x310		/* xAPIC: destination in bits 31:24 */
#define APIC_LVTT 0x320		/* timer */
#define APIC_LVTPC 0x340
#define APIC_LVT0 0x350		/* LINT0 */
#define APIC_LVT1 0x360		/* LINT1 */
#define APIC_LVTERR 0x370
#define APIC_TMICT 0x380	/* timer initial count */
#define APIC_TMCCT 0x390	/* timer current count */
#define APIC_TDCR 0x3e0		/* timer divide configuration */

#define APIC_SPIV_ENABLE (1 << 8)
#define APIC_LVT_MASKED (1 << 16)
#define APIC_LVT_TIMER_PERIODIC (1 << 17)
#define APIC_LVT_LEVEL (1 << 15)
#define APIC_LVT_ACTIVE_LOW (1 << 13)
#define APIC_DM_FIXED (0 << 8)
#define APIC_DM_NMI (4 << 8)
#define APIC_DM_EXTINT (7 << 8)
#define APIC_DM_INIT (5 << 8)
#define APIC_DM_STARTUP (6 << 8)
#define APIC_ICR_BUSY (1 << 12)		/* xAPIC: delivery status, send pending */
#define APIC_ICR_LEVEL_ASSERT (1 << 14)
#define APIC_ICR_LEVEL_TRIGGER (1 << 15)
#define APIC_DEST_SELF (1 << 18)		/* destination shorthands */
#define APIC_DEST_ALLINC (2 << 18)
#define APIC_DEST_ALLBUT (3 << 18)
#define APIC_TDR_DIV_16 0x3

#define MSR_IA32_APICBASE 0x1b
#define MSR_APICBASE_BSP (1 << 8)
#define MSR_APICBASE_X2APIC (1 << 10)
#define MSR_APICBASE_ENABLE (1 << 11)
#define MSR_X2APIC_BASE 0x800

/* Whether a local APIC is in use (false on CPUs without one: no timer tick). */
bool apic_available(void);
/* Whether the APICs run in x2APIC mode. */
bool x2apic_enabled(void);

u32 apic_read(u32 reg);
void apic_write(u32 reg, u32 v);
/* End of interrupt: every handler of an APIC-delivered vector calls it once. */
void apic_eoi(void);
/* This CPU's APIC id (32 bits in x2APIC mode, 8 in xAPIC mode). */
u32 apic_id(void);

/*
 * Write the interrupt command register: low holds vector, delivery mode
 * and shorthand (APIC_DM_*, APIC_DEST_*), dest the target APIC id when
 * there is no shorthand. Waits until an xAPIC has accepted the command.
 * The SMP bring-up sends INIT/STARTUP with it.
 */
void apic_icr_write(u32 low, u32 dest);
/* A fixed interrupt on vector to the CPU with APIC id dest / to this CPU. */
void apic_send_ipi(u32 dest, unsigned int vector);
void apic_send_ipi_self(unsigned int vector);

/*
 * Logical CPU numbers to APIC ids: CPU 0 is the boot CPU, then the other
 * enabled CPUs of the MADT in table order. The SMP bring-up starts them
 * in this order. Returns -1 for a CPU that does not exist.
 */
int apic_cpu_to_id(unsigned int cpu);
unsigned int apic_nr_cpus(void);

/* Boot CPU: map and enable the local APIC, spurious vector, LINT pins. 0 or -ENODEV. */
int apic_init(void);
/* Any CPU (the boot CPU via apic_init(), APs at bring-up): program this CPU's APIC. */
void apic_setup_this_cpu(void);

/* Local APIC timer: ticks per second at the divider Kestrel uses (0 before calibration). */
extern u64 lapic_timer_hz;
/* Calibrate against the reference clock (HPET or PIT); 0 or -EIO. Boot CPU. */
int lapic_timer_calibrate(void);
/* Program this CPU's timer periodic at hz on vector (the tick: time_start_tick()). */
void lapic_timer_start_periodic(unsigned int vector, unsigned int hz);
/* Program a one-shot countdown of count ticks with the interrupt masked (for tests). */
void lapic_timer_oneshot_masked(u32 count);

#endif
