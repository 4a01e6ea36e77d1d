/*
 * A text screen ("virtual terminal"): a grid of character cells, a
 * cursor, and the rules for writing text into it (drivers/tty/vt/vt.c).
 * It knows nothing about pixels or VGA memory: a driver (fbcon, vgacon)
 * supplies struct vt_ops to show cells on its hardware.
 *
 * Each cell is a u16 in the VGA text-mode layout: the character in the low
 * byte, the attribute (foreground colour in bits 0-3, background in bits
 * 4-7, VGA palette order) in the high byte.
 *
 * The grid is double-buffered: `cells` is what the screen should show,
 * `shown` what the driver last drew. Writing text only changes `cells`
 * (scrolling is a memmove of RAM); vt_flush() then asks the driver to
 * draw just the cells that differ. So the driver never reads its (slow)
 * video memory, and a burst of text that scrolls many times is drawn once.
 *
 * Locking: a vt has no lock of its own. The screen consoles are only
 * written through printk, which serializes console writes under its
 * logbuf_lock; anyone else using a vt (the tests) owns it.
 */
#ifndef KESTREL_VT_H
#define KESTREL_VT_H

#include <kestrel/types.h>

#define VT_DEFAULT_ATTR 0x07	/* light grey on black */
#define VT_REPLACEMENT 0x7f	/* cell character for anything the font lacks */
#define VT_TAB_WIDTH 8
#define VT_MAX_PARAMS 8

/* A value no real cell has (cells never hold character 0xff): "not drawn". */
#define VT_CELL_UNKNOWN 0xffff

#define VT_CELL(ch, attr) ((u16)((u8)(ch) | ((u16)(attr) << 8)))
#define VT_CELL_CHAR(cell) ((u8)(cell))
#define VT_CELL_ATTR(cell) ((u8)((cell) >> 8))

struct vt;

struct vt_ops {
	/* Draw cell (x, y) with contents `cell`; it shows `old` now (VT_CELL_UNKNOWN: unknown). */
	void (*draw_cell)(struct vt *vt, unsigned int x, unsigned int y, u16 cell, u16 old);
	/*
	 * Show the cursor at (x, y). The cell there shows its contents without
	 * a cursor (just drawn, or the cursor has only now moved there).
	 */
	void (*set_cursor)(struct vt *vt, unsigned int x, unsigned int y);
};

struct vt {
	unsigned int cols, rows;
	unsigned int x, y;	/* cursor; x == cols: the next character wraps first */
	u8 attr;		/* attribute for new characters */
	u8 utf8_left;		/* continuation bytes still expected */
	bool cursor_on;		/* draw a cursor at all */
	u16 *cells;		/* rows * cols: what the screen should show */
	u16 *shown;		/* rows * cols: what the driver has drawn */
	unsigned int cur_x, cur_y;	/* where the driver last showed the cursor */
	const struct vt_ops *ops;

	/* Escape sequences (ECMA-48 / VT100 subset, drivers/tty/vt/vt.c). */
	u8 esc;				/* VT_ESC_*: where in a sequence we are */
	bool csi_private;		/* the CSI began with '?' */
	u8 nparams;			/* parameters seen so far */
	unsigned int params[VT_MAX_PARAMS];
	unsigned int saved_x, saved_y;	/* ESC 7 / CSI s */
	u8 fg, bg;			/* SGR colours (VGA palette order) */
	bool bold, reverse;		/* SGR 1, SGR 7 */
};

/*
 * Set up a vt over caller-provided cell arrays (rows * cols entries each).
 * The grid starts blank and everything counts as not yet drawn, so the
 * first vt_flush() paints the whole screen.
 */
void vt_init(struct vt *vt, unsigned int cols, unsigned int rows, u16 *cells, u16 *shown,
	     const struct vt_ops *ops);
/*
 * Interpret s: text, '\n', '\r', '\t', '\b', UTF-8 (one replacement
 * cell per character), and the escape sequences a shell and full-screen
 * programs send to a Linux console: cursor movement (CSI A B C D E F G d
 * H f), erasing (CSI J K X), inserting and deleting (CSI @ P L M),
 * colours and attributes (CSI m: 0 1 7 22 27 30-37 39 40-47 49 90-97),
 * cursor save/restore (ESC 7/8, CSI s/u), cursor on/off (CSI ?25 h/l)
 * and reset (ESC c). Other sequences are consumed and ignored.
 */
void vt_write(struct vt *vt, const char *s, size_t n);
/* Draw every cell that changed since the last flush, then the cursor. */
void vt_flush(struct vt *vt);
/* Blank the grid and home the cursor (drawn at the next flush). */
void vt_clear(struct vt *vt);
/* Mark every cell as not drawn: the next flush repaints the whole screen. */
void vt_invalidate(struct vt *vt);

#endif
