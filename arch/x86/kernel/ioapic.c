/*
 * IOAPICs (Intel 82093AA datasheet): each takes a range of global system
 * interrupts (GSIs) from devices and sends each one, as programmed in its
 * redirection table entry, to a vector on a CPU's local APIC.
 *
 * ISA IRQ n arrives on GSI n unless the MADT has an interrupt source
 * override for it (on PCs IRQ 0, the PIT, arrives on GSI 2; the ACPI SCI
 * is level-triggered, active-low). ISA lines are edge-triggered and
 * active-high by default.
 *
 * The registers are reached through an index (IOREGSEL) and a window
 * (IOWIN) register. ioapic_lock protects that pair on every IOAPIC and
 * the two halves of a redirection entry, which must change together.
 */
#include <kestrel/acpi.h>
#include <kestrel/errno.h>
#include <kestrel/printk.h>
#include <kestrel/spinlock.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/ioapic.h>
#include <asm/ioremap.h>

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_REG_ID 0x00
#define IOAPIC_MMIO_SIZE 0x20
#define IOAPIC_REG_VER 0x01	/* bits 23:16 highest redirection entry */
#define IOAPIC_REG_RTE(n) (0x10 + 2 * (n))

struct ioapic {
	void __iomem *base;
	u32 gsi_base;
	u32 nr_pins;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static int nr_ioapics;
/* Protects IOREGSEL/IOWIN of every IOAPIC and keeps RTE halves consistent. */
static DEFINE_SPINLOCK(ioapic_lock);

static u32 io_read(struct ioapic *io, u32 reg)
{
	writel(reg, (u8 __iomem *)io->base + IOREGSEL);
	return readl((u8 __iomem *)io->base + IOWIN);
}

static void io_write(struct ioapic *io, u32 reg, u32 v)
{
	writel(reg, (u8 __iomem *)io->base + IOREGSEL);
	writel(v, (u8 __iomem *)io->base + IOWIN);
}

int ioapic_count(void)
{
	return nr_ioapics;
}

static struct ioapic *gsi_to_ioapic(u32 gsi, u32 *pin)
{
	for (int i = 0; i < nr_ioapics; i++) {
		struct ioapic *io = &ioapics[i];
		if (gsi >= io->gsi_base && gsi < io->gsi_base + io->nr_pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

/* Write an entry masked-first, so the line never fires half-programmed. */
static void write_rte(struct ioapic *io, u32 pin, u64 rte)
{
	io_write(io, IOAPIC_REG_RTE(pin), IOAPIC_RTE_MASKED);
	io_write(io, IOAPIC_REG_RTE(pin) + 1, rte >> 32);
	io_write(io, IOAPIC_REG_RTE(pin), (u32)rte);
}

static u64 read_rte(struct ioapic *io, u32 pin)
{
	return io_read(io, IOAPIC_REG_RTE(pin)) |
	       (u64)io_read(io, IOAPIC_REG_RTE(pin) + 1) << 32;
}

int ioapic_read_entry(u32 gsi, u64 *entry)
{
	unsigned long flags;
	struct ioapic *io;
	u32 pin;

	io = gsi_to_ioapic(gsi, &pin);
	if (!io)
		return -EINVAL;
	spin_lock_irqsave(&ioapic_lock, flags);
	*entry = read_rte(io, pin);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

static const struct acpi_override *isa_override(unsigned int isa_irq)
{
	for (int i = 0; i < acpi_platform.nr_overrides; i++) {
		const struct acpi_override *o = &acpi_platform.overrides[i];
		if (o->bus == 0 && o->source_irq == isa_irq)
			return o;
	}
	return NULL;
}

u32 ioapic_isa_irq_to_gsi(unsigned int isa_irq)
{
	const struct acpi_override *o = isa_override(isa_irq);

	return o ? o->gsi : isa_irq;
}

/* Polarity and trigger bits for an ISA IRQ: override flags, else ISA's edge/high. */
static u64 isa_irq_flags(unsigned int isa_irq)
{
	const struct acpi_override *o = isa_override(isa_irq);
	u64 f = 0;

	if (!o)
		return 0;
	if ((o->flags & ACPI_MADT_POLARITY_MASK) == ACPI_MADT_POLARITY_LOW)
		f |= IOAPIC_RTE_ACTIVE_LOW;
	if ((o->flags & ACPI_MADT_TRIGGER_MASK) == ACPI_MADT_TRIGGER_LEVEL)
		f |= IOAPIC_RTE_LEVEL;
	return f;
}

u64 ioapic_isa_rte(unsigned int isa_irq, unsigned int vector, u32 dest_apic_id)
{
	/* Fixed delivery, physical destination, unmasked. */
	return vector | isa_irq_flags(isa_irq) | (u64)dest_apic_id << 56;
}

int ioapic_route_irq(unsigned int isa_irq, unsigned int vector, unsigned int cpu)
{
	unsigned long flags;
	struct ioapic *io;
	int dest = apic_cpu_to_id(cpu);
	u32 gsi, pin;
	u64 rte;

	if (!nr_ioapics)
		return -ENODEV;
	if (isa_irq > 15 || vector < 0x20 || vector > 0xfe || dest < 0)
		return -EINVAL;
	/* Physical destination mode holds 8 bits: larger ids need interrupt remapping. */
	if (dest > 0xff)
		return -EINVAL;
	gsi = ioapic_isa_irq_to_gsi(isa_irq);
	io = gsi_to_ioapic(gsi, &pin);
	if (!io)
		return -EINVAL;
	rte = ioapic_isa_rte(isa_irq, vector, dest);
	spin_lock_irqsave(&ioapic_lock, flags);
	write_rte(io, pin, rte);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

/*
 * Route a GSI (a PCI INTx line) to vector on cpu with the given trigger
 * and polarity, unmasked unless masked. A level-triggered line is ended
 * by the local APIC's EOI, which the APIC broadcasts to the IOAPICs.
 */
int ioapic_route_gsi(u32 gsi, unsigned int vector, unsigned int cpu, bool level,
		     bool active_low, bool masked)
{
	unsigned long flags;
	struct ioapic *io;
	int dest = apic_cpu_to_id(cpu);
	u32 pin;
	u64 rte;

	if (!nr_ioapics)
		return -ENODEV;
	if (vector < 0x20 || vector > 0xfe || dest < 0 || dest > 0xff)
		return -EINVAL;
	io = gsi_to_ioapic(gsi, &pin);
	if (!io)
		return -EINVAL;
	rte = vector | (u64)dest << 56;
	if (level)
		rte |= IOAPIC_RTE_LEVEL;
	if (active_low)
		rte |= IOAPIC_RTE_ACTIVE_LOW;
	if (masked)
		rte |= IOAPIC_RTE_MASKED;
	spin_lock_irqsave(&ioapic_lock, flags);
	write_rte(io, pin, rte);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

int ioapic_mask_gsi(u32 gsi, bool masked)
{
	unsigned long flags;
	struct ioapic *io;
	u32 pin, lo;

	io = gsi_to_ioapic(gsi, &pin);
	if (!io)
		return -ENODEV;
	spin_lock_irqsave(&ioapic_lock, flags);
	lo = io_read(io, IOAPIC_REG_RTE(pin));
	lo = masked ? lo | IOAPIC_RTE_MASKED : lo & ~(u32)IOAPIC_RTE_MASKED;
	io_write(io, IOAPIC_REG_RTE(pin), lo);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

int ioapic_mask_irq(unsigned int isa_irq, bool masked)
{
	unsigned long flags;
	struct ioapic *io;
	u32 pin, lo;

	if (isa_irq > 15)
		return -EINVAL;
	io = gsi_to_ioapic(ioapic_isa_irq_to_gsi(isa_irq), &pin);
	if (!io)
		return -ENODEV;
	spin_lock_irqsave(&ioapic_lock, flags);
	lo = io_read(io, IOAPIC_REG_RTE(pin));
	lo = masked ? lo | IOAPIC_RTE_MASKED : lo & ~(u32)IOAPIC_RTE_MASKED;
	io_write(io, IOAPIC_REG_RTE(pin), lo);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

void ioapic_init(void)
{
	unsigned long flags;

	for (int i = 0; i < acpi_platform.nr_ioapics; i++) {
		const struct acpi_ioapic *a = &acpi_platform.ioapics[i];
		struct ioapic *io = &ioapics[nr_ioapics];

		io->base = ioremap(a->address, IOAPIC_MMIO_SIZE);
		if (!io->base) {
			pr_err("ioapic: %u at %#llx cannot be mapped, ignored\n", a->id,
			       (unsigned long long)a->address);
			continue;
		}
		io->gsi_base = a->gsi_base;
		io->nr_pins = ((io_read(io, IOAPIC_REG_VER) >> 16) & 0xff) + 1;
		spin_lock_irqsave(&ioapic_lock, flags);
		for (u32 pin = 0; pin < io->nr_pins; pin++)
			write_rte(io, pin, IOAPIC_RTE_MASKED);
		spin_unlock_irqrestore(&ioapic_lock, flags);
		nr_ioapics++;
		pr_info("ioapic: %u at %#llx, GSI %u-%u, all masked\n", a->id,
			(unsigned long long)a->address, io->gsi_base, io->gsi_base + io->nr_pins - 1);
	}
	if (!nr_ioapics)
		pr_warn("ioapic: none; device interrupts cannot be routed\n");
}
