"""One folded form of the question text: the text every check and the parser read.

Disguises are undone before anything looks at the words, so a refusal cannot be
dodged by how a word is written: full-width and other compatibility forms (NFKC),
invisible characters (zero-width spaces and joiners, soft hyphens, BOM, bidi
controls), Cyrillic and Greek letters that look like Latin ones, and digits used
as letters inside words ("v1ctims").

>>> fold("ｓｕｓｐｅｃｔｓ in Camden")
'suspects in Camden'
>>> fold("vi\\u200bctims"), fold("n\\u0430mes")
('victims', 'names')
>>> fold("v1ctims of 2024 burglary"), fold("top 5 boroughs")
('victims of 2024 burglary', 'top 5 boroughs')
"""

from __future__ import annotations

import re
import unicodedata

# Characters that render as nothing (or as a join) and so can hide inside a word.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff]"
)
# Letters of other scripts that look like Latin letters (the usual homoglyph set).
_HOMOGLYPHS = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "с": "c",
        "е": "e",
        "ё": "e",
        "һ": "h",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "ѕ": "s",
        "т": "t",
        "у": "y",
        "х": "x",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "А": "A",
        "В": "B",
        "С": "C",
        "Е": "E",
        "Н": "H",
        "І": "I",
        "Ј": "J",
        "К": "K",
        "М": "M",
        "О": "O",
        "Р": "P",
        "Ѕ": "S",
        "Т": "T",
        "У": "Y",
        "Х": "X",
        # Greek
        "α": "a",
        "ο": "o",
        "ρ": "p",
        "ν": "v",
        "ι": "i",
        "κ": "k",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ε": "e",
        "Α": "A",
        "Β": "B",
        "Ε": "E",
        "Ζ": "Z",
        "Η": "H",
        "Ι": "I",
        "Κ": "K",
        "Μ": "M",
        "Ν": "N",
        "Ο": "O",
        "Ρ": "P",
        "Τ": "T",
        "Υ": "Y",
        "Χ": "X",
    }
)
# Digits and symbols standing for letters, only between letters: "v1ctims", "susp3cts", "n@mes".
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET_IN_WORD = re.compile(r"(?<=[a-zA-Z])[013457@$]+(?=[a-zA-Z])")


def fold(text: str) -> str:
    """The question as the parser and the refusal checks read it (case kept)."""
    text = text.encode("utf-8", "ignore").decode("utf-8")  # lone surrogates
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = text.translate(_HOMOGLYPHS)
    text = _LEET_IN_WORD.sub(lambda m: "".join(_LEET[ch] for ch in m.group(0)), text)
    # control characters and other non-printing code points become spaces
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)
    return " ".join(text.split())
