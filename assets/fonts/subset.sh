#!/bin/sh
# Reproduces NotoSansSC-Regular-GB2312.otf: Noto Sans CJK SC Regular (face 2 of Debian's
# fonts-noto-cjk NotoSansCJK-Regular.ttc, CFF outlines kept) cut down to ASCII, the GB2312
# character set (symbol rows and level-1 + level-2 hanzi), CJK punctuation and full-width forms.
# Needs: apt-get install fonts-noto-cjk; python3 with fonttools (a venv is fine:
#   python3 -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools; PYTHON=/tmp/ft/bin/python3 ./subset.sh)
set -eu
PYTHON="${PYTHON:-python3}"
SRC="${SRC:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}"
OUT="$(dirname "$0")/NotoSansSC-Regular-GB2312.otf"
"$PYTHON" - "$SRC" "$OUT" <<'PY'
import sys
from fontTools.ttLib import TTFont
from fontTools import subset

src, out = sys.argv[1], sys.argv[2]
font = TTFont(src, fontNumber=2)  # face 2 of the collection is Simplified Chinese
family = font["name"].getDebugName(4)
assert "SC" in family, f"face 2 is {family!r}, expected Noto Sans CJK SC"

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
opts.hinting = False          # rendered by ab_glyph, which ignores hints
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
