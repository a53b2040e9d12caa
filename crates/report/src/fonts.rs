//! The faces forms are printed in, and which face draws which character.
//!
//! The shipped GB2312 subsets (`assets/fonts`) cover nearly everything a form prints; names and
//! places outside GB2312 (喆, 堃, 赟 …) come from Debian's full Noto CJK collections when the
//! machine has them. A character no face holds is refused before signing
//! ([`crate::missing_characters`]) and again at rendering ([`crate::ReportError::MissingGlyphs`]),
//! so a form never prints a blank box where a name should be.
//!
//! Parsing a CJK face takes tens of milliseconds (the full collections far more), so each face is
//! parsed once per process and kept in a `OnceLock`.

use printpdf::ParsedFont;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

static SANS_GB2312: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-Regular-GB2312.otf");
static SERIF_GB2312: &[u8] = include_bytes!("../../../assets/fonts/NotoSerifSC-Regular-GB2312.otf");
static SERIF_BOLD_GB2312: &[u8] = include_bytes!("../../../assets/fonts/NotoSerifSC-Bold-GB2312.otf");

/// Where Debian (fonts-noto-cjk) and some other distributions keep the full collections; face 2
/// of each is Simplified Chinese.
const SYSTEM_DIRS: [&str; 2] = ["/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk"];

/// One font program a PDF may embed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Face {
    Sans,
    Serif,
    SerifBold,
    SystemSans,
    SystemSerif,
    SystemSerifBold,
}

impl Face {
    pub(crate) const ALL: [Face; 6] =
        [Face::Sans, Face::Serif, Face::SerifBold, Face::SystemSans, Face::SystemSerif, Face::SystemSerifBold];

    /// The PDF resource name; six capitals so that printpdf's subset tag (the first six
    /// characters, ISO 32000-1 9.6.4) is a valid one and the same in every run.
    pub(crate) fn resource(self) -> &'static str {
        match self {
            Face::Sans => "SSFNTA",
            Face::Serif => "SSFNTB",
            Face::SerifBold => "SSFNTC",
            Face::SystemSans => "SSFNTD",
            Face::SystemSerif => "SSFNTE",
            Face::SystemSerifBold => "SSFNTF",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// How a run of text should look; each style falls back through the other faces so that any
/// character some face holds is printed (a serif letter prints 喆 in sans rather than not at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Style {
    Sans,
    Serif,
    SerifBold,
}

impl Style {
    fn chain(self) -> &'static [Face] {
        match self {
            Style::Sans => &[Face::Sans, Face::SystemSans, Face::Serif, Face::SystemSerif],
            Style::Serif => &[Face::Serif, Face::SystemSerif, Face::Sans, Face::SystemSans],
            Style::SerifBold => {
                &[Face::SerifBold, Face::SystemSerifBold, Face::Serif, Face::SystemSerif, Face::Sans, Face::SystemSans]
            }
        }
    }
}

static FACES: [OnceLock<Option<ParsedFont>>; 6] =
    [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];

fn system_file(name: &str) -> Option<Vec<u8>> {
    SYSTEM_DIRS.iter().find_map(|d| std::fs::read(format!("{d}/{name}")).ok())
}

fn parse(bytes: &[u8], index: usize) -> Option<ParsedFont> {
    let mut warnings = Vec::new();
    ParsedFont::from_bytes(bytes, index, &mut warnings)
}

/// The parsed face, or `None` when it is not on this machine (system collections only).
pub(crate) fn face(f: Face) -> Option<&'static ParsedFont> {
    FACES[f.index()]
        .get_or_init(|| match f {
            Face::Sans => parse(SANS_GB2312, 0),
            Face::Serif => parse(SERIF_GB2312, 0),
            Face::SerifBold => parse(SERIF_BOLD_GB2312, 0),
            Face::SystemSans => system_file("NotoSansCJK-Regular.ttc").and_then(|b| parse(&b, 2)),
            Face::SystemSerif => system_file("NotoSerifCJK-Regular.ttc").and_then(|b| parse(&b, 2)),
            Face::SystemSerifBold => system_file("NotoSerifCJK-Bold.ttc").and_then(|b| parse(&b, 2)),
        })
        .as_ref()
}

/// Characters that need no glyph: they only move the pen or break the line.
pub(crate) fn is_layout_only(c: char) -> bool {
    c.is_control() || c == '\u{200B}' || c == '\u{FEFF}'
}

/// A character as drawn: the face, its glyph id and its advance in em.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Glyph {
    pub face: Face,
    pub gid: u16,
    pub advance: f32,
}

thread_local! {
    /// Looking a character up in a CFF font's cmap is the costliest step of measuring text
    /// (it showed on top of the profile); a form measures the same few hundred characters
    /// thousands of times.
    static GLYPHS: RefCell<HashMap<(Style, char), Option<Glyph>>> = RefCell::new(HashMap::new());
}

/// The face that draws `c` in `style`, with its glyph; `None` when no face holds it.
/// The GB2312 subsets answer first, so the big collections are read only for the rare
/// character outside GB2312.
pub(crate) fn pick(style: Style, c: char) -> Option<Glyph> {
    if let Some(hit) = GLYPHS.with(|g| g.borrow().get(&(style, c)).copied()) {
        return hit;
    }
    let found = style.chain().iter().find_map(|&f| {
        let font = face(f)?;
        let gid = font.lookup_glyph_index(c as u32)?;
        (gid != 0).then(|| Glyph { face: f, gid, advance: advance_em(font, gid) })
    });
    GLYPHS.with(|g| g.borrow_mut().insert((style, c), found));
    found
}

/// Advance of glyph `gid` in em.
fn advance_em(font: &ParsedFont, gid: u16) -> f32 {
    let upm = f32::from(font.font_metrics.units_per_em.max(1));
    f32::from(font.get_horizontal_advance(gid)) / upm
}

/// Whether some face holds `c` (whitespace and controls always count as printable).
pub(crate) fn printable(c: char) -> bool {
    c == ' ' || is_layout_only(c) || pick(Style::Sans, c).is_some()
}

/// Characters of `text` that no available face holds, each once, in order of appearance.
pub(crate) fn missing_in(text: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for c in text.chars() {
        if !out.contains(&c) && !printable(c) {
            out.push(c);
        }
    }
    out
}
