/*
 * The screen tty: tty1 (and tty0, "the current virtual terminal", which
 * is the same one: Kestrel has a single screen console).
 *
 * Output goes to the screen console's text grid (drivers/video/video.c,
 * video_screen_write, serialized with printk's writes to the screen);
 * input comes from the PS/2 keyboard (drivers/input/serio/i8042.c), which
 * pushes the characters of each key into this tty's flip buffer. The
 * window size is the grid's.
 */
#include <kestrel/chrdev.h>
#include <kestrel/errno.h>
#include <kestrel/fb.h>
#include <kestrel/printk.h>
#include <kestrel/tty.h>

static struct tty_struct *vt_tty;	/* set once by vt_tty_init */

static int vt_tty_write(struct tty_struct *tty, const u8 *buf, size_t n)
{
	video_screen_write((const char *)buf, n);
	return n;
}

static const struct tty_operations vt_tty_ops = {
	.write = vt_tty_write,
};

/* Minor 1; tty_open maps 4:0 (tty0) to it as well. */
static struct tty_driver vt_driver = {
	.name = "tty",
	.major = TTY_MAJOR,
	.minor_start = 1,
	.num = 1,
	.ops = &vt_tty_ops,
};

struct tty_struct *vt_tty_get(void)
{
	return READ_ONCE(vt_tty);
}

int vt_tty_init(void)
{
	unsigned int cols, rows;
	struct tty_struct *tty;
	int err;

	if (!video_screen_size(&cols, &rows))
		return -ENODEV;
	vt_driver.init_termios = tty_std_termios;
	vt_driver.init_termios.c_iflag |= IUTF8;
	err = tty_register_driver(&vt_driver);
	if (err)
		return err;
	tty = vt_driver.ttys[0];
	snprintf(tty->name, sizeof(tty->name), "tty1");
	tty->winsize = (struct winsize){ .ws_row = rows, .ws_col = cols };
	WRITE_ONCE(vt_tty, tty);
	tty_device("tty0", MKDEV(TTY_MAJOR, 0), 0620);
	tty_device("tty1", MKDEV(TTY_MAJOR, 1), 0620);
	return 0;
}
