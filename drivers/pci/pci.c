/*
 * The PCI core's small services to drivers: turning decoding and bus
 * mastering on, mapping BARs, INTx on or off; and pci_init(), which finds
 * everything at boot.
 */
#include <kestrel/errno.h>
#include <kestrel/pci.h>
#include <kestrel/printk.h>
#include <asm/ioremap.h>
#include "pci.h"

void pci_init(void)
{
	struct pci_dev *dev;
	int n = 0;

	pci_config_init();
	pci_scan_all();
	for_each_pci_dev(dev)
		n++;
	pr_info("PCI: %d functions found\n", n);
	pci_proc_init();
}

static void pci_update_command(struct pci_dev *dev, u16 set, u16 clear)
{
	u16 cmd, new;

	pci_read_config_word(dev, PCI_COMMAND, &cmd);
	new = (cmd | set) & ~clear;
	if (new != cmd)
		pci_write_config_word(dev, PCI_COMMAND, new);
}

int pci_enable_device(struct pci_dev *dev)
{
	u16 set = 0;

	for (int i = 0; i < PCI_NUM_RESOURCES; i++) {
		const struct resource *r = &dev->resource[i];

		if (i == PCI_ROM_RESOURCE || !r->flags)
			continue;
		if (r->flags & IORESOURCE_UNSET) {
			pci_err(dev, "BAR %d has no address (the firmware did not assign one): "
				"cannot enable\n", i);
			return -ENODEV;
		}
		set |= r->flags & IORESOURCE_IO ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
	}
	if (dev->enable_cnt++ == 0)
		pci_update_command(dev, set, 0);
	return 0;
}

void pci_disable_device(struct pci_dev *dev)
{
	if (WARN_ON(!dev->enable_cnt))
		return;
	if (--dev->enable_cnt == 0) {
		pci_update_command(dev, 0, PCI_COMMAND_MASTER);
		dev->is_busmaster = false;
	}
}

void pci_set_master(struct pci_dev *dev)
{
	pci_update_command(dev, PCI_COMMAND_MASTER, 0);
	dev->is_busmaster = true;
}

void pci_clear_master(struct pci_dev *dev)
{
	pci_update_command(dev, 0, PCI_COMMAND_MASTER);
	dev->is_busmaster = false;
}

void pci_intx(struct pci_dev *dev, bool enable)
{
	if (enable)
		pci_update_command(dev, 0, PCI_COMMAND_INTX_DISABLE);
	else
		pci_update_command(dev, PCI_COMMAND_INTX_DISABLE, 0);
}

void __iomem *pci_ioremap_bar(struct pci_dev *dev, int bar)
{
	const struct resource *r;

	if (bar < 0 || bar >= PCI_STD_NUM_BARS)
		return NULL;
	r = &dev->resource[bar];
	if (!(r->flags & IORESOURCE_MEM) || (r->flags & IORESOURCE_UNSET)) {
		pci_warn(dev, "BAR %d is not an assigned memory BAR\n", bar);
		return NULL;
	}
	return ioremap(r->start, resource_size(r));
}
