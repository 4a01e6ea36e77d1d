/*
 * PCI: the buses, devices and drivers (drivers/pci/, docs/block.md).
 *
 * At boot pci_init() finds every function on every bus, through ECAM
 * (the memory-mapped configuration space the ACPI MCFG table describes,
 * PCI Express chipsets such as QEMU's q35) or else the legacy ports
 * 0xCF8/0xCFC (QEMU's pc). It follows PCI-to-PCI bridges to the buses
 * behind them, sizes every base address register and prints one line per
 * function, Linux's:
 *
 *	pci 0000:00:04.0: [1af4:1001] type 00 class 0x010000 conventional PCI endpoint
 *	pci 0000:00:04.0: BAR 0 [io  0xc000-0xc07f]
 *
 * Bus numbers and BAR addresses are the firmware's (SeaBIOS, OVMF and PC
 * firmware assign them all); Kestrel does not reassign resources.
 *
 * A driver, Linux-shaped:
 *
 *	static const struct pci_device_id ids[] = { { PCI_DEVICE(0x1af4, 0x1001) }, { 0 } };
 *	static int my_probe(struct pci_dev *pdev, const struct pci_device_id *id)
 *	{
 *		err = pci_enable_device(pdev);		// decode its BARs
 *		pci_set_master(pdev);			// let it DMA
 *		regs = pci_ioremap_bar(pdev, 0);
 *		nvec = pci_alloc_irq_vectors(pdev, 1, 4, PCI_IRQ_ALL_TYPES);
 *		err = request_irq(pci_irq_vector(pdev, 0), my_irq, 0, "my", me);
 *	}
 *	static struct pci_driver my_driver = { .name = "my", .id_table = ids, .probe = my_probe };
 *	pci_register_driver(&my_driver);		// probes every matching device
 *
 * Devices are found once at boot and never go away (no hotplug, no
 * ->remove). Locking: the bus and device lists are built by pci_init()
 * before anyone else looks and are read-only afterwards; pci_bus_sem
 * (drivers/pci/pci-driver.c) serializes driver registration and binding.
 *
 * Locks used to protect struct members in this file:
 *	[c] constant after pci_init() (the scan runs before any driver)
 *	[b] pci_bus_sem (drivers/pci/pci-driver.c), held for write to change
 *	[x] the bound driver's own: written in its probe (under [b]) and by it
 *	    alone afterwards
 */
#ifndef KESTREL_PCI_H
#define KESTREL_PCI_H

#include <kestrel/compiler.h>
#include <kestrel/list.h>
#include <kestrel/pci_regs.h>
#include <kestrel/types.h>
#include <asm/io.h>

typedef u64 resource_size_t;

/* What a resource is (Linux's IORESOURCE_* bits). */
#define IORESOURCE_IO 0x00000100
#define IORESOURCE_MEM 0x00000200
#define IORESOURCE_PREFETCH 0x00002000
#define IORESOURCE_READONLY 0x00004000	/* an expansion ROM */
#define IORESOURCE_MEM_64 0x00100000
#define IORESOURCE_UNSET 0x20000000	/* no address assigned (the firmware left it 0) */
/* The BAR's own low bits, kept in flags as Linux does (/proc/bus/pci/devices shows them). */
#define PCI_REGION_FLAG_MASK 0x0fU

struct resource {
	resource_size_t start, end;	/* inclusive; end < start: empty */
	unsigned long flags;
};

static inline resource_size_t resource_size(const struct resource *r)
{
	return r->end >= r->start && r->flags ? r->end - r->start + 1 : 0;
}

#define PCI_STD_NUM_BARS 6
#define PCI_ROM_RESOURCE 6
#define PCI_NUM_RESOURCES 7

#define PCI_DEVFN(slot, func) ((((slot) & 0x1f) << 3) | ((func) & 0x07))
#define PCI_SLOT(devfn) (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn) ((devfn) & 0x07)

struct pci_dev;
struct pci_driver;

/* A bus: the root bus of each segment, or the secondary bus of a bridge. */
struct pci_bus {
	struct list_head node;		/* [c] in pci_root_buses or the parent's children */
	struct pci_bus *parent;		/* [c] NULL for a root bus */
	struct list_head children;	/* [c] buses behind bridges on this bus */
	struct list_head devices;	/* [c] pci_dev.bus_list */
	struct pci_dev *self;		/* [c] the bridge leading here (NULL: root) */
	u16 domain;			/* [c] the PCI segment */
	u8 number;			/* [c] bus number */
	u8 busn_end;			/* [c] highest bus number behind it */
};

/* The vectors pci_alloc_irq_vectors() gave a device. */
struct pci_irq_vectors;

/* One PCI function. */
struct pci_dev {
	struct list_head bus_list;	/* [c] in bus->devices */
	struct list_head global_list;	/* [c] in pci_devices, scan order */
	struct pci_bus *bus;		/* [c] the bus it sits on */
	struct pci_bus *subordinate;	/* [c] a bridge's secondary bus, else NULL */
	unsigned int devfn;		/* [c] slot << 3 | function */
	u16 vendor, device;		/* [c] */
	u16 subsystem_vendor, subsystem_device;	/* [c] */
	u32 class;			/* [c] base class << 16 | subclass << 8 | prog-if */
	u8 revision;			/* [c] */
	u8 hdr_type;			/* [c] header type, multi-function bit cleared */
	u8 pin;				/* [c] INTx pin: 0 none, 1-4 INTA-INTD */
	u8 pcie_cap;			/* [c] capability offsets, 0: absent */
	u8 msi_cap;			/* [c] */
	u8 msix_cap;			/* [c] */
	u8 pcie_type;			/* [c] PCI_EXP_TYPE_* when pcie_cap */
	unsigned int irq;		/* [c] legacy INTx: the GSI it arrives on; 0 if none */
	struct resource resource[PCI_NUM_RESOURCES];	/* [c] BARs 0-5, ROM */
	char name[16];			/* [c] "0000:00:04.0" */
	struct pci_driver *driver;	/* [b] bound driver, NULL if none */
	void *driver_data;		/* [x] pci_set_drvdata */
	unsigned int enable_cnt;	/* [x] pci_enable_device calls */
	bool is_busmaster;		/* [x] */
	bool msi_enabled;		/* [x] */
	bool msix_enabled;		/* [x] */
	struct pci_irq_vectors *irqs;	/* [x] from pci_alloc_irq_vectors */
};

#define PCI_ANY_ID (~0U)

struct pci_device_id {
	u32 vendor, device;		/* or PCI_ANY_ID */
	u32 subvendor, subdevice;	/* or PCI_ANY_ID */
	u32 class, class_mask;		/* (dev->class & class_mask) == class */
	unsigned long driver_data;
};

#define PCI_DEVICE(vend, dev) \
	.vendor = (vend), .device = (dev), .subvendor = PCI_ANY_ID, .subdevice = PCI_ANY_ID
#define PCI_DEVICE_CLASS(dev_class, dev_class_mask) \
	.vendor = PCI_ANY_ID, .device = PCI_ANY_ID, .subvendor = PCI_ANY_ID, \
	.subdevice = PCI_ANY_ID, .class = (dev_class), .class_mask = (dev_class_mask)

struct pci_driver {
	const char *name;
	const struct pci_device_id *id_table;	/* ends with an all-zero entry */
	/* Take the device: 0, or -errno to leave it unbound. May sleep. */
	int (*probe)(struct pci_dev *dev, const struct pci_device_id *id);
	struct list_head node;		/* [b] in pci_drivers */
};

#define PCI_VENDOR_ID_REDHAT_QUMRANET 0x1af4	/* virtio */
#define PCI_VENDOR_ID_INTEL 0x8086

/* Every function found at boot, in scan order; read-only after pci_init(). */
extern struct list_head pci_devices;
extern struct list_head pci_root_buses;
#define for_each_pci_dev(d) list_for_each_entry(d, &pci_devices, global_list)

/* Boot: find every bus and function (after ACPI, the IOAPIC and the VFS). */
void pci_init(void);
/* Which configuration mechanism pci_init() used: "ECAM" or "type 1 (0xcf8)". */
const char *pci_config_method(void);

static inline const char *pci_name(const struct pci_dev *dev) { return dev->name; }
static inline void pci_set_drvdata(struct pci_dev *dev, void *data) { dev->driver_data = data; }
static inline void *pci_get_drvdata(struct pci_dev *dev) { return dev->driver_data; }
/* The function at domain:bus:devfn, or NULL. */
struct pci_dev *pci_get_domain_bus_and_slot(int domain, unsigned int bus, unsigned int devfn);
/* The next function after from (NULL: the first) with this vendor/device (PCI_ANY_ID matches all). */
struct pci_dev *pci_get_device(unsigned int vendor, unsigned int device, struct pci_dev *from);

#define pci_printk(lvl, dev, fmt, ...) printk(lvl "pci %s: " fmt, pci_name(dev), ##__VA_ARGS__)
#define pci_info(dev, fmt, ...) pci_printk(KERN_INFO, dev, fmt, ##__VA_ARGS__)
#define pci_warn(dev, fmt, ...) pci_printk(KERN_WARNING, dev, fmt, ##__VA_ARGS__)
#define pci_err(dev, fmt, ...) pci_printk(KERN_ERR, dev, fmt, ##__VA_ARGS__)

/* ---- configuration space (drivers/pci/access.c); where is a byte offset < 4096 ---- */
int pci_read_config_byte(const struct pci_dev *dev, int where, u8 *val);
int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val);
int pci_read_config_dword(const struct pci_dev *dev, int where, u32 *val);
int pci_write_config_byte(const struct pci_dev *dev, int where, u8 val);
int pci_write_config_word(const struct pci_dev *dev, int where, u16 val);
int pci_write_config_dword(const struct pci_dev *dev, int where, u32 val);
/*
 * Raw access by address, before a pci_dev exists (the scan, tests).
 * size is 1, 2 or 4 and where must be aligned to it; a function that
 * does not exist reads as all ones. 0 or -EINVAL (bad offset, bus out of
 * every ECAM range).
 */
int pci_bus_read_config(u16 domain, u8 bus, unsigned int devfn, int where, int size, u32 *val);
int pci_bus_write_config(u16 domain, u8 bus, unsigned int devfn, int where, int size, u32 val);
/* The same through the 0xCF8/0xCFC ports only (segment 0, offsets < 256). */
int pci_conf1_read(u8 bus, unsigned int devfn, int where, int size, u32 *val);
int pci_conf1_write(u8 bus, unsigned int devfn, int where, int size, u32 val);

/* The offset of capability cap in dev's list, or 0. */
u8 pci_find_capability(const struct pci_dev *dev, int cap);
/* The next capability cap after pos (pos 0: from the start), or 0. */
u8 pci_find_next_capability(const struct pci_dev *dev, u8 pos, int cap);

/* ---- resources ---- */
#define pci_resource_start(dev, bar) ((dev)->resource[(bar)].start)
#define pci_resource_end(dev, bar) ((dev)->resource[(bar)].end)
#define pci_resource_flags(dev, bar) ((dev)->resource[(bar)].flags)
#define pci_resource_len(dev, bar) resource_size(&(dev)->resource[(bar)])

/* Turn on I/O and memory decoding for the BARs the device has. 0 or -errno. */
int pci_enable_device(struct pci_dev *dev);
void pci_disable_device(struct pci_dev *dev);
/* Let the device start DMA (bus master enable). */
void pci_set_master(struct pci_dev *dev);
void pci_clear_master(struct pci_dev *dev);
/* Map a memory BAR uncached (iounmap to undo); NULL if bar is not an assigned memory BAR. */
void __iomem *pci_ioremap_bar(struct pci_dev *dev, int bar);
/* Turn INTx emulation on (enable) or off through the command register. */
void pci_intx(struct pci_dev *dev, bool enable);

/* ---- drivers (drivers/pci/pci-driver.c) ---- */
/* Register drv and probe every unbound matching device. 0 or -errno. */
int pci_register_driver(struct pci_driver *drv);
/* The entry of ids dev matches, or NULL. */
const struct pci_device_id *pci_match_id(const struct pci_device_id *ids, const struct pci_dev *dev);

/* ---- interrupts (drivers/pci/msi.c, drivers/pci/irq.c) ---- */
#define PCI_IRQ_INTX (1 << 0)		/* legacy INTx through the IOAPIC */
#define PCI_IRQ_LEGACY PCI_IRQ_INTX
#define PCI_IRQ_MSI (1 << 1)
#define PCI_IRQ_MSIX (1 << 2)
#define PCI_IRQ_ALL_TYPES (PCI_IRQ_INTX | PCI_IRQ_MSI | PCI_IRQ_MSIX)

/* pci_alloc_irq_vectors_affinity: leave the first pre_vectors where they are (config irqs). */
struct irq_affinity {
	unsigned int pre_vectors;	/* not spread: aimed at CPU 0 */
};

/*
 * Give dev between min_vecs and max_vecs interrupt vectors, trying MSI-X,
 * then MSI (one vector: x86 without interrupt remapping gives MSI one),
 * then INTx (one vector, the GSI, maybe shared), as flags allow. MSI-X
 * vectors after the pre_vectors are spread one per online CPU (round
 * robin). Returns the number of vectors or -errno (-ENOSPC: fewer than
 * min_vecs possible). Boot option pci=nomsi leaves only INTx.
 */
int pci_alloc_irq_vectors_affinity(struct pci_dev *dev, unsigned int min_vecs,
				   unsigned int max_vecs, unsigned int flags,
				   const struct irq_affinity *affd);
static inline int pci_alloc_irq_vectors(struct pci_dev *dev, unsigned int min_vecs,
					unsigned int max_vecs, unsigned int flags)
{
	return pci_alloc_irq_vectors_affinity(dev, min_vecs, max_vecs, flags, NULL);
}
/* Free them (every request_irq on them freed first). */
void pci_free_irq_vectors(struct pci_dev *dev);
/* The irq number (for request_irq) of vector nr, or -EINVAL. */
int pci_irq_vector(struct pci_dev *dev, unsigned int nr);
/* Whether dev's vectors are MSI-X, MSI or INTx. */
static inline bool pci_dev_msix_enabled(const struct pci_dev *dev) { return dev->msix_enabled; }
/* The GSI a legacy line (an ISA IRQ number from PCI_INTERRUPT_LINE) arrives on (drivers/pci/irq.c). */
int pcibios_lookup_irq(struct pci_dev *dev);
/* Make irq dev->irq (the INTx GSI) requestable; 0 or -errno. */
int pci_setup_intx_irq(struct pci_dev *dev);
/* Whether the boot option pci=nomsi was given. */
bool pci_msi_disabled(void);

#endif
