/*
 * The registered file-system types: a singly linked list by name, as
 * Linux's file_systems, under file_systems_lock. Types are static
 * objects that are never unregistered while mounted (no modules).
 */
#include <kestrel/fs.h>
#include <kestrel/string.h>

static struct file_system_type *file_systems;
static DEFINE_SPINLOCK(file_systems_lock);	/* file_systems and each ->next */

static struct file_system_type **find_filesystem(const char *name, size_t len)
{
	struct file_system_type **p;

	for (p = &file_systems; *p; p = &(*p)->next)
		if (strlen((*p)->name) == len && !strncmp((*p)->name, name, len))
			break;
	return p;
}

int register_filesystem(struct file_system_type *fs)
{
	struct file_system_type **p;
	int res = 0;

	if (fs->next || strchr(fs->name, '.'))
		return -EINVAL;
	INIT_LIST_HEAD(&fs->fs_supers);
	spin_lock(&file_systems_lock);
	p = find_filesystem(fs->name, strlen(fs->name));
	if (*p)
		res = -EBUSY;
	else
		*p = fs;
	spin_unlock(&file_systems_lock);
	return res;
}

int unregister_filesystem(struct file_system_type *fs)
{
	struct file_system_type **p;

	spin_lock(&file_systems_lock);
	for (p = &file_systems; *p; p = &(*p)->next) {
		if (*p == fs) {
			*p = fs->next;
			fs->next = NULL;
			spin_unlock(&file_systems_lock);
			return 0;
		}
	}
	spin_unlock(&file_systems_lock);
	return -EINVAL;
}

struct file_system_type *get_fs_type(const char *name)
{
	struct file_system_type *fs;

	spin_lock(&file_systems_lock);
	fs = *find_filesystem(name, strlen(name));
	spin_unlock(&file_systems_lock);
	return fs;
}

void filesystems_for_each(void (*fn)(struct file_system_type *, void *), void *arg)
{
	struct file_system_type *fs;

	/* Types are never freed: fn runs without the lock (it may sleep). */
	spin_lock(&file_systems_lock);
	fs = file_systems;
	spin_unlock(&file_systems_lock);
	for (; fs; fs = READ_ONCE(fs->next))
		fn(fs, arg);
}
