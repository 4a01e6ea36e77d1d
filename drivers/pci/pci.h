/* drivers/pci/ internals. */
#ifndef DRIVERS_PCI_PCI_H
#define DRIVERS_PCI_PCI_H

#include <kestrel/pci.h>
#include <kestrel/rwsem.h>

/* access.c: choose ECAM or type 1 (before the scan). */
void pci_config_init(void);
/* probe.c: walk every root bus. */
void pci_scan_all(void);
/* proc.c: /proc/bus/pci/devices. */
void pci_proc_init(void);
/* pci-driver.c: serializes driver registration and binding ([b] in pci.h). */
extern struct rw_semaphore pci_bus_sem;

#endif
