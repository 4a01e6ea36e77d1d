/*
 * Finding the PCI functions (Linux's drivers/pci/probe.c, much smaller).
 *
 * Each root bus (bus 0 with the type 1 mechanism; the first bus of every
 * ECAM range otherwise) is scanned: slots 0-31, function 0, and functions
 * 1-7 when function 0 says it is a multi-function device. A function is
 * present when its vendor id is not 0xffff. For each one we read its
 * identity, size its BARs, find its capabilities and print it; a
 * PCI-to-PCI bridge leads to its secondary bus, which is scanned the same
 * way (depth first, so the log reads like Linux's).
 *
 * BAR sizing (PCI 3.0, 6.2.5.1): with the function's decoding off, write
 * all ones to the BAR, read back which bits stuck (the size is the lowest
 * one set among the address bits), and write the old value back. The
 * addresses themselves are the firmware's: Kestrel uses the assignment
 * it finds and reports a BAR the firmware left at 0 as unassigned.
 *
 * Runs once, in pci_init(), before any driver: nothing else touches the
 * lists meanwhile, and they do not change afterwards.
 */
#include <kestrel/acpi.h>
#include <kestrel/errno.h>
#include <kestrel/pci.h>
#include <kestrel/printk.h>
#include <kestrel/slab.h>
#include <kestrel/string.h>
#include <kestrel/vsprintf.h>
#include "pci.h"

LIST_HEAD(pci_devices);
LIST_HEAD(pci_root_buses);

static struct pci_bus *pci_alloc_bus(struct pci_bus *parent, u16 domain, u8 number)
{
	struct pci_bus *b = kzalloc(sizeof(*b), GFP_KERNEL);

	if (!b)
		return NULL;
	INIT_LIST_HEAD(&b->children);
	INIT_LIST_HEAD(&b->devices);
	b->parent = parent;
	b->domain = domain;
	b->number = number;
	b->busn_end = number;
	list_add_tail(&b->node, parent ? &parent->children : &pci_root_buses);
	return b;
}

/* ---------------------------------------------------------------- printing */

/* "[mem 0xfebd0000-0xfebd0fff 64bit pref]", Linux's %pR for a BAR. */
static void format_resource(char *buf, size_t size, const struct resource *r)
{
	bool io = r->flags & IORESOURCE_IO;
	int n;

	if (r->flags & IORESOURCE_UNSET)
		n = snprintf(buf, size, "[%s size %#llx", io ? "io " : "mem",
			     (unsigned long long)resource_size(r));
	else if (io)
		n = snprintf(buf, size, "[io  %#06llx-%#06llx", (unsigned long long)r->start,
			     (unsigned long long)r->end);
	else
		n = snprintf(buf, size, "[mem %#010llx-%#010llx", (unsigned long long)r->start,
			     (unsigned long long)r->end);
	if (r->flags & IORESOURCE_MEM_64)
		n += snprintf(buf + n, size - n, " 64bit");
	if (r->flags & IORESOURCE_PREFETCH)
		n += snprintf(buf + n, size - n, " pref");
	snprintf(buf + n, size - n, "]");
}

/* What kind of function it is, in Linux's words (pci_type_str). */
static const char *pci_type_str(const struct pci_dev *dev)
{
	static const char *const pcie_types[] = {
		[PCI_EXP_TYPE_ENDPOINT] = "PCIe Endpoint",
		[PCI_EXP_TYPE_LEG_END] = "PCIe Legacy Endpoint",
		[PCI_EXP_TYPE_ROOT_PORT] = "PCIe Root Port",
		[PCI_EXP_TYPE_UPSTREAM] = "PCIe Switch Upstream Port",
		[PCI_EXP_TYPE_DOWNSTREAM] = "PCIe Switch Downstream Port",
		[PCI_EXP_TYPE_PCI_BRIDGE] = "PCIe to PCI/PCI-X bridge",
		[PCI_EXP_TYPE_PCIE_BRIDGE] = "PCI/PCI-X to PCIe bridge",
		[PCI_EXP_TYPE_RC_END] = "PCIe Root Complex Integrated Endpoint",
		[PCI_EXP_TYPE_RC_EC] = "PCIe Root Complex Event Collector",
	};

	if (dev->pcie_cap) {
		if (dev->pcie_type < ARRAY_SIZE(pcie_types) && pcie_types[dev->pcie_type])
			return pcie_types[dev->pcie_type];
		return "PCIe unknown";
	}
	switch (dev->hdr_type) {
	case PCI_HEADER_TYPE_NORMAL:
		return "conventional PCI endpoint";
	case PCI_HEADER_TYPE_BRIDGE:
		return "conventional PCI bridge";
	case PCI_HEADER_TYPE_CARDBUS:
		return "CardBus bridge";
	default:
		return "conventional PCI";
	}
}

/* ---------------------------------------------------------------- BARs */

/*
 * The size - 1 of a BAR from its value before (base) and after (maxbase)
 * writing all ones, keeping the address bits of mask; 0 if it decodes
 * nothing (Linux's pci_size).
 */
static u64 pci_size(u64 base, u64 maxbase, u64 mask)
{
	u64 size = mask & maxbase;

	if (!size)
		return 0;
	size &= ~(size - 1);	/* the lowest writable address bit */
	/* All ones read back unchanged with address bits missing: no BAR. */
	if (base == maxbase && ((base | (size - 1)) & mask) != mask)
		return 0;
	return size - 1;
}

/*
 * Read and size the BAR at config offset reg into res. Returns how many
 * BAR registers it used (2 for a 64-bit memory BAR). Decoding is off.
 */
static int pci_read_bar(struct pci_dev *dev, int reg, struct resource *res)
{
	u32 l, sz, lhi = 0, szhi = 0;
	u64 base, size;
	int used;

	pci_read_config_dword(dev, reg, &l);
	pci_write_config_dword(dev, reg, ~0U);
	pci_read_config_dword(dev, reg, &sz);
	pci_write_config_dword(dev, reg, l);
	memset(res, 0, sizeof(*res));
	if (sz == 0 || sz == ~0U)
		return 1;	/* not implemented (or the function vanished) */

	if (l & PCI_BASE_ADDRESS_SPACE_IO) {
		/* x86 I/O space is 64 KiB: upper address bits may read as zero. */
		size = pci_size(l, sz, PCI_BASE_ADDRESS_IO_MASK & 0xffff);
		if (!size)
			return 1;
		res->flags = IORESOURCE_IO | (l & ~PCI_BASE_ADDRESS_IO_MASK);
		res->start = l & PCI_BASE_ADDRESS_IO_MASK & 0xffff;
		res->end = res->start + size;
		if (!res->start)
			res->flags |= IORESOURCE_UNSET;
		return 1;
	}
	res->flags = IORESOURCE_MEM | (l & ~PCI_BASE_ADDRESS_MEM_MASK);
	if (l & PCI_BASE_ADDRESS_MEM_PREFETCH)
		res->flags |= IORESOURCE_PREFETCH;
	base = l & PCI_BASE_ADDRESS_MEM_MASK;
	used = (l & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64 ? 2 : 1;
	if (used == 2) {
		pci_read_config_dword(dev, reg + 4, &lhi);
		pci_write_config_dword(dev, reg + 4, ~0U);
		pci_read_config_dword(dev, reg + 4, &szhi);
		pci_write_config_dword(dev, reg + 4, lhi);
		res->flags |= IORESOURCE_MEM_64;
		base |= (u64)lhi << 32;
		size = pci_size((u64)lhi << 32 | l, (u64)szhi << 32 | sz,
				~(u64)~PCI_BASE_ADDRESS_MEM_MASK);
	} else {
		size = pci_size(l, sz, PCI_BASE_ADDRESS_MEM_MASK);
	}
	if (!size) {
		res->flags = 0;
		return used;
	}
	res->start = base;
	res->end = base + size;
	if (!base)
		res->flags |= IORESOURCE_UNSET;
	return used;
}

static void pci_read_rom(struct pci_dev *dev, int reg, struct resource *res)
{
	u32 l, sz;
	u64 size;

	pci_read_config_dword(dev, reg, &l);
	pci_write_config_dword(dev, reg, PCI_ROM_ADDRESS_MASK);
	pci_read_config_dword(dev, reg, &sz);
	pci_write_config_dword(dev, reg, l);
	memset(res, 0, sizeof(*res));
	if (sz == ~0U)
		return;
	size = pci_size(l, sz, PCI_ROM_ADDRESS_MASK);
	if (!size)
		return;
	res->flags = IORESOURCE_MEM | IORESOURCE_PREFETCH | IORESOURCE_READONLY |
		     (l & PCI_ROM_ADDRESS_ENABLE);
	res->start = l & PCI_ROM_ADDRESS_MASK;
	res->end = res->start + size;
	if (!res->start)
		res->flags |= IORESOURCE_UNSET;
}

/* Size the BARs (and ROM) with I/O and memory decoding off, then print them. */
static void pci_read_bases(struct pci_dev *dev, int nbars, int rom_reg)
{
	bool host_bridge = dev->class >> 8 == PCI_CLASS_BRIDGE_HOST;
	char buf[80];
	u16 cmd;

	pci_read_config_word(dev, PCI_COMMAND, &cmd);
	/* A host bridge keeps decoding: turning it off could cut the CPU off from memory. */
	if (!host_bridge && (cmd & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY)))
		pci_write_config_word(dev, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (int i = 0; i < nbars;)
		i += pci_read_bar(dev, PCI_BASE_ADDRESS_0 + 4 * i, &dev->resource[i]);
	if (rom_reg)
		pci_read_rom(dev, rom_reg, &dev->resource[PCI_ROM_RESOURCE]);
	if (!host_bridge && (cmd & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY)))
		pci_write_config_word(dev, PCI_COMMAND, cmd);

	for (int i = 0; i < PCI_NUM_RESOURCES; i++) {
		if (!dev->resource[i].flags)
			continue;
		format_resource(buf, sizeof(buf), &dev->resource[i]);
		if (i == PCI_ROM_RESOURCE)
			pci_info(dev, "ROM %s\n", buf);
		else
			pci_info(dev, "BAR %d %s\n", i, buf);
	}
}

/* ---------------------------------------------------------------- capabilities */

u8 pci_find_next_capability(const struct pci_dev *dev, u8 pos, int cap)
{
	u16 status;
	u8 id;
	int ttl = 48;	/* a looping list in a broken device must not hang the scan */

	if (!pos) {
		pci_read_config_word(dev, PCI_STATUS, &status);
		if (!(status & PCI_STATUS_CAP_LIST))
			return 0;
		pci_read_config_byte(dev, PCI_CAPABILITY_LIST, &pos);
	} else {
		pci_read_config_byte(dev, pos + PCI_CAP_LIST_NEXT, &pos);
	}
	while (ttl-- && pos >= 0x40) {
		pos &= ~3;
		pci_read_config_byte(dev, pos + PCI_CAP_LIST_ID, &id);
		if (id == 0xff)
			break;
		if (id == cap)
			return pos;
		pci_read_config_byte(dev, pos + PCI_CAP_LIST_NEXT, &pos);
	}
	return 0;
}

u8 pci_find_capability(const struct pci_dev *dev, int cap)
{
	return pci_find_next_capability(dev, 0, cap);
}

/* ---------------------------------------------------------------- functions */

static void pci_setup_device(struct pci_dev *dev)
{
	u32 class_rev;
	u8 hdr;

	snprintf(dev->name, sizeof(dev->name), "%04x:%02x:%02x.%d", dev->bus->domain,
		 dev->bus->number, PCI_SLOT(dev->devfn), PCI_FUNC(dev->devfn));
	pci_read_config_byte(dev, PCI_HEADER_TYPE, &hdr);
	dev->hdr_type = hdr & PCI_HEADER_TYPE_MASK;
	pci_read_config_dword(dev, PCI_CLASS_REVISION, &class_rev);
	dev->class = class_rev >> 8;
	dev->revision = class_rev & 0xff;
	dev->pcie_cap = pci_find_capability(dev, PCI_CAP_ID_EXP);
	if (dev->pcie_cap) {
		u16 flags;

		pci_read_config_word(dev, dev->pcie_cap + PCI_EXP_FLAGS, &flags);
		dev->pcie_type = (flags & PCI_EXP_FLAGS_TYPE) >> 4;
	}
	dev->msi_cap = pci_find_capability(dev, PCI_CAP_ID_MSI);
	dev->msix_cap = pci_find_capability(dev, PCI_CAP_ID_MSIX);
	pci_info(dev, "[%04x:%04x] type %02x class %#08x %s\n", dev->vendor, dev->device,
		 dev->hdr_type, dev->class, pci_type_str(dev));

	switch (dev->hdr_type) {
	case PCI_HEADER_TYPE_NORMAL:
		pci_read_config_word(dev, PCI_SUBSYSTEM_VENDOR_ID, &dev->subsystem_vendor);
		pci_read_config_word(dev, PCI_SUBSYSTEM_ID, &dev->subsystem_device);
		pci_read_bases(dev, PCI_STD_NUM_BARS, PCI_ROM_ADDRESS);
		break;
	case PCI_HEADER_TYPE_BRIDGE:
		pci_read_bases(dev, 2, PCI_ROM_ADDRESS1);
		break;
	default:
		break;	/* CardBus: listed, not used */
	}
	pci_read_config_byte(dev, PCI_INTERRUPT_PIN, &dev->pin);
	dev->irq = pcibios_lookup_irq(dev);
}

/* A bridge's forwarding windows, printed as Linux's "bridge window" lines. */
static void pci_print_bridge_windows(struct pci_dev *dev)
{
	struct resource r;
	char buf[80];
	u16 mb, ml, iohi, iolo;
	u32 pbu, plu;
	u8 iob, iol;

	pci_read_config_byte(dev, PCI_IO_BASE, &iob);
	pci_read_config_byte(dev, PCI_IO_LIMIT, &iol);
	pci_read_config_word(dev, PCI_IO_BASE_UPPER16, &iolo);
	pci_read_config_word(dev, PCI_IO_LIMIT_UPPER16, &iohi);
	r.start = (u64)(iob & 0xf0) << 8;
	r.end = (u64)(iol & 0xf0) << 8 | 0xfff;
	if ((iob & 0xf) == 1) {	/* 32-bit I/O addressing */
		r.start |= (u64)iolo << 16;
		r.end |= (u64)iohi << 16;
	}
	r.flags = IORESOURCE_IO;
	if (r.end > r.start) {
		format_resource(buf, sizeof(buf), &r);
		pci_info(dev, "  bridge window %s\n", buf);
	}
	pci_read_config_word(dev, PCI_MEMORY_BASE, &mb);
	pci_read_config_word(dev, PCI_MEMORY_LIMIT, &ml);
	r.start = (u64)(mb & 0xfff0) << 16;
	r.end = (u64)(ml & 0xfff0) << 16 | 0xfffff;
	r.flags = IORESOURCE_MEM;
	if (r.end > r.start) {
		format_resource(buf, sizeof(buf), &r);
		pci_info(dev, "  bridge window %s\n", buf);
	}
	pci_read_config_word(dev, PCI_PREF_MEMORY_BASE, &mb);
	pci_read_config_word(dev, PCI_PREF_MEMORY_LIMIT, &ml);
	r.start = (u64)(mb & 0xfff0) << 16;
	r.end = (u64)(ml & 0xfff0) << 16 | 0xfffff;
	r.flags = IORESOURCE_MEM | IORESOURCE_PREFETCH;
	if ((mb & 0xf) == 1) {	/* 64-bit prefetchable window */
		pci_read_config_dword(dev, PCI_PREF_BASE_UPPER32, &pbu);
		pci_read_config_dword(dev, PCI_PREF_LIMIT_UPPER32, &plu);
		r.start |= (u64)pbu << 32;
		r.end |= (u64)plu << 32;
		r.flags |= IORESOURCE_MEM_64;
	}
	if (r.end > r.start) {
		format_resource(buf, sizeof(buf), &r);
		pci_info(dev, "  bridge window %s\n", buf);
	}
}

static void pci_scan_child_bus(struct pci_bus *bus);

/* Follow a PCI-to-PCI bridge to the bus the firmware numbered behind it. */
static void pci_scan_bridge(struct pci_dev *dev)
{
	u8 secondary, subordinate;
	struct pci_bus *child;

	pci_read_config_byte(dev, PCI_SECONDARY_BUS, &secondary);
	pci_read_config_byte(dev, PCI_SUBORDINATE_BUS, &subordinate);
	if (secondary <= dev->bus->number || subordinate < secondary) {
		pci_warn(dev, "bridge not configured by the firmware (buses %02x-%02x): "
			 "not scanned behind it\n", secondary, subordinate);
		return;
	}
	if (secondary == subordinate)
		pci_info(dev, "PCI bridge to [bus %02x]\n", secondary);
	else
		pci_info(dev, "PCI bridge to [bus %02x-%02x]\n", secondary, subordinate);
	pci_print_bridge_windows(dev);
	child = pci_alloc_bus(dev->bus, dev->bus->domain, secondary);
	if (!child)
		return;
	child->self = dev;
	child->busn_end = subordinate;
	dev->subordinate = child;
	pci_scan_child_bus(child);
}

/* The function at bus:devfn, or NULL if none answers. */
static struct pci_dev *pci_scan_device(struct pci_bus *bus, unsigned int devfn)
{
	struct pci_dev *dev;
	u32 id;

	if (pci_bus_read_config(bus->domain, bus->number, devfn, PCI_VENDOR_ID, 4, &id) ||
	    (id & 0xffff) == 0xffff || (id & 0xffff) == 0)
		return NULL;
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return NULL;
	dev->bus = bus;
	dev->devfn = devfn;
	dev->vendor = id & 0xffff;
	dev->device = id >> 16;
	pci_setup_device(dev);
	list_add_tail(&dev->bus_list, &bus->devices);
	list_add_tail(&dev->global_list, &pci_devices);
	return dev;
}

static void pci_scan_child_bus(struct pci_bus *bus)
{
	for (unsigned int slot = 0; slot < 32; slot++) {
		for (unsigned int fn = 0; fn < 8; fn++) {
			struct pci_dev *dev = pci_scan_device(bus, PCI_DEVFN(slot, fn));
			u8 hdr;

			if (!dev) {
				if (fn == 0)
					break;
				continue;
			}
			if (dev->hdr_type == PCI_HEADER_TYPE_BRIDGE &&
			    dev->class >> 8 == PCI_CLASS_BRIDGE_PCI)
				pci_scan_bridge(dev);
			pci_read_config_byte(dev, PCI_HEADER_TYPE, &hdr);
			if (fn == 0 && !(hdr & PCI_HEADER_TYPE_MFD))
				break;
		}
	}
}

static void pci_scan_root_bus(u16 domain, u8 busnr)
{
	struct pci_bus *bus = pci_alloc_bus(NULL, domain, busnr);

	if (!bus)
		return;
	pr_info("PCI: root bus %04x:%02x (config space through %s)\n", domain, busnr,
		pci_config_method());
	pci_scan_child_bus(bus);
}

void pci_scan_all(void)
{
	if (strcmp(pci_config_method(), "ECAM")) {
		pci_scan_root_bus(0, 0);
		return;
	}
	for (int i = 0; i < acpi_platform.nr_mcfg; i++)
		pci_scan_root_bus(acpi_platform.mcfg[i].segment, acpi_platform.mcfg[i].start_bus);
}

struct pci_dev *pci_get_domain_bus_and_slot(int domain, unsigned int bus, unsigned int devfn)
{
	struct pci_dev *dev;

	for_each_pci_dev(dev)
		if (dev->bus->domain == domain && dev->bus->number == bus && dev->devfn == devfn)
			return dev;
	return NULL;
}

struct pci_dev *pci_get_device(unsigned int vendor, unsigned int device, struct pci_dev *from)
{
	struct pci_dev *dev = from ? list_next_entry(from, global_list)
				   : list_first_entry(&pci_devices, struct pci_dev, global_list);

	for (; &dev->global_list != &pci_devices; dev = list_next_entry(dev, global_list))
		if ((vendor == PCI_ANY_ID || dev->vendor == vendor) &&
		    (device == PCI_ANY_ID || dev->device == device))
			return dev;
	return NULL;
}
