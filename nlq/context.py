"""The question inside a chatty message: the sentence that asks, apart from the context around it.

"I've just started in Hackney and I'm putting a patrol plan together. Could you tell me how many
ASB reports there were in Hackney last month, so I know what I'm walking into?" asks one thing; the
rest says why. The parser reads the whole message first; only when that fails on words it does not
know does it try the asking part alone (see Parser.parse), and then only if the context around it
names nothing the asking part leaves out and restricts nothing ("only", "except", a number...).

>>> asides("My sergeant says bike theft is bad in Islington. How many bike thefts in Islington in 2025?")
[Aside(question='How many bike thefts in Islington in 2025', context='My sergeant says bike theft is bad in Islington.')]
>>> asides("Could you show me robbery in Camden by month, so I know what's normal?")[0].question
'Could you show me robbery in Camden by month'
>>> asides("how many burglaries in Camden last month")
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A clause that asks: a question word, a request, or an imperative of the analysis.
_ASKS = re.compile(
    r"^(?:(?:so|and|but|ok|okay|right|also|then|anyway|basically|sorry|please)\b[\s,]*)*"
    r"(?:how|what|what's|whats|which|where|when|whether|who|whose|is|are|was|were|has|have|had|did|does|do|"
    r"can|could|would|will|show|list|give|tell|compare|rank|map|plot|chart|count|break|find|"
    r"i'd\s+like|i\s+would\s+like|i\s+want|i\s+need|i'm\s+after|i\s+am\s+after)\b",
    re.IGNORECASE,
)
# A clause after the question that says why it is asked: "so I know what I'm walking into".
_WHY = re.compile(
    r"^(?:so\s+(?:that\s+)?(?:i|we)\b|so\s+i've\b|just\s+so\b|if\s+(?:that's|that\s+is|it's|it\s+is)\s+possible|"
    r"if\s+possible|if\s+you\s+can|i'm\s+trying\b|i\s+am\s+trying\b|as\s+i\b|because\b|for\s+my\b|for\s+our\b|"
    r"thanks|thank\s+you|cheers)",
    re.IGNORECASE,
)
# Context that could restrict the answer: refused rather than left out.
_RESTRICTS = re.compile(
    r"\b(?:only|except|excluding|exclude|other\s+than|apart\s+from|besides|without|not|never|no|none|"
    r"involving|where|whose|unless|per|rate|share|average|\d+)\b|n't\b",
    re.IGNORECASE,
)
# "... and wondered which five streets", "a reporter wants to know the worst borough": the asking
# starts after the verb.
_WONDER = re.compile(
    r"\s*\b(?:and\s+)?(?:i\s+)?(?:was\s+|am\s+|'m\s+)?(?:wonder(?:ed|ing)?\s+(?=(?:how|what|which|where|when|whether)\b)|"
    r"(?:wants?|wanted|would\s+like|'d\s+like|needs?)\s+to\s+know\s+|"
    r"(?:is|are|was|were|'s|'re)\s+asking\s+(?:for\s+|about\s+)?)",
    re.IGNORECASE,
)
# "of the robberies in Haringey last year, how many ...": a leading phrase that belongs to the question
_LEADS_IN = re.compile(
    r"^(?:of|for|in|among|amongst|out\s+of|across|within|near|around|at|during|from|on)\b(?!\s+(?:my|our)\b)",
    re.I,
)
_SENTENCES = re.compile(r"(?<=[.?!;])\s+|\s+[-–—]\s+")
_CLAUSES = re.compile(r",\s+|:\s+")


@dataclass(frozen=True)
class Aside:
    question: str  # the part that asks
    context: str  # the rest, as typed


def asides(message: str) -> list[Aside]:
    """Each way of reading *message* as one asking part with context around it (none when the
    message is all question, or when the context could restrict the answer)."""
    sentences = [s for s in _SENTENCES.split(message.strip()) if s.strip()]
    found = []
    for k, sentence in enumerate(sentences):
        parts = _asking_part(sentence)
        if parts is None:
            continue
        asked, around = parts
        rest = " ".join([*sentences[:k], *around, *sentences[k + 1 :]])
        rest = " ".join(rest.split())
        if not re.search(r"\w", rest) or _RESTRICTS.search(rest):
            continue
        found.append(Aside(asked, rest))
    return found


def asking_parts(message: str) -> list[str]:
    """The asking part of each sentence of *message* that asks something.

    >>> asking_parts("How many robberies in Camden last month? And how many burglaries in Hackney?")
    ['How many robberies in Camden last month', 'And how many burglaries in Hackney']
    """
    parts = (_asking_part(s) for s in _SENTENCES.split(message.strip()) if s.strip())
    return [p[0] for p in parts if p is not None]


def _asking_part(sentence: str) -> tuple[str, list[str]] | None:
    """The clauses of *sentence* from the first that asks, less any trailing ones that say why;
    and the clauses left around them."""
    asked = _WONDER.search(sentence)
    if asked:  # the asking starts after "wondered", "wants to know", "is asking for"
        clauses = _clauses(sentence[: asked.start()])
        start = len(clauses)
        clauses += _clauses(sentence[asked.end() :])
    else:
        clauses = _clauses(sentence)
        start = next((i for i, c in enumerate(clauses) if _ASKS.match(c)), None)
    if start is None or start >= len(clauses):
        return None
    while start > 0 and _LEADS_IN.match(clauses[start - 1]):
        start -= 1
    end = len(clauses)
    while end - 1 > start and _WHY.match(clauses[end - 1]):
        end -= 1
    asked = ", ".join(clauses[start:end]).rstrip(" ,?.!")
    return (asked, clauses[:start] + clauses[end:]) if asked else None


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in _CLAUSES.split(text.strip()) if c.strip()]
