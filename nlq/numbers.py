"""Numbers written as words, as digits: "over two thousand burglaries" -> "over 2000 burglaries".

Only where a number is meant beyond doubt, so place names keep their words ("Seven Sisters",
"Nine Elms", "Forty Lane"): a number with a scale ("two thousand", "a hundred and fifty",
"3 thousand"), tens and units together ("twenty-five", "thirty six"), or any number word right
after a comparison ("more than forty", "under ten", "at least five") or before one ("five or more").

>>> number_words_to_digits("boroughs with over two thousand burglaries")
'boroughs with over 2000 burglaries'
>>> number_words_to_digits("more than forty robberies near seven sisters")
'more than 40 robberies near seven sisters'
>>> number_words_to_digits("a hundred and fifty thefts, top twenty-five streets")
'150 thefts, top 25 streets'
>>> number_words_to_digits("rate per thousand residents")
'rate per thousand residents'
"""

from __future__ import annotations

import re

UNITS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split()
    )
}
TENS = {w: 10 * n for n, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
# the words a threshold's number follows
_COMPARISON = frozenset(
    "than over above under below least most exceeding exceeded exceeds topping topped beyond past".split()
)
_OR_MORE = frozenset(f"or {w}" for w in "more fewer less over above under below higher lower greater".split())
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?|\d+(?:\.\d+)?|\S")


def _value(words: list[str]) -> int | None:
    """The number *words* spell, or None when they are not one well-formed number."""
    total, current, last = 0, 0, None  # last: the kind of the previous word
    for w in words:
        if w == "and":
            if last != "scale":
                return None
            last = "and"
            continue
        if w == "a" or re.fullmatch(r"\d+(?:\.\d+)?", w):
            if last is not None:
                return None
            current, last = (1 if w == "a" else float(w)), "lead"
            continue
        if "-" in w:
            tens, _, unit = w.partition("-")
            if tens not in TENS or UNITS.get(unit, 0) not in range(1, 10):
                return None
            if last in ("unit", "tens", "lead"):
                return None
            current, last = current + TENS[tens] + UNITS[unit], "unit"
        elif w in UNITS:
            if last == "unit" or last == "lead" or (last == "tens" and not 0 < UNITS[w] < 10):
                return None
            current, last = current + UNITS[w], "unit"
        elif w in TENS:
            if last in ("unit", "tens", "lead"):
                return None
            current, last = current + TENS[w], "tens"
        elif w in SCALES:
            if last is None or last == "and" or (w == "hundred" and current >= 100):
                return None
            if w == "hundred":
                current *= 100
            else:
                total, current = total + current * SCALES[w], 0
            last = "scale"
        else:
            return None
    if last in ("and", "lead"):
        return None
    value = total + current
    return int(value) if value == int(value) else None


def _is_number_word(w: str) -> bool:
    if w in UNITS or w in TENS or w in SCALES:
        return True
    tens, dash, unit = w.partition("-")
    return bool(dash) and tens in TENS and unit in UNITS


def number_words_to_digits(text: str) -> str:
    """*text* (lower case) with its unmistakable number words as digits (see the module's rules)."""
    spans = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]
    out, i, pos = [], 0, 0
    while i < len(spans):
        start = i
        # a run: number words, "and" inside, a leading "a" or digits only before a scale word
        j = i
        while j < len(spans):
            w = spans[j][2]
            nxt = spans[j + 1][2] if j + 1 < len(spans) else ""
            if _is_number_word(w) or (
                w == "and" and j > start and nxt in UNITS | TENS and _had_scale(spans, start, j)
            ):
                j += 1
            elif j == start and (w == "a" or w[0].isdigit()) and nxt in SCALES:
                j += 1
            else:
                break
        words = [s[2] for s in spans[start:j]]
        if words:
            value = _value(words)
            before = spans[start - 1][2] if start else ""
            after = " ".join(s[2] for s in spans[j : j + 2])
            clear = (
                any(w in SCALES for w in words[1:])
                or any("-" in w for w in words)
                or (len(words) >= 2 and words[0] in TENS)
                or before in _COMPARISON
                or after in _OR_MORE  # "five or more"
            )
            if value is not None and clear:
                out.append(text[pos : spans[start][0]] + str(value))
                pos = spans[j - 1][1]
            i = j
        else:
            i += 1
    out.append(text[pos:])
    return "".join(out)


def _had_scale(spans, start: int, j: int) -> bool:
    return any(s[2] in SCALES for s in spans[start:j])
