"""The Results section in words, as the article words it, every number computed.

Sentences are tuples of plain text and :class:`Number` parts. A Number knows the
dotted path of its value in ``results.json`` (``data-key`` in the page), the
value unrounded, the text it prints as (one rounding rule:
:mod:`cohortstats.rounding`), and the notebook that computed it, so that every
printed number can be traced. Nothing here computes a statistic: the values come
from :class:`cohortstats.results.Results`.
"""
from __future__ import annotations

from dataclasses import dataclass

from .results import lookup
from .rounding import fmt, fmt_short
from .vocabulary import (GOOD_RESPONSES, INDICATIONS, NASAL_AND_ORAL, NO_EVENT, count_word,
                         join_words)

__all__ = ["Number", "results_sentences", "plain", "p_words"]

#: Which notebook computes the values under each top-level key of results.json.
SOURCES = {"cohort": "01-cohort", "outcomes": "02-outcomes", "leave_one_out": "03-sensitivity",
           "claims": "04-claims"}


@dataclass(frozen=True)
class Number:
    """A number in the text, traceable to where it was computed.

    Attributes
    ----------
    key : str
        Dotted path in ``results.json``.
    text : str
        As printed.
    value : float or int
        Unrounded.
    source : str
        The notebook that computed it (``02-outcomes``).
    """

    key: str
    text: str
    value: float
    source: str


def _number(results, key: str, text: str | None = None, decimals: int | None = None,
            short: bool = False) -> Number:
    value = lookup(results, key)
    if value is None:
        raise ValueError(f"results.json has no value at {key}; the build is incomplete")
    if text is None:
        text = (fmt_short if short else fmt)(value, decimals if decimals is not None else 0)
    return Number(key=key, text=text, value=value, source=SOURCES[key.split(".")[0]])


def _count(results, key: str, capital: bool = False) -> Number:
    value = lookup(results, key)
    return _number(results, key, count_word(int(value), capital))


def p_words(p: float) -> str:
    """``= 0.008`` or ``< 0.001``: a P as the Results print it (three decimals, half up)."""
    return "< 0.001" if p < 0.0005 else f"= {fmt(p, 3)}"


def plain(sentence) -> str:
    """A sentence as plain text."""
    return "".join(part.text if isinstance(part, Number) else part for part in sentence)


def _indications(c) -> tuple:
    if c.indications is None:
        return ("Indications were not recorded in this cohort file.",)
    present = [code for code in INDICATIONS if c.indications.get(code)]
    words = [INDICATIONS[code] for code in present]
    nasal, oral, both = NASAL_AND_ORAL
    if nasal in present and oral in present:
        words[present.index(nasal)] = both
        words.pop(present.index(oral))
    if not words:
        return ("No indication was recorded.",)
    return ("Indications for lenalidomide treatment included " + join_words(words) + ".",)


def _response(results) -> tuple:
    c = results.cohort
    if c.responses is None:
        return ()
    good = sum(c.responses.get(code, 0) for code in GOOD_RESPONSES)
    if good == c.n and c.n_response_recorded == c.n:
        return ("Within 6 months, all patients demonstrated complete or near resolution based on "
                "physician report.",)
    parts = [f"Within 6 months, {good} of ", _number(results, "cohort.n"),
             " patients demonstrated complete or near resolution based on physician report"]
    missing = c.n - c.n_response_recorded
    if missing:
        parts.append(f" ({missing} not recorded)")
    return tuple(parts) + (".",)


def _outcome(results, name: str) -> list:
    o = results.outcomes[name]
    base = f"outcomes.{name}"
    d = o.decimals
    unit = f" {o.unit}"
    if not o.n_pairs:
        return [(f"{o.label}: no patient has both values.",)]
    bm, fm = o.baseline.mean, o.followup.mean
    verb = "decreased" if fm < bm else ("increased" if fm > bm else "did not change")
    s = [f"{o.label} {verb} from a mean ", _number(results, f"{base}.baseline.mean", decimals=d),
         f"{unit} (SD± "]
    s += _sd(results, f"{base}.baseline.sd", d)
    s += [") to ", _number(results, f"{base}.followup.mean", decimals=d), f"{unit} (SD± "]
    s += _sd(results, f"{base}.followup.sd", d)
    t = o.test
    if t is None:
        s += [f") (P not computed: {o.test_undefined})."]
    else:
        p = _number(results, f"{base}.test.p_value", text=p_words(t.p_value)[2:])
        s += [") (P ", "< " if t.p_value < 0.0005 else "= ", p, ")."]
    out = [tuple(s)]
    if t is not None and t.estimate is not None:
        e = ["The Hodges–Lehmann estimate of the decrease was ",
             _number(results, f"{base}.test.estimate", decimals=d + 1, short=True), unit]
        if t.conf_int is not None:
            e += [f" ({t.conf_level:.0%} CI ", _number(results, f"{base}.test.conf_int.0", decimals=d + 1, short=True),
                  " to ", _number(results, f"{base}.test.conf_int.1", decimals=d + 1, short=True), ")"]
        out.append(tuple(e) + (".",))
    if o.n_missing:
        k = o.n_missing
        out.append(("Computed over the ", _number(results, f"{base}.n_pairs"),
                    f" patients with both values; {k} patient{'' if k == 1 else 's'} with a value not "
                    f"recorded {'was' if k == 1 else 'were'} excluded.",))
    return out


def _sd(results, key, d) -> list:
    if lookup(results, key) is None:
        return ["not computed: one patient"]
    return [_number(results, key, decimals=d)]


def _tolerability(results) -> tuple:
    c = results.cohort
    if c.adverse_events is None:
        return ()
    events = {k: v for k, v in c.adverse_events.items() if k not in NO_EVENT}
    if not events:
        if c.n_adverse_recorded == c.n:
            return ("Lenalidomide was well tolerated: no adverse event was recorded.",)
        return (f"No adverse event was recorded ({c.n - c.n_adverse_recorded} patients with no entry).",)
    parts = [f"{k} in {v} patient{'' if v == 1 else 's'}" for k, v in events.items()]
    return ("Adverse events recorded: " + join_words(parts) + ".",)


def results_sentences(results) -> list[tuple]:
    """The Results section, sentence by sentence, in the abstract's order.

    Parameters
    ----------
    results : cohortstats.results.Results

    Returns
    -------
    list of tuple
        Each sentence a tuple of ``str`` and :class:`Number`.
    """
    c = results.cohort
    aa = ([_count(results, "cohort.african_american"), " was African-American."]
          if c.african_american == 1 else
          [_number(results, "cohort.african_american", "none"), " was African-American."]
          if c.african_american == 0 else
          [_count(results, "cohort.african_american"), " were African-American."])
    out = [("The cohort comprises ", _count(results, "cohort.n"),
            " patient." if c.n == 1 else " patients."),
           (_count(results, "cohort.female", capital=True),
            " subject was a girl and " if c.female == 1 else " subjects were girls and ", *aa),
           _indications(results.cohort)]
    response = _response(results)
    if response:
        out.append(response)
    for name in results.outcomes:
        out.extend(_outcome(results, name))
    tolerability = _tolerability(results)
    if tolerability:
        out.append(tolerability)
    return out
