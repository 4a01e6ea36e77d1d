/*
 * PCI configuration space access, two ways:
 *
 *  - ECAM (PCI Express "enhanced configuration access mechanism"): each
 *    function's 4 KiB of configuration space is memory at
 *    base + (bus << 20 | device << 15 | function << 12), base coming from
 *    the ACPI MCFG table (drivers/acpi/mcfg.c). Each bus's 1 MiB window is
 *    mapped uncached on first use.
 *  - Type 1 (the PC's legacy mechanism): write the address of a dword to
 *    port 0xCF8, then read or write it at 0xCFC. Segment 0 and the first
 *    256 bytes of each function only. pci_config_lock keeps the address
 *    and the data access together.
 *
 * pci_init() picks ECAM when the MCFG table has ranges (q35, modern PCs)
 * and type 1 otherwise (-M pc); `pci=conf1` on the command line forces
 * type 1. Both give all ones for a function that does not exist.
 */
#include <kestrel/acpi.h>
#include <kestrel/cmdline.h>
#include <kestrel/errno.h>
#include <kestrel/pci.h>
#include <kestrel/printk.h>
#include <kestrel/spinlock.h>
#include <kestrel/string.h>
#include <asm/io.h>
#include <asm/ioremap.h>
#include "pci.h"

#define PCI_CONF1_ADDRESS 0xcf8
#define PCI_CONF1_DATA 0xcfc
#define ECAM_BUS_SIZE (1UL << 20)

/* Protects the 0xCF8/0xCFC pair and the ECAM window table. irq-safe: drivers may read config in irq. */
static DEFINE_SPINLOCK(pci_config_lock);
/* [l] pci_config_lock: each bus's ECAM window once mapped (index: mcfg range, bus - start). */
static void __iomem *ecam_windows[ACPI_MAX_MCFG][256];
static bool use_ecam;			/* [c] after pci_config_init */
static bool force_conf1;		/* [c] pci=conf1 */
static bool msi_off;			/* [c] pci=nomsi */

static bool option_is(const char *word, size_t len, const char *name)
{
	return strlen(name) == len && !memcmp(word, name, len);
}

static int pci_param(const char *val)
{
	while (val && *val) {
		const char *comma = strchr(val, ',');
		size_t len = comma ? (size_t)(comma - val) : strlen(val);

		if (option_is(val, len, "conf1"))
			force_conf1 = true;
		else if (option_is(val, len, "nomsi"))
			msi_off = true;
		else
			return -1;
		val = comma ? comma + 1 : NULL;
	}
	return 0;
}
KERNEL_PARAM("pci", pci_param, "pci=conf1 (config through ports 0xcf8/0xcfc), pci=nomsi (INTx only)");

bool pci_msi_disabled(void)
{
	return msi_off;
}

void pci_config_init(void)
{
	use_ecam = acpi_platform.nr_mcfg > 0 && !force_conf1;
}

const char *pci_config_method(void)
{
	return use_ecam ? "ECAM" : "type 1 (0xcf8)";
}

static bool bad_access(unsigned int devfn, int where, int size, int limit)
{
	return devfn > 0xff || where < 0 || where + size > limit || (size != 1 && size != 2 && size != 4) ||
	       (where & (size - 1));
}

/* ---------------------------------------------------------------- type 1 */

static u32 conf1_address(u8 bus, unsigned int devfn, int where)
{
	return 0x80000000U | (u32)bus << 16 | devfn << 8 | (where & 0xfc);
}

int pci_conf1_read(u8 bus, unsigned int devfn, int where, int size, u32 *val)
{
	unsigned long flags;
	u16 port = PCI_CONF1_DATA + (where & 3);

	if (bad_access(devfn, where, size, PCI_CFG_SPACE_SIZE))
		return -EINVAL;
	spin_lock_irqsave(&pci_config_lock, flags);
	outl(PCI_CONF1_ADDRESS, conf1_address(bus, devfn, where));
	*val = size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
	spin_unlock_irqrestore(&pci_config_lock, flags);
	return 0;
}

int pci_conf1_write(u8 bus, unsigned int devfn, int where, int size, u32 val)
{
	unsigned long flags;
	u16 port = PCI_CONF1_DATA + (where & 3);

	if (bad_access(devfn, where, size, PCI_CFG_SPACE_SIZE))
		return -EINVAL;
	spin_lock_irqsave(&pci_config_lock, flags);
	outl(PCI_CONF1_ADDRESS, conf1_address(bus, devfn, where));
	if (size == 1)
		outb(port, val);
	else if (size == 2)
		outw(port, val);
	else
		outl(port, val);
	spin_unlock_irqrestore(&pci_config_lock, flags);
	return 0;
}

/* ---------------------------------------------------------------- ECAM */

/*
 * The configuration space of domain:bus:devfn, mapping the bus's window
 * on first use; NULL if no MCFG range covers the bus. Mapping sleeps
 * (ioremap), so the first access to a bus must come from task context:
 * the boot scan touches every bus first.
 */
static void __iomem *ecam_address(u16 domain, u8 bus, unsigned int devfn)
{
	for (int i = 0; i < acpi_platform.nr_mcfg; i++) {
		const struct acpi_mcfg_range *r = &acpi_platform.mcfg[i];
		void __iomem *win;
		unsigned long flags;

		if (r->segment != domain || bus < r->start_bus || bus > r->end_bus)
			continue;
		win = READ_ONCE(ecam_windows[i][bus - r->start_bus]);
		if (!win) {
			void __iomem *new = ioremap(r->address + (phys_addr_t)bus * ECAM_BUS_SIZE,
						    ECAM_BUS_SIZE);

			if (!new)
				return NULL;
			spin_lock_irqsave(&pci_config_lock, flags);
			win = ecam_windows[i][bus - r->start_bus];
			if (!win)
				ecam_windows[i][bus - r->start_bus] = win = new;
			spin_unlock_irqrestore(&pci_config_lock, flags);
			if (win != new)
				iounmap(new);	/* someone else mapped it meanwhile */
		}
		return (u8 __iomem *)win + (devfn << 12);
	}
	return NULL;
}

int pci_bus_read_config(u16 domain, u8 bus, unsigned int devfn, int where, int size, u32 *val)
{
	void __iomem *base;

	if (!use_ecam) {
		if (domain)
			return -EINVAL;
		return pci_conf1_read(bus, devfn, where, size, val);
	}
	if (bad_access(devfn, where, size, PCI_CFG_SPACE_EXP_SIZE))
		return -EINVAL;
	base = ecam_address(domain, bus, devfn);
	if (!base) {
		*val = ~0U;
		return -EINVAL;
	}
	base = (u8 __iomem *)base + where;
	*val = size == 1 ? readb(base) : size == 2 ? readw(base) : readl(base);
	return 0;
}

int pci_bus_write_config(u16 domain, u8 bus, unsigned int devfn, int where, int size, u32 val)
{
	void __iomem *base;

	if (!use_ecam) {
		if (domain)
			return -EINVAL;
		return pci_conf1_write(bus, devfn, where, size, val);
	}
	if (bad_access(devfn, where, size, PCI_CFG_SPACE_EXP_SIZE))
		return -EINVAL;
	base = ecam_address(domain, bus, devfn);
	if (!base)
		return -EINVAL;
	base = (u8 __iomem *)base + where;
	if (size == 1)
		writeb(val, base);
	else if (size == 2)
		writew(val, base);
	else
		writel(val, base);
	return 0;
}

/* ---------------------------------------------------------------- by device */

int pci_read_config_byte(const struct pci_dev *dev, int where, u8 *val)
{
	u32 v = ~0U;
	int err = pci_bus_read_config(dev->bus->domain, dev->bus->number, dev->devfn, where, 1, &v);

	*val = v;
	return err;
}

int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val)
{
	u32 v = ~0U;
	int err = pci_bus_read_config(dev->bus->domain, dev->bus->number, dev->devfn, where, 2, &v);

	*val = v;
	return err;
}

int pci_read_config_dword(const struct pci_dev *dev, int where, u32 *val)
{
	return pci_bus_read_config(dev->bus->domain, dev->bus->number, dev->devfn, where, 4, val);
}

int pci_write_config_byte(const struct pci_dev *dev, int where, u8 val)
{
	return pci_bus_write_config(dev->bus->domain, dev->bus->number, dev->devfn, where, 1, val);
}

int pci_write_config_word(const struct pci_dev *dev, int where, u16 val)
{
	return pci_bus_write_config(dev->bus->domain, dev->bus->number, dev->devfn, where, 2, val);
}

int pci_write_config_dword(const struct pci_dev *dev, int where, u32 val)
{
	return pci_bus_write_config(dev->bus->domain, dev->bus->number, dev->devfn, where, 4, val);
}
