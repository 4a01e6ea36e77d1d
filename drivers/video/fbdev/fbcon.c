/*
 * fbcon: a text console drawn with the built-in font on a linear RGB
 * framebuffer. The text itself (cursor, wrap, scroll) is struct vt's job
 * (drivers/tty/vt/vt.c); fbcon only turns a cell into pixels: the glyph
 * for its character in the attribute's foreground and background colours.
 *
 * The cursor is an underline over the two bottom pixel rows of its cell,
 * redrawn whenever the cursor moves or its cell changes.
 *
 * Screens wider than FBCON_SCALE_COLS columns (more than 1920 pixels)
 * get the font at double size, so 4K text stays readable.
 *
 * Locking: see include/kestrel/vt.h (callers serialize).
 */
#include <kestrel/compiler.h>
#include <kestrel/errno.h>
#include <kestrel/fb.h>
#include <kestrel/font.h>

#define FBCON_SCALE_COLS 240
#define CURSOR_ROWS ((1u << (FONT_HEIGHT - 1)) | (1u << (FONT_HEIGHT - 2)))

/* The classic VGA text colours, in attribute order. */
const u8 vga_palette[16][3] = {
	{ 0x00, 0x00, 0x00 },	/* black */
	{ 0x00, 0x00, 0xaa },	/* blue */
	{ 0x00, 0xaa, 0x00 },	/* green */
	{ 0x00, 0xaa, 0xaa },	/* cyan */
	{ 0xaa, 0x00, 0x00 },	/* red */
	{ 0xaa, 0x00, 0xaa },	/* magenta */
	{ 0xaa, 0x55, 0x00 },	/* brown */
	{ 0xaa, 0xaa, 0xaa },	/* light grey */
	{ 0x55, 0x55, 0x55 },	/* dark grey */
	{ 0x55, 0x55, 0xff },	/* light blue */
	{ 0x55, 0xff, 0x55 },	/* light green */
	{ 0x55, 0xff, 0xff },	/* light cyan */
	{ 0xff, 0x55, 0x55 },	/* light red */
	{ 0xff, 0x55, 0xff },	/* light magenta */
	{ 0xff, 0xff, 0x55 },	/* yellow */
	{ 0xff, 0xff, 0xff },	/* white */
};

static struct fbcon *to_fbcon(struct vt *vt)
{
	return container_of(vt, struct fbcon, vt);
}

/*
 * Draw cell (x, y). `old` is what the cell shows now: if that is known and
 * in the same colours, only the pixel rows where the glyphs differ are
 * written (after a scroll most rows of most cells stay as they were: the
 * blank rows above and below the letters, shared strokes).
 */
static void draw(struct fbcon *fc, unsigned int x, unsigned int y, u16 cell, u16 old,
		 u16 underline)
{
	u8 attr = VT_CELL_ATTR(cell);
	unsigned int cw = FONT_WIDTH * fc->scale, ch = FONT_HEIGHT * fc->scale;
	const u8 *old_glyph = NULL;

	if (old != VT_CELL_UNKNOWN && VT_CELL_ATTR(old) == attr)
		old_glyph = font_glyph(VT_CELL_CHAR(old));
	fb_draw_glyph(&fc->fb, x * cw, y * ch, font_glyph(VT_CELL_CHAR(cell)), old_glyph,
		      fc->palette[attr & 0xf], fc->palette[attr >> 4], fc->scale, underline);
}

static void fbcon_draw_cell(struct vt *vt, unsigned int x, unsigned int y, u16 cell, u16 old)
{
	draw(to_fbcon(vt), x, y, cell, old, 0);
}

/* The cell shows its character without the cursor: add just the underline. */
static void fbcon_set_cursor(struct vt *vt, unsigned int x, unsigned int y)
{
	u16 cell = vt->cells[y * vt->cols + x];

	draw(to_fbcon(vt), x, y, cell, cell, CURSOR_ROWS);
}

static const struct vt_ops fbcon_ops = {
	.draw_cell = fbcon_draw_cell,
	.set_cursor = fbcon_set_cursor,
};

int fbcon_setup(struct fbcon *fc, const struct fb_info *fb, u16 *cells, u16 *shown,
		size_t max_cells)
{
	unsigned int cols, rows;

	if (fb_check(fb))
		return -EINVAL;
	fc->fb = *fb;
	fc->scale = fb->width / FONT_WIDTH > FBCON_SCALE_COLS ? 2 : 1;
	cols = fb->width / (FONT_WIDTH * fc->scale);
	rows = fb->height / (FONT_HEIGHT * fc->scale);
	if (!cols || !rows)
		return -EINVAL;
	cols = min(cols, (unsigned int)max_cells);
	rows = min(rows, (unsigned int)(max_cells / cols));
	for (int i = 0; i < 16; i++)
		fc->palette[i] = fb_pixel(fb, vga_palette[i][0], vga_palette[i][1], vga_palette[i][2]);
	/* The margins right of and below the grid are never drawn: clear them now. */
	fb_fill_rect(fb, 0, 0, fb->width, fb->height, fc->palette[0]);
	vt_init(&fc->vt, cols, rows, cells, shown, &fbcon_ops);
	return 0;
}
