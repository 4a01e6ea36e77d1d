/*
 * The virtio core: devices that transports found, drivers that want
 * them, and the feature negotiation between the two (virtio 1.2, 3.1.1):
 *
 *   1. reset the device; 2. set ACKNOWLEDGE; 3. set DRIVER;
 *   4. read the device's features, keep those the driver knows (its
 *      feature table) plus the ring and version features the transport
 *      handles, write them; 5. set FEATURES_OK and read it back (the
 *      device may refuse the subset); 6. the driver's probe sets up its
 *      queues and calls virtio_device_ready(): DRIVER_OK.
 * A failure sets FAILED, and the device is left alone.
 *
 * virtio_devices_lock (a mutex) protects the device and driver lists.
 */
#include <kestrel/errno.h>
#include <kestrel/mutex.h>
#include <kestrel/printk.h>
#include <kestrel/string.h>
#include <kestrel/virtio.h>

static DEFINE_MUTEX(virtio_devices_lock);
static LIST_HEAD(virtio_devices);
static LIST_HEAD(virtio_drivers);
static int next_index;		/* [virtio_devices_lock] */

/* The transport-level features Kestrel's rings and transport implement. */
static const unsigned int transport_features[] = {
	VIRTIO_RING_F_INDIRECT_DESC,
	VIRTIO_RING_F_EVENT_IDX,
	VIRTIO_F_VERSION_1,
};

static void add_status(struct virtio_device *vdev, u8 status)
{
	vdev->config->set_status(vdev, vdev->config->get_status(vdev) | status);
}

void virtio_cread_bytes(struct virtio_device *vdev, unsigned int offset, void *buf, unsigned int len)
{
	u32 gen, before;

	/* A config change in the middle would give a torn value: read until the generation holds. */
	do {
		before = vdev->config->generation(vdev);
		vdev->config->get(vdev, offset, buf, len);
		gen = vdev->config->generation(vdev);
	} while (gen != before);
}

static bool id_matches(const struct virtio_device_id *id, const struct virtio_device *vdev)
{
	return id->device == vdev->id.device &&
	       (id->vendor == VIRTIO_DEV_ANY_ID || id->vendor == vdev->id.vendor);
}

static bool driver_matches(const struct virtio_driver *drv, const struct virtio_device *vdev)
{
	for (const struct virtio_device_id *id = drv->id_table; id && id->device; id++)
		if (id_matches(id, vdev))
			return true;
	return false;
}

/* Steps 4 and 5: agree on features. 0 or -errno. */
static int virtio_negotiate(struct virtio_device *vdev, const struct virtio_driver *drv)
{
	u64 device = vdev->config->get_features(vdev), driver = 0;
	int err;

	for (unsigned int i = 0; i < drv->feature_table_size; i++)
		driver |= 1ULL << drv->feature_table[i];
	for (unsigned int i = 0; i < ARRAY_SIZE(transport_features); i++)
		driver |= 1ULL << transport_features[i];
	vdev->features = device & driver;
	if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1)) {
		dev_printk_virtio(KERN_ERR, vdev, "device does not offer virtio 1.0 (features %#llx): "
				  "legacy devices are not supported\n", (unsigned long long)device);
		return -ENODEV;
	}
	err = vdev->config->finalize_features(vdev);
	if (err)
		return err;
	add_status(vdev, VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(vdev->config->get_status(vdev) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		dev_printk_virtio(KERN_ERR, vdev, "device refused features %#llx\n",
				  (unsigned long long)vdev->features);
		return -ENODEV;
	}
	return 0;
}

static int virtio_dev_probe(struct virtio_device *vdev, struct virtio_driver *drv)
{
	int err;

	vdev->config->reset(vdev);
	add_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	add_status(vdev, VIRTIO_CONFIG_S_DRIVER);
	vdev->driver = drv;
	err = virtio_negotiate(vdev, drv);
	if (!err)
		err = drv->probe(vdev);
	if (err) {
		add_status(vdev, VIRTIO_CONFIG_S_FAILED);
		vdev->driver = NULL;
		dev_printk_virtio(KERN_WARNING, vdev, "driver %s: probe failed (error %d)\n",
				  drv->name, err);
	}
	return err;
}

int register_virtio_device(struct virtio_device *vdev)
{
	struct virtio_driver *drv;

	mutex_lock(&virtio_devices_lock);
	vdev->index = next_index++;
	snprintf(vdev->name, sizeof(vdev->name), "virtio%d", vdev->index);
	INIT_LIST_HEAD(&vdev->vqs);
	list_add_tail(&vdev->node, &virtio_devices);
	list_for_each_entry(drv, &virtio_drivers, node) {
		if (driver_matches(drv, vdev)) {
			virtio_dev_probe(vdev, drv);
			break;
		}
	}
	mutex_unlock(&virtio_devices_lock);
	return 0;
}

int register_virtio_driver(struct virtio_driver *drv)
{
	struct virtio_device *vdev;

	mutex_lock(&virtio_devices_lock);
	list_add_tail(&drv->node, &virtio_drivers);
	list_for_each_entry(vdev, &virtio_devices, node)
		if (!vdev->driver && driver_matches(drv, vdev))
			virtio_dev_probe(vdev, drv);
	mutex_unlock(&virtio_devices_lock);
	return 0;
}

void virtio_device_ready(struct virtio_device *vdev)
{
	add_status(vdev, VIRTIO_CONFIG_S_DRIVER_OK);
	WRITE_ONCE(vdev->config_enabled, true);
}

int virtio_restore(struct virtio_device *vdev)
{
	int err;

	WRITE_ONCE(vdev->config_enabled, false);
	add_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	add_status(vdev, VIRTIO_CONFIG_S_DRIVER);
	err = vdev->config->finalize_features(vdev);
	if (!err) {
		add_status(vdev, VIRTIO_CONFIG_S_FEATURES_OK);
		if (!(vdev->config->get_status(vdev) & VIRTIO_CONFIG_S_FEATURES_OK))
			err = -ENODEV;
	}
	if (!err)
		err = vdev->config->restore_vqs(vdev);
	if (err) {
		add_status(vdev, VIRTIO_CONFIG_S_FAILED);
		dev_printk_virtio(KERN_ERR, vdev, "reset failed (error %d): device given up\n", err);
		return err;
	}
	virtio_device_ready(vdev);
	return 0;
}

void virtio_config_changed(struct virtio_device *vdev)
{
	if (READ_ONCE(vdev->config_enabled) && vdev->driver && vdev->driver->config_changed)
		vdev->driver->config_changed(vdev);
}
