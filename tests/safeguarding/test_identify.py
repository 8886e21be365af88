"""The identifiability check, class by class: what it blocks, warns about and lets through."""

import dataclasses
import re

import pytest
from stdnum.gb import nhs, upn

from django.core.exceptions import ImproperlyConfigured

from safeguarding.detectors.numbers import upn_check_letter
from safeguarding.identify import (
    BLOCK,
    BLOCK_KINDS,
    DEFAULT_CASE_NUMBER_PATTERNS,
    WARN,
    WARN_KINDS,
    CheckResult,
    Finding,
    check_fields,
    check_text,
    quasi_count,
)
from safeguarding.lexicon import DATA_DIR

from .long_post import LONG_CLEAN_POST


def kinds(text: str) -> list[str]:
    return [f.kind for f in check_text(text)]


def found(text: str, kind: str) -> list[str]:
    """The flagged text of every finding of ``kind``."""
    return [f.text for f in check_text(text) if f.kind == kind]


def only(text: str, kind: str) -> Finding:
    findings = [f for f in check_text(text) if f.kind == kind]
    assert len(findings) == 1, check_text(text)
    return findings[0]


# --- NHS numbers ------------------------------------------------------------------------

VALID_NHS = ["9995260182", "9991590838", "9990166137", "9434765870"]


@pytest.mark.parametrize("number", VALID_NHS)
def test_valid_nhs_numbers_block(number):
    assert nhs.is_valid(number)
    assert found(f"Her NHS number is {number}.", "nhs_number") == [number]


@pytest.mark.parametrize("written", ["999 526 0182", "999-526-0182", "943 476 5870"])
def test_nhs_numbers_block_when_spaced_or_hyphenated(written):
    finding = only(f"NHS no. {written} was on the letter.", "nhs_number")
    assert finding.text == written
    assert finding.severity == BLOCK
    assert finding.label == "NHS number"


@pytest.mark.parametrize(
    "number", ["9995260183", "9991590839", "9434765871", "1234567890"]
)
def test_ten_digit_numbers_with_a_wrong_check_digit_do_not_block(number):
    assert not nhs.is_valid(number)
    assert check_text(f"The reference was {number} on the old form.") == []


# --- National Insurance numbers ---------------------------------------------------------


@pytest.mark.parametrize(
    "nino",
    [
        "JT 48 21 93 B",
        "AB123456C",
        "AB 123456 C",
        "NP998877A",
        "hw 64 20 18 c",
        "ce449102a",
        "AB 12 34 56",
    ],
)
def test_national_insurance_numbers_block(nino):
    finding = only(f"His NI number is {nino}, according to the letter.", "ni_number")
    assert finding.text == nino
    assert finding.severity == BLOCK


@pytest.mark.parametrize(
    "text",
    [
        "QQ 12 34 56 C",  # HMRC's example prefix: Q is never issued first
        "BG 12 34 56 A",  # prefixes never issued
        "GB123456A",
        "DA 12 34 56 A",  # D is never a first letter
        "AO 12 34 56 A",  # O is never a second letter
        "we met on 12 34 56 occasions",
        "Year 6 had 123456 words",
    ],
)
def test_things_shaped_like_ni_numbers_but_never_issued_do_not_block(text):
    assert "ni_number" not in kinds(text)


# --- Unique Pupil Numbers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "body", ["80176018955", "33097971147", "38004974650", "92636671276"]
)
def test_upn_check_letter_matches_the_dfe_algorithm(body):
    last_twelve = body + "5"
    assert upn_check_letter(last_twelve) == upn.calc_check_digit(last_twelve)


def test_upn_check_letter_for_a_temporary_upn_with_a_final_letter():
    assert (
        upn_check_letter("38012345678A") == upn.calc_check_digit("38012345678A") == "L"
    )


@pytest.mark.parametrize(
    "number", ["E801760189555", "P330979711471", "B801200005001", "L38012345678A"]
)
def test_valid_upns_block(number):
    assert upn.is_valid(number)
    assert found(f"The school gave us UPN {number} for the PEP.", "upn") == [number]


@pytest.mark.parametrize("number", ["A801200005001", "F801760189555"])
def test_upns_with_a_wrong_check_letter_do_not_block(number):
    assert "upn" not in kinds(f"The code {number} was on the form.")


# --- e-mail addresses and social media handles -------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "j.smith@example.gov.uk",
        "kayleigh.b1990@example.com",
        "m.kowalski+work@example.com",
        "o'neill@example.org",
    ],
)
def test_email_addresses_block(address):
    assert found(f"E-mail {address} for the template.", "email") == [address]


@pytest.mark.parametrize(
    "handle", ["@kayla_x99", "@lil.miss.jade", "@Jo_Smith_SW", "@dazza1987"]
)
def test_social_media_handles_block(handle):
    finding = only(f"She posts as {handle} every night.", "social_handle")
    assert finding.text == handle
    assert finding.severity == BLOCK


def test_social_media_profile_addresses_block():
    assert found(
        "He used instagram.com/trapstar.music to recruit.", "social_handle"
    ) == ["instagram.com/trapstar.music"]


@pytest.mark.parametrize(
    "text",
    [
        "The team meets @ 3pm on Mondays.",
        "Visit @3pm, then school.",
        "Contact @10:30 at the centre.",
        "Write to duty.team@example.org.uk.",  # an e-mail address, not a handle
        "Scored @ 7 out of 10.",
    ],
)
def test_at_signs_that_are_not_handles_are_not_flagged_as_handles(text):
    assert "social_handle" not in kinds(text)


# --- phone numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "07700900123",
        "07700-900-123",
        "+44 7700 900456",
        "+447700900456",
        "0113 496 0000",
        "(0161) 496 0789",
        "020 7946 0321",
        "+44 (0)20 7946 0999",
        "01632 960001",
        "0044 7700 900123",
    ],
)
def test_uk_phone_numbers_block(number):
    finding = only(f"Ring {number} after 4pm.", "phone")
    assert finding.text == number
    assert finding.severity == BLOCK


@pytest.mark.parametrize(
    "text",
    [
        "Call 999 in an emergency or 101 if it is not.",
        "Childline is on 0800 1111 and the NSPCC helpline is 0808 800 5000.",
        "The visit lasted 10 days over 2014 2015.",
        "Attendance rose from 80 to 95 per cent.",
        "We had 3,450 contacts in 2024.",
        "The date 01 03 2015 was on the form.",
    ],
)
def test_helplines_emergency_numbers_and_other_digits_do_not_block(text):
    assert "phone" not in kinds(text)


# --- postcodes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "postcode",
    ["LS6 9ZZ", "M14 7ZZ", "SW1A 1AA", "EC1A 9ZZ", "B99 9ZZ", "ne6 5zz", "LS69ZZ"],
)
def test_full_postcodes_block(postcode):
    finding = only(f"The family live at {postcode}, near the park.", "postcode")
    assert finding.text == postcode
    assert finding.severity == BLOCK


@pytest.mark.parametrize(
    "text",
    [
        "The child lives in M1.",
        "She lives in LS6 now.",
        "Trained in L3 safeguarding.",
        "The boy came 1st in the race; B1 1st place.",
        "Year 6 2nd term.",
        "QQ1 1AA is not a postcode area.",
    ],
)
def test_outward_codes_alone_and_lookalikes_do_not_block(text):
    assert not [f for f in check_text(text) if f.severity == BLOCK]


def test_an_outward_code_after_in_or_from_is_a_place_warning():
    finding = only("They moved from E17 last year.", "place")
    assert (finding.text, finding.severity, finding.quasi) == ("E17", WARN, True)


# --- case numbers and settings -----------------------------------------------------------


@pytest.mark.parametrize(
    "reference",
    [
        "CS-123456",
        "CS123456",
        "LCS123456",
        "LCS 123456",
        "Mosaic ID 1234567",
        "case number 402173",
        "LS24C50123",
    ],
)
def test_default_case_number_patterns_block(reference):
    finding = only(f"See {reference} for the chronology.", "case_number")
    assert finding.text == reference
    assert finding.severity == BLOCK


@pytest.mark.parametrize(
    "text",
    [
        "Section 47 enquiries",
        "Year 6 pupils",
        "CS Lewis wrote books.",
        "the case was 12 weeks old",
    ],
)
def test_practice_numbers_are_not_case_numbers(text):
    assert "case_number" not in kinds(text)


def test_case_number_patterns_come_from_settings(settings):
    settings.SAFEGUARDING_CASE_NUMBER_PATTERNS = [r"\bWAR-\d{6}\b"]
    assert found("The file WAR-778899 has it.", "case_number") == ["WAR-778899"]
    assert "case_number" not in kinds("See CS-123456 for the chronology.")


def test_case_number_patterns_may_use_their_own_flags(settings):
    settings.SAFEGUARDING_CASE_NUMBER_PATTERNS = [r"(?i)\bref-\d{4}\b", r"\bXY\d{5}\b"]
    assert kinds("Ref-1234 and XY12345 were both given.") == [
        "case_number",
        "case_number",
    ]


def test_case_number_patterns_default_without_the_setting(settings):
    del settings.SAFEGUARDING_CASE_NUMBER_PATTERNS
    assert found("See CS-123456.", "case_number") == ["CS-123456"]
    assert len(DEFAULT_CASE_NUMBER_PATTERNS) >= 4


def test_a_broken_case_number_pattern_says_how_to_fix_it(settings):
    settings.SAFEGUARDING_CASE_NUMBER_PATTERNS = [r"\bCS-(\d+"]
    with pytest.raises(ImproperlyConfigured, match="does not compile"):
        check_text("anything")


def test_case_number_patterns_must_be_a_list(settings):
    settings.SAFEGUARDING_CASE_NUMBER_PATTERNS = r"\bCS-\d+"
    with pytest.raises(ImproperlyConfigured, match="list"):
        check_text("anything")


# --- names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Amy told me she was frightened.", "Amy"),
        ("Mrs Patel, the class teacher, called.", "Mrs Patel"),
        ("Dr Smith saw the baby.", "Dr Smith"),
        ("Mrs. Okafor attended.", "Mrs. Okafor"),
        ("John said he would stop drinking.", "John"),
        ("His sister Amy did the cooking.", "His sister Amy"),
        ("Kez said the police came.", "Kez"),
        ("A girl called Summer told me.", "Summer"),
        ("May said she was tired.", "May"),
        ("Kai (7) likes the park.", "Kai"),
        ("Frankie's mum moved the meeting.", "Frankie"),
        ("We met Tayla Hughes at school.", "Tayla Hughes"),
        ("I met Tyler-James at contact.", "Tyler-James"),
        ("Mr and Mrs Nowak came with an interpreter.", "Mr and Mrs Nowak"),
        ("The boy, Ethan, was missing.", "The boy, Ethan"),
        ("Grace was placed with her aunt.", "Grace"),
        ("We visited Tiegan at her placement.", "Tiegan"),
        ("DS Fraser explained the bail.", "DS Fraser"),
        ("Zoë said no.", "Zoë"),
    ],
)
def test_likely_personal_names_warn(text, name):
    finding = only(text, "name")
    assert finding.text == name
    assert (finding.severity, finding.quasi) == (WARN, False)


@pytest.mark.parametrize(
    "text",
    [
        "Mum and Dad came to the conference.",
        "Nan looks after the children on Tuesdays.",
        "The young person said she felt listened to.",
        "The SW and the IRO met the family.",
        "Grace and patience from the carers made the difference.",
        "Will the parents sustain the change?",
        "May I suggest a review?",
        "Hope is not a plan.",
        "March was a hard month.",
        "Signs of Safety helped the family.",
        "The Chair said we should move on.",
        "Teachers said the boy was hungry.",
        "The Local Government Association said councils are overspending.",
        "Child A and Child B were seen together.",
        "Mrs P said no.",
        "The Family Court agreed the plan.",
        "I rang Housing twice.",
    ],
)
def test_role_words_practice_terms_and_sentence_starts_are_not_names(text):
    assert "name" not in kinds(text)


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("We asked Amy what she wanted.", "the child"),
        ("Mum, Sarah, said no.", "Mum"),
        ("My colleague Tom came too.", "My colleague"),
        ("His sister Kayla cooked.", "His sister"),
        ("Dr Okafor saw the baby.", "the doctor"),
        ("HHJ Cartwright gave the parents a chance.", "the judge"),
        ("Mrs Patel, the class teacher, called.", "the teacher"),
        ("Priya, the health visitor, joined us.", "a colleague"),
        ("Mrs Khan, the boy's mother, called.", "Mum"),
        ("Zoë's mum missed contact.", "the child"),
    ],
)
def test_name_suggestions_are_roles_never_other_names(text, suggestion):
    assert only(text, "name").suggestion == suggestion


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("The child was born on 12/03/2015 in hospital.", "born on 12/03/2015"),
        ("The final hearing is listed for 14 May 2025.", "14 May 2025"),
        ("We visited on 3rd March and it was cold.", "on 3rd March"),
        ("The strategy discussion was on Tuesday 14th.", "on Tuesday 14th"),
        ("The boy was born in 2014.", "born in 2014"),
        ("Her date of birth is 04.11.2012.", "date of birth is 04.11.2012"),
        ("Contact resumed on February 3rd.", "on February 3rd"),
        ("The child's DOB is 2016-05-30.", "DOB is 2016-05-30"),
        ("The referral came in on 17/08/24.", "on 17/08/24"),
        ("She was removed on the 9th of January.", "on the 9th of January"),
    ],
)
def test_exact_dates_warn(text, date):
    assert found(text, "date") == [date]


@pytest.mark.parametrize(
    "text",
    [
        "I visited every two weeks for 10 days.",
        "A child in Year 6 told me.",
        "The Section 47 enquiry finished.",
        "Children aged 10-12 joined the group.",
        "March was difficult; in May we started the group.",
        "Since January 2024 we have used the model.",
        "The Children Act 1989 sets the threshold.",
        "Last spring we changed how we write chronologies.",
        "The meeting is at 10.30 on the 3rd floor.",
        "Scores went from 3.5 to 7.2.",
        "The ratio was 1 to 3 and 3/4 of parents came.",
    ],
)
def test_durations_school_years_months_and_sections_are_not_dates(text):
    assert "date" not in kinds(text)


def test_date_suggestions_name_the_season_or_an_age_band():
    assert only("The hearing was on 14 May.", "date").suggestion == "in the spring"
    assert (
        only("The hearing is listed for 2 December.", "date").suggestion == "the winter"
    )
    dob = only("She was born on 12/03/2015.", "date")
    assert (dob.label, dob.quasi) == ("date of birth", True)
    assert re.fullmatch(r"aged \d+-\d+|in their \w+", dob.suggestion)


# --- places, schools and streets --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "place", "suggestion"),
    [
        ("The family live in Rochdale.", "place", "Rochdale", "a town in the region"),
        ("The case came from Leeds.", "place", "Leeds", "a city in the region"),
        (
            "She moved to Stoke-on-Trent.",
            "place",
            "Stoke-on-Trent",
            "a city in the region",
        ),
        (
            "Norfolk County Council funded it.",
            "place",
            "Norfolk County Council",
            "a local authority",
        ),
        ("I worked for Tower Hamlets.", "place", "Tower Hamlets", "a local authority"),
        (
            "She moved from Sale to be near Mum.",
            "place",
            "Sale",
            "a town in the region",
        ),
        (
            "They live on the Broadfield estate.",
            "place",
            "Broadfield estate",
            "a local estate",
        ),
        ("He attends Oakfield Academy.", "school", "Oakfield Academy", "a school"),
        (
            "Her school, St Mary's Primary, helped.",
            "school",
            "St Mary's Primary",
            "a primary school",
        ),
        (
            "He was excluded from Bishop Heaton High School.",
            "school",
            "Bishop Heaton High School",
            "a secondary school",
        ),
        (
            "She went to Fairfield High, then left.",
            "school",
            "Fairfield High",
            "a secondary school",
        ),
        (
            "The nursery is Greenfields Nursery.",
            "school",
            "Greenfields Nursery",
            "a nursery",
        ),
        ("The family lived on Elm Road.", "street", "Elm Road", "a local street"),
        (
            "Police went to 12 Station Street.",
            "street",
            "12 Station Street",
            "a local street",
        ),
        ("They live at 12 Meadow View.", "street", "12 Meadow View", "a local street"),
    ],
)
def test_named_places_warn_with_a_general_rewrite(text, kind, place, suggestion):
    finding = only(text, kind)
    assert (finding.text, finding.suggestion, finding.severity, finding.quasi) == (
        place,
        suggestion,
        WARN,
        True,
    )


@pytest.mark.parametrize(
    "text",
    [
        "The IRO leads the review.",
        "The child attends a primary school.",
        "The Virtual School Head came.",
        "Forest School was his favourite day.",
        "We used the Solihull Approach.",
        "He did the Duke of Edinburgh Award.",
        "Reading the chronology back, I saw a pattern.",
        "Bath time was part of the routine.",
        "The sale of the house meant a move.",
        "The Family Court and the High Court both sat.",
        "She walked down the High Street.",
        "The North West region runs training.",
        "March was hard, and in May it improved.",
    ],
)
def test_lookalikes_of_places_are_not_flagged(text):
    assert not {"place", "school", "street"} & set(kinds(text))


# --- quotes from court or case records ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        (
            'The judge said "the mother has shown no insight".',
            '"the mother has shown no insight"',
        ),
        (
            '"She cannot keep them safe," the judge said.',
            '"She cannot keep them safe,"',
        ),
        (
            "The magistrates noted that ‘the parents have engaged well’.",
            "‘the parents have engaged well’",
        ),
        (
            "The referral said 'baby left alone in the flat'.",
            "'baby left alone in the flat'",
        ),
        (
            "From the chronology: police called six times in one month.",
            "police called six times in one month.",
        ),
        (
            "The order states: the children shall live with their father.",
            "the children shall live with their father.",
        ),
        (
            'The case note reads "Dad shouting, no answer at door".',
            '"Dad shouting, no answer at door"',
        ),
    ],
)
def test_quotes_from_court_or_case_records_warn(text, quote):
    assert found(text, "court_quote") == [quote]


@pytest.mark.parametrize(
    "text",
    [
        'The child told me "this is where I feel safe".',
        'The phrase "disguised compliance" was used in the referral and I challenged it.',
        "The teenager was 'fine', she said.",
        "Assessment: I completed it over six weeks.",
        'He said "no" and walked out.',
    ],
)
def test_childrens_words_and_scare_quotes_are_not_court_quotes(text):
    assert "court_quote" not in kinds(text)


# --- quasi-identifiers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quasi", "suggestion"),
    [
        ("The girl, aged 7, spoke to me.", "aged 7", "aged 6-11"),
        ("The 14-year-old went missing.", "14-year-old", "12-15-year-old"),
        ("The baby, 18 months old, was not walking.", "18 months old", "aged 0-2"),
        ("A seven-year-old boy was left alone.", "seven-year-old", "6-11-year-old"),
        ("The young person was 17 and wanted to leave care.", "17", "aged 16-17"),
        ("Dad, aged 32, had left prison.", "aged 32", "in their thirties"),
        (
            "He is one of eight children.",
            "one of eight children",
            "one of several children",
        ),
        ("She is the eldest of nine.", "eldest of nine", "one of several children"),
        (
            "The child has cystic fibrosis.",
            "cystic fibrosis",
            "a long-term health condition",
        ),
        ("They live in a small village.", "a small village", "the local area"),
        ("The family are Somali.", "Somali", ""),
        ("The family are Irish Travellers.", "Irish Travellers", ""),
        ("The story was in the local paper.", "in the local paper", ""),
    ],
)
def test_quasi_identifiers_warn_and_count(text, quasi, suggestion):
    finding = only(text, "quasi_identifier")
    assert (finding.text, finding.suggestion, finding.severity, finding.quasi) == (
        quasi,
        suggestion,
        WARN,
        True,
    )


@pytest.mark.parametrize(
    "text",
    [
        "Children aged 10-12 joined the group.",
        "We work with 16 and 17 year olds.",
        "Muslim families told us the service felt unwelcoming.",
        "Roma communities are under-represented in our data.",
        "The children were aged 3-5.",
        "He spent 2 years in custody.",
        "She was 3 of 5 in the sibling group.",
        "A 6-11-year-old child drew a picture.",
        "Most children in our service live in towns rather than villages.",
    ],
)
def test_ranges_group_statements_and_counts_are_not_quasi_identifiers(text):
    assert "quasi_identifier" not in kinds(text)


# --- overlaps, order, Unicode, empty and long text --------------------------------------


def test_findings_are_sorted_and_never_overlap():
    text = (
        "Kayla, aged 7, lives on Elm Road in Leeds (LS6 9ZZ) and goes to St Mary's Primary; "
        "call 07700 900123 or e-mail kayla.mum@example.com. Born on 12/03/2015."
    )
    findings = check_text(text)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    for before, after in zip(findings, findings[1:], strict=False):
        assert before.end <= after.start
    assert {
        "name",
        "quasi_identifier",
        "street",
        "place",
        "postcode",
        "school",
        "phone",
        "email",
        "date",
    } <= {f.kind for f in findings}


def test_the_longer_finding_wins_an_overlap():
    assert kinds("Her school, St Mary's Primary, helped.") == [
        "school"
    ]  # not "Mary" as a name
    assert found("Leeds City Council took the case.", "place") == ["Leeds City Council"]


def test_block_wins_over_warn_when_they_overlap():
    findings = check_text('The judge said "ring 07700 900123 if you are worried".')
    assert [f.kind for f in findings] == ["phone"]


def test_every_kind_is_declared_and_severity_matches_it():
    text = (
        "Amy, aged 7, lives on Elm Road in Leeds LS6 9ZZ, goes to Oakfield Academy, NHS 999 526 0182, "
        "NI JT 48 21 93 B, UPN E801760189555, a@example.com, @amy_x, 07700 900123, CS-123456, "
        'born on 12/03/2015, and the judge said "she is safe now".'
    )
    findings = check_text(text)
    assert {f.kind for f in findings} == set(BLOCK_KINDS) | set(WARN_KINDS)
    for finding in findings:
        assert finding.severity == (BLOCK if finding.kind in BLOCK_KINDS else WARN)
        assert text[finding.start : finding.end] == finding.text


def test_offsets_are_string_positions_in_unicode_text():
    text = "🙂 Zoë’s mum said “the order states she cannot see him”, the judge said. Café at 07700\u00a0900123."
    findings = check_text(text)
    assert [f.kind for f in findings] == ["name", "court_quote", "phone"]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text


def test_non_breaking_spaces_do_not_hide_numbers():
    assert kinds("NHS 999\u00a0526\u00a00182, postcode LS6\u00a09ZZ") == [
        "nhs_number",
        "postcode",
    ]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "Mum.", "🙂🙂🙂"])
def test_empty_or_trivial_text_has_no_findings(text):
    assert check_text(text) == []


def test_a_long_clean_post_has_no_findings():
    assert check_text(LONG_CLEAN_POST) == []


def test_very_long_text_is_checked_to_the_end():
    text = LONG_CLEAN_POST * 12 + " Ring Mum on 07700 900123."
    assert len(text) > 50_000
    finding = only(text, "phone")
    assert finding.start == text.index("07700")


def test_findings_cannot_be_changed():
    finding = check_text("Amy said hello.")[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.text = "someone else"


# --- check_fields, the quasi-identifier count and pre-moderation -------------------------


def test_check_fields_reports_findings_per_field():
    result = check_fields(
        {"title": "Working with Amy", "body": "Ring 07700 900123.", "summary": ""}
    )
    assert isinstance(result, CheckResult)
    assert [f.kind for f in result.findings["title"]] == ["name"]
    assert [f.kind for f in result.findings["body"]] == ["phone"]
    assert result.findings["summary"] == []
    assert result.blocked
    assert [f.kind for f in result.warnings] == ["name"]


def test_warnings_alone_do_not_block():
    result = check_fields({"body": "Amy lives in Leeds."})
    assert not result.blocked
    assert [f.kind for f in result.warnings] == ["name", "place"]


def test_three_quasi_identifiers_send_a_post_to_premoderation():
    result = check_fields(
        {"body": "The girl, aged 7, is Somali and has cystic fibrosis."}
    )
    assert result.quasi_count == 3
    assert result.needs_premoderation
    assert not result.blocked


def test_two_quasi_identifiers_do_not():
    result = check_fields({"body": "The girl, aged 7, has cystic fibrosis."})
    assert result.quasi_count == 2
    assert not result.needs_premoderation


def test_quasi_identifiers_are_counted_across_fields_and_once_each():
    result = check_fields(
        {
            "title": "A Somali family",
            "body": "The Somali family live in a small village. The girl is aged 7.",
        }
    )
    assert quasi_count(result.findings["body"]) == 3
    assert result.quasi_count == 3  # "Somali" twice counts once


def test_places_count_towards_the_quasi_identifier_total():
    result = check_fields(
        {"body": "The boy, aged 9, goes to Oakfield Academy in Rochdale."}
    )
    assert result.quasi_count == 3
    assert result.needs_premoderation


def test_the_premoderation_threshold_comes_from_settings(settings):
    text = {"body": "The girl, aged 7, is Somali and has cystic fibrosis."}
    settings.SAFEGUARDING_QUASI_THRESHOLD = 4
    assert not check_fields(text).needs_premoderation
    settings.SAFEGUARDING_QUASI_THRESHOLD = 2
    assert check_fields(text).needs_premoderation
    del settings.SAFEGUARDING_QUASI_THRESHOLD
    assert check_fields(text).needs_premoderation  # the default is 3


def test_check_fields_accepts_missing_values():
    result = check_fields({"title": None, "body": ""})  # type: ignore[dict-item]
    assert result.findings == {"title": [], "body": []}
    assert not result.blocked and not result.needs_premoderation


# --- data files -------------------------------------------------------------------------


def test_every_data_file_is_described_with_its_source_and_licence():
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for path in DATA_DIR.iterdir():
        if path.name != "README.md":
            assert f"`{path.name}`" in readme, (
                f"{path.name} is not described in data/README.md"
            )
    assert "licence" in readme.lower()
