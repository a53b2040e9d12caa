//! Page geometry, drawing primitives and text flow.
//!
//! Forms are laid out in millimetres from the top-left corner of an A4 sheet, as a designer
//! measures a paper form; only this module converts to PDF points from the bottom-left corner.
//! Text is measured with the very faces that draw it ([`crate::fonts`]), so wrapped lines and
//! table cells never overflow their borders.

use crate::fonts::{self, Face, Style};
use crate::photos::ImageBank;
use crate::PhotoSource;
use printpdf::{
    Codepoint, Color as PdfColor, CurTransMat, LineCapStyle, LineJoinStyle, LinePoint, Op, PaintMode, PdfFontHandle,
    Point, Pt, Rect, Rgb, TextItem, TextRenderingMode, WindingOrder, XObjectId, XObjectTransform,
};

pub(crate) const PAGE_W: f32 = 210.0;
pub(crate) const PAGE_H: f32 = 297.0;

pub(crate) fn pt(mm: f32) -> f32 {
    mm * 72.0 / 25.4
}

pub(crate) fn mm(pt: f32) -> f32 {
    pt * 25.4 / 72.0
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Color(pub f32, pub f32, pub f32);

pub(crate) const BLACK: Color = Color(0.0, 0.0, 0.0);
pub(crate) const GREY: Color = Color(0.35, 0.35, 0.35);
pub(crate) const RULE: Color = Color(0.2, 0.2, 0.2);
/// The red of a government letterhead and of major-hazard marks.
pub(crate) const RED: Color = Color(0.8, 0.0, 0.0);
/// Background of a major hazard's table row: visible on paper, light enough for a mono printer.
pub(crate) const MAJOR_FILL: Color = Color(0.99, 0.88, 0.88);
pub(crate) const HEADER_FILL: Color = Color(0.92, 0.92, 0.92);

impl Color {
    fn pdf(self) -> PdfColor {
        PdfColor::Rgb(Rgb { r: self.0, g: self.1, b: self.2, icc_profile: None })
    }
}

/// How a run of text looks. `spacing` is extra advance after every character, in points (the
/// letter's character grid uses it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TextStyle {
    pub style: Style,
    pub size: f32,
    pub color: Color,
    pub spacing: f32,
    /// Emboldened by stroking the outlines too: the sans subset ships one weight only.
    pub bold: bool,
}

impl TextStyle {
    pub(crate) const fn sans(size: f32) -> Self {
        TextStyle { style: Style::Sans, size, color: BLACK, spacing: 0.0, bold: false }
    }
    pub(crate) const fn serif(size: f32) -> Self {
        TextStyle { style: Style::Serif, size, color: BLACK, spacing: 0.0, bold: false }
    }
    pub(crate) const fn serif_bold(size: f32) -> Self {
        TextStyle { style: Style::SerifBold, size, color: BLACK, spacing: 0.0, bold: false }
    }
    pub(crate) const fn color(mut self, color: Color) -> Self {
        self.color = color;
        self
    }
    pub(crate) const fn bold(mut self) -> Self {
        self.bold = true;
        self
    }
    pub(crate) const fn spacing(mut self, spacing: f32) -> Self {
        self.spacing = spacing;
        self
    }
    /// A comfortable line pitch for this size, in mm.
    pub(crate) fn leading(&self) -> f32 {
        mm(self.size) * 1.45
    }
    /// Distance from a line's top to its baseline, in mm (Noto CJK: ascent 0.88 em).
    pub(crate) fn ascent(&self) -> f32 {
        mm(self.size) * 0.88
    }
}

/// Width of `text` in `ts`, in mm. Characters no face holds count as one em (they are reported
/// as missing when drawn).
pub(crate) fn width(text: &str, ts: &TextStyle) -> f32 {
    let mut w = 0.0;
    for c in text.chars() {
        if fonts::is_layout_only(c) {
            continue;
        }
        w += match fonts::pick(ts.style, c) {
            Some(g) => g.advance * ts.size,
            None => ts.size,
        } + ts.spacing;
    }
    mm(w)
}

/// One sheet's drawing operations.
#[derive(Debug, Default, Clone)]
pub(crate) struct Page {
    pub ops: Vec<Op>,
    /// Characters that no face holds, met while drawing.
    pub missing: Vec<char>,
}

fn point(x: f32, y: f32) -> Point {
    Point { x: Pt(pt(x)), y: Pt(pt(PAGE_H - y)) }
}

impl Page {
    /// Draws `text` with its baseline at `baseline` (mm from the top), starting at `x`.
    pub(crate) fn text(&mut self, x: f32, baseline: f32, text: &str, ts: &TextStyle) {
        // Runs of glyphs of one face, with their widths. Glyph ids (with the character for
        // /ToUnicode) rather than strings: printpdf would look every character up again.
        let mut runs: Vec<(Face, Vec<Codepoint>, f32)> = Vec::new();
        for c in text.chars() {
            if fonts::is_layout_only(c) {
                continue;
            }
            match fonts::pick(ts.style, c) {
                Some(g) => {
                    let cp = Codepoint { gid: g.gid, offset: 0.0, cid: Some(c.to_string()) };
                    let w = g.advance * ts.size + ts.spacing;
                    match runs.last_mut() {
                        Some((f, s, rw)) if *f == g.face => {
                            s.push(cp);
                            *rw += w;
                        }
                        _ => runs.push((g.face, vec![cp], w)),
                    }
                }
                None => {
                    if !self.missing.contains(&c) {
                        self.missing.push(c);
                    }
                }
            }
        }
        if runs.is_empty() {
            return;
        }
        self.ops.push(Op::SetFillColor { col: ts.color.pdf() });
        if ts.bold {
            self.ops.push(Op::SetOutlineColor { col: ts.color.pdf() });
            self.ops.push(Op::SetOutlineThickness { pt: Pt(ts.size * 0.035) });
            self.ops.push(Op::SetTextRenderingMode { mode: TextRenderingMode::FillStroke });
        }
        self.ops.push(Op::StartTextSection);
        if ts.spacing != 0.0 {
            self.ops.push(Op::SetCharacterSpacing { multiplier: ts.spacing });
        }
        // `Td` moves relative to the start of the previous line, so each run after the first
        // moves by the width of the run before it.
        let mut dx = pt(x);
        let mut dy = pt(PAGE_H - baseline);
        for (face, glyphs, w) in runs {
            self.ops.push(Op::SetFont {
                font: PdfFontHandle::External(printpdf::FontId(face.resource().into())),
                size: Pt(ts.size),
            });
            self.ops.push(Op::SetTextCursor { pos: Point { x: Pt(dx), y: Pt(dy) } });
            dx = w;
            dy = 0.0;
            self.ops.push(Op::ShowText { items: vec![TextItem::GlyphIds(glyphs)] });
        }
        if ts.spacing != 0.0 {
            // Character spacing is graphics state and outlives the text object.
            self.ops.push(Op::SetCharacterSpacing { multiplier: 0.0 });
        }
        self.ops.push(Op::EndTextSection);
        if ts.bold {
            self.ops.push(Op::SetTextRenderingMode { mode: TextRenderingMode::Fill });
        }
    }

    pub(crate) fn text_centered(&mut self, cx: f32, baseline: f32, text: &str, ts: &TextStyle) {
        self.text(cx - width(text, ts) / 2.0, baseline, text, ts);
    }

    pub(crate) fn text_right(&mut self, right: f32, baseline: f32, text: &str, ts: &TextStyle) {
        self.text(right - width(text, ts), baseline, text, ts);
    }

    pub(crate) fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width_pt: f32, color: Color) {
        self.ops.push(Op::SetOutlineColor { col: color.pdf() });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(width_pt) });
        self.ops.push(Op::DrawLine {
            line: printpdf::Line {
                points: vec![
                    LinePoint { p: point(x1, y1), bezier: false },
                    LinePoint { p: point(x2, y2), bezier: false },
                ],
                is_closed: false,
            },
        });
    }

    pub(crate) fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color) {
        self.ops.push(Op::SetFillColor { col: color.pdf() });
        self.ops.push(Op::DrawRectangle { rectangle: rect(x, y, w, h, PaintMode::Fill) });
    }

    pub(crate) fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, width_pt: f32, color: Color) {
        self.ops.push(Op::SetOutlineColor { col: color.pdf() });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(width_pt) });
        self.ops.push(Op::DrawRectangle { rectangle: rect(x, y, w, h, PaintMode::Stroke) });
    }

    /// A round-capped polyline (a pen stroke), `width_pt` thick.
    pub(crate) fn pen(&mut self, points: &[(f32, f32)], width_pt: f32, color: Color) {
        if points.len() < 2 {
            return;
        }
        self.ops.push(Op::SetLineCapStyle { cap: LineCapStyle::Round });
        self.ops.push(Op::SetLineJoinStyle { join: LineJoinStyle::Round });
        self.ops.push(Op::SetOutlineColor { col: color.pdf() });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(width_pt) });
        self.ops.push(Op::DrawLine {
            line: printpdf::Line {
                points: points.iter().map(|&(x, y)| LinePoint { p: point(x, y), bezier: false }).collect(),
                is_closed: false,
            },
        });
        self.ops.push(Op::SetLineCapStyle { cap: LineCapStyle::Butt });
        self.ops.push(Op::SetLineJoinStyle { join: LineJoinStyle::Miter });
    }

    /// Places an image XObject in the box (x, y, w, h) mm; the caller keeps the aspect ratio.
    pub(crate) fn image(&mut self, id: &XObjectId, x: f32, y: f32, w: f32, h: f32) {
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetTransformationMatrix {
            matrix: CurTransMat::Raw([pt(w), 0.0, 0.0, pt(h), pt(x), pt(PAGE_H - y - h)]),
        });
        self.ops.push(Op::UseXobject {
            id: id.clone(),
            transform: XObjectTransform { no_auto_scale: true, ..Default::default() },
        });
        self.ops.push(Op::RestoreGraphicsState);
    }
}

fn rect(x: f32, y: f32, w: f32, h: f32, mode: PaintMode) -> Rect {
    Rect {
        x: Pt(pt(x)),
        y: Pt(pt(PAGE_H - y - h)),
        width: Pt(pt(w)),
        height: Pt(pt(h)),
        mode: Some(mode),
        winding_order: Some(WindingOrder::NonZero),
    }
}

fn is_closing(c: char) -> bool {
    "，。、；：？！）》」』”’…—,.;:?!)]}%".contains(c)
}

fn is_opening(c: char) -> bool {
    "（《「『“‘([{".contains(c)
}

/// Latin words, numbers and codes stay whole when they can: a credit code or a certificate
/// number cut in the middle reads as two numbers.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._-/:#&@+'".contains(c)
}

/// Splits `text` into lines no wider than `max` mm. CJK breaks between any two characters,
/// closing punctuation hangs rather than starting a line, opening punctuation never ends one,
/// latin words move whole to the next line unless longer than a line. `\n` breaks the line.
pub(crate) fn wrap(text: &str, ts: &TextStyle, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let para = para.trim_end_matches('\r');
        let chars: Vec<char> = para.chars().map(|c| if c == '\t' { ' ' } else { c }).collect();
        // Tokens: a latin word, or one other character.
        let mut tokens: Vec<String> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if is_word_char(chars[i]) {
                let start = i;
                while i < chars.len() && is_word_char(chars[i]) {
                    i += 1;
                }
                tokens.push(chars[start..i].iter().collect());
            } else {
                tokens.push(chars[i].to_string());
                i += 1;
            }
        }
        let mut line = String::new();
        let mut line_w = 0.0;
        for tok in tokens {
            let w = width(&tok, ts);
            if line_w + w <= max + 0.01 {
                line.push_str(&tok);
                line_w += w;
                continue;
            }
            if tok == " " {
                // A space at a break disappears.
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
                continue;
            }
            let first = tok.chars().next().unwrap_or(' ');
            if !line.is_empty() && tok.chars().count() == 1 && is_closing(first) {
                // Hanging punctuation: a line never starts with 。or ，.
                line.push_str(&tok);
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
                continue;
            }
            if !line.is_empty() {
                // An opening bracket moves down with what it opens.
                let mut carry = String::new();
                while let Some(last) = line.chars().last() {
                    if is_opening(last) && line.chars().count() > 1 {
                        line.pop();
                        carry.insert(0, last);
                    } else {
                        break;
                    }
                }
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                line = carry;
                line_w = width(&line, ts);
            }
            if line_w + w <= max + 0.01 {
                line.push_str(&tok);
                line_w += w;
            } else {
                // Longer than a whole line: cut it by characters.
                for c in tok.chars() {
                    let cw = width(&c.to_string(), ts);
                    if line_w + cw > max + 0.01 && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        line_w = 0.0;
                    }
                    line.push(c);
                    line_w += cw;
                }
            }
        }
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// The printable area of a form's pages, mm from the sheet's top-left corner.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Area {
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
}

impl Area {
    pub(crate) fn width(&self) -> f32 {
        self.right - self.left
    }
}

/// The standard area of the forms (not the letter): 18 mm side margins, room at the bottom for
/// the footer with its QR code.
pub(crate) const FORM_AREA: Area = Area { left: 18.0, right: 192.0, top: 20.0, bottom: 268.0 };

/// Content flowing down pages: a cursor, page breaks and the running header of continuation
/// pages.
pub(crate) struct Flow<'a> {
    pub pages: Vec<Page>,
    pub y: f32,
    pub area: Area,
    /// Printed small at the top of every page after the first (e.g. 隐患清单 · 企业名称).
    pub running_head: Option<String>,
    pub images: &'a mut ImageBank,
    pub photos: &'a dyn PhotoSource,
}

impl<'a> Flow<'a> {
    pub(crate) fn new(area: Area, images: &'a mut ImageBank, photos: &'a dyn PhotoSource) -> Self {
        Flow { pages: vec![Page::default()], y: area.top, area, running_head: None, images, photos }
    }

    #[expect(clippy::expect_used, reason = "a flow starts with a page and only ever adds pages")]
    pub(crate) fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a flow always has a page")
    }

    pub(crate) fn new_page(&mut self) {
        let mut page = Page::default();
        self.y = self.area.top;
        if let Some(head) = &self.running_head {
            let ts = TextStyle::sans(8.0).color(GREY);
            page.text(self.area.left, self.area.top - 6.0, head, &ts);
            page.line(self.area.left, self.area.top - 4.5, self.area.right, self.area.top - 4.5, 0.4, GREY);
        }
        self.pages.push(page);
    }

    pub(crate) fn room(&self) -> f32 {
        self.area.bottom - self.y
    }

    /// Starts a new page unless `h` mm still fit on this one.
    pub(crate) fn ensure(&mut self, h: f32) {
        if self.y + h > self.area.bottom && self.y > self.area.top + 0.1 {
            self.new_page();
        }
    }

    pub(crate) fn gap(&mut self, h: f32) {
        self.y += h;
    }

    /// A wrapped paragraph at `indent` mm from the left edge, flowing across pages line by line.
    pub(crate) fn paragraph(&mut self, text: &str, ts: &TextStyle, indent: f32) {
        self.paragraph_pitch(text, ts, indent, ts.leading());
    }

    pub(crate) fn paragraph_pitch(&mut self, text: &str, ts: &TextStyle, indent: f32, pitch: f32) {
        let x = self.area.left + indent;
        for line in wrap(text, ts, self.area.right - x) {
            self.ensure(pitch);
            let baseline = self.y + (pitch - mm(ts.size)) / 2.0 + ts.ascent();
            self.page().text(x, baseline, &line, ts);
            self.y += pitch;
        }
    }

    /// A section heading: bold-looking label with a rule under it; never alone at a page's foot.
    pub(crate) fn heading(&mut self, text: &str) {
        let ts = TextStyle::sans(11.5).bold();
        self.ensure(22.0);
        self.gap(2.0);
        let (l, r) = (self.area.left, self.area.right);
        let base = self.y + ts.ascent() + 0.5;
        let page = self.page();
        page.fill_rect(l, base - ts.ascent() - 0.2, 1.2, mm(ts.size) + 0.6, RED);
        page.text(l + 2.8, base, text, &ts);
        page.line(l, base + 2.0, r, base + 2.0, 0.6, RULE);
        self.y = base + 4.0;
    }
}
