/*
 * The text grid behind every screen console: where characters go, line
 * wrap, tabs, scrolling and the cursor (the model is in include/kestrel/vt.h).
 *
 * Writing only touches vt->cells in RAM. vt_flush() compares cells with
 * shown and has the driver draw the differences, so scrolling never reads
 * video memory and text that scrolls several times between flushes costs
 * one redraw.
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

/*
 * One input byte. Printable ASCII is shown as is; a UTF-8 sequence (lead
 * byte and its continuation bytes) becomes one replacement cell, so a
 * non-ASCII character takes one column as it would on a UTF-8 terminal.
 */
static void write_byte(struct vt *vt, u8 c)
{
	if (vt->utf8_left && (c & 0xc0) == 0x80) {
		vt->utf8_left--;
		return;
	}
	vt->utf8_left = 0;
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
