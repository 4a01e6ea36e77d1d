/*
 * The built-in device drivers, registered once at boot after PCI has
 * found its devices and the block layer is up: each registration probes
 * the devices its driver matches (Linux does this with initcalls; a list
 * in one place reads more easily). Order: class drivers first (virtio_blk
 * waits for virtio devices), then the bus drivers that find devices for
 * them (virtio-pci); either order would work.
 */
#include <kestrel/device.h>
#include <kestrel/printk.h>
#include <kestrel/virtio.h>
#include <kestrel/virtio_blk.h>

static const struct {
	const char *name;
	int (*init)(void);
} drivers[] = {
	{ "virtio_blk", virtio_blk_init },
	{ "virtio-pci", virtio_pci_init },
};

void drivers_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(drivers); i++) {
		int err = drivers[i].init();

		if (err)
			pr_err("%s: driver not registered (error %d)\n", drivers[i].name, err);
	}
}
