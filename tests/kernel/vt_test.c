/*
 * ktests of the text grid's escape sequences (drivers/tty/vt/vt.c) on a
 * vt whose driver draws nothing: the assertions read the cells.
 */
#include <kestrel/ktest.h>
#include <kestrel/string.h>
#include <kestrel/vt.h>

#define COLS 10
#define ROWS 4

static u16 cells[COLS * ROWS], shown[COLS * ROWS];
static struct vt vt;

static void nop_draw(struct vt *v, unsigned int x, unsigned int y, u16 cell, u16 old) {}
static void nop_cursor(struct vt *v, unsigned int x, unsigned int y) {}
static const struct vt_ops nop_ops = { .draw_cell = nop_draw, .set_cursor = nop_cursor };

static void w(const char *s)
{
	vt_write(&vt, s, strlen(s));
}

/* Row y as a string (trailing blanks kept). */
static const char *row(unsigned int y)
{
	static char buf[COLS + 1];

	for (unsigned int x = 0; x < COLS; x++)
		buf[x] = VT_CELL_CHAR(cells[y * COLS + x]);
	buf[COLS] = 0;
	return buf;
}

KTEST(vt, cursor_movement)
{
	vt_init(&vt, COLS, ROWS, cells, shown, &nop_ops);
	w("abc\x1b[2Dx");		/* left 2, overwrite b */
	KEXPECT_STREQ(row(0), "axc       ");
	w("\x1b[3;5HZ");		/* row 3, column 5 (1-based) */
	KEXPECT_EQ(VT_CELL_CHAR(cells[2 * COLS + 4]), 'Z');
	w("\x1b[AY\x1b[10CW");		/* up 1; right past the edge stops at the last column */
	KEXPECT_EQ(VT_CELL_CHAR(cells[1 * COLS + 5]), 'Y');
	KEXPECT_EQ(VT_CELL_CHAR(cells[1 * COLS + 9]), 'W');
	w("\x1b[H");
	KEXPECT_EQ(vt.x, 0);
	KEXPECT_EQ(vt.y, 0);
	w("\x1b[4G");
	KEXPECT_EQ(vt.x, 3);
}

KTEST(vt, erase_line_and_screen)
{
	vt_init(&vt, COLS, ROWS, cells, shown, &nop_ops);
	w("0123456789\r\nabcdefghij");
	w("\x1b[1;4H\x1b[K");		/* erase to the end of row 1 */
	KEXPECT_STREQ(row(0), "012       ");
	w("\x1b[2;3H\x1b[1K");		/* erase from the start of row 2 to the cursor */
	KEXPECT_STREQ(row(1), "   defghij");
	w("\x1b[2J");
	KEXPECT_STREQ(row(0), "          ");
	KEXPECT_STREQ(row(1), "          ");
}

KTEST(vt, insert_delete_chars_and_lines)
{
	vt_init(&vt, COLS, ROWS, cells, shown, &nop_ops);
	w("abcdef\x1b[1;2H\x1b[2P");	/* delete "bc" */
	KEXPECT_STREQ(row(0), "adef      ");
	w("\x1b[1@");			/* insert a blank at b's place */
	KEXPECT_STREQ(row(0), "a def     ");
	w("\r\nline2\x1b[1;1H\x1b[L");	/* insert a line above row 1 */
	KEXPECT_STREQ(row(0), "          ");
	KEXPECT_STREQ(row(1), "a def     ");
	KEXPECT_STREQ(row(2), "line2     ");
	w("\x1b[M");			/* and delete it again */
	KEXPECT_STREQ(row(0), "a def     ");
}

KTEST(vt, colours_and_split_sequences)
{
	vt_init(&vt, COLS, ROWS, cells, shown, &nop_ops);
	w("\x1b[31mR\x1b[1;44mB\x1b[0mN");
	KEXPECT_EQ(VT_CELL_ATTR(cells[0]), 0x04);	/* red on black (VGA red is 4) */
	KEXPECT_EQ(VT_CELL_ATTR(cells[1]), 0x1c);	/* bright red on blue */
	KEXPECT_EQ(VT_CELL_ATTR(cells[2]), VT_DEFAULT_ATTR);
	w("\x1b[7mI\x1b[m");
	KEXPECT_EQ(VT_CELL_ATTR(cells[3]), 0x70);	/* reverse */
	/* A sequence split across writes still works. */
	w("\x1b");
	w("[");
	w("1;1");
	w("HQ");
	KEXPECT_EQ(VT_CELL_CHAR(cells[0]), 'Q');
	/* Unknown sequences are swallowed whole. */
	w("\x1b[5n\x1b[?1049h\x1b]0;title\x07\x1b]2;t\x1b\\");
	KEXPECT_EQ(vt.x, 1);
	w("\x1b[?25l");
	KEXPECT(!vt.cursor_on);
	w("\x1b[?25h");
	KEXPECT(vt.cursor_on);
}
