#!/bin/sh
# Reproduces the GB2312 subsets SafeServe ships:
#   NotoSansSC-Regular-GB2312.otf   body text of every form (face 2 of NotoSansCJK-Regular.ttc)
#   NotoSerifSC-Regular-GB2312.otf  the letter's (函告) title and body, GB/T 9704 wants a serif (宋体-like)
#   NotoSerifSC-Bold-GB2312.otf     the letter's issuer line and title (face 2 of NotoSerifCJK-Bold.ttc)
# Each is Noto {Sans,Serif} CJK SC (face 2 of Debian's fonts-noto-cjk collections, CFF outlines
# kept) cut down to ASCII, the GB2312 character set (symbol rows and level-1 + level-2 hanzi),
# CJK punctuation and full-width forms. Characters outside GB2312 (names like 喆, 堃) are drawn
# from the system collections at run time when they exist (see crates/report/src/fonts.rs).
# Needs: apt-get install fonts-noto-cjk; python3 with fonttools (a venv is fine:
#   python3 -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools; PYTHON=/tmp/ft/bin/python3 ./subset.sh)
set -eu
PYTHON="${PYTHON:-python3}"
NOTO="${NOTO:-/usr/share/fonts/opentype/noto}"
DIR="$(dirname "$0")"
cut_face() {
"$PYTHON" - "$1" "$2" "$3" <<'PY'
import sys
from fontTools.ttLib import TTFont
from fontTools import subset

src, out, want = sys.argv[1], sys.argv[2], sys.argv[3]
font = TTFont(src, fontNumber=2)  # face 2 of the collection is Simplified Chinese
family = font["name"].getDebugName(4)
assert want in family, f"face 2 is {family!r}, expected {want}"

chars = set(range(0x20, 0x7F))              # ASCII
chars |= set(range(0x3000, 0x3040))         # CJK symbols and punctuation
chars |= set(range(0xFF01, 0xFF5F))         # full-width forms
chars |= set(range(0xFFE0, 0xFFE7))         # full-width signs
chars |= set(range(0x2010, 0x2027))         # dashes, quotes, ellipsis
chars |= {0xB0, 0xB7, 0xD7, 0xF7, 0x25A1}   # ° · × ÷ □
for hi in list(range(0xA1, 0xAA)) + list(range(0xB0, 0xF8)):  # symbol rows; level 1 (B0-D7) + level 2 (D8-F7)
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(ord(bytes([hi, lo]).decode("gb2312")))
        except UnicodeDecodeError:
            pass

opts = subset.Options()
opts.hinting = False          # rendered by ab_glyph / PDF viewers, which ignore CFF hints
opts.name_IDs = ["*"]         # keep copyright and licence records
opts.name_languages = ["*"]
opts.notdef_outline = True    # keep the .notdef box
opts.layout_features = ["*"]
sub = subset.Subsetter(opts)
sub.populate(unicodes=chars)
sub.subset(font)
font.save(out)
print(f"{out}: {len(chars)} code points, family {family!r}")
PY
}
cut_face "${SRC:-$NOTO/NotoSansCJK-Regular.ttc}" "$DIR/NotoSansSC-Regular-GB2312.otf" "Noto Sans CJK SC"
cut_face "$NOTO/NotoSerifCJK-Regular.ttc" "$DIR/NotoSerifSC-Regular-GB2312.otf" "Noto Serif CJK SC"
cut_face "$NOTO/NotoSerifCJK-Bold.ttc" "$DIR/NotoSerifSC-Bold-GB2312.otf" "Noto Serif CJK SC Bold"
