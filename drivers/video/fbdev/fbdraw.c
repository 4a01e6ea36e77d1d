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
#include <asm/io.h>

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
 * Copy a run of pixels to video memory with as few stores as the
 * alignment allows: 8 bytes at a time in the middle, smaller stores at
 * the ends. On an uncached framebuffer every store is one bus
 * transaction, so this matters far more than the copying itself.
 * writeq() and friends are volatile, so the compiler keeps these sizes.
 */
static void copy_out(u8 *dst, const u8 *src, unsigned int len)
{
	unsigned int i = 0;
	u64 q;

	while (i < len && ((unsigned long)(dst + i) & 7)) {
		unsigned long a = (unsigned long)(dst + i);
		if (!(a & 3) && len - i >= 4) {
			writel(src[i] | src[i + 1] << 8 | src[i + 2] << 16 | (u32)src[i + 3] << 24,
			       dst + i);
			i += 4;
		} else if (!(a & 1) && len - i >= 2) {
			writew((u16)(src[i] | src[i + 1] << 8), dst + i);
			i += 2;
		} else {
			writeb(src[i], dst + i);
			i++;
		}
	}
	for (; i + 8 <= len; i += 8) {
		__builtin_memcpy(&q, src + i, 8);
		writeq(q, dst + i);
	}
	for (; i < len; i++)
		writeb(src[i], dst + i);
}

/* One pixel row of a glyph, built in RAM: 8 font pixels, each `scale` wide. */
static unsigned int glyph_row(u8 *out, const struct fb_info *fb, u8 bits, u32 fg, u32 bg,
			      unsigned int scale)
{
	unsigned int n = bytes_pp(fb);
	u8 *p = out;

	for (unsigned int c = 0; c < FONT_WIDTH; c++) {
		u32 v = bits & (0x80 >> c) ? fg : bg;
		for (unsigned int s = 0; s < scale; s++, p += n)
			store(p, fb->bpp, v);
	}
	return p - out;
}

/*
 * The common case, 32 bpp at an 8-byte aligned address: two pixels per
 * 64-bit store, straight from the glyph bits, no buffer.
 */
static void glyph_row32(u8 *dst, u8 bits, u32 fg, u32 bg, unsigned int scale)
{
	if (scale == 1) {
		for (unsigned int c = 0; c < FONT_WIDTH; c += 2) {
			u64 left = bits & (0x80 >> c) ? fg : bg;
			u64 right = bits & (0x40 >> c) ? fg : bg;
			writeq(left | right << 32, dst + c * 4);
		}
		return;
	}
	for (unsigned int c = 0; c < FONT_WIDTH; c++) {
		u64 v = bits & (0x80 >> c) ? fg : bg;
		for (unsigned int s = 0; s < scale; s += 2)
			writeq(v | v << 32, dst + (c * scale + s) * 4);
	}
}

static void draw_glyph_row(const struct fb_info *fb, u8 *dst, u8 bits, u32 fg, u32 bg,
			   unsigned int scale)
{
	u8 line[FONT_WIDTH * FB_MAX_SCALE * 4] __aligned(8);
	unsigned int n;

	if (fb->bpp == 32 && IS_ALIGNED((unsigned long)dst, 8) && (scale == 1 || scale % 2 == 0)) {
		glyph_row32(dst, bits, fg, bg, scale);
		return;
	}
	n = glyph_row(line, fb, bits, fg, bg, scale);
	copy_out(dst, line, n);
}

void fb_draw_glyph(const struct fb_info *fb, u32 x, u32 y, const u8 *glyph, const u8 *old,
		   u32 fg, u32 bg, unsigned int scale, u16 underline_mask)
{
	if (scale < 1 || scale > FB_MAX_SCALE)
		return;
	if (x + FONT_WIDTH * scale > fb->width || y + FONT_HEIGHT * scale > fb->height)
		return;
	for (unsigned int r = 0; r < FONT_HEIGHT; r++) {
		u8 bits = underline_mask & (1u << r) ? 0xff : glyph[r];
		if (old && old[r] == bits)
			continue;	/* these pixels are already on the screen */
		for (unsigned int s = 0; s < scale; s++)
			draw_glyph_row(fb, pixel_addr(fb, x, y + r * scale + s), bits, fg, bg, scale);
	}
}
