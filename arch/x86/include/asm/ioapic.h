/* The IOAPIC: routes device interrupt lines (GSIs) to CPUs' local APICs. */
#ifndef ASM_IOAPIC_H
#define ASM_IOAPIC_H

#include <kestrel/types.h>

/* Map every IOAPIC of the MADT and mask all its inputs. */
void ioapic_init(void);
/* Number of IOAPICs in use. */
int ioapic_count(void);

/*
 * Route ISA IRQ isa_irq (0-15) to vector on logical CPU cpu, honouring the
 * MADT's interrupt source overrides (GSI, polarity, trigger), unmasked.
 * Returns 0, -ENODEV without an IOAPIC, -EINVAL for a bad irq/vector/cpu.
 */
int ioapic_route_irq(unsigned int isa_irq, unsigned int vector, unsigned int cpu);
/* The redirection entry ioapic_route_irq() writes for these arguments. */
u64 ioapic_isa_rte(unsigned int isa_irq, unsigned int vector, u32 dest_apic_id);
/* Mask or unmask an ISA IRQ's redirection entry. */
int ioapic_mask_irq(unsigned int isa_irq, bool masked);
/* The GSI that ISA IRQ isa_irq arrives on (after overrides). */
u32 ioapic_isa_irq_to_gsi(unsigned int isa_irq);
/*
 * Route GSI gsi (a PCI interrupt line) to vector on logical CPU cpu with
 * the trigger mode and polarity given, masked or not. 0, -ENODEV without
 * an IOAPIC, -EINVAL for a GSI no IOAPIC serves or a bad vector/cpu.
 */
int ioapic_route_gsi(u32 gsi, unsigned int vector, unsigned int cpu, bool level,
		     bool active_low, bool masked);
/* Mask or unmask a GSI's redirection entry. */
int ioapic_mask_gsi(u32 gsi, bool masked);
/* The raw 64-bit redirection entry for a GSI (for tests and debugging). */
int ioapic_read_entry(u32 gsi, u64 *entry);

#define IOAPIC_RTE_MASKED (1ULL << 16)
#define IOAPIC_RTE_LEVEL (1ULL << 15)
#define IOAPIC_RTE_ACTIVE_LOW (1ULL << 13)
#define IOAPIC_RTE_VECTOR 0xffULL

#endif
