/*
 * The built-in console font: 8x16 pixel glyphs for printable ASCII and a
 * replacement glyph for everything else (drivers/video/font_8x16.txt,
 * turned into C by tools/mkfont.py). Each glyph is FONT_HEIGHT bytes, one
 * per pixel row, bit 7 the leftmost pixel.
 */
#ifndef KESTREL_FONT_H
#define KESTREL_FONT_H

#include <kestrel/types.h>

#define FONT_WIDTH 8
#define FONT_HEIGHT 16
#define FONT_FIRST 0x20		/* ' ' */
#define FONT_LAST 0x7e		/* '~' */
#define FONT_REPLACEMENT (FONT_LAST - FONT_FIRST + 1)	/* index of the replacement glyph */
#define FONT_GLYPHS (FONT_REPLACEMENT + 1)

extern const u8 font_8x16[FONT_GLYPHS][FONT_HEIGHT];

/* The glyph for character c: the replacement glyph if the font lacks c. */
static inline const u8 *font_glyph(unsigned char c)
{
	if (c < FONT_FIRST || c > FONT_LAST)
		return font_8x16[FONT_REPLACEMENT];
	return font_8x16[c - FONT_FIRST];
}

#endif
