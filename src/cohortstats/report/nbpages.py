"""The executed notebooks as pages, and which cell of them computed each number.

``reports/notebooks/<name>.html`` is the executed notebook rendered by nbconvert's
``lab`` template, offline: the template's script tags (require.js, MathJax,
Mermaid, widgets — all from a CDN) are overridden with nothing, images are
embedded, and a page that would still load anything is refused. nbconvert puts
``id="cell-id=<nbformat cell id>"`` on every cell; the notebooks' cell ids are
stable names (``counts``, ``summaries``, ``test``), so a number's link
``notebooks/02-outcomes.html#cell-id=summaries`` opens the cell that computed it.
What would differ between two builds of the same inputs is fixed on the page:
papermill's random id of the injected-parameters cell, the build folder's path in
it, and the random ids pandas gives styled tables.

:data:`CELLS` is the one place that says which cell computes which values of
``results.json``; :class:`Links` turns a :class:`cohortstats.report.prose.Number` into
its link and refuses a key that no cell of the executed notebooks computes.
"""
from __future__ import annotations

import html.parser
import json
import re
import sys
from pathlib import Path
from cohortstats.core.imports import without_iri_grammar

__all__ = ["CELLS", "ANCHOR", "cell_of", "anchor", "Links", "export_notebook"]

#: nbconvert's id attribute for a cell: ``cell-id=<id>`` (templates/base/cell_id_anchor.j2).
ANCHOR = "cell-id="

#: (top-level key of results.json, field) -> (notebook, cell id). The field is the part
#: after the outcome's name for ``outcomes.<name>.<field>``, else the second part of the
#: key; ``None`` matches any field not listed.
CELLS = {
    ("cohort", "n"): ("01-cohort", "counts"),
    ("cohort", "female"): ("01-cohort", "counts"),
    ("cohort", "african_american"): ("01-cohort", "counts"),
    ("cohort", None): ("01-cohort", "table1"),
    ("table1", None): ("01-cohort", "table1"),
    ("provenance", None): ("01-cohort", "start"),
    ("outcomes", "test"): ("02-outcomes", "test"),
    ("outcomes", "variants"): ("02-outcomes", "variants"),
    ("outcomes", "figure"): ("02-outcomes", "figures"),
    ("outcomes", None): ("02-outcomes", "summaries"),
    ("leave_one_out", None): ("03-sensitivity", "loo"),
    ("claims", "consistency"): ("04-claims", "consistency"),
    ("claims", None): ("04-claims", "claims"),
}

#: Cell id given to papermill's injected-parameters cell (papermill makes a random one).
INJECTED = "injected-parameters"


def cell_of(key: str) -> tuple[str, str]:
    """The (notebook, cell id) that computes the value at dotted path ``key``.

    >>> cell_of("outcomes.prednisone_mg.baseline.mean")
    ('02-outcomes', 'summaries')
    >>> cell_of("outcomes.esr_mm_hr.test.conf_int.0")
    ('02-outcomes', 'test')
    """
    parts = key.split(".")
    top = parts[0]
    field = parts[2] if top == "outcomes" and len(parts) > 2 else (parts[1] if len(parts) > 1 else None)
    found = CELLS.get((top, field)) or CELLS.get((top, None))
    if found is None:
        known = sorted({t for t, _ in CELLS})
        raise ValueError(f"`key` must start with one of {known}; not {key!r} (no notebook cell "
                         "computes it: add it to cohortstats.report.nbpages.CELLS)")
    return found


def anchor(cell_id: str) -> str:
    """The fragment of a cell's link: ``cell-id=summaries``."""
    return ANCHOR + cell_id


def _cell_ids(nb_path: Path) -> set[str]:
    nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
    return {c["id"] for c in nb.get("cells", []) if c.get("id")}


class Links:
    """Each number's link to the cell that computed it, checked against the executed notebooks.

    Parameters
    ----------
    notebooks_dir : str or Path
        The build's executed notebooks (``<build>/notebooks/<name>.ipynb``).
    base : str
        URL of the pages' folder, relative to the report (``notebooks/``).

    Calling it with a :class:`cohortstats.report.prose.Number` gives
    ``notebooks/<source>.html#cell-id=<cell>``; a key that :func:`cell_of` does not
    know, a cell missing from the executed notebook, or a Number whose ``source``
    names another notebook than :data:`CELLS` raises ``ValueError``.
    """

    def __init__(self, notebooks_dir, base: str = "notebooks/"):
        self.dir = Path(notebooks_dir)
        self.base = base
        self._ids: dict[str, set[str]] = {}

    def ids(self, notebook: str) -> set[str]:
        if notebook not in self._ids:
            path = self.dir / f"{notebook}.ipynb"
            if not path.is_file():
                raise ValueError(f"executed notebook {path.name} is missing from {self.dir}; the "
                                 "build is incomplete")
            self._ids[notebook] = _cell_ids(path)
        return self._ids[notebook]

    def target(self, number) -> tuple[str, str]:
        notebook, cell = cell_of(number.key)
        if number.source != notebook:
            raise ValueError(f"{number.key} is computed in {notebook} (cohortstats.report.nbpages.CELLS), "
                             f"but its Number names {number.source}")
        if cell not in self.ids(notebook):
            raise ValueError(f"{notebook}.ipynb has no cell {cell!r}, which computes {number.key}")
        return notebook, cell

    def __call__(self, number) -> str:
        notebook, cell = self.target(number)
        return f"{self.base}{notebook}.html#{anchor(cell)}"


# --------------------------------------------------------------------------- pages

#: The lab template without anything it would load from the network.
_OFFLINE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
_OFFLINE_NAME = "cohortstats-offline.html.j2"


class _Refs(html.parser.HTMLParser):
    """Ids, and what a page would load (src of any element, href of <link>)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.loads: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "script":
            self.scripts += 1
        for name in ("src", "srcset", "poster", "data") + (("href",) if tag == "link" else ()):
            v = a.get(name)
            if v and not v.startswith(("data:", "#")):
                self.loads.append(v)


def _exporter():
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", template_file=_OFFLINE_NAME,
                        extra_loaders=[jinja2.DictLoader({_OFFLINE_NAME: _OFFLINE})],
                        embed_images=True)


_STYLER_TABLE = re.compile(r'<table id="T_([0-9a-f]{5,})"')


def _fix_styler_ids(nb) -> None:
    """Number pandas Styler tables' random ids (``T_f63ab``) T_1, T_2, … in order, in every output."""
    n = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            text = data.get("text/html")
            if not text:
                continue
            joined = "".join(text) if isinstance(text, list) else text
            for uid in dict.fromkeys(_STYLER_TABLE.findall(joined)):
                n += 1
                joined = re.sub(rf"\bT_{uid}(?![0-9a-f])", f"T_{n}", joined)
            data["text/html"] = joined


def export_notebook(nb_path, masks: dict | None = None, exporter=None) -> str:
    """One executed notebook as a self-contained HTML page.

    Parameters
    ----------
    nb_path : str or Path
        The executed notebook.
    masks : dict, optional
        Text -> replacement in papermill's injected-parameters cell (the build
        folder's path, which differs between two otherwise identical builds).
    exporter : nbconvert.HTMLExporter, optional
        Reused between notebooks.

    Returns
    -------
    str
        The page; every cell carries ``id="cell-id=<cell id>"``.

    Raises
    ------
    ValueError
        The page would load something (a script, a style sheet, an image) from
        outside itself.
    """
    import nbformat

    nb_path = Path(nb_path)
    nb = nbformat.reads(nb_path.read_text(encoding="utf-8"), as_version=4)
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = INJECTED  # papermill's id is random
            for text, replacement in (masks or {}).items():
                cell["source"] = cell["source"].replace(text, replacement)
    _fix_styler_ids(nb)
    exporter = exporter or _exporter()
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": nb_path.stem}})
    refs = _Refs()
    refs.feed(body)
    if refs.loads or refs.scripts:
        raise ValueError(f"notebook page {nb_path.stem}.html would load {refs.loads[:3]} "
                         f"({refs.scripts} scripts); it must be self-contained")
    return body


def warm_exporter():
    """The exporter with its templates loaded: a page of an empty notebook made and dropped."""
    import nbformat

    exporter = _exporter()
    exporter.from_notebook_node(nbformat.v4.new_notebook(), resources={"metadata": {"name": "warm"}})
    return exporter


def export_notebooks(notebooks_dir, out_dir, masks: dict | None = None, exporter=None) -> list[Path]:
    """:func:`export_notebook` for every ``*.ipynb`` of ``notebooks_dir``, into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    exporter = exporter or _exporter()
    written = []
    for nb in sorted(Path(notebooks_dir).glob("*.ipynb")):
        target = out_dir / f"{nb.stem}.html"
        target.write_text(export_notebook(nb, masks, exporter), encoding="utf-8")
        written.append(target)
    return written


def main(argv=None) -> int:
    """``python -m cohortstats.report.nbpages NOTEBOOKS_DIR OUT_DIR [--masks JSON]``, or ``--gate``.

    With ``--gate`` the arguments come later: nbconvert is imported and its templates loaded
    first, then one line of standard input is read, a JSON object with ``notebooks_dir``,
    ``out_dir`` and ``masks``; end of input ends it with nothing written. The build starts
    it so while a core would idle (``pipeline/publish``).
    """
    import argparse

    ap = argparse.ArgumentParser(prog="python -m cohortstats.report.nbpages",
                                 description="Render executed notebooks as self-contained pages.")
    ap.add_argument("notebooks_dir", nargs="?")
    ap.add_argument("out_dir", nargs="?")
    ap.add_argument("--masks", default="{}", help="JSON object: text -> replacement in the "
                    "injected-parameters cell")
    ap.add_argument("--gate", action="store_true", help="warm up, then read the arguments as "
                    "one JSON line on standard input")
    args = ap.parse_args(argv)
    if not args.gate and not (args.notebooks_dir and args.out_dir):
        ap.error("NOTEBOOKS_DIR and OUT_DIR are needed (or --gate)")
    without_iri_grammar()
    exporter = None
    if args.gate:
        exporter = warm_exporter()
        line = sys.stdin.readline()
        if not line.strip():
            return 0
        given = json.loads(line)
        args.notebooks_dir, args.out_dir = given["notebooks_dir"], given["out_dir"]
        args.masks = json.dumps(given.get("masks", {}))
    try:
        export_notebooks(args.notebooks_dir, args.out_dir, json.loads(args.masks), exporter)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    from cohortstats.core.process import exit_now

    exit_now(main())  # the pages are written: the build need not wait for nbconvert's teardown
