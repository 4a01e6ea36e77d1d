/*
 * Linear RGB framebuffers and the consoles drawn on screens.
 *
 * struct fb_info describes a block of pixels in memory: where it is, how
 * many bytes one pixel row takes (the pitch, often more than width * bytes
 * per pixel), the pixel size, and where red, green and blue sit inside a
 * pixel. The drawing functions (drivers/video/fbdev/fbdraw.c) only use this
 * description, so they work the same on the real framebuffer and on an
 * ordinary buffer in RAM (which is how tests/kernel/fbcon_test.c checks
 * them).
 *
 * fbcon (drivers/video/fbdev/fbcon.c) is a struct vt drawn with the built-in
 * font on such a framebuffer; vgacon (drivers/video/console/vgacon.c) is a struct
 * vt shown in VGA/EGA text-mode memory (80x25 cells at 0xb8000).
 */
#ifndef KESTREL_FB_H
#define KESTREL_FB_H

#include <kestrel/types.h>
#include <kestrel/vt.h>

/* One colour channel inside a pixel value: `length` bits starting at bit `offset`. */
struct fb_bitfield {
	u8 offset;
	u8 length;
};

struct fb_info {
	u8 *base;		/* first byte of pixel (0, 0), mapped */
	u32 width, height;	/* in pixels */
	u32 pitch;		/* bytes from one pixel row to the next */
	u8 bpp;			/* bits per pixel: 16, 24 or 32 */
	struct fb_bitfield red, green, blue;
};

/*
 * 0 if the functions below can draw on fb; -EINVAL if not: no base, a bpp
 * other than 16/24/32, a pitch shorter than a row, a colour field outside
 * the pixel.
 */
int fb_check(const struct fb_info *fb);
/* The pixel value for an 8-bit-per-channel colour. */
u32 fb_pixel(const struct fb_info *fb, u8 r, u8 g, u8 b);
void fb_put_pixel(const struct fb_info *fb, u32 x, u32 y, u32 pixel);
u32 fb_get_pixel(const struct fb_info *fb, u32 x, u32 y);
void fb_fill_rect(const struct fb_info *fb, u32 x, u32 y, u32 w, u32 h, u32 pixel);
/*
 * Draw a FONT_WIDTH x FONT_HEIGHT glyph with its top-left pixel at (x, y),
 * each font pixel as a scale x scale block (scale 1 to FB_MAX_SCALE). Rows
 * listed in underline_mask (bit r = glyph row r) are drawn entirely in fg:
 * that is the cursor. If old is not NULL, the place already shows glyph
 * old in the same colours, and rows that old and the new glyph share are
 * left alone (fewer writes to slow video memory).
 */
void fb_draw_glyph(const struct fb_info *fb, u32 x, u32 y, const u8 *glyph, const u8 *old,
		   u32 fg, u32 bg, unsigned int scale, u16 underline_mask);
#define FB_MAX_SCALE 2

/* The 16 VGA text colours, as 8-bit r, g, b: fbcon uses them for attributes. */
extern const u8 vga_palette[16][3];

struct fbcon {
	struct fb_info fb;
	struct vt vt;
	unsigned int scale;	/* 1, or 2 on very large screens */
	u32 palette[16];	/* vga_palette as this framebuffer's pixel values */
};

/*
 * Set up fc to show a text grid on fb, using the cell arrays `cells` and
 * `shown` (max_cells entries each; the grid is clipped to fit them). The
 * screen is cleared at the first flush. -EINVAL if fb cannot be drawn on.
 */
int fbcon_setup(struct fbcon *fc, const struct fb_info *fb, u16 *cells, u16 *shown,
		size_t max_cells);

struct vgacon {
	struct vt vt;
	u16 *vram;		/* cols * rows text cells (VGA memory or a test buffer) */
	bool hw_cursor;		/* move the CRTC cursor through ports 0x3d4/0x3d5 */
};

/* Set up vc on the text cells at vram (cols x rows); hw_cursor only on real VGA. */
void vgacon_setup(struct vgacon *vc, u16 *vram, unsigned int cols, unsigned int rows,
		  u16 *cells, u16 *shown, bool hw_cursor);
/* The character byte VGA memory gets for a vt cell character (code page 437). */
u8 vgacon_char(u8 ch);

/*
 * Find the screen the boot loader left us (boot_info), set up fbcon or
 * vgacon on it (the screen tty's output) and register it as printk
 * console "tty0" if console= asks for it. Called once from start_kernel().
 */
void video_console_init(void);
/* The screen console's grid size; false (and nothing set) without a screen. */
bool video_screen_size(unsigned int *cols, unsigned int *rows);
/* Write text to the screen only (the screen tty's output), serialized with printk's. */
void video_screen_write(const char *s, size_t n);

/*
 * /dev/fb0 (drivers/video/fbdev/fbmem.c): fbmem_setup records the framebuffer
 * at phys (page aligned), mapped at virt in the kernel, size bytes (the
 * screen console does, early); fbmem_init (with the other character
 * devices) makes it the device 29:0 with read, write and mmap.
 */
int fbmem_setup(phys_addr_t phys, void *virt, size_t size);
int fbmem_init(void);
/* First writes to pages of fb0 mappings seen by ->pfn_mkwrite (tests). */
long fbmem_mmap_writes(void);

#endif
