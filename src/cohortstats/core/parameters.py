"""The parameters: declared once, with their defaults, allowed values and make names.

:data:`PARAMETERS` is the one declaration. The Makefile reads the make names from
it (``python -m cohortstats.core.parameters make-names``) and ``make help`` prints
it; the pipeline takes its defaults; the notebooks' ``parameters`` cells are written
from it (``python -m cohortstats.core.parameters cells``, checked by a test), so
papermill's ``--help-notebook`` says the same; and :func:`check_parameters` checks
every value the same way for ``make`` and for every notebook. A bad value stops at
once with one line naming the parameter, what is allowed and what was given — in
the terminal (``make report METHOD=Exact``, named as make spells it) and in
JupyterLab (the first cell after the parameters).
"""
from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass

from cohortstats.core.errors import OneLineError, shown, shown_path  # noqa: F401
from cohortstats.core.outcomes import parse_outcomes
from cohortstats.core.notebooks import EVERY_NOTEBOOK, notebook_path

__all__ = ["ParameterError", "OneLineError", "Parameters", "check_parameters", "METHODS",
           "METHOD_WORDS", "EXACT_BELOW", "PARAMETERS", "Parameter", "DEFAULTS", "by_make_name",
           "make_names", "parameters_cell", "FIGURE_FORMATS", "shown", "shown_path",
           "REDCAP_TOKEN_VARIABLE"]

#: The environment variable holding the REDCap API token: never a parameter, never on a command
#: line (cohortstats.inputs.redcap.api reads it; the build keeps it from the notebooks' processes).
REDCAP_TOKEN_VARIABLE = "REDCAP_API_TOKEN"

#: Null distributions of the signed-rank test (see :func:`cohortstats.stats.paired.paired_signed_rank`).
METHODS = ("auto", "exact", "approx")

#: ``method="auto"`` uses the exact null below this many non-zero pairs, the normal approximation from it.
EXACT_BELOW = 200

#: How the primary test's P was computed, in words, by the method actually used.
METHOD_WORDS = {
    "exact": "Wilcoxon matched-pairs signed-rank test, exact conditional null (zeros dropped), two-sided",
    "approx": "Wilcoxon matched-pairs signed-rank test, normal approximation with tie and continuity "
              "correction (zeros dropped), two-sided",
}

#: File formats of the figures, in the order they are saved.
FIGURE_FORMATS = ("svg", "pdf", "png")

_ANALYSIS = ("01-cohort", "02-outcomes", "03-sensitivity", "04-claims")
_EXTRACT = ("00-extract",)
_IMPORT = ("00-import",)


@dataclass(frozen=True)
class Parameter:
    """One parameter of the bundle.

    Attributes
    ----------
    name : str
        As the notebooks and Python spell it (``conf_level``).
    make : str or None
        As ``make`` spells it (``CONF_LEVEL``); None for a notebook-only parameter.
    default : object
        The value when none is given (paths relative to the bundle's folder).
    annotation : str
        The type the notebooks declare (``str``, ``list``, ``float``).
    help : str
        What it means and which values are allowed, in one line.
    notebooks : tuple of str
        The notebooks that take it; empty for a parameter of the build alone.
    path : bool
        A file or folder: the notebooks' default is relative to ``notebooks/``.
    """

    name: str
    make: str | None
    default: object
    annotation: str
    help: str
    notebooks: tuple = ()
    path: bool = False

    @property
    def notebook_default(self):
        """The default as a notebook's parameters cell holds it."""
        if self.path and self.default:
            return "../" + str(self.default)
        if self.name == "outcomes":
            return [s for s in str(self.default).split(",") if s]
        if self.name == "figure_formats":
            return list(self.default)
        return self.default


#: Every parameter, in the order ``make help`` and the notebooks list them.
PARAMETERS = (
    Parameter("cohort", "COHORT", "data/cohort.csv", "str",
              "cohort CSV, one row per patient (format: data/README.md)", _ANALYSIS, path=True),
    Parameter("outcomes", "OUTCOMES", "", "list",
              "measured pairs <name>_baseline, <name>_6mo (empty: every pair in the file, the paper's "
              "two first); labels and units: data/outcomes.yml", _ANALYSIS),
    Parameter("method", "METHOD", "auto", "str",
              f'signed-rank null: "exact", "approx", or "auto" (exact below {EXACT_BELOW} non-zero pairs)',
              ("02-outcomes", "03-sensitivity", "04-claims")),
    Parameter("conf_level", "CONF_LEVEL", 0.95, "float",
              "confidence level of the Hodges-Lehmann interval, between 0 and 1",
              ("02-outcomes", "04-claims")),
    Parameter("alpha", "ALPHA", 0.05, "float",
              "leave-one-out counts the analyses with P below this, between 0 and 1",
              ("03-sensitivity", "04-claims")),
    Parameter("published", "PUBLISHED", "data/published.yml", "str",
              'the paper\'s numbers; "" to compare with nothing', ("04-claims",), path=True),
    Parameter("figure_formats", None, FIGURE_FORMATS, "list",
              'formats of the saved figures, of "svg", "pdf", "png"', ("02-outcomes",)),
    Parameter("output_dir", None, "scratch", "str",
              "this run's results and figures; make report uses build/, never this",
              _EXTRACT + _IMPORT + _ANALYSIS, path=True),
    Parameter("cdm", "CDM", "", "str",
              'an OMOP CDM: a URL (duckdb:///cdm.duckdb, postgresql://user@host/db; the password in '
              '~/.pgpass or PGPASSWORD, never here) or a connection NAME (URL in $CDM_URL_<NAME>); '
              '"" = the cohort file (make) or the demo CDM (notebook)', _EXTRACT),
    Parameter("schema", "CDM_SCHEMA", "", "str",
              'the schema holding the CDM tables ("" = the connection\'s default)', _EXTRACT),
    Parameter("definition", "CDM_DEFINITION", "data/omop_cohort.yml", "str",
              "the cohort definition for an OMOP CDM (YAML)", _EXTRACT, path=True),
    Parameter("out", "OUT", "cohort.csv", "str", "the cohort file make cohort writes", path=True),
    Parameter("redcap", "REDCAP", "", "str", 'a REDCap records export (CSV) instead of a cohort file; '
              '"" = the demo export (notebook)', _IMPORT, path=True),
    Parameter("redcap_dictionary", "REDCAP_DICTIONARY", "", "str", "its REDCap data dictionary (CSV)",
              _IMPORT, path=True),
    Parameter("redcap_mapping", "REDCAP_MAPPING", "", "str",
              "which REDCap field holds which column (YAML, data/README.md)", _IMPORT, path=True),
    Parameter("redcap_url", "REDCAP_URL", "", "str",
              'the REDCap API, https://host/api/, instead of an export\'s files (the mapping still needed); '
              f'its token in the environment variable {REDCAP_TOKEN_VARIABLE}, never here', _IMPORT),
    Parameter("jobs", "JOBS", "", "int", "notebooks run side by side (default: the number of cores)"),
    Parameter("seed", "SEED", 0, "int", "seed of the reconstruction (make data)"),
    Parameter("build", "BUILD", "build", "str", "the pipeline's work folder", path=True),
    Parameter("reports", "REPORTS", "reports", "str", "where the report is published", path=True),
    Parameter("figures", "FIGURES", "figures", "str", "where the figures are published", path=True),
)

#: name -> default.
DEFAULTS = {p.name: p.default for p in PARAMETERS}


def by_make_name(make: str) -> Parameter:
    """The parameter ``make`` calls ``make`` (``CONF_LEVEL``)."""
    for p in PARAMETERS:
        if p.make == make:
            return p
    raise KeyError(make)


def make_names() -> list[str]:
    """The make variables, in order (``COHORT OUTCOMES ...``)."""
    return [p.make for p in PARAMETERS if p.make]


def parameters_cell(notebook: str) -> str:
    """The source of ``notebook``'s ``parameters`` cell: typed, commented defaults."""
    lines = []
    for p in PARAMETERS:
        if notebook in p.notebooks:
            value = json.dumps(p.notebook_default) if not isinstance(p.notebook_default, float) \
                else repr(p.notebook_default)
            lines.append(f"{p.name}: {p.annotation} = {value}  # {p.help}")
    return "\n".join(lines)


class ParameterError(OneLineError, ValueError):
    """A parameter with a value the analysis cannot use."""


@dataclass(frozen=True)
class Parameters:
    """Checked analysis parameters.

    Attributes
    ----------
    outcomes : tuple of str
        Outcome names (columns ``<name>_baseline`` and ``<name>_6mo``).
    method : str
        ``auto``, ``exact`` or ``approx``.
    conf_level : float
        Confidence level of the Hodges–Lehmann interval, in (0, 1).
    alpha : float
        Threshold counted by the leave-one-out summary, in (0, 1).
    """

    outcomes: tuple
    method: str = "auto"
    conf_level: float = 0.95
    alpha: float = 0.05


def _fraction(name: str, value) -> float:
    msg = f"`{name}` must be a number between 0 and 1 (exclusive), e.g. 0.95; not {shown(value)}."
    if isinstance(value, bool):
        raise ParameterError(msg)
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ParameterError(msg) from None
    if not (math.isfinite(x) and 0 < x < 1):
        raise ParameterError(msg)
    return x


def check_parameters(outcomes=None, method=DEFAULTS["method"], conf_level=DEFAULTS["conf_level"],
                     alpha=DEFAULTS["alpha"]) -> Parameters:
    """Check the analysis parameters.

    Parameters
    ----------
    outcomes : None, str or sequence of str
        Outcome names, or one comma-separated string (``make report OUTCOMES=a,b``).
    method : str
    conf_level, alpha : float or str

    Returns
    -------
    Parameters

    Raises
    ------
    ParameterError
        One line naming the parameter, the allowed values and the bad one.
    """
    try:
        names = tuple(o.name for o in parse_outcomes(outcomes))
    except (TypeError, ValueError) as exc:
        raise ParameterError(str(exc)) from None
    if not isinstance(method, str) or method not in METHODS:
        raise ParameterError(f"`method` must be one of {{{', '.join(repr(m) for m in METHODS)}}}; "
                             f"not {shown(method)}.")
    return Parameters(outcomes=names, method=method, conf_level=_fraction("conf_level", conf_level),
                      alpha=_fraction("alpha", alpha))


def check_formats(formats) -> tuple:
    """Check ``figure_formats``: a non-empty list of ``svg``, ``pdf``, ``png`` (in any order).

    Returns
    -------
    tuple of str
        In the order the figures are saved (:data:`FIGURE_FORMATS`).
    """
    allowed = ", ".join(repr(f) for f in FIGURE_FORMATS)
    if isinstance(formats, str) or not isinstance(formats, (list, tuple)) or not formats \
            or any(f not in FIGURE_FORMATS for f in formats):
        raise ParameterError(f"`figure_formats` must be a list of {{{allowed}}}; not {shown(formats)}.")
    return tuple(f for f in FIGURE_FORMATS if f in formats)


def _help() -> str:
    rows = [f"  {p.make + '=':<12}{p.help}" + (f" [{p.default}]" if p.default not in ("", None) else "")
            for p in PARAMETERS if p.make]
    return "Parameters (make report NAME=value):\n" + "\n".join(rows)


def main(argv=None) -> int:
    """``python -m cohortstats.core.parameters make-names|help|cells [--check]``.

    ``cells`` writes every notebook's ``parameters`` cell from :data:`PARAMETERS`;
    ``cells --check`` only says which notebook differs (exit 1).
    """
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["make-names"]:
        print(" ".join(make_names()))
        return 0
    if argv[:1] == ["help"]:
        print(_help())
        return 0
    if argv[:1] == ["cells"]:
        stale = []
        for name in EVERY_NOTEBOOK:
            path = notebook_path(name)
            nb = json.loads(path.read_text(encoding="utf-8"))
            cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
            want = parameters_cell(name).splitlines(keepends=True)
            if cell["source"] != want:
                stale.append(name)
                if "--check" not in argv:
                    cell["source"] = want
                    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        if stale:
            print(("differ from PARAMETERS: " if "--check" in argv else "rewrote: ") + ", ".join(stale))
        return 1 if stale and "--check" in argv else 0
    print("usage: python -m cohortstats.core.parameters make-names|help|cells [--check]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
