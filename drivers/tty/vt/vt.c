/*
 * The text grid behind every screen console: where characters go, line
 * wrap, tabs, scrolling and the cursor (the model is in include/kestrel/vt.h).
 *
 * Writing only touches vt->cells in RAM. vt_flush() compares cells with
 * shown and has the driver draw the differences, so scrolling never reads
 * video memory and text that scrolls several times between flushes costs
 * one redraw.
 *
 * Escape sequences (ESC, CSI ... final byte) are parsed byte by byte, so
 * a sequence may be split across writes; the state lives in struct vt.
 *
 * Wrapping is deferred like on a VT100: after a character lands in the
 * last column the cursor stays on that line (x == cols) and only the next
 * printable character moves to the next line. So a line of exactly `cols`
 * characters followed by '\n' does not leave an empty line behind.
 */
#include <kestrel/compiler.h>
#include <kestrel/string.h>
#include <kestrel/vt.h>

static u16 blank(const struct vt *vt)
{
	return VT_CELL(' ', vt->attr);
}

void vt_invalidate(struct vt *vt)
{
	for (unsigned int i = 0; i < vt->cols * vt->rows; i++)
		vt->shown[i] = VT_CELL_UNKNOWN;
}

void vt_clear(struct vt *vt)
{
	for (unsigned int i = 0; i < vt->cols * vt->rows; i++)
		vt->cells[i] = blank(vt);
	vt->x = vt->y = 0;
}

void vt_init(struct vt *vt, unsigned int cols, unsigned int rows, u16 *cells, u16 *shown,
	     const struct vt_ops *ops)
{
	*vt = (struct vt){
		.cols = cols,
		.rows = rows,
		.attr = VT_DEFAULT_ATTR,
		.cursor_on = true,
		.cells = cells,
		.shown = shown,
		.ops = ops,
		.fg = VT_DEFAULT_ATTR & 0x0f,
		.bg = VT_DEFAULT_ATTR >> 4,
	};
	vt_clear(vt);
	vt_invalidate(vt);
}

/* Move every line up by one and blank the last: RAM only, drawn at flush. */
static void scroll_up(struct vt *vt)
{
	u16 *last = vt->cells + (vt->rows - 1) * vt->cols;

	memmove(vt->cells, vt->cells + vt->cols, (vt->rows - 1) * vt->cols * sizeof(u16));
	for (unsigned int i = 0; i < vt->cols; i++)
		last[i] = blank(vt);
}

static void line_feed(struct vt *vt)
{
	if (vt->y + 1 < vt->rows)
		vt->y++;
	else
		scroll_up(vt);
}

/*
 * The cell index for (x, y), forced inside the grid. Normally x < cols and
 * y < rows already; but in an oops printk may call a console without its
 * lock while another CPU is still writing, and then a racing update must
 * garble the screen at worst, never write outside the arrays.
 */
static unsigned int cell_index(const struct vt *vt, unsigned int x, unsigned int y)
{
	return min(y, vt->rows - 1) * vt->cols + min(x, vt->cols - 1);
}

static void put_char(struct vt *vt, u8 ch)
{
	if (vt->x >= vt->cols) {	/* the deferred wrap */
		vt->x = 0;
		line_feed(vt);
	}
	vt->cells[cell_index(vt, vt->x, vt->y)] = VT_CELL(ch, vt->attr);
	vt->x++;
}

static void control_char(struct vt *vt, u8 c)
{
	switch (c) {
	case '\n':	/* kernel text means "new line": CR + LF */
		vt->x = 0;
		line_feed(vt);
		break;
	case '\r':
		vt->x = 0;
		break;
	case '\t':
		if (vt->x >= vt->cols)
			break;
		vt->x = min(ALIGN(vt->x + 1, VT_TAB_WIDTH), vt->cols);
		break;
	case '\b':
		if (vt->x > 0)
			vt->x = min(vt->x, vt->cols) - 1;
		break;
	default:	/* other control characters have no visible effect */
		break;
	}
}

/* ---------------- escape sequences ---------------- */

enum { VT_ESC_NONE, VT_ESC_START, VT_ESC_CSI, VT_ESC_OSC };

/* ANSI colour numbers (red = 1) to the VGA palette (blue = 1). */
static const u8 ansi_to_vga[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

static void update_attr(struct vt *vt)
{
	u8 fg = vt->fg | (vt->bold ? 0x08 : 0), bg = vt->bg;

	vt->attr = vt->reverse ? (u8)((fg << 4) | bg) : (u8)((bg << 4) | fg);
}

/* Parameter i, or def when it is missing or 0 (ECMA-48's default rule). */
static unsigned int param(const struct vt *vt, unsigned int i, unsigned int def)
{
	return i < vt->nparams && vt->params[i] ? vt->params[i] : def;
}

/* Blank cells [from, to) of the grid, counted row-major. */
static void blank_range(struct vt *vt, unsigned int from, unsigned int to)
{
	for (unsigned int i = from; i < to && i < vt->cols * vt->rows; i++)
		vt->cells[i] = blank(vt);
}

static void sgr(struct vt *vt)
{
	if (!vt->nparams)
		vt->nparams = 1, vt->params[0] = 0;
	for (unsigned int i = 0; i < vt->nparams; i++) {
		unsigned int p = vt->params[i];

		if (p == 0) {
			vt->fg = VT_DEFAULT_ATTR & 0x0f;
			vt->bg = VT_DEFAULT_ATTR >> 4;
			vt->bold = vt->reverse = false;
		} else if (p == 1) {
			vt->bold = true;
		} else if (p == 22) {
			vt->bold = false;
		} else if (p == 7) {
			vt->reverse = true;
		} else if (p == 27) {
			vt->reverse = false;
		} else if (p >= 30 && p <= 37) {
			vt->fg = ansi_to_vga[p - 30];
		} else if (p == 39) {
			vt->fg = VT_DEFAULT_ATTR & 0x0f;
		} else if (p >= 40 && p <= 47) {
			vt->bg = ansi_to_vga[p - 40];
		} else if (p == 49) {
			vt->bg = VT_DEFAULT_ATTR >> 4;
		} else if (p >= 90 && p <= 97) {
			vt->fg = ansi_to_vga[p - 90] | 0x08;
		}
	}
	update_attr(vt);
}

/* Lines [y, rows) move down by n (insert) or up by n (delete); the gap is blanked. */
static void shift_lines(struct vt *vt, unsigned int y, unsigned int n, bool insert)
{
	unsigned int rows = vt->rows - y, cols = vt->cols;
	u16 *base = vt->cells + y * cols;

	n = min(n, rows);
	if (insert) {
		memmove(base + n * cols, base, (rows - n) * cols * sizeof(u16));
		blank_range(vt, y * cols, (y + n) * cols);
	} else {
		memmove(base, base + n * cols, (rows - n) * cols * sizeof(u16));
		blank_range(vt, (vt->rows - n) * cols, vt->rows * cols);
	}
}

/* Characters [x, cols) of the cursor's line move right (insert) or left (delete) by n. */
static void shift_chars(struct vt *vt, unsigned int n, bool insert)
{
	unsigned int x = vt->x, left = vt->cols - x;
	u16 *line = vt->cells + vt->y * vt->cols;

	n = min(n, left);
	if (insert) {
		memmove(line + x + n, line + x, (left - n) * sizeof(u16));
		blank_range(vt, vt->y * vt->cols + x, vt->y * vt->cols + x + n);
	} else {
		memmove(line + x, line + x + n, (left - n) * sizeof(u16));
		blank_range(vt, (vt->y + 1) * vt->cols - n, (vt->y + 1) * vt->cols);
	}
}

static void set_cursor_shown(struct vt *vt, bool on)
{
	if (vt->cursor_on && !on)	/* the cell under the cursor must be drawn plain */
		vt->shown[cell_index(vt, vt->cur_x, vt->cur_y)] = VT_CELL_UNKNOWN;
	vt->cursor_on = on;
	if (on)
		vt->cur_x = vt->cols;	/* force set_cursor at the next flush */
}

static void csi_dispatch(struct vt *vt, u8 final)
{
	unsigned int n = param(vt, 0, 1), here;

	if (vt->csi_private) {
		if ((final == 'h' || final == 'l') && param(vt, 0, 0) == 25)
			set_cursor_shown(vt, final == 'h');
		return;
	}
	vt->x = min(vt->x, vt->cols - 1);	/* a pending wrap ends with any cursor control */
	here = vt->y * vt->cols + vt->x;
	switch (final) {
	case 'A': vt->y = vt->y > n ? vt->y - n : 0; break;
	case 'B': vt->y = min(vt->y + n, vt->rows - 1); break;
	case 'C': vt->x = min(vt->x + n, vt->cols - 1); break;
	case 'D': vt->x = vt->x > n ? vt->x - n : 0; break;
	case 'E': vt->y = min(vt->y + n, vt->rows - 1); vt->x = 0; break;
	case 'F': vt->y = vt->y > n ? vt->y - n : 0; vt->x = 0; break;
	case 'G': case '`': vt->x = min(n, vt->cols) - 1; break;
	case 'd': vt->y = min(n, vt->rows) - 1; break;
	case 'H': case 'f':
		vt->y = min(param(vt, 0, 1), vt->rows) - 1;
		vt->x = min(param(vt, 1, 1), vt->cols) - 1;
		break;
	case 'J':
		switch (param(vt, 0, 0)) {
		case 0: blank_range(vt, here, vt->cols * vt->rows); break;
		case 1: blank_range(vt, 0, here + 1); break;
		default: blank_range(vt, 0, vt->cols * vt->rows); break;
		}
		break;
	case 'K':
		switch (param(vt, 0, 0)) {
		case 0: blank_range(vt, here, (vt->y + 1) * vt->cols); break;
		case 1: blank_range(vt, vt->y * vt->cols, here + 1); break;
		default: blank_range(vt, vt->y * vt->cols, (vt->y + 1) * vt->cols); break;
		}
		break;
	case 'X': blank_range(vt, here, min(here + n, (vt->y + 1) * vt->cols)); break;
	case '@': shift_chars(vt, n, true); break;
	case 'P': shift_chars(vt, n, false); break;
	case 'L': shift_lines(vt, vt->y, n, true); break;
	case 'M': shift_lines(vt, vt->y, n, false); break;
	case 'm': sgr(vt); break;
	case 's': vt->saved_x = vt->x; vt->saved_y = vt->y; break;
	case 'u': vt->x = min(vt->saved_x, vt->cols - 1); vt->y = min(vt->saved_y, vt->rows - 1); break;
	default: break;	/* DSR (n), modes (h, l), scrolling regions (r)...: ignored */
	}
}

static void esc_byte(struct vt *vt, u8 c)
{
	vt->esc = VT_ESC_NONE;
	switch (c) {
	case '[':
		vt->esc = VT_ESC_CSI;
		vt->csi_private = false;
		vt->nparams = 0;
		memset(vt->params, 0, sizeof(vt->params));
		break;
	case ']':	/* operating system command (window title...): skipped to BEL or ST */
		vt->esc = VT_ESC_OSC;
		break;
	case '7':
		vt->saved_x = vt->x;
		vt->saved_y = vt->y;
		break;
	case '8':
		vt->x = min(vt->saved_x, vt->cols);
		vt->y = min(vt->saved_y, vt->rows - 1);
		break;
	case 'c':	/* full reset */
		vt->fg = VT_DEFAULT_ATTR & 0x0f;
		vt->bg = VT_DEFAULT_ATTR >> 4;
		vt->bold = vt->reverse = false;
		update_attr(vt);
		vt_clear(vt);
		set_cursor_shown(vt, true);
		break;
	default:	/* other ESC sequences: ignored */
		break;
	}
}

static void csi_byte(struct vt *vt, u8 c)
{
	if (c >= '0' && c <= '9') {
		if (!vt->nparams)
			vt->nparams = 1;
		if (vt->nparams <= VT_MAX_PARAMS) {
			unsigned int *p = &vt->params[vt->nparams - 1];

			*p = min(*p * 10 + (c - '0'), 9999u);
		}
	} else if (c == ';') {
		if (!vt->nparams)
			vt->nparams = 1;	/* an empty first parameter */
		if (vt->nparams < VT_MAX_PARAMS + 1)
			vt->nparams++;
	} else if (c == '?' && !vt->nparams) {
		vt->csi_private = true;
	} else if (c >= 0x40 && c <= 0x7e) {
		vt->nparams = min(vt->nparams, (u8)VT_MAX_PARAMS);
		vt->esc = VT_ESC_NONE;
		csi_dispatch(vt, c);
	} else if (c < 0x20) {
		control_char(vt, c);	/* controls inside a sequence still act (VT100) */
	}
	/* other intermediate bytes: ignored */
}

/*
 * One input byte. Printable ASCII is shown as is; a UTF-8 sequence (lead
 * byte and its continuation bytes) becomes one replacement cell, so a
 * non-ASCII character takes one column as it would on a UTF-8 terminal.
 * ESC starts an escape sequence (see vt.h for those understood).
 */
static void write_byte(struct vt *vt, u8 c)
{
	if (vt->esc == VT_ESC_START) {
		esc_byte(vt, c);
		return;
	}
	if (vt->esc == VT_ESC_CSI) {
		csi_byte(vt, c);
		return;
	}
	if (vt->esc == VT_ESC_OSC) {
		if (c == 0x07 || c == 0x1b)	/* BEL, or the ESC of ST (ESC \\) */
			vt->esc = c == 0x1b ? VT_ESC_START : VT_ESC_NONE;
		return;
	}
	if (vt->utf8_left && (c & 0xc0) == 0x80) {
		vt->utf8_left--;
		return;
	}
	vt->utf8_left = 0;
	if (c == 0x1b) {
		vt->esc = VT_ESC_START;
		return;
	}
	if (c < 0x20) {
		control_char(vt, c);
		return;
	}
	if (c >= 0xc0 && c <= 0xf7)
		vt->utf8_left = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
	put_char(vt, c <= 0x7e ? c : VT_REPLACEMENT);
}

void vt_write(struct vt *vt, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		write_byte(vt, (u8)s[i]);
	vt_flush(vt);
}

void vt_flush(struct vt *vt)
{
	unsigned int cx = min(vt->x, vt->cols - 1), cy = min(vt->y, vt->rows - 1);
	bool cursor_moved = cx != vt->cur_x || cy != vt->cur_y;
	bool cursor_cell_drawn = false;

	/* The old cursor cell must be redrawn plain, without the cursor. */
	if (cursor_moved)
		vt->shown[cell_index(vt, vt->cur_x, vt->cur_y)] = VT_CELL_UNKNOWN;

	for (unsigned int y = 0; y < vt->rows; y++) {
		u16 *want = vt->cells + y * vt->cols, *have = vt->shown + y * vt->cols;
		for (unsigned int x = 0; x < vt->cols; x++) {
			if (want[x] == have[x])
				continue;
			vt->ops->draw_cell(vt, x, y, want[x], have[x]);
			have[x] = want[x];
			if (x == cx && y == cy)
				cursor_cell_drawn = true;
		}
	}

	if (vt->cursor_on && (cursor_moved || cursor_cell_drawn))
		vt->ops->set_cursor(vt, cx, cy);
	vt->cur_x = cx;
	vt->cur_y = cy;
}
