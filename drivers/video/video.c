/*
 * The screen console: pick what the boot loader left on the screen, make
 * it the screen the tty tty1 writes to (drivers/tty/vt/vt_tty.c), and
 * register it with printk as console "tty0" if console= asks for it.
 *
 *  - boot_info.fb type 1 (RGB linear framebuffer; GRUB with our header's
 *    framebuffer request, the only screen under UEFI): fbcon.
 *  - boot_info.fb type 2 (EGA text; GRUB under BIOS without a mode), or no
 *    framebuffer information at all on a BIOS boot (QEMU -kernel): the
 *    VGA text screen, vgacon at 0xb8000.
 *  - anything else (indexed colour, UEFI without GOP): no screen console,
 *    said once in the log.
 *
 * register_console() replays the log, so the screen shows the whole boot,
 * not just what comes after this point.
 *
 * The cell arrays are static so the console works without the allocator
 * and costs nothing at oops time; FBCON_MAX_CELLS fits 240x100 cells
 * (1920x1600 pixels, or 3840x3200 at double font size). Larger screens use
 * the top-left part.
 */
#define pr_fmt(fmt) "video: " fmt

#include <kestrel/bootinfo.h>
#include <kestrel/console.h>
#include <kestrel/errno.h>
#include <kestrel/fb.h>
#include <kestrel/panic.h>
#include <kestrel/spinlock.h>
#include <kestrel/printk.h>
#include <asm/ioremap.h>

#define FBCON_MAX_CELLS (240 * 100)
#define VGA_TEXT_PHYS 0xb8000
#define VGA_MAX_CELLS (132 * 60)

static struct fbcon screen_fbcon;
static u16 fbcon_cells[FBCON_MAX_CELLS], fbcon_shown[FBCON_MAX_CELLS];
static struct vgacon screen_vgacon;
static u16 vgacon_cells[VGA_MAX_CELLS], vgacon_shown[VGA_MAX_CELLS];
static struct vt *screen_vt;	/* the vt console "tty0" writes to; set once at boot */
/*
 * screen_lock serializes writers of screen_vt: printk's console write
 * (under logbuf_lock, so logbuf_lock > screen_lock) and the screen tty
 * (video_screen_write). irqsave: printk runs in interrupts. In an oops
 * printk only tries it and writes anyway, as it does with logbuf_lock.
 */
static DEFINE_SPINLOCK(screen_lock);

static void screen_console_write(struct console *con, const char *s, size_t n)
{
	unsigned long flags = local_irq_save();
	bool locked = true;

	if (READ_ONCE(oops_in_progress))
		locked = spin_trylock(&screen_lock);
	else
		spin_lock(&screen_lock);
	vt_write(screen_vt, s, n);
	if (locked)
		spin_unlock(&screen_lock);
	local_irq_restore(flags);
}

bool video_screen_size(unsigned int *cols, unsigned int *rows)
{
	struct vt *vt = READ_ONCE(screen_vt);

	if (!vt)
		return false;
	*cols = vt->cols;
	*rows = vt->rows;
	return true;
}

void video_screen_write(const char *s, size_t n)
{
	unsigned long flags;

	if (!screen_vt)
		return;
	spin_lock_irqsave(&screen_lock, flags);
	vt_write(screen_vt, s, n);
	spin_unlock_irqrestore(&screen_lock, flags);
}

static struct console screen_console = {
	.name = "tty",
	.index = 0,
	.write = screen_console_write,
};

/*
 * Map video memory with ioremap(): the framebuffer can sit anywhere,
 * above 4 GiB included, and is not RAM. The mapping is uncached, which
 * makes reads slow; the consoles never read it (see drivers/tty/vt/vt.c).
 */
static void *video_map(phys_addr_t phys, size_t size)
{
	return (void *)ioremap(phys, size);
}

static int fbcon_start(const struct boot_framebuffer *bf)
{
	struct fb_info fb = {
		.width = bf->width,
		.height = bf->height,
		.pitch = bf->pitch,
		.bpp = bf->bpp,
		.red = { bf->red_pos, bf->red_size },
		.green = { bf->green_pos, bf->green_size },
		.blue = { bf->blue_pos, bf->blue_size },
	};
	int err;

	fb.base = video_map(bf->addr, (size_t)bf->pitch * bf->height);
	if (!fb.base)
		return -ENOMEM;
	err = fbcon_setup(&screen_fbcon, &fb, fbcon_cells, fbcon_shown, FBCON_MAX_CELLS);
	if (err) {
		iounmap(fb.base);
		return err;
	}
	err = fbmem_setup(bf->addr, fb.base, (size_t)bf->pitch * bf->height);
	if (err)
		pr_warn("framebuffer: no /dev/fb0 (%d)\n", err);
	pr_info("framebuffer %ux%u %u bpp at %#llx, console %ux%u%s\n", bf->width, bf->height,
		bf->bpp, (unsigned long long)bf->addr, screen_fbcon.vt.cols, screen_fbcon.vt.rows,
		screen_fbcon.scale > 1 ? " (double-size font)" : "");
	screen_vt = &screen_fbcon.vt;
	return 0;
}

static int vgacon_start(phys_addr_t phys, unsigned int cols, unsigned int rows)
{
	u16 *vram;

	if (!cols || !rows || cols * rows > VGA_MAX_CELLS)
		return -EINVAL;
	vram = video_map(phys, cols * rows * sizeof(u16));
	if (!vram)
		return -ENOMEM;
	vgacon_setup(&screen_vgacon, vram, cols, rows, vgacon_cells, vgacon_shown, true);
	pr_info("VGA text console %ux%u at %#llx\n", cols, rows, (unsigned long long)phys);
	screen_vt = &screen_vgacon.vt;
	return 0;
}

void video_console_init(void)
{
	const struct boot_framebuffer *bf = &boot_info.fb;
	int err;

	if (boot_info.has_fb && bf->type == 1) {
		err = fbcon_start(bf);
	} else if (boot_info.has_fb && bf->type == 2) {
		err = vgacon_start(bf->addr, bf->width, bf->height);
	} else if (!boot_info.has_fb && !boot_info.efi) {
		err = vgacon_start(VGA_TEXT_PHYS, 80, 25);
	} else {
		pr_info("no screen console: %s\n", boot_info.has_fb ?
			"indexed-colour framebuffer not supported" : "no framebuffer from the boot loader");
		return;
	}
	if (err) {
		pr_warn("no screen console: error %d setting up the %s\n", err,
			bf->type == 1 && boot_info.has_fb ? "framebuffer" : "text screen");
		return;
	}
	/* The screen is the tty tty1 either way; printk writes to it only if console= asks. */
	if (console_wanted("tty", 0))
		register_console(&screen_console);
}
