"""The bundle's vocabularies: the one place each code and its words are written.

``data/README.md`` documents these tables for people; the loader
(:mod:`cohortstats.inputs.cohortfile`) enforces them, Table 1 and the report's prose
print their words, and the reconstruction draws from them.
"""
from __future__ import annotations

__all__ = ["SEX_CODES", "RACES", "AFRICAN_AMERICAN", "INDICATIONS", "NASAL_AND_ORAL",
           "RESPONSES", "GOOD_RESPONSES", "NO_EVENT", "count_word", "join_words"]

#: ``sex`` codes and their words.
SEX_CODES = {"F": "female", "M": "male"}

#: ``race`` values accepted in a cohort file, as data/README.md lists them. The
#: first is the one the abstract counts ("six were African-American").
RACES = ("African-American", "White", "Asian", "Hispanic", "Other", "Not recorded")

#: Race values counted as African-American.
AFRICAN_AMERICAN = frozenset({"African-American"})

#: Indication codes and the abstract's words for them, in the abstract's order.
INDICATIONS = {
    "alopecia": "alopecia",
    "nasal_ulcers": "nasal ulcers",
    "oral_ulcers": "oral ulcers",
    "malar_rash": "extensive malar rash",
    "discoid_lesions": "discoid lesions",
    "bullous_lesions": "bullous lesions",
    "panniculitis": "panniculitis",
    "cutaneous_vasculitis": "cutaneous vasculitis",
    "raynaud_digital_ulcers": "Raynaud's phenomenon with digital ulcerations",
}
#: The abstract joins these two as "nasal and oral ulcers".
NASAL_AND_ORAL = ("nasal_ulcers", "oral_ulcers", "nasal and oral ulcers")

#: Physician-reported response at 6 months: code -> words.
RESPONSES = {
    "complete": "complete resolution",
    "near_complete": "near resolution",
    "partial": "partial response",
    "none": "no response",
}
#: The responses the abstract counts as "complete or near resolution".
GOOD_RESPONSES = ("complete", "near_complete")

#: ``adverse_events`` entries that mean "no adverse event".
NO_EVENT = frozenset({"none", "none reported", "no"})

_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def count_word(k: int, capital: bool = False) -> str:
    """A count as the article prints it: words up to ten, digits above.

    >>> count_word(9, capital=True), count_word(6), count_word(24)
    ('Nine', 'six', '24')
    """
    w = _WORDS[k] if 0 <= k < len(_WORDS) else f"{k}"
    return w[:1].upper() + w[1:] if capital else w


def join_words(items, conjunction: str = "and") -> str:
    """``a``; ``a and b``; ``a, b, and c`` (serial comma, as the abstract writes lists).

    >>> join_words(["a"]), join_words(["a", "b"]), join_words(["a", "b", "c"], "or")
    ('a', 'a and b', 'a, b, or c')
    """
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {conjunction} {items[1]}"
    return ", ".join(items[:-1]) + f", {conjunction} " + items[-1]
