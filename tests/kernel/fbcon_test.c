/*
 * fbcon.*: the framebuffer console drawing into a small framebuffer in
 * RAM in several pixel formats. Expected pixel values are written out as
 * constants here, not computed with the code under test.
 *
 * The test framebuffer is 40x48 pixels: 5 columns x 3 rows of 8x16 cells,
 * with PAD bytes after each pixel row (pitch > width * bytes per pixel)
 * filled with a marker that drawing must never touch.
 */
#include <kestrel/errno.h>
#include <kestrel/fb.h>
#include <kestrel/font.h>
#include <kestrel/ktest.h>
#include <kestrel/string.h>

#define FB_W 40
#define FB_H 48
#define PAD 12
#define MARK 0x5a
#define COLS 5
#define ROWS 3

/* 8-byte aligned: with the 4-byte-aligned pitches, rows alternate between both store paths. */
static u8 fbmem[FB_H * (FB_W * 4 + PAD)] __aligned(8);
static u16 cells[COLS * ROWS], shown[COLS * ROWS];
static struct fbcon fc;

static const struct fb_bitfield R16 = { 16, 8 }, G8 = { 8, 8 }, B0 = { 0, 8 };
static const struct fb_bitfield R0 = { 0, 8 }, B16 = { 16, 8 };

static int setup(unsigned int bpp, struct fb_bitfield r, struct fb_bitfield g,
		 struct fb_bitfield b)
{
	struct fb_info fb = {
		.base = fbmem, .width = FB_W, .height = FB_H,
		.pitch = FB_W * bpp / 8 + PAD, .bpp = (u8)bpp, .red = r, .green = g, .blue = b,
	};
	int err;

	memset(fbmem, MARK, sizeof(fbmem));
	err = fbcon_setup(&fc, &fb, cells, shown, ARRAY_SIZE(cells));
	fc.vt.cursor_on = false;
	return err;
}

/* Pixel rows [0, nrows) of cell (cx, cy) that differ from glyph ch in fg on bg. */
static int glyph_mismatches(unsigned int cx, unsigned int cy, u8 ch, u32 fg, u32 bg,
			    unsigned int nrows)
{
	const u8 *g = font_glyph(ch);
	int bad = 0;

	for (unsigned int r = 0; r < nrows; r++)
		for (unsigned int c = 0; c < FONT_WIDTH; c++) {
			u32 want = g[r] & (0x80 >> c) ? fg : bg;
			bad += fb_get_pixel(&fc.fb, cx * 8 + c, cy * 16 + r) != want;
		}
	return bad;
}

/* Bytes of the row padding that drawing overwrote. */
static int padding_damage(void)
{
	int bad = 0;

	for (u32 y = 0; y < FB_H; y++)
		for (u32 i = 0; i < PAD; i++)
			bad += fbmem[y * fc.fb.pitch + FB_W * fc.fb.bpp / 8 + i] != MARK;
	return bad;
}

KTEST(fbcon, font_has_glyphs)
{
	/* 'A' as drawn in drivers/video/font_8x16.txt: apex row 3, bar row 8. */
	KEXPECT_EQ(font_glyph('A')[3], 0x18);
	KEXPECT_EQ(font_glyph('A')[8], 0x7e);
	KEXPECT_EQ(font_glyph(' ')[8], 0);
	/* Everything outside 0x20-0x7e shares one visible replacement glyph. */
	KEXPECT(font_glyph(0x7f) == font_glyph(0x01));
	KEXPECT(font_glyph(0xe9) == font_glyph(0x7f));
	KEXPECT_NE(font_glyph(0x7f)[5], 0);
}

KTEST(fbcon, glyph_xrgb8888)
{
	KASSERT_EQ(setup(32, R16, G8, B0), 0);
	KASSERT_EQ(fc.vt.cols, COLS);
	KASSERT_EQ(fc.vt.rows, ROWS);
	fc.vt.attr = 0x1e;	/* yellow on blue */
	vt_write(&fc.vt, "xA", 2);
	KEXPECT_EQ(glyph_mismatches(1, 0, 'A', 0x00ffff55, 0x000000aa, 16), 0);
	/* Spot checks: apex of the A is ink, the cell's left column is not. */
	KEXPECT_EQ(fb_get_pixel(&fc.fb, 8 + 3, 3), 0x00ffff55);
	KEXPECT_EQ(fb_get_pixel(&fc.fb, 8 + 0, 3), 0x000000aa);
	/* An untouched cell is the default background (black). */
	KEXPECT_EQ(glyph_mismatches(3, 1, ' ', 0x00aaaaaa, 0, 16), 0);
	KEXPECT_EQ(padding_damage(), 0);
}

KTEST(fbcon, glyph_xbgr8888)
{
	KASSERT_EQ(setup(32, R0, G8, B16), 0);
	fc.vt.attr = 0x1e;
	vt_write(&fc.vt, "A", 1);
	KEXPECT_EQ(glyph_mismatches(0, 0, 'A', 0x0055ffff, 0x00aa0000, 16), 0);
	KEXPECT_EQ(padding_damage(), 0);
}

KTEST(fbcon, glyph_rgb888_24bpp)
{
	u32 pitch = FB_W * 3 + PAD;
	const u8 *apex;

	KASSERT_EQ(setup(24, R16, G8, B0), 0);
	fc.vt.attr = 0x1e;
	vt_write(&fc.vt, "xA", 2);
	KEXPECT_EQ(glyph_mismatches(1, 0, 'A', 0xffff55, 0x0000aa, 16), 0);
	/* Byte order in memory: blue, green, red. */
	apex = fbmem + 3 * pitch + (8 + 3) * 3;
	KEXPECT_EQ(apex[0], 0x55);
	KEXPECT_EQ(apex[1], 0xff);
	KEXPECT_EQ(apex[2], 0xff);
	KEXPECT_EQ(apex[-3], 0xaa);	/* the pixel to its left: blue background */
	KEXPECT_EQ(padding_damage(), 0);
}

KTEST(fbcon, glyph_rgb565)
{
	KASSERT_EQ(setup(16, (struct fb_bitfield){ 11, 5 }, (struct fb_bitfield){ 5, 6 },
			 (struct fb_bitfield){ 0, 5 }), 0);
	fc.vt.attr = 0x1e;
	vt_write(&fc.vt, "A", 1);
	/* yellow ff,ff,55 -> 11111 111111 01010; blue 00,00,aa -> 10101 */
	KEXPECT_EQ(glyph_mismatches(0, 0, 'A', 0xffea, 0x0015, 16), 0);
	KEXPECT_EQ(padding_damage(), 0);
}

KTEST(fbcon, pixel_fields)
{
	struct fb_info fb = { .bpp = 32, .red = { 20, 10 }, .green = { 10, 10 }, .blue = { 0, 10 } };

	/* 10-bit channels: 8-bit values are scaled up, not truncated. */
	KEXPECT_EQ(fb_pixel(&fb, 0xff, 0, 0), 0x3fcu << 20);
	KEXPECT_EQ(fb_pixel(&fb, 0, 0x80, 0x01), (0x200u << 10) | 0x004);
}

KTEST(fbcon, rejects_unusable_framebuffer)
{
	struct fb_info fb = {
		.base = fbmem, .width = FB_W, .height = FB_H, .pitch = FB_W * 4, .bpp = 8,
		.red = R16, .green = G8, .blue = B0,
	};

	KEXPECT_EQ(fbcon_setup(&fc, &fb, cells, shown, ARRAY_SIZE(cells)), -EINVAL);
	fb.bpp = 32;
	fb.pitch = FB_W * 4 - 4;	/* rows would overlap */
	KEXPECT_EQ(fbcon_setup(&fc, &fb, cells, shown, ARRAY_SIZE(cells)), -EINVAL);
	fb.pitch = FB_W * 4;
	fb.red.offset = 30;		/* field sticks out of the pixel */
	KEXPECT_EQ(fbcon_setup(&fc, &fb, cells, shown, ARRAY_SIZE(cells)), -EINVAL);
}

KTEST(fbcon, newline_wrap_tab_backspace)
{
	KASSERT_EQ(setup(32, R16, G8, B0), 0);
	vt_write(&fc.vt, "ab", 2);
	KEXPECT_EQ(fc.vt.x, 2);
	KEXPECT_EQ(fc.vt.y, 0);
	vt_write(&fc.vt, "\n", 1);
	KEXPECT_EQ(fc.vt.x, 0);
	KEXPECT_EQ(fc.vt.y, 1);
	/* A full line leaves the wrap pending: no empty line before a '\n'. */
	vt_write(&fc.vt, "12345", 5);
	KEXPECT_EQ(fc.vt.x, COLS);
	KEXPECT_EQ(fc.vt.y, 1);
	vt_write(&fc.vt, "6", 1);
	KEXPECT_EQ(fc.vt.x, 1);
	KEXPECT_EQ(fc.vt.y, 2);
	KEXPECT_EQ(glyph_mismatches(4, 1, '5', 0x00aaaaaa, 0, 16), 0);
	KEXPECT_EQ(glyph_mismatches(0, 2, '6', 0x00aaaaaa, 0, 16), 0);
	vt_write(&fc.vt, "\t", 1);
	KEXPECT_EQ(fc.vt.x, COLS);	/* tab stop 8 is past the edge: stop there */
	vt_write(&fc.vt, "\b\b", 2);
	KEXPECT_EQ(fc.vt.x, 3);
	vt_write(&fc.vt, "\r", 1);
	KEXPECT_EQ(fc.vt.x, 0);
	KEXPECT_EQ(fc.vt.y, 2);
}

KTEST(fbcon, scroll_moves_rows_up)
{
	static u8 row1[16 * (FB_W * 4 + PAD)];
	size_t row_bytes;
	u32 pitch;

	KASSERT_EQ(setup(32, R16, G8, B0), 0);
	pitch = fc.fb.pitch;
	row_bytes = 16 * pitch;
	vt_write(&fc.vt, "A1\nB2\nC3", 8);
	memcpy(row1, fbmem + row_bytes, row_bytes);
	KEXPECT_EQ(glyph_mismatches(0, 2, 'C', 0x00aaaaaa, 0, 16), 0);

	vt_write(&fc.vt, "\n", 1);	/* on the last row: scroll */
	KEXPECT_EQ(fc.vt.y, ROWS - 1);
	/* Text row 1's pixels are now text row 0's, byte for byte. */
	KEXPECT_EQ(memcmp(fbmem, row1, row_bytes), 0);
	KEXPECT_EQ(glyph_mismatches(0, 0, 'B', 0x00aaaaaa, 0, 16), 0);
	KEXPECT_EQ(glyph_mismatches(0, 1, 'C', 0x00aaaaaa, 0, 16), 0);
	KEXPECT_EQ(glyph_mismatches(1, 1, '3', 0x00aaaaaa, 0, 16), 0);
	/* The new last line is background only. */
	for (unsigned int x = 0; x < COLS; x++)
		KEXPECT_EQ(glyph_mismatches(x, 2, ' ', 0, 0, 16), 0);
	KEXPECT_EQ(padding_damage(), 0);
}

KTEST(fbcon, cursor_follows_text)
{
	KASSERT_EQ(setup(32, R16, G8, B0), 0);
	fc.vt.cursor_on = true;
	vt_write(&fc.vt, "ab", 2);
	/* Underline on the two bottom rows of cell (2, 0), in the foreground colour. */
	KEXPECT_EQ(glyph_mismatches(2, 0, ' ', 0x00aaaaaa, 0, 14), 0);
	KEXPECT_EQ(fb_get_pixel(&fc.fb, 2 * 8, 14), 0x00aaaaaa);
	KEXPECT_EQ(fb_get_pixel(&fc.fb, 2 * 8 + 7, 15), 0x00aaaaaa);
	vt_write(&fc.vt, "\n", 1);
	/* The old place is plain again, the cursor is at the start of row 1. */
	KEXPECT_EQ(glyph_mismatches(2, 0, ' ', 0x00aaaaaa, 0, 16), 0);
	KEXPECT_EQ(fb_get_pixel(&fc.fb, 0, 16 + 15), 0x00aaaaaa);
	KEXPECT_EQ(glyph_mismatches(0, 1, ' ', 0x00aaaaaa, 0, 14), 0);
}

KTEST(fbcon, non_ascii_is_one_replacement)
{
	KASSERT_EQ(setup(32, R16, G8, B0), 0);
	vt_write(&fc.vt, "\xc3\xa9!", 3);	/* "é!" in UTF-8: two columns */
	KEXPECT_EQ(fc.vt.x, 2);
	KEXPECT_EQ(glyph_mismatches(0, 0, 0x7f, 0x00aaaaaa, 0, 16), 0);
	KEXPECT_EQ(glyph_mismatches(1, 0, '!', 0x00aaaaaa, 0, 16), 0);
	vt_write(&fc.vt, "\x01\x1b", 2);	/* other control characters: no effect */
	KEXPECT_EQ(fc.vt.x, 2);
}

KTEST(fbcon, redraw_writes_only_changed_rows)
{
	KASSERT_EQ(setup(32, R16, G8, B0), 0);
	vt_write(&fc.vt, "O", 1);
	/* Mark pixels of rows the glyphs of 'O' and 'Q' share (row 0 blank, row 5 sides). */
	fb_put_pixel(&fc.fb, 4, 0, 0x123456);
	fb_put_pixel(&fc.fb, 1, 5, 0x654321);
	vt_write(&fc.vt, "\rQ", 2);
	/* Rows where 'Q' differs from 'O' were drawn... */
	KEXPECT_EQ(glyph_mismatches(0, 0, 'Q', 0x00aaaaaa, 0, 16), 2);
	/* ...and the shared rows were not rewritten: the marks survive. */
	KEXPECT_EQ(fb_get_pixel(&fc.fb, 4, 0), 0x123456);
	KEXPECT_EQ(fb_get_pixel(&fc.fb, 1, 5), 0x654321);
	/* A colour change redraws the whole cell. */
	fc.vt.attr = 0x0f;
	vt_write(&fc.vt, "\rQ", 2);
	KEXPECT_EQ(glyph_mismatches(0, 0, 'Q', 0x00ffffff, 0, 16), 0);
}

/* Font pixel (c, r) of a glyph drawn at scale 2 at (0, 0): a 2x2 block of one colour. */
static int scaled_mismatches(u8 ch, u32 fg, u32 bg)
{
	const u8 *g = font_glyph(ch);
	int bad = 0;

	for (unsigned int r = 0; r < 16; r++)
		for (unsigned int c = 0; c < 8; c++) {
			u32 want = g[r] & (0x80 >> c) ? fg : bg;
			for (unsigned int d = 0; d < 4; d++)
				bad += fb_get_pixel(&fc.fb, 2 * c + d % 2, 2 * r + d / 2) != want;
		}
	return bad;
}

KTEST(fbcon, double_size_glyph)
{
	/* 32 bpp: 8-byte stores on even rows, the byte-building path on odd ones. */
	KASSERT_EQ(setup(32, R16, G8, B0), 0);
	fb_draw_glyph(&fc.fb, 0, 0, font_glyph('g'), NULL, 0x00ffff55, 0x000000aa, 2, 0);
	KEXPECT_EQ(scaled_mismatches('g', 0x00ffff55, 0x000000aa), 0);
	KEXPECT_EQ(fb_get_pixel(&fc.fb, 16, 0), 0);	/* right of the glyph: untouched */
	/* 24 bpp: the byte-building path. */
	KASSERT_EQ(setup(24, R16, G8, B0), 0);
	fb_draw_glyph(&fc.fb, 0, 0, font_glyph('g'), NULL, 0xffff55, 0x0000aa, 2, 0);
	KEXPECT_EQ(scaled_mismatches('g', 0xffff55, 0x0000aa), 0);
	KEXPECT_EQ(padding_damage(), 0);
	/* A scale the drawing code does not support draws nothing. */
	fb_draw_glyph(&fc.fb, 0, 0, font_glyph('A'), NULL, 0xffffff, 0xffffff, 3, 0);
	KEXPECT_EQ(fb_get_pixel(&fc.fb, 1, 0), 0x0000aa);
}
