"""The report as a Word document: ``reports/results.docx``, written with python-docx.

What a journal's submission system takes: the title, the provenance notice, the
Results prose (:func:`cohortstats.report.prose.results_sentences`), Table 1 as a real
Word table, each figure (its 600 dpi PNG) with its legend, and the published
numbers against the reproduced ones. Every cell and sentence is the one the HTML
report prints (:func:`cohortstats.report.render.tables`): nothing is formatted twice.

Word files are zip archives stamped with the time they were written (core
properties and each zip entry); :func:`write_docx` fixes both, so two builds of
the same inputs give the same bytes.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from cohortstats.report.prose import Number, header, methods, notice, plain, results_sentences
from cohortstats.report.flow import flow_alt, flow_png
from cohortstats.report.render import page_title, tables

__all__ = ["FIXED_TIME", "build_document", "write_docx", "fixed_zip"]

#: The time written into the document and its zip entries (the zip format's earliest).
FIXED_TIME = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)
_FIGURE_WIDTH_IN = 6.5


def _cell_text(cell) -> str:
    return cell.text if isinstance(cell, Number) else str(cell)


def _table(doc, t) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc.add_paragraph(t.caption, style="Caption")
    table = doc.add_table(rows=1, cols=len(t.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(t.headers):
        cell = table.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(h))
        run.bold = True
        if i in t.numeric:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _repeat_header(table.rows[0])
    for row in t.rows:
        cells = table.add_row().cells
        for i, value in enumerate(row):
            cells[i].text = _cell_text(value)
            if i in t.numeric:
                cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if t.note:
        doc.add_paragraph(t.note)


def _repeat_header(row) -> None:
    """Mark a table's first row as its header (repeated on each page, read as such)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _core_properties(doc, results) -> None:
    cp = doc.core_properties
    cp.title = page_title(results)
    cp.subject = (results.claims.source or {}).get("citation", "") if results.claims.published else ""
    cp.author = "cohortstats (reproducible bundle)"
    cp.last_modified_by = "cohortstats"
    cp.comments = f"Build {results.build}; cohort SHA-256 {results.provenance.sha256}"
    cp.keywords = "reproduction; lenalidomide; pediatric SLE; Wilcoxon signed-rank"
    cp.category = "Results"
    cp.revision = 1
    cp.created = cp.modified = cp.last_printed = FIXED_TIME.replace(tzinfo=None)


def build_document(results, figures_dir):
    """The Word document (a ``docx.Document``), not yet saved.

    Parameters
    ----------
    results : cohortstats.results.Results
    figures_dir : str or Path
        Where the figures' PNG files are.
    """
    import docx
    from docx.shared import Inches

    figures_dir = Path(figures_dir)
    t = tables(results)
    comparison = results.claims.published is not None
    doc = docx.Document()
    _core_properties(doc, results)
    doc.add_heading(page_title(results), level=0)
    if header(results):
        doc.add_paragraph(plain(header(results)))
    lead, text = notice(results)
    p = doc.add_paragraph(style="Intense Quote")
    p.add_run(lead).bold = True
    p.add_run(" " + text)
    prov = results.provenance
    doc.add_paragraph(f"Cohort file {prov.file}; SHA-256 {prov.sha256}; {prov.n} patients; "
                      f"code version {results.key.version}.")
    for col, why in prov.not_used:
        doc.add_paragraph(f"Column not used: {col}: {why}.", style="List Bullet")

    if results.source is not None:
        _source(doc, results.source, t)

    doc.add_heading("Results", level=1)
    for sentence in results_sentences(results):
        doc.add_paragraph(plain(sentence))

    doc.add_heading("Table 1. Patient characteristics", level=1)
    _table(doc, t["table1"])

    figures = [o.figure for o in results.outcomes.values() if o.figure is not None]
    if figures:
        doc.add_heading("Figures", level=1)
    for i, fig in enumerate(figures, 1):
        png = next((f for f in fig.files if f.endswith(".png")), None)
        if png is None:
            raise ValueError(f"figure {fig.stem} has no PNG among {list(fig.files)}")
        doc.add_picture(str(figures_dir / png), width=Inches(_FIGURE_WIDTH_IN))
        doc.paragraphs[-1].runs[-1]._r.xpath(".//wp:docPr")[0].set("descr", fig.alt)
        doc.add_paragraph(f"Figure {i}. {fig.caption}", style="Caption")

    if comparison:
        doc.add_heading("Published vs reproduced", level=1)
        doc.add_paragraph(f"{results.claims.reproduced} of {results.claims.total} published numbers "
                          "reproduced.")
        _table(doc, t["claims"])
    return doc


def _source(doc, source, t) -> None:
    """Where the cohort came from: the attrition table and flow diagram, the values found."""
    from docx.shared import Inches

    doc.add_heading(f"Where the cohort came from: {source.kind}", level=1)
    files = "; ".join(f"{name} (SHA-256 {sha})" for name, sha in source.files)
    doc.add_paragraph(" ".join([f"Cohort definition: {files}.", *source.notes]))
    _table(doc, t["attrition"])
    doc.add_picture(io.BytesIO(flow_png(source.attrition)), width=Inches(_FIGURE_WIDTH_IN))
    doc.paragraphs[-1].runs[-1]._r.xpath(".//wp:docPr")[0].set("descr", flow_alt(source.attrition))
    doc.add_paragraph("Flow of persons through the cohort definition.", style="Caption")
    _table(doc, t["values"])


def fixed_zip(data: bytes) -> bytes:
    """The same zip archive with every entry stamped :data:`FIXED_TIME` (order and content kept).

    The pictures (``word/media/``: PNG, compressed already) are stored, the XML deflated:
    deflating a 600 dpi PNG again costs a build about half a second and saves a few percent.
    """
    out = io.BytesIO()
    stamp = FIXED_TIME.timetuple()[:6]
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = (zipfile.ZIP_STORED if info.filename.startswith("word/media/")
                                   else zipfile.ZIP_DEFLATED)
            fixed.create_system = 3
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_docx(results, figures_dir, out) -> Path:
    """Write ``results.docx`` (:func:`build_document`) with fixed timestamps; return its path."""
    buf = io.BytesIO()
    build_document(results, figures_dir).save(buf)
    out = Path(out)
    out.write_bytes(fixed_zip(buf.getvalue()))
    return out
