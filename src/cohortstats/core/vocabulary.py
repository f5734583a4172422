"""The bundle's vocabularies: the one place each code and its words are written.

The categories and their synonyms (sex, race, ethnicity, clinical words) are data, in
``data/vocabulary.yml``, which an analyst can extend; ``data/README.md`` documents them. The loader
(:mod:`cohortstats.inputs.cohortfile`) enforces them, Table 1 and the report's prose
print their words, and the reconstruction draws from them.
"""
from __future__ import annotations

from cohortstats.core.paths import VOCABULARY_FILE

__all__ = ["SEX_CODES", "SEX_WORDS", "RACES", "RACE_WORDS", "ETHNICITIES", "ETHNICITY_WORDS",
           "CLINICAL_WORDS", "key", "AFRICAN_AMERICAN", "INDICATIONS", "NASAL_AND_ORAL",
           "RESPONSES", "GOOD_RESPONSES", "NO_EVENT", "count_word", "join_words"]

_FILE = VOCABULARY_FILE


def _load() -> dict:
    import yaml

    return yaml.safe_load(_FILE.read_text(encoding="utf-8"))


_DOC = _load()


def key(text: str) -> str:
    """How two spellings of a category are compared: case, spaces, hyphens and underscores aside."""
    return " ".join(str(text).casefold().replace("-", " ").replace("_", " ").split())


def _synonyms(section: str) -> dict:
    """``key(word) -> category`` for every category of ``section`` and its synonyms."""
    out = {}
    for category, words in (_DOC.get(section) or {}).items():
        for word in [category, *(words or [])]:
            out[key(word)] = str(category)
    return out


#: ``sex`` codes and their words.
SEX_CODES = {"F": "female", "M": "male"}
#: Every word read as a sex code (``Female`` -> ``F``), from data/vocabulary.yml.
SEX_WORDS = _synonyms("sex")

#: ``race`` categories, in the order Table 1 lists them (data/vocabulary.yml: OMB, then others).
RACES = tuple(str(r) for r in _DOC["race"])
#: Every word read as a race category, from data/vocabulary.yml.
RACE_WORDS = _synonyms("race")

#: Race categories counted by the abstract's "six were African-American".
AFRICAN_AMERICAN = frozenset(_DOC["african_american"])

#: ``ethnicity`` categories (optional column) and the words read as them.
ETHNICITIES = tuple(str(e) for e in _DOC["ethnicity"])
ETHNICITY_WORDS = _synonyms("ethnicity")

#: Words that, capitalised in free text, are not read as a person's name.
CLINICAL_WORDS = frozenset(key(w) for w in _DOC.get("clinical_terms") or ()) | frozenset(
    w for section in ("sex", "race", "ethnicity") for k in _synonyms(section) for w in k.split())

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
