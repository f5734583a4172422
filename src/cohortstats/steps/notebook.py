"""What every notebook does first and last: check its parameters, load the cohort, save its fragment.

A notebook's first cell after its parameters is one call::

    run = notebook.start(cohort=cohort, output_dir=output_dir, outcomes=outcomes, ...)

which checks every parameter (one line on a bad one, in JupyterLab as under
``make``), loads and validates the cohort, and says which cohort it is. The last
cell saves the notebook's fragment with ``run.save(...)``, keyed by the cohort's
SHA-256, the parameters and the code version (:mod:`cohortstats.results`).

Run with its defaults in JupyterLab, a notebook writes under ``scratch/`` (git-
ignored): never into the pipeline's ``build/``, so ``make report`` after a lab
session gives the report it gave before.
"""
from __future__ import annotations

import hashlib
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePath

from cohortstats.core.errors import OneLineError, shown
from cohortstats.core.parameters import DEFAULTS, FIGURE_FORMATS, Parameters, check_formats, check_parameters
from cohortstats.core.paths import ROOT
from cohortstats.inputs import checked
from cohortstats.inputs.cohortfile import CohortError
from cohortstats.results import Provenance, build_key, load_fragments, save_fragment
import importlib.metadata as md

__all__ = ["Run", "InputError", "start", "upstream", "say", "show", "figure", "environment", "provenance"]


class InputError(OneLineError):
    """A cohort or published-numbers file the analysis cannot use (one line)."""


@dataclass(frozen=True)
class CohortFile:
    """A cohort file known by its bytes only (a notebook that reads no patient row).

    Attributes
    ----------
    path : str
    sha256 : str
    """

    path: str
    sha256: str


@dataclass(frozen=True)
class Run:
    """One notebook run.

    Attributes
    ----------
    cohort : cohortstats.inputs.cohortfile.Cohort
    params : Parameters
    output_dir : Path
        Where fragments and figures go.
    published : Path or None
        The published numbers, or None (no comparison with the paper).
    published_sha256 : str or None
    """

    cohort: object
    params: Parameters
    output_dir: Path
    published: Path | None
    published_sha256: str | None
    figure_formats: tuple = FIGURE_FORMATS

    @property
    def outcomes(self):
        return self.cohort.outcomes

    @property
    def figures_dir(self) -> Path:
        return self.output_dir / "figures"

    def key(self, *names: str):
        """The build key of this run, naming the parameters the notebook's results depend on."""
        values = {"outcomes": list(self.params.outcomes), "method": self.params.method,
                  "conf_level": self.params.conf_level, "alpha": self.params.alpha,
                  "published": self.published_sha256}
        return build_key(self.cohort.sha256, **{n: values[n] for n in names})

    def save(self, fragment) -> None:
        """Save this notebook's fragment for the report (and say where)."""
        path = save_fragment(fragment, self.output_dir)
        say(f"Saved for the report: `{path.parent.parent.name}/fragments/{path.name}`, cohort "
            f"SHA-256 `{self.cohort.sha256[:12]}…`.")


def start(cohort: str, output_dir: str, outcomes=None, method: str = DEFAULTS["method"],
          conf_level: float = DEFAULTS["conf_level"], alpha: float = DEFAULTS["alpha"],
          published: str | None = None, figure_formats=FIGURE_FORMATS, quiet: bool = False,
          read_rows: bool = True) -> Run:
    """Check the parameters, load and validate the cohort.

    Parameters
    ----------
    cohort : str
        The cohort CSV (data/README.md gives the format).
    output_dir : str
        Where fragments and figures are written.
    outcomes, method, conf_level, alpha
        See :func:`cohortstats.core.parameters.check_parameters`.
    published : str or None
        ``published.yml`` with the paper's numbers; empty or None for none.
    quiet : bool
        Do not print which cohort was loaded.
    read_rows : bool
        False for a notebook that needs only the cohort's SHA-256 (to check what
        the other notebooks saved): the file is hashed, not parsed.

    Returns
    -------
    Run

    Raises
    ------
    ParameterError, InputError
        One line naming the parameter or the file, row and column.
    """
    params = check_parameters(outcomes=outcomes, method=method, conf_level=conf_level, alpha=alpha)
    formats = check_formats(figure_formats)
    if not isinstance(output_dir, str) or not output_dir.strip():
        raise InputError(f"`output_dir` must name a folder; not {shown(output_dir)}.")
    if not read_rows:
        try:
            data = CohortFile(str(cohort), hashlib.sha256(Path(cohort).read_bytes()).hexdigest())
        except OSError as exc:
            raise InputError(f"cohort file {shown(str(cohort))} cannot be read ({exc.strerror})") from None
        quiet = True
    else:
        try:
            data = checked.load(cohort, outcomes=list(params.outcomes))
        except CohortError as exc:
            raise InputError(str(exc)) from None
    pub = Path(published) if published else None
    pub_sha = None
    if pub is not None:
        try:
            pub_sha = hashlib.sha256(pub.read_bytes()).hexdigest()
        except OSError as exc:
            raise InputError(f"published numbers {shown(str(pub))} cannot be read ({exc.strerror})") from None
    run = Run(cohort=data, params=params, output_dir=Path(output_dir), published=pub,
              published_sha256=pub_sha, figure_formats=formats)
    if not quiet:
        kind = ("the bundle's **reconstructed cohort — not patient records**" if data.reconstructed
                else "a **user-supplied cohort**")
        say(f"Cohort `{Path(cohort).name}`: {data.n} patients, {kind}; SHA-256 `{data.sha256[:12]}…`. "
            f"Outcomes: {', '.join(o.label_unit for o in data.outcomes)}.")
    return run


def say(markdown: str) -> None:
    """Show a sentence (Markdown) in the notebook; print it elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # pragma: no cover - IPython ships with the environment
        print(markdown)
        return
    if get_ipython() is None:
        print(markdown)
    else:
        display(Markdown(markdown))


def show(table, caption: str | None = None):
    """Show a table of formatted cells, introduced by a sentence, without a bare index.

    ``table`` is a :class:`cohortstats.report.tables.Table` (its caption introduces it) or a
    pandas DataFrame with ``caption``.
    """
    if hasattr(table, "frame"):
        caption, note = caption or table.caption + ":", table.note
        table = table.frame()
    else:
        note = ""
    say(caption)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover
        print(table.to_string(index=False))
        return
    if get_ipython() is None:
        print(table.to_string(index=False))
    else:
        # a fixed table id (pandas draws a random one), so executed notebooks are reproducible
        uid = hashlib.sha256((caption or "").encode()).hexdigest()[:8]
        display(table.style.hide(axis="index").set_uuid(f"t{uid}"))
    if note:
        say(note)


def upstream(run) -> dict:
    """The fragments of notebooks 1–3 in ``run.output_dir``, checked against this run.

    Raises
    ------
    cohortstats.results.FragmentError
        One line naming the fragment and what differs (another cohort, other parameters).
    """
    return load_fragments(run.output_dir, run.key("outcomes", "method", "conf_level", "alpha"),
                          names=("cohort", "outcomes", "sensitivity"))


def figure(path) -> None:
    """Show a saved SVG figure inline."""
    try:
        from IPython import get_ipython
        from IPython.display import SVG, display
    except ImportError:  # pragma: no cover
        return
    if get_ipython() is not None:
        display(SVG(filename=str(path)))


def environment() -> dict:
    """Versions of the software that computed the results, and the commit."""
    env = {"python": platform.python_version()}
    for pkg in ("cohortstats", "numpy", "pandas", "scipy", "matplotlib", "seaborn", "papermill",
                "ipykernel"):
        try:
            env[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            env[pkg] = "not installed"
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    env["commit"] = commit or "unknown (not a git checkout)"
    return env


def provenance(cohort) -> Provenance:
    """Where the data came from: the file's base name as given (never its folders), its hash."""
    name = PurePath(str(cohort.path)).name
    if not name.isprintable():
        name = shown(name)[1:-1]
    return Provenance(file=name, sha256=cohort.sha256, reconstructed=bool(cohort.reconstructed),
                      n=int(cohort.n), not_used=tuple(getattr(cohort, "not_used", ())))
