/*
 * ktests of PCI (drivers/pci/) and of the irq layer under it
 * (kernel/irq/manage.c), on the machine QEMU gives: -M pc (type 1
 * configuration) or -M q35 (ECAM), each with a host bridge at 00:00.0.
 */
#include <kestrel/errno.h>
#include <kestrel/fs.h>
#include <kestrel/irq.h>
#include <kestrel/ktest.h>
#include <kestrel/pci.h>
#include <kestrel/string.h>
#include <kestrel/syscalls.h>
#include <kestrel/time.h>
#include <asm/apic.h>

static char text[8192];

static long slurp(const char *path)
{
	long fd = ksys_open(path, O_RDONLY, 0), n, total = 0;

	if (fd < 0)
		return fd;
	while ((n = ksys_read(fd, text + total, min(200L, (long)sizeof(text) - 1 - total))) > 0)
		total += n;
	ksys_close(fd);
	text[total] = 0;
	return n < 0 ? n : total;
}

KTEST(pci, host_bridge_at_00_00_0)
{
	struct pci_dev *dev = pci_get_domain_bus_and_slot(0, 0, PCI_DEVFN(0, 0));

	KASSERT(dev != NULL);
	KEXPECT_EQ(dev->vendor, PCI_VENDOR_ID_INTEL);
	KEXPECT_EQ(dev->class >> 8, PCI_CLASS_BRIDGE_HOST);
	KEXPECT(!strcmp(pci_name(dev), "0000:00:00.0"));
}

/* The ports 0xcf8/0xcfc see what the scan saw (through ECAM on q35). */
KTEST(pci, conf1_agrees_with_the_scan)
{
	struct pci_dev *dev;
	int checked = 0;

	for_each_pci_dev(dev) {
		u32 id, class_rev, cmd_ecam, cmd_conf1;

		if (dev->bus->domain != 0)
			continue;
		KEXPECT_EQ(pci_conf1_read(dev->bus->number, dev->devfn, PCI_VENDOR_ID, 4, &id), 0);
		KEXPECT_EQ(id, (u32)dev->device << 16 | dev->vendor);
		pci_conf1_read(dev->bus->number, dev->devfn, PCI_CLASS_REVISION, 4, &class_rev);
		KEXPECT_EQ(class_rev >> 8, dev->class);
		pci_conf1_read(dev->bus->number, dev->devfn, PCI_COMMAND, 2, &cmd_conf1);
		pci_bus_read_config(0, dev->bus->number, dev->devfn, PCI_COMMAND, 2, &cmd_ecam);
		KEXPECT_EQ(cmd_conf1, cmd_ecam);
		checked++;
	}
	KEXPECT(checked >= 2);
}

KTEST(pci, absent_function_reads_all_ones)
{
	u32 v = 0;

	/* Slot 31 function 7 of bus 0 exists on neither machine QEMU gives us (q35 uses 1f.0-1f.3). */
	KEXPECT_EQ(pci_bus_read_config(0, 0, PCI_DEVFN(31, 7), PCI_VENDOR_ID, 4, &v), 0);
	KEXPECT_EQ(v, ~0U);
	KEXPECT_EQ(pci_bus_read_config(0, 0, PCI_DEVFN(0, 0), 2, 4, &v), -EINVAL);	/* misaligned */
	KEXPECT_EQ(pci_bus_read_config(0, 0, 256, 0, 4, &v), -EINVAL);	/* devfn out of range */
}

/* Every BAR: a power-of-two size, aligned, and the register still holds its address. */
KTEST(pci, bars_are_sized_aligned_and_restored)
{
	struct pci_dev *dev;
	int bars = 0;

	for_each_pci_dev(dev) {
		for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
			const struct resource *r = &dev->resource[i];
			resource_size_t size = resource_size(r);
			u32 reg;

			if (!r->flags)
				continue;
			bars++;
			KEXPECT(size && !(size & (size - 1)));
			KEXPECT(!(r->start & (size - 1)));
			pci_read_config_dword(dev, PCI_BASE_ADDRESS_0 + 4 * i, &reg);
			if (r->flags & IORESOURCE_IO)
				KEXPECT_EQ(reg & PCI_BASE_ADDRESS_IO_MASK & 0xffff, (u32)r->start);
			else
				KEXPECT_EQ(reg & PCI_BASE_ADDRESS_MEM_MASK, (u32)r->start);
			if (r->flags & IORESOURCE_MEM_64)
				i++;
		}
	}
	KEXPECT(bars > 0);
}

/* The std VGA (1234:1111) both machines have: a 16 MiB prefetchable framebuffer at BAR 0. */
KTEST(pci, vga_framebuffer_bar)
{
	struct pci_dev *dev = pci_get_device(0x1234, 0x1111, NULL);

	KASSERT(dev != NULL);
	KEXPECT_EQ(dev->class >> 8, PCI_CLASS_DISPLAY_VGA);
	KEXPECT_EQ(pci_resource_len(dev, 0), 16UL << 20);
	KEXPECT(pci_resource_flags(dev, 0) & IORESOURCE_PREFETCH);
	KEXPECT(pci_resource_flags(dev, 0) & IORESOURCE_MEM);
}

KTEST(pci, capability_list_walk)
{
	struct pci_dev *dev;
	int found = 0;

	for_each_pci_dev(dev) {
		u8 pos = pci_find_capability(dev, PCI_CAP_ID_MSIX);
		u8 id;

		if (!pos)
			continue;
		KEXPECT_EQ(pos, dev->msix_cap);
		pci_read_config_byte(dev, pos, &id);
		KEXPECT_EQ(id, PCI_CAP_ID_MSIX);
		found++;
	}
	/* Nothing that is not there: the host bridge has no MSI-X. */
	KEXPECT_EQ(pci_find_capability(pci_get_domain_bus_and_slot(0, 0, 0), PCI_CAP_ID_MSIX), 0);
	(void)found;
}

KTEST(pci, match_id_table)
{
	struct pci_dev *dev = pci_get_domain_bus_and_slot(0, 0, PCI_DEVFN(0, 0));
	const struct pci_device_id ids[] = {
		{ PCI_DEVICE(0x1af4, 0x1001) },
		{ PCI_DEVICE_CLASS(PCI_CLASS_BRIDGE_HOST << 8, 0xffff00), .driver_data = 7 },
		{ 0 },
	};
	const struct pci_device_id none[] = { { PCI_DEVICE(0x1af4, 0xffff) }, { 0 } };
	const struct pci_device_id *id;

	KASSERT(dev != NULL);
	id = pci_match_id(ids, dev);
	KASSERT(id != NULL);
	KEXPECT_EQ(id->driver_data, 7UL);
	KEXPECT(pci_match_id(none, dev) == NULL);
}

/* Linux's format: one line per function, 17 tab-separated fields (18 with a driver). */
KTEST(pci, proc_bus_pci_devices)
{
	struct pci_dev *dev;
	char want[32];
	int lines = 0, devs = 0;

	KASSERT(slurp("/proc/bus/pci/devices") > 0);
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	for_each_pci_dev(dev)
		devs++;
	KEXPECT_EQ(lines, devs);
	dev = pci_get_domain_bus_and_slot(0, 0, 0);
	KASSERT(dev != NULL);
	snprintf(want, sizeof(want), "0000\t%04x%04x\t", dev->vendor, dev->device);
	KEXPECT(!strncmp(text, want, strlen(want)));
	/* The first line: 2 + 1 + 7 + 7 fields, then the (maybe empty) driver name. */
	{
		int tabs = 0;

		for (const char *p = text; *p && *p != '\n'; p++)
			tabs += *p == '\t';
		KEXPECT_EQ(tabs, 17);
	}
	KEXPECT_EQ(slurp("/proc/bus/pci/nothing"), -ENOENT);
}

/* ---------------------------------------------------------------- the irq layer */

static atomic_t test_irq_hits;
static void *test_irq_last_dev;

static irqreturn_t test_handler(int irq, void *dev_id)
{
	atomic_inc(&test_irq_hits);
	test_irq_last_dev = dev_id;
	return IRQ_HANDLED;
}

static irqreturn_t test_handler_none(int irq, void *dev_id)
{
	return IRQ_NONE;
}

static const struct irq_chip test_chip = { .name = "test" };

/* Wait (briefly) for a self-IPI to be taken. */
static void wait_hits(int want)
{
	for (int i = 0; i < 1000 && atomic_read(&test_irq_hits) < want; i++)
		udelay(100);
}

/* A message-signalled irq, delivered by sending its vector to ourselves: handlers run, then free_irq. */
KTEST(pci, irq_request_dispatch_free)
{
	int irq = irq_alloc_desc(-1, 0, &test_chip, NULL);
	int dev_a, dev_b;
	struct irq_desc *desc;

	KASSERT(irq >= NR_GSI_IRQS);
	desc = irq_to_desc(irq);
	KASSERT(desc != NULL);
	KEXPECT_EQ(irq_get_cpu(irq), 0);
	atomic_set(&test_irq_hits, 0);
	KEXPECT_EQ(request_irq(irq, test_handler, 0, "t", &dev_a), 0);
	/* Not shared: a second handler is refused. */
	KEXPECT_EQ(request_irq(irq, test_handler, IRQF_SHARED, "t", &dev_b), -EBUSY);
	KEXPECT_EQ(request_irq(irq, NULL, 0, "t", &dev_b), -EINVAL);
	KEXPECT_EQ(request_irq(NR_IRQS - 1, test_handler, 0, "t", &dev_b), -EINVAL);
	apic_send_ipi_self(desc->vector);
	wait_hits(1);
	KEXPECT_EQ(atomic_read(&test_irq_hits), 1);
	KEXPECT(test_irq_last_dev == &dev_a);
	KEXPECT_EQ(irq_get_count(irq), 1UL);
	free_irq(irq, &dev_a);
	irq_free_desc(irq);
	KEXPECT(irq_to_desc(irq) == NULL);
}

/* A shared irq runs every handler; one that says IRQ_NONE does not stop the others. */
KTEST(pci, irq_shared_handlers)
{
	int irq = irq_alloc_desc(-1, 0, &test_chip, NULL);
	int dev_a, dev_b;

	KASSERT(irq >= 0);
	atomic_set(&test_irq_hits, 0);
	KEXPECT_EQ(request_irq(irq, test_handler_none, IRQF_SHARED, "none", &dev_a), 0);
	KEXPECT_EQ(request_irq(irq, test_handler, IRQF_SHARED, "t", &dev_b), 0);
	apic_send_ipi_self(irq_to_desc(irq)->vector);
	wait_hits(1);
	KEXPECT_EQ(atomic_read(&test_irq_hits), 1);
	KEXPECT(test_irq_last_dev == &dev_b);
	free_irq(irq, &dev_a);
	free_irq(irq, &dev_b);
	irq_free_desc(irq);
}
