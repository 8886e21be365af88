"""Block-level identifiers: numbers, addresses and handles that name one person."""

import re
from collections.abc import Iterator
from functools import lru_cache

import phonenumbers
from stdnum.gb import nhs

from ..findings import BLOCK, Finding, make_finding
from ..textscan import Doc

# Local case-management systems differ, so councils list their own formats in
# settings.SAFEGUARDING_CASE_NUMBER_PATTERNS; these cover the common shapes.
DEFAULT_CASE_NUMBER_PATTERNS = (
    # "CS-123456", "CS123456"
    r"\bCS-?\d{5,8}\b",
    # "LCS123456", "LCS 123456"
    r"\bLCS[\s-]?\d{5,9}\b",
    # "Mosaic ID 1234567", "EHM ref: 445566", "Liquidlogic no. 98765"
    r"\b(?i:Mosaic|LCS|EHM|Eclipse|CareFirst|Liquidlogic|ICS|Frameworki|Azeus|ContrOCC)"
    r"(?i:\s+(?:ID|ref(?:erence)?|no\.?|number|case|client|person)?\s*(?:ID|no\.?|number)?"
    r"\s*[:#]?\s*[A-Z]{0,3}-?\d{4,10})\b",
    # "case number 40217", "child ID: C-88412", "client ref 774512", "referral no. 5561"
    r"\b(?i:(?:case|child|client|person|family|file|referral|record)\s+"
    r"(?:ID|ref(?:erence)?|no\.?|number|#)\s*[:#]?\s*[A-Z]{0,3}-?\d{4,10})\b",
    # Family court case numbers: court code, year, C or P, serial ("LS24C50123")
    r"\b[A-Z]{2}\d{2}[CP]\d{5}\b",
)

# Outward codes start with one of these postcode areas; anything else is not a postcode.
_AREA_CODES = (
    "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH "
    "DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV "
    "JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE "
    "PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ "
    "TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE"
)
POSTCODE_AREAS = tuple(_AREA_CODES.split())
_AREA_SET = frozenset(POSTCODE_AREAS)
# The shape of a full postcode; the area letters are then checked against _AREA_SET.
POSTCODE = re.compile(
    r"\b(?<!-)(?P<area>[A-Za-z]{1,2})(?P<district>\d[A-Za-z\d]?)[ \t\u00a0]?"
    r"(?P<inward>\d[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2})(?![\w-])"
)
# "in LS9", "from E17": a postcode district alone. Single-letter areas need a two-character
# district, so that "in L3" (a qualification level) and "in M1" (a motorway) pass.
OUTWARD_ONLY = re.compile(
    r"\b(?:in|from|near|around)\s+(?P<outward>(?P<area>[A-Z]{1,2})(?P<district>\d[A-Z\d]?))\b"
    r"(?![ \t]?\d[A-Z]{2})"
)


def is_postcode_district(area: str, district: str) -> bool:
    return area.upper() in _AREA_SET and (len(area) == 2 or len(district) == 2)


NHS_CANDIDATE = re.compile(r"\b(?<!\+)\d{3}[ \-\u00a0]?\d{3}[ \-\u00a0]?\d{4}(?![\w])")
# Two prefix letters (HMRC never issues D, F, I, Q, U, V first, nor D, F, I, O, Q, U, V
# second, nor the prefixes BG, GB, KN, NK, NT, TN, ZZ), six digits, suffix A to D.
_NINO_BODY = r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
NINO = re.compile(
    rf"\b(?<!-){_NINO_BODY}[ \t\u00a0]?\d{{2}}[ \t\u00a0]?\d{{2}}[ \t\u00a0]?\d{{2}}(?:[ \t\u00a0]?[A-D])?(?![\w-])"
)
NINO_LOWER = re.compile(
    rf"\b(?<!-)(?:{_NINO_BODY.lower()})(?:\d{{6}}[a-d]?|[ \t]\d\d[ \t]\d\d[ \t]\d\d[ \t][a-d])(?![\w-])"
)
UPN_CANDIDATE = re.compile(
    r"\b(?<!-)[A-HJ-NPR-Z]\d{11}[0-9A-HJ-NPR-Z](?![\w-])", re.IGNORECASE
)
EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}\b"
)
# "@kayla_x", but not "@ 3pm", "@3pm" or the middle of an e-mail address.
HANDLE = re.compile(
    r"(?<![\w.@])@(?!\d{1,2}(?::\d\d)?\s*(?:am|pm)?\b)[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,29}[A-Za-z0-9_])?"
)
PROFILE_URL = re.compile(
    r"(?i)\b(?:https?://)?(?:www\.)?(?:facebook|fb|instagram|tiktok|twitter|x|snapchat|linkedin|youtube|threads)"
    r"\.com/(?:@)?[A-Za-z0-9_.\-]{2,}"
)
PHONE_CANDIDATE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?\d{1,3}|\(?0\d)[\d \-()\u00a0]{6,16}\d(?!\d)"
)

UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
# National helplines a post may rightly give (national significant numbers).
PUBLIC_NUMBERS = frozenset(
    {
        "8088005000",  # NSPCC helpline
        "8001111",  # Childline
        "8082000247",  # National Domestic Abuse Helpline
        "116123",  # Samaritans
        "8088025544",  # Family Rights Group advice line
        "8088005050",  # NSPCC whistleblowing advice line
    }
)


def upn_check_letter(last_twelve: str) -> str:
    """The DfE check letter for the last 12 characters of a Unique Pupil Number.

    Characters 2 to 13 are weighted 2 to 13; a letter in position 13 (temporary UPNs)
    counts as its place in the 23-letter alphabet (A=0 ... Z=22). The check letter is the
    weighted sum modulo 23, as a letter of the same alphabet.
    """
    total = 0
    for weight, char in enumerate(last_twelve.upper(), start=2):
        value = int(char) if char.isdigit() else UPN_ALPHABET.index(char)
        total += weight * value
    return UPN_ALPHABET[total % 23]


def is_upn(candidate: str) -> bool:
    candidate = candidate.upper()
    if len(candidate) != 13 or not candidate[1:12].isdigit():
        return False
    if candidate[0] not in UPN_ALPHABET or not (
        candidate[12].isdigit() or candidate[12] in UPN_ALPHABET
    ):
        return False
    return upn_check_letter(candidate[1:]) == candidate[0]


def _block(doc: Doc, start: int, end: int, kind: str, label: str) -> Finding:
    return make_finding(doc.text, start, end, kind=kind, label=label, severity=BLOCK)


def find_nhs_numbers(doc: Doc) -> Iterator[Finding]:
    for match in NHS_CANDIDATE.finditer(doc.text):
        digits = re.sub(r"\D", "", match.group())
        if digits.startswith("0") and _phone_number(match.group()):
            continue  # a ten-digit phone number such as 0800 123 456x
        if nhs.is_valid(digits):
            yield _block(doc, *match.span(), "nhs_number", "NHS number")


def find_national_insurance_numbers(doc: Doc) -> Iterator[Finding]:
    for pattern in (NINO, NINO_LOWER):
        for match in pattern.finditer(doc.text):
            yield _block(doc, *match.span(), "ni_number", "National Insurance number")


def find_upns(doc: Doc) -> Iterator[Finding]:
    for match in UPN_CANDIDATE.finditer(doc.text):
        if is_upn(match.group()):
            yield _block(doc, *match.span(), "upn", "Unique Pupil Number")


def find_emails(doc: Doc) -> Iterator[Finding]:
    if "@" not in doc.text:
        return
    for match in EMAIL.finditer(doc.text):
        yield _block(doc, *match.span(), "email", "e-mail address")


def find_social_handles(doc: Doc) -> Iterator[Finding]:
    if "@" not in doc.text and ".com/" not in doc.text.lower():
        return
    for match in HANDLE.finditer(doc.text):
        if not match.group()[1:].isdigit():
            yield _block(doc, *match.span(), "social_handle", "social media handle")
    for match in PROFILE_URL.finditer(doc.text):
        yield _block(doc, *match.span(), "social_handle", "social media profile")


def _phone_number(candidate: str) -> bool:
    try:
        number = phonenumbers.parse(candidate.replace("\u00a0", " "), "GB")
    except phonenumbers.NumberParseException:
        return False
    if number.country_code != 44:
        return phonenumbers.is_valid_number(number)
    national = str(number.national_number)
    if national in PUBLIC_NUMBERS:
        return False
    # UK numbers have 9 or 10 digits after the 0; Ofcom's drama ranges (07700 900xxx,
    # 01632 960xxx) are "possible" but not "valid", and must still be caught.
    return (
        9 <= len(national) <= 10
        and national[0] in "1235789"
        and (
            phonenumbers.is_valid_number(number)
            or phonenumbers.is_possible_number(number)
        )
    )


def find_phone_numbers(doc: Doc) -> Iterator[Finding]:
    for match in PHONE_CANDIDATE.finditer(doc.text):
        candidate = match.group().rstrip(" -(")
        # A greedy candidate can run into a following number ("0113 496 0000 2015"):
        # drop trailing groups until what is left parses.
        while candidate:
            if _phone_number(candidate) and sum(c.isdigit() for c in candidate) >= 9:
                start = match.start()
                yield _block(
                    doc, start, start + len(candidate), "phone", "phone number"
                )
                break
            head, sep, _tail = candidate.replace("\u00a0", " ").rpartition(" ")
            if not sep:
                break
            candidate = head.rstrip(" -(")


def find_postcodes(doc: Doc) -> Iterator[Finding]:
    for match in POSTCODE.finditer(doc.text):
        if match.group("area").upper() not in _AREA_SET:
            continue
        inward = match.group("inward")
        if inward.islower() and inward[1:] in ("st", "nd", "rd", "th"):
            continue  # "b1 1st", an ordinal, not an inward code
        yield _block(doc, *match.span(), "postcode", "full postcode")


@lru_cache(maxsize=8)
def compile_case_number_patterns(patterns: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    """The patterns as one regex when they combine (one pass over the text), else one each."""
    compiled = tuple(
        re.compile(pattern) for pattern in patterns
    )  # raises re.error if bad
    if len(compiled) > 1:
        try:
            return (re.compile("|".join(f"(?:{pattern})" for pattern in patterns)),)
        except re.error:
            pass  # a pattern with global flags such as "(?i)" cannot be joined
    return compiled


def find_case_numbers(doc: Doc, patterns: tuple[str, ...]) -> Iterator[Finding]:
    for pattern in compile_case_number_patterns(patterns):
        for match in pattern.finditer(doc.text):
            if match.end() > match.start():
                yield _block(doc, *match.span(), "case_number", "case or record number")


def find(doc: Doc, *, case_number_patterns: tuple[str, ...]) -> Iterator[Finding]:
    yield from find_nhs_numbers(doc)
    yield from find_national_insurance_numbers(doc)
    yield from find_upns(doc)
    yield from find_emails(doc)
    yield from find_social_handles(doc)
    yield from find_phone_numbers(doc)
    yield from find_postcodes(doc)
    yield from find_case_numbers(doc, case_number_patterns)
