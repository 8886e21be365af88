"""Likely personal names: children's, family members' and professionals'.

A capitalised word counts as a name on positive evidence only: a title ("Mrs Patel"),
the given-name list, a surname after an unknown capitalised word, or a cue around it
("Kez said", "his sister Amy", "a girl called Summer", "Jo's mum", "Kai (7)").
"""

import re
from collections.abc import Iterator

from ..findings import WARN, Finding, make_finding
from ..lexicon import (
    cue_words,
    first_names,
    fold,
    places,
    school_types,
    street_types,
    surnames,
)
from ..textscan import DETERMINERS, LOCATIVES, Doc, Token, is_not_name

TITLE_SUGGESTIONS = {
    "Dr": "the doctor",
    "Doctor": "the doctor",
    "Prof": "a professional",
    "Professor": "a professional",
    "Judge": "the judge",
    "HHJ": "the judge",
    "DJ": "the judge",
    "Cllr": "a councillor",
    "Councillor": "a councillor",
    "Rev": "a faith leader",
    "Revd": "a faith leader",
    "Reverend": "a faith leader",
    "Father": "a faith leader",
    "Imam": "a faith leader",
    "Rabbi": "a faith leader",
    "Pastor": "a faith leader",
    "Sister": "the nurse",
    "PC": "a police officer",
    "PCSO": "a police officer",
    "DC": "a police officer",
    "DS": "a police officer",
    "DI": "a police officer",
    "DCI": "a police officer",
    "Sgt": "a police officer",
    "Sergeant": "a police officer",
    "Inspector": "a police officer",
    "Mr": "",
    "Mrs": "",
    "Ms": "",
    "Miss": "",
    "Mx": "",
    "Sir": "",
    "Dame": "",
}
SPEECH_VERBS = cue_words("speech_verbs")
RELATIONS = cue_words("relations")
RELATION_MODIFIERS = DETERMINERS | cue_words("relation_modifiers")
NAMING_CUES = frozenset({"called", "named", "nicknamed"})
# Verbs whose object is a person: "we visited Tiegan", "I met Kez".
PERSON_OBJECT_VERBS = cue_words("person_object_verbs")
PERSON_OBJECT_PHRASES = cue_words("person_object_phrases")
# At the start of a sentence, a given name that is also a word ("Grace", "Will") counts
# when a person's predicate follows: "Grace was placed with her aunt".
PERSON_PREDICATES = re.compile(
    r"\s+(?:was|is|has been|had been)\s+(?:placed|removed|born|taken|seen|excluded|found|living|"
    r"doing|moved|adopted|fostered|crying|upset|scared|frightened|happy|settled|missing|arrested|"
    r"bullied|hurt|injured|sad|angry|worried)\b"
    r"|\s+(?:lives|lived|attends|attended|told|said|asked|cried|moved|wants|wanted|loves|loved|"
    r"likes|liked|hates|hated|misses|missed|refused|ran|went missing|disclosed|drew|goes|went)\b"
)
POSSESSED = cue_words("possessed")
_PARENTHETICAL_AGE = re.compile(
    r"\s?\((?:aged?\s*)?\d{1,2}(?:\s*(?:yrs?|years?|months?|mths?))?\)"
)
_PROFESSIONAL_CONTEXT = re.compile(
    r"(?i)\b(?:colleague|manager|supervisor|worker|nurse|officer|solicitor|guardian|GP|"
    r"health visitor|practitioner|chair|IRO|therapist|paediatrician|midwife|consultant|"
    r"psychologist|team|clinician|lead|advocate|my ASYE|student social worker|DSL|LADO)\b"
)
_SCHOOL_CONTEXT = re.compile(
    r"(?i)\b(?:teacher|headteacher|head|school|SENCO|class|deputy head|TA)\b"
)
# "the teacher", "my SENCO": a role noun with a determiner, not "at school"
_ROLE_BESIDE = re.compile(
    r"(?i)\b(?:the|my|our|his|her|their|a)\s+(?:class\s+)?(?:teacher|headteacher|head|SENCO|TA)\b"
)
_MOTHER_CONTEXT = re.compile(r"(?i)\b(?:mum|mother|mam|mom)\b")
_FATHER_CONTEXT = re.compile(r"(?i)\b(?:dad|father)\b")
_MOTHER_AFTER = re.compile(r"(?i)\s*[,(]\s*(?:the\s+)?(?:mum|mother|mam|mom)\b")
_FATHER_AFTER = re.compile(r"(?i)\s*[,(]\s*(?:the\s+)?(?:dad|father)\b")


def _finding(doc: Doc, start: int, end: int, suggestion: str) -> Finding:
    if doc.text[end - 2 : end] in ("'s", "’s"):
        end -= 2  # "Zoë's mum": the name is "Zoë", and the rewrite keeps the "'s"
    return make_finding(
        doc.text,
        start,
        end,
        kind="name",
        label="name",
        severity=WARN,
        suggestion=suggestion,
    )


def _is_place(token: Token) -> bool:
    return token.base in places()


def _is_type_word(token: Token) -> bool:
    return token.text in street_types() or (token.text,) in school_types()


def _could_be_name(token: Token) -> bool:
    """Capitalised, not a role, acronym, month or practice word."""
    return token.is_capitalised and not is_not_name(token)


def _could_be_cued_name(token: Token) -> bool:
    """As _could_be_name, but a listed given name passes even when it is also a month or
    season: after a strong cue, "a girl called Summer" is a name."""
    return _could_be_name(token) or (
        token.is_capitalised and _given_name_flag(token) is not None
    )


def _given_name_flag(token: Token) -> str | None:
    names = first_names()
    flag = names.get(token.base)
    if flag is None:
        flag = names.get(token.folded)
    if flag is None and "-" in token.base:
        # "Tyler-James", "Lily-Mae": a double given name whose first part is a given name
        parts = token.base.split("-")
        if all(part[:1].isupper() for part in parts) and names.get(fold(parts[0])) in (
            "",
            "word",
        ):
            flag = ""
    return flag


def _surname_end(doc: Doc, i: int) -> int:
    """End offset of token i, extended over a following surname ("Amy Clarke")."""
    tokens = doc.tokens
    j = i + 1
    if j < len(tokens) and doc.joined_by_space(j):
        nxt = tokens[j]
        if (
            _could_be_name(nxt)
            and not _is_type_word(nxt)
            and (
                nxt.base in surnames()
                or not (_is_place(nxt) or _given_name_flag(nxt) == "cue")
            )
        ):
            return nxt.end
    return tokens[i].end


def suggest_for_person(doc: Doc, start: int, end: int, title: str = "") -> str:
    """The rewrite to offer for a name: a role, never another name."""
    if TITLE_SUGGESTIONS.get(title):
        return TITLE_SUGGESTIONS[title]
    # A title looks further for a role ("Mrs Patel ... the class teacher"); a bare name
    # only at its side ("Priya, the health visitor,", "my colleague Tom").
    reach = 60 if title else 25
    beside = (
        doc.text[max(0, start - reach) : start] + " " + doc.text[end : end + reach + 10]
    )
    if _SCHOOL_CONTEXT.search(beside) and (title or _ROLE_BESIDE.search(beside)):
        return "the teacher"
    if _PROFESSIONAL_CONTEXT.search(beside):
        return "a colleague"
    # "Mum, Sarah," or "Sarah (mum)", but not "Sarah's mum", where Sarah is the child
    just_before = doc.text[max(0, start - 12) : start]
    just_after = doc.text[end : end + 10]
    if (
        title in ("Mrs", "Ms", "Miss")
        or _MOTHER_CONTEXT.search(just_before)
        or _MOTHER_AFTER.match(just_after)
    ):
        return "Mum"
    if (
        title == "Mr"
        or _FATHER_CONTEXT.search(just_before)
        or _FATHER_AFTER.match(just_after)
    ):
        return "Dad"
    return "the parent" if title else "the child"


def _titled_names(doc: Doc) -> Iterator[Finding]:
    tokens = doc.tokens
    for i, token in enumerate(tokens):
        if token.text not in TITLE_SUGGESTIONS:
            continue
        j = i + 1
        # "Mr and Mrs Okafor"
        if (
            j + 1 < len(tokens)
            and tokens[j].text == "and"
            and tokens[j + 1].text in TITLE_SUGGESTIONS
        ):
            j += 2
        if j >= len(tokens) or doc.gap_before(j) not in (" ", ". ", ".", "\u00a0"):
            continue
        name = tokens[j]
        known = name.base in surnames() or _given_name_flag(name) is not None
        if not name.is_capitalised or (is_not_name(name) and not known):
            continue
        end = _surname_end(doc, j)
        yield _finding(
            doc, token.start, end, suggest_for_person(doc, token.start, end, token.text)
        )


def _given_names(doc: Doc) -> Iterator[Finding]:
    tokens = doc.tokens
    for i, token in enumerate(tokens):
        if not token.is_capitalised:
            continue
        flag = _given_name_flag(token)
        if flag is None or flag == "cue":
            continue
        initial = doc.is_sentence_start(i)
        if (
            flag in ("word", "place")
            and initial
            and not PERSON_PREDICATES.match(doc.text, token.end)
        ):
            continue
        previous = doc.previous_word(i)
        if flag == "place" and previous in LOCATIVES:
            continue
        if previous in ("st", "saint") or (
            i > 0 and tokens[i - 1].text in TITLE_SUGGESTIONS
        ):
            continue  # "St Mary's" is a church or school; titles are handled above
        end = _surname_end(doc, i)
        yield _finding(doc, token.start, end, suggest_for_person(doc, token.start, end))


def _unknown_given_name_with_surname(doc: Doc) -> Iterator[Finding]:
    tokens = doc.tokens
    for i in range(len(tokens) - 1):
        token, nxt = tokens[i], tokens[i + 1]
        if not (
            _could_be_name(token) and nxt.is_capitalised and nxt.base in surnames()
        ):
            continue
        if (
            not doc.joined_by_space(i + 1)
            or doc.is_sentence_start(i)
            or is_not_name(nxt)
        ):
            continue
        if (
            _given_name_flag(token) is not None
            or _is_place(token)
            or _is_type_word(nxt)
        ):
            continue
        if doc.previous_word(i) in DETERMINERS or token.text in TITLE_SUGGESTIONS:
            continue
        yield _finding(
            doc, token.start, nxt.end, suggest_for_person(doc, token.start, nxt.end)
        )


def _cue_candidate(doc: Doc, i: int) -> bool:
    token = doc.tokens[i]
    if not _could_be_cued_name(token) or _is_place(token) or _is_type_word(token):
        return False
    if doc.previous_word(i) in DETERMINERS or doc.previous_word(i) in ("st", "saint"):
        return False
    # The end of a longer capitalised name ("Local Government Association said") is not a
    # person: a person's name is tried from its first word.
    previous = doc.tokens[i - 1] if i > 0 else None
    return not (
        previous is not None
        and doc.joined_by_space(i)
        and previous.text[0].isupper()
        and not is_not_name(previous)
        and previous.text.lower() not in RELATIONS
    )


def _cued_names(doc: Doc) -> Iterator[Finding]:
    tokens = doc.tokens
    count = len(tokens)
    for i, token in enumerate(tokens):
        if not _cue_candidate(doc, i):
            continue
        end = _surname_end(doc, i)
        j = i + 1 if end == token.end else i + 2  # the token after the name
        start = token.start
        nxt = tokens[j] if j < count and doc.joined_by_space(j) else None
        previous = doc.previous_word(i)
        known = (
            _given_name_flag(token) is not None
            or token.base in surnames()
            or end != token.end
        )
        cued = False
        if previous in RELATIONS and doc.gap_before(i) in (" ", ", "):
            start = _relation_start(doc, i)
            relation = doc.text[start : token.start].rstrip(" ,")
            yield _finding(doc, start, end, relation)
            continue
        if nxt is not None and nxt.text in SPEECH_VERBS:
            # At a sentence start "Teachers said" is not a person, nor is a listed practice
            # word ("Research says"); an unknown singular word there ("Kez said") is.
            cued = known or not doc.is_sentence_start(i) or not token.text.endswith("s")
        elif previous in SPEECH_VERBS and doc.joined_by_space(i):
            cued = not doc.is_sentence_start(i)
        elif (
            (_after_person_verb(doc, i) and not doc.is_sentence_start(i))
            or previous in NAMING_CUES
            or (previous == "as" and i > 1 and tokens[i - 2].text.lower() == "known")
        ):
            cued = True
        elif (
            token.text != token.base
            and j < count
            and tokens[j].text.lower() in POSSESSED
        ):
            cued = doc.joined_by_space(j)
        elif (
            _PARENTHETICAL_AGE.match(doc.text, end)
            or doc.text.startswith(", aged", end)
            or doc.text.startswith(", age ", end)
        ):
            cued = True
        if cued:
            yield _finding(doc, start, end, suggest_for_person(doc, start, end))


def _after_person_verb(doc: Doc, i: int) -> bool:
    """Token i follows "visited", "met", "spoke to", "spent time with"..."""
    if i == 0 or not doc.joined_by_space(i):
        return False
    words = [doc.tokens[k].text.lower() for k in range(max(0, i - 3), i)]
    return (
        words[-1] in PERSON_OBJECT_VERBS
        or " ".join(words[-2:]) in PERSON_OBJECT_PHRASES
        or " ".join(words[-3:]) in PERSON_OBJECT_PHRASES
    )


def _relation_start(doc: Doc, i: int) -> int:
    """Start of "his younger sister" before the name at token i."""
    k = i - 1
    while (
        k > 0
        and doc.joined_by_space(k)
        and doc.tokens[k - 1].text.lower() in RELATION_MODIFIERS
    ):
        k -= 1
    return doc.tokens[k].start


def find(doc: Doc) -> Iterator[Finding]:
    yield from _titled_names(doc)
    yield from _given_names(doc)
    yield from _unknown_given_name_with_surname(doc)
    yield from _cued_names(doc)
