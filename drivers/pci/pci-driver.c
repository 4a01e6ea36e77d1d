/*
 * PCI drivers: a driver registers an id table and a probe function;
 * every function found at boot that one of its ids matches and that no
 * other driver took is offered to probe, in scan order. Probing happens
 * in pci_register_driver() itself (devices are all known by then).
 *
 * pci_bus_sem (held for write) serializes registration and binding, so a
 * device is never probed by two drivers at once.
 */
#include <kestrel/errno.h>
#include <kestrel/pci.h>
#include <kestrel/printk.h>
#include "pci.h"

DECLARE_RWSEM(pci_bus_sem);
static LIST_HEAD(pci_drivers);		/* [b] */

static bool id_matches(const struct pci_device_id *id, const struct pci_dev *dev)
{
	return (id->vendor == PCI_ANY_ID || id->vendor == dev->vendor) &&
	       (id->device == PCI_ANY_ID || id->device == dev->device) &&
	       (id->subvendor == PCI_ANY_ID || id->subvendor == dev->subsystem_vendor) &&
	       (id->subdevice == PCI_ANY_ID || id->subdevice == dev->subsystem_device) &&
	       !((id->class ^ dev->class) & id->class_mask);
}

const struct pci_device_id *pci_match_id(const struct pci_device_id *ids, const struct pci_dev *dev)
{
	for (; ids && (ids->vendor || ids->subvendor || ids->class_mask); ids++)
		if (id_matches(ids, dev))
			return ids;
	return NULL;
}

int pci_register_driver(struct pci_driver *drv)
{
	struct pci_dev *dev;

	if (!drv->name || !drv->probe || !drv->id_table)
		return -EINVAL;
	down_write(&pci_bus_sem);
	list_add_tail(&drv->node, &pci_drivers);
	for_each_pci_dev(dev) {
		const struct pci_device_id *id;
		int err;

		if (dev->driver)
			continue;
		id = pci_match_id(drv->id_table, dev);
		if (!id)
			continue;
		dev->driver = drv;	/* while probing: a nested lookup sees it taken */
		err = drv->probe(dev, id);
		if (err) {
			dev->driver = NULL;
			/* -ENODEV: "not mine after all" (a driver matching a whole vendor), not a failure. */
			if (err != -ENODEV)
				pci_warn(dev, "driver %s: probe failed with error %d\n", drv->name, err);
		}
	}
	up_write(&pci_bus_sem);
	return 0;
}
