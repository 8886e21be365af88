"""The site's age bands, used to rewrite an exact age as a range."""

# (code, lowest age, highest age), as in evidence.vocabulary.AGE_BANDS.
AGE_BANDS = (
    ("0-2", 0, 2),
    ("3-5", 3, 5),
    ("6-11", 6, 11),
    ("12-15", 12, 15),
    ("16-17", 16, 17),
    ("18-25", 18, 25),
)
_DECADES = {
    2: "twenties",
    3: "thirties",
    4: "forties",
    5: "fifties",
    6: "sixties",
    7: "seventies",
}


def age_band(age: int) -> str | None:
    """The band code for an age in years, or None for an adult over 25."""
    for code, low, high in AGE_BANDS:
        if low <= age <= high:
            return code
    return None


def age_band_phrase(age: int) -> str:
    """ "aged 6-11" for 7; "in their thirties" for 34."""
    code = age_band(max(age, 0))
    if code:
        return f"aged {code}"
    return f"in their {_DECADES.get(min(age // 10, 7), 'thirties')}"


def year_old_phrase(age: int) -> str:
    """ "6-11-year-old" for 7, to replace "7-year-old"; "thirty-something" for 34."""
    code = age_band(max(age, 0))
    if code:
        return f"{code}-year-old"
    return {2: "twenty-something", 3: "thirty-something", 4: "forty-something"}.get(
        age // 10, "middle-aged"
    )
