//! Ruled tables that flow across pages.
//!
//! The header row is repeated at the top of every page a table continues on (a page torn from
//! a bundle still says what its columns are); a row too tall for what is left of a page is
//! split between lines, never through one, and never leaves fewer than two lines behind.

use crate::layout::{wrap, Color, Flow, TextStyle, HEADER_FILL, RULE};

pub(crate) struct Column {
    pub title: &'static str,
    /// Share of the table's width; the shares of a table add up to 1.
    pub share: f32,
    pub center: bool,
}

pub(crate) const fn col(title: &'static str, share: f32, center: bool) -> Column {
    Column { title, share, center }
}

pub(crate) struct Cell {
    pub text: String,
    pub style: Option<TextStyle>,
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell { text, style: None }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell { text: text.to_string(), style: None }
    }
}

pub(crate) struct Row {
    pub cells: Vec<Cell>,
    pub fill: Option<Color>,
}

const PAD_X: f32 = 1.4;
const PAD_Y: f32 = 1.3;
const BORDER: f32 = 0.5;

struct Geometry {
    xs: Vec<f32>,
    widths: Vec<f32>,
}

fn geometry(flow: &Flow, columns: &[Column]) -> Geometry {
    let total: f32 = columns.iter().map(|c| c.share).sum();
    let mut x = flow.area.left;
    let mut xs = Vec::new();
    let mut widths = Vec::new();
    for c in columns {
        let w = flow.area.width() * c.share / total;
        xs.push(x);
        widths.push(w);
        x += w;
    }
    xs.push(x);
    Geometry { xs, widths }
}

/// Draws lines `from..to` of the row whose wrapped cells are `lines`, at the flow's cursor.
#[allow(clippy::too_many_arguments)]
fn segment(
    flow: &mut Flow,
    g: &Geometry,
    columns: &[Column],
    lines: &[Vec<String>],
    styles: &[TextStyle],
    fill: Option<Color>,
    from: usize,
    to: usize,
) {
    let pitch = styles[0].leading();
    let h = (to - from) as f32 * pitch + 2.0 * PAD_Y;
    let y = flow.y;
    let page = flow.page();
    if let Some(fill) = fill {
        page.fill_rect(g.xs[0], y, g.xs[g.xs.len() - 1] - g.xs[0], h, fill);
    }
    for (i, cell) in lines.iter().enumerate() {
        let ts = &styles[i];
        for (k, line) in cell.iter().enumerate().skip(from).take(to - from) {
            let base = y + PAD_Y + (k - from) as f32 * pitch + (pitch - crate::layout::mm(ts.size)) / 2.0 + ts.ascent();
            if columns[i].center {
                page.text_centered(g.xs[i] + g.widths[i] / 2.0, base, line, ts);
            } else {
                page.text(g.xs[i] + PAD_X, base, line, ts);
            }
        }
    }
    let (l, r) = (g.xs[0], g.xs[g.xs.len() - 1]);
    page.line(l, y, r, y, BORDER, RULE);
    page.line(l, y + h, r, y + h, BORDER, RULE);
    for &x in &g.xs {
        page.line(x, y, x, y + h, BORDER, RULE);
    }
    flow.y = y + h;
}

fn header(flow: &mut Flow, g: &Geometry, columns: &[Column], ts: &TextStyle) {
    let hs = ts.bold();
    let lines: Vec<Vec<String>> =
        columns.iter().zip(&g.widths).map(|(c, w)| wrap(c.title, &hs, w - 2.0 * PAD_X)).collect();
    let n = lines.iter().map(Vec::len).max().unwrap_or(1);
    let styles = vec![hs; columns.len()];
    let centred: Vec<Column> = columns.iter().map(|c| col(c.title, c.share, true)).collect();
    segment(flow, g, &centred, &lines, &styles, Some(HEADER_FILL), 0, n);
}

/// Draws the table at the flow's cursor, breaking pages as needed.
pub(crate) fn draw(flow: &mut Flow, columns: &[Column], rows: &[Row], ts: &TextStyle) {
    let g = geometry(flow, columns);
    let pitch = ts.leading();
    let header_h = pitch + 2.0 * PAD_Y;
    // Header plus (up to) two lines of the first row, or start on a fresh page.
    flow.ensure(header_h + 2.0 * pitch + 2.0 * PAD_Y);
    header(flow, &g, columns, ts);
    for row in rows {
        let styles: Vec<TextStyle> =
            (0..columns.len()).map(|i| row.cells.get(i).and_then(|c| c.style).unwrap_or(*ts)).collect();
        let lines: Vec<Vec<String>> = (0..columns.len())
            .map(|i| {
                let text = row.cells.get(i).map(|c| c.text.as_str()).unwrap_or("");
                wrap(text, &styles[i], g.widths[i] - 2.0 * PAD_X)
            })
            .collect();
        let n = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let mut from = 0;
        while from < n {
            let fits = ((flow.room() - 2.0 * PAD_Y) / pitch).floor().max(0.0) as usize;
            let left = n - from;
            if fits >= left {
                segment(flow, &g, columns, &lines, &styles, row.fill, from, n);
                break;
            }
            if fits >= 2 && left - fits >= 2 && left > 4 {
                // Split a tall row: part here, the rest after the repeated header.
                segment(flow, &g, columns, &lines, &styles, row.fill, from, from + fits);
                from += fits;
            }
            flow.new_page();
            header(flow, &g, columns, ts);
        }
    }
}

/// A ruled grid of labelled facts (名称 | 杭州某某有限公司). Each row holds one or two
/// label/value pairs; a row with one pair spans the whole width. Labels sit on a grey ground.
pub(crate) fn facts(flow: &mut Flow, rows: &[Vec<(&str, String)>], ts: &TextStyle) {
    let label_w = 30.5;
    let total = flow.area.width();
    let pitch = ts.leading();
    for row in rows {
        let pairs = row.len().max(1) as f32;
        let pair_w = total / pairs;
        let value_w = pair_w - label_w;
        let wrapped: Vec<(Vec<String>, Vec<String>)> =
            row.iter().map(|(l, v)| (wrap(l, ts, label_w - 2.0 * PAD_X), wrap(v, ts, value_w - 2.0 * PAD_X))).collect();
        let n = wrapped.iter().map(|(a, b)| a.len().max(b.len())).max().unwrap_or(1).max(1);
        let h = n as f32 * pitch + 2.0 * PAD_Y;
        flow.ensure(h);
        let (l, y) = (flow.area.left, flow.y);
        let page = flow.page();
        for (i, (label, value)) in wrapped.iter().enumerate() {
            let x = l + i as f32 * pair_w;
            page.fill_rect(x, y, label_w, h, HEADER_FILL);
            for (k, line) in label.iter().enumerate() {
                let base = y + PAD_Y + k as f32 * pitch + (pitch - crate::layout::mm(ts.size)) / 2.0 + ts.ascent();
                page.text(x + PAD_X, base, line, ts);
            }
            for (k, line) in value.iter().enumerate() {
                let base = y + PAD_Y + k as f32 * pitch + (pitch - crate::layout::mm(ts.size)) / 2.0 + ts.ascent();
                page.text(x + label_w + PAD_X, base, line, ts);
            }
            page.line(x + label_w, y, x + label_w, y + h, BORDER, RULE);
            page.line(x, y, x, y + h, BORDER, RULE);
        }
        page.line(l + total, y, l + total, y + h, BORDER, RULE);
        page.line(l, y, l + total, y, BORDER, RULE);
        page.line(l, y + h, l + total, y + h, BORDER, RULE);
        flow.y = y + h;
    }
}
