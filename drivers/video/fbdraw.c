/*
 * Drawing on a linear RGB framebuffer described by struct fb_info: pixel
 * values, single pixels, rectangles and font glyphs. Pure memory writes
 * with no knowledge of where the memory is, so the same code draws on the
 * screen and on a test buffer in RAM.
 *
 * A pixel is 2, 3 or 4 bytes, little-endian (the byte at the lowest
 * address holds bits 0-7), with the red, green and blue fields where the
 * boot loader says they are (e.g. 32 bpp x8r8g8b8: red at bit 16, green
 * at 8, blue at 0; 16 bpp r5g6b5: red at 11, green at 5, blue at 0).
 */
#include <kestrel/compiler.h>
#include <kestrel/errno.h>
#include <kestrel/fb.h>
#include <kestrel/font.h>

static unsigned int bytes_pp(const struct fb_info *fb)
{
	return fb->bpp / 8;
}

static bool field_ok(const struct fb_info *fb, struct fb_bitfield f)
{
	return f.length >= 1 && f.offset + f.length <= fb->bpp;
}

int fb_check(const struct fb_info *fb)
{
	if (!fb->base || !fb->width || !fb->height)
		return -EINVAL;
	if (fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32)
		return -EINVAL;
	if (fb->pitch < fb->width * bytes_pp(fb))
		return -EINVAL;
	if (!field_ok(fb, fb->red) || !field_ok(fb, fb->green) || !field_ok(fb, fb->blue))
		return -EINVAL;
	return 0;
}

/* An 8-bit intensity scaled to a field of any width, shifted into place. */
static u32 channel(u8 v, struct fb_bitfield f)
{
	u32 bits = f.length >= 8 ? (u32)v << (f.length - 8) : (u32)v >> (8 - f.length);

	return bits << f.offset;
}

u32 fb_pixel(const struct fb_info *fb, u8 r, u8 g, u8 b)
{
	return channel(r, fb->red) | channel(g, fb->green) | channel(b, fb->blue);
}

static u8 *pixel_addr(const struct fb_info *fb, u32 x, u32 y)
{
	return fb->base + (size_t)y * fb->pitch + (size_t)x * bytes_pp(fb);
}

static void store(u8 *p, unsigned int bpp, u32 pixel)
{
	switch (bpp) {
	case 32:
		*(u32 *)p = pixel;
		break;
	case 24:
		p[0] = (u8)pixel;
		p[1] = (u8)(pixel >> 8);
		p[2] = (u8)(pixel >> 16);
		break;
	case 16:
		*(u16 *)p = (u16)pixel;
		break;
	}
}

void fb_put_pixel(const struct fb_info *fb, u32 x, u32 y, u32 pixel)
{
	if (x < fb->width && y < fb->height)
		store(pixel_addr(fb, x, y), fb->bpp, pixel);
}

u32 fb_get_pixel(const struct fb_info *fb, u32 x, u32 y)
{
	const u8 *p;

	if (x >= fb->width || y >= fb->height)
		return 0;
	p = pixel_addr(fb, x, y);
	switch (fb->bpp) {
	case 32:
		return *(const u32 *)p;
	case 24:
		return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16;
	default:
		return *(const u16 *)p;
	}
}

void fb_fill_rect(const struct fb_info *fb, u32 x, u32 y, u32 w, u32 h, u32 pixel)
{
	unsigned int bpp = fb->bpp, n = bytes_pp(fb);

	if (x >= fb->width || y >= fb->height)
		return;
	w = min(w, fb->width - x);
	h = min(h, fb->height - y);
	for (u32 row = 0; row < h; row++) {
		u8 *p = pixel_addr(fb, x, y + row);
		for (u32 i = 0; i < w; i++, p += n)
			store(p, bpp, pixel);
	}
}

/*
 * One pixel row of a glyph: 8 font pixels, each `scale` pixels wide.
 * The switch is outside the loops so each loop is a plain run of stores.
 */
static void glyph_row(u8 *p, unsigned int bpp, u8 bits, u32 fg, u32 bg, unsigned int scale)
{
	switch (bpp) {
	case 32: {
		u32 *q = (u32 *)p;
		for (unsigned int c = 0; c < FONT_WIDTH; c++) {
			u32 v = bits & (0x80 >> c) ? fg : bg;
			for (unsigned int s = 0; s < scale; s++)
				*q++ = v;
		}
		break;
	}
	case 16: {
		u16 *q = (u16 *)p;
		for (unsigned int c = 0; c < FONT_WIDTH; c++) {
			u16 v = (u16)(bits & (0x80 >> c) ? fg : bg);
			for (unsigned int s = 0; s < scale; s++)
				*q++ = v;
		}
		break;
	}
	default:
		for (unsigned int c = 0; c < FONT_WIDTH; c++) {
			u32 v = bits & (0x80 >> c) ? fg : bg;
			for (unsigned int s = 0; s < scale; s++, p += 3)
				store(p, 24, v);
		}
		break;
	}
}

void fb_draw_glyph(const struct fb_info *fb, u32 x, u32 y, const u8 *glyph, u32 fg, u32 bg,
		   unsigned int scale, u16 underline_mask)
{
	if (x + FONT_WIDTH * scale > fb->width || y + FONT_HEIGHT * scale > fb->height)
		return;
	for (unsigned int r = 0; r < FONT_HEIGHT; r++) {
		u8 bits = underline_mask & (1u << r) ? 0xff : glyph[r];
		for (unsigned int s = 0; s < scale; s++)
			glyph_row(pixel_addr(fb, x, y + r * scale + s), fb->bpp, bits, fg, bg, scale);
	}
}
