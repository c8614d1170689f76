"""Questions the engine declines: SQL typed into the box, people and personal data,
tables or data the warehouse does not hold. Each gets a short, polite reason.

>>> refuse_reason("who committed the burglary on Camden High Street?")[:28]
'I can only answer questions '
>>> refuse_reason("robberies in Camden") is None
True
"""

from __future__ import annotations

import re

MAX_LENGTH = 300

_SQL = re.compile(
    r"(;|--|/\*|\*/|\bselect\b.+\bfrom\b|\bunion\s+(all\s+)?select\b|\b(drop|truncate|alter)\s+(table|database|schema|view)\b"
    r"|\binsert\s+into\b|\bupdate\s+\w+\s+set\b|\bdelete\s+from\b|\bpragma\b|\battach\b|\binformation_schema\b"
    r"|\bsqlite_master\b|\bduckdb_\w+|\bread_(csv|parquet|json)\w*|\bcopy\s+\w+\s+(to|from)\b|\bexec(ute)?\s*\("
    r"|'\s*or\s*'?\d|\bor\s+1\s*=\s*1\b|\bcreate\s+(table|macro|view|function)\b|\bload_extension\b|\binstall\s+\w+)",
    re.I,
)
_WRITE = re.compile(r"\b(delete|remove|erase|wipe|purge|drop|overwrite|insert|alter|edit)\b", re.I)
# "drop" as a noun: "the biggest drop in vehicle crime", "a 10% drop", "drops of more than 20%"
_DROP_NOUN = re.compile(
    r"\b(?:a|an|the|any|no|biggest|largest|greatest|sharpest|steepest|smallest|big|large|sharp|steep|sudden"
    r"|significant|overall|real|\d+\s*%|\d+\s+percent|per\s*cent)\s+drops?\b|\bdrops?\s+(?:in|of)\b",
    re.I,
)
_WRITE_VERBS = (
    r"delete|remove|erase|wipe|purge|drop|overwrite|insert|alter|edit|amend|update|modify|change|set|mark"
    r"|re-?classify|recode|close|reopen|re-open|add|rename|correct|fix|merge|move|assign|flag|tag|clear"
    r"|cancel|archive|upload|import|replace|restore|revert|append|resolve|transfer|reassign|downgrade|upgrade"
)
# A request to change data: an imperative write verb opening the question (or a clause), a write verb
# with a determiner-led object ("set all unsolved burglaries to closed", "close all the cases"), or
# "mark ... as". Nouns ("a drop in burglary", "the change in robbery", "update me on") are not requests.
_WRITE_REQUEST = re.compile(
    rf"(^|[.;,!?]\s*|\b(?:and|then|please|pls|now|also|just)\s+|\b(?:can|could|would|will)\s+you\s+"
    rf"|\bi\s+(?:want|need|would\s+like)\s+(?:you\s+)?to\s+|\bgo\s+(?:and\s+)?)(?:{_WRITE_VERBS})\b"
    r"(?!\s+(?:me|us|in|on|of|from|over|by|between|across|since|during|for|up|to\s+date)\b)"
    rf"|\b(?:{_WRITE_VERBS})\s+(?:the|all|every|these|those|this|that|its|their|any|each|them|it)\b"
    r"(?!\s+(?:most|least|biggest|largest|fastest|highest|lowest|more|less|same|month|year|week)\b)"
    r"|\bmark(?:ed)?\s+(?:\w+\s+){0,6}as\b",
    re.I,
)
# Words for people, anywhere in what is left once vocabulary phrases ("offender given a caution",
# "no suspect identified", "per 1,000 residents") are taken out.
_PERSON_NOUNS = re.compile(
    # "criminal" alone is an adjective ("criminal damge", misspelt, is not yet vocabulary): a person only
    # after a determiner
    r"\b(?:(?:the|a|this|that|each|every|any)\s+criminal\b"
    r"|suspects?|offenders?|reoffenders?|victims?|perpetrators?|culprits?|criminals|witness(es)?|gangs?"
    r"|gang\s+members?|robbers?|thieves|thief|muggers?|shoplifters?|attackers?|assailants?|accused|defendants?"
    r"|lads|youths?|teenagers?|teens|juveniles?|minors|kids|children|men|women|males?|females?|boys|girls"
    r"|neighbours?|neighbors?|persons?|individuals?|people|residents?|householders?|homeowners?|drivers?"
    r"|who|whom|whose|someone|somebody|anyone|anybody)\b",
    re.I,
)
# "the LSOA code and name", "street names": names of places, not of people
_PLACE_IDS = re.compile(
    r"\b(?:(?:lsoa|street|road|borough|area|place|venue|location)s?\s+names?"
    r"|codes?\s+and\s+names?|names?\s+and\s+codes?"
    # "boroughs whose rate ...": whose of a place or a group, not of a person
    r"|(?:boroughs?|bcus?|lsoas?|areas?|streets?|roads?|months?|weeks?|days?|types?|categories|outcomes?"
    r"|venues?|places?|neighbourhoods?)\s+whose)\b",
    re.I,
)
_RATE_BASE = re.compile(
    r"\bper\s+(?:1000|1,000|1k|thousand|100k|100000|capita|head)?\s*(?:of\s+)?(?:the\s+)?"
    r"(?:residents?|people|population|inhabitants|persons?|head)\b",
    re.I,
)
_PEOPLE = re.compile(
    r"(^\s*(who|whom|whose)\b|\bwho\s+(committed|did|was|were|is|are|carried|stole|robbed|attacked)\b"
    r"|\b(name|names|identity|identities|address|addresses|phone\s+numbers?|date\s+of\s+birth|dob|email|e-mail"
    r"|ethnicity|religion|national\s+insurance|mugshots?|photos?|photographs?|personal\s+(details|data|information)"
    r"|criminal\s+records?|previous\s+convictions|home\s+address)\b"
    r"|\b(suspects?|offenders?|victims?|perpetrators?|culprits?|criminals?|witness(es)?|person|people|individuals?"
    r"|residents?)\s+(who|named|called|living|details|names?|ages?|list|identified\s+as)\b"
    r"|\b(list|name|identify|find|track|locate)\s+(the\s+|all\s+)?(suspects?|offenders?|victims?|perpetrators?|culprits?"
    r"|criminals?|witness(es)?|people|individuals?)\b"
    r"|\b(which|what)\s+(suspects?|offenders?|victims?|people|persons|individuals?)\b"
    r"|\bhow\s+old\b|\bwhere\s+(does|do|did)\b[^?]*\bliv(e|es|ed|ing)\b"
    # personal attributes as a breakdown: "by age", "split by gender", "age of the victims"
    r"|\b(by|per|each|every|across)\s+(the\s+|their\s+)?(age|ages|age\s+group|gender|genders|sex|race|races|ethnicity"
    r"|ethnicities|ethnic\s+groups?|religions?|nationalit(y|ies)|sexuality|sexual\s+orientation|disabilit(y|ies)"
    r"|names?)\b"
    r"|\b(age|ages|gender|sex|race|ethnicity|nationality)\s+of\s+(the\s+)?(victims?|suspects?|offenders?|perpetrators?))",
    re.I,
)
_NOT_HELD = {
    r"\bstop(\s+and\s+|\s*-\s*|\s*&\s*)search": "stop and search records",
    r"\barrest(s|ed|ing)?\b": "arrests",
    r"\b999\b|\b101\s+calls\b|\bcalls?\b": "calls to the police",
    r"\bresponse\s+times?\b": "response times",
    r"\bofficers?\b|\bstaff\b|\bsalar(y|ies)\b|\bbudgets?\b|\bpay\b": "police staffing or budgets",
    r"\busers?\b|\bpasswords?\b|\baudit\b|\blogins?\b": "the app's own records",
    r"\bweather\b|\btemperature\b|\brain\b|\bhouse\s+prices?\b|\bunemployment\b|\bincome\b": "weather or economic data",
    r"\b(predict|forecast|projection|will\s+there\s+be|next\s+(year|month|week))\b": "predictions",
    r"\b(from|the)\s+(?!a\b)\w+\s+table\b|\btables\b|\bschema\b|\bdatabase\b|\bcolumns\b": "the database's structure",
    r"\bsentenc(e|es|ed|ing)\b|\bconvictions?\b|\bprison\s+population\b": "court and sentencing records",
}


def refuse_reason(question: str, consumed: str = "") -> str | None:
    """Why *question* cannot be answered, or None. *consumed* is text already understood
    as vocabulary (e.g. the outcome 'no suspect identified'), which is not held against it."""
    text = question.strip()
    if not text:
        return "Please type a question about recorded crime, for example 'robberies in Camden last month'."
    if len(text) > MAX_LENGTH:
        return f"That question is too long (over {MAX_LENGTH} characters). Please ask one thing at a time."
    if _SQL.search(text):
        return "I can't run SQL typed into the box. Ask in plain English and I'll write the query for you."
    if _WRITE_REQUEST.search(text) or (
        _WRITE.search(_DROP_NOUN.sub(" ", text))
        and re.search(r"\b(crimes?|records?|rows?|data|table|entries)\b", text, re.I)
    ):
        return "The crime data is read-only: I can count and chart it, but not change or delete it."
    rest = _PLACE_IDS.sub(" ", _RATE_BASE.sub(" ", text))
    for phrase in consumed.split("\n"):
        if phrase:
            # "the offender was given a caution" is the outcome "offender given a caution"
            words = r"\s+(?:(?:was|were|is|are|has\s+been|have\s+been|had\s+been|got)\s+)?".join(
                map(re.escape, phrase.split())
            )
            rest = re.sub(r"\b" + words + r"\b", " ", rest, flags=re.I)
    if _PEOPLE.search(rest) or _PERSON_NOUNS.search(rest):
        return (
            "I can only answer questions about numbers of recorded crimes, not about people: the data holds "
            "no names, suspects, victims or personal details."
        )
    for pattern, what in _NOT_HELD.items():
        if re.search(pattern, rest, re.I):
            return f"The warehouse does not hold {what}; I can answer questions about recorded crimes."
    return None
