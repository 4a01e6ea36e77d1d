/*
 * vgacon: the text console in VGA/EGA text mode, the screen a BIOS boot
 * starts with (80x25 cells at physical 0xb8000, each cell a character
 * byte in code page 437 and an attribute byte).
 *
 * The text itself (cursor, wrap, scroll) is struct vt's job
 * (drivers/tty/vt/vt.c); vgacon copies changed cells into video memory and
 * moves the blinking hardware cursor through the CRT controller's index
 * and data ports (0x3d4/0x3d5, registers 0x0e/0x0f: cursor location).
 *
 * Locking: see include/kestrel/vt.h (callers serialize).
 */
#include <kestrel/compiler.h>
#include <kestrel/fb.h>
#include <asm/io.h>

#define CRTC_INDEX 0x3d4
#define CRTC_DATA 0x3d5
#define CRTC_CURSOR_START 0x0a	/* bits 0-4 first scan line, bit 5 cursor off */
#define CRTC_CURSOR_END 0x0b	/* bits 0-4 last scan line */
#define CRTC_CURSOR_HI 0x0e
#define CRTC_CURSOR_LO 0x0f
#define CP437_SQUARE 0xfe	/* a small filled square: the replacement character */

static struct vgacon *to_vgacon(struct vt *vt)
{
	return container_of(vt, struct vgacon, vt);
}

u8 vgacon_char(u8 ch)
{
	/* Code page 437 agrees with ASCII for the printable range. */
	return ch >= 0x20 && ch <= 0x7e ? ch : CP437_SQUARE;
}

static void vgacon_draw_cell(struct vt *vt, unsigned int x, unsigned int y, u16 cell, u16 old)
{
	struct vgacon *vc = to_vgacon(vt);

	writew(VT_CELL(vgacon_char(VT_CELL_CHAR(cell)), VT_CELL_ATTR(cell)),
	       &vc->vram[y * vt->cols + x]);
}

static void crtc_write(u8 reg, u8 val)
{
	outb(CRTC_INDEX, reg);
	outb(CRTC_DATA, val);
}

static u8 crtc_read(u8 reg)
{
	outb(CRTC_INDEX, reg);
	return inb(CRTC_DATA);
}

static void vgacon_set_cursor(struct vt *vt, unsigned int x, unsigned int y)
{
	struct vgacon *vc = to_vgacon(vt);
	u16 pos = (u16)(y * vt->cols + x);

	if (!vc->hw_cursor)
		return;
	crtc_write(CRTC_CURSOR_LO, pos & 0xff);
	crtc_write(CRTC_CURSOR_HI, pos >> 8);
}

static const struct vt_ops vgacon_ops = {
	.draw_cell = vgacon_draw_cell,
	.set_cursor = vgacon_set_cursor,
};

void vgacon_setup(struct vgacon *vc, u16 *vram, unsigned int cols, unsigned int rows,
		  u16 *cells, u16 *shown, bool hw_cursor)
{
	vc->vram = vram;
	vc->hw_cursor = hw_cursor;
	vt_init(&vc->vt, cols, rows, cells, shown, &vgacon_ops);
	if (hw_cursor) {
		/* An underline cursor on scan lines 14-15 of the 16-line cell, switched on. */
		crtc_write(CRTC_CURSOR_START, (crtc_read(CRTC_CURSOR_START) & 0xc0) | 14);
		crtc_write(CRTC_CURSOR_END, (crtc_read(CRTC_CURSOR_END) & 0xe0) | 15);
	}
}
