"""Where a build's cohort table comes from when it is not a cohort file: an OMOP CDM, a REDCap export.

``make report CDM=<url>`` (and ``make cohort CDM=<url> OUT=cohort.csv``) extract the
cohort inside the database with the steps notebook ``00-extract`` runs, into
``<build>/source/cohort.csv``; the rest of the build reads that file as it reads a
cohort file, and the report says where it came from (:class:`cohortstats.results.Source`).
The extraction runs every time: the warehouse may have changed, and the build is keyed
by the extracted file's SHA-256 and the definition's, so the report is never stale.

``make report REDCAP=… REDCAP_DICTIONARY=… REDCAP_MAPPING=…`` reads a REDCap export's files;
``make report REDCAP_URL=… REDCAP_MAPPING=…`` first fetches the same two files from the REDCap
API into ``<build>/source/redcap/`` (every time, as the extraction runs), then reads them the
same way: the build is keyed by their SHA-256s.
"""
from __future__ import annotations

from pathlib import Path

from cohortstats.core.files import write_atomic
from cohortstats.results import Source, dumps

__all__ = ["from_cdm", "from_redcap", "SOURCE_DIR"]

#: Folder of the build directory holding the extracted cohort and its record.
SOURCE_DIR = "source"


def from_cdm(cdm: str, schema: str, definition_path, folder: Path, say=print,
             out: Path | None = None) -> tuple[Path, Source]:
    """Extract the cohort of ``definition_path`` from ``cdm`` into ``folder``/cohort.csv.

    Parameters
    ----------
    cdm : str
        A URL, or a connection name (:func:`cohortstats.steps.extract.resolve_cdm`).
    schema : str
        The CDM's schema, or "".
    definition_path : str or Path
    folder : Path
        Where ``cohort.csv`` and ``source.json`` are written (atomically).
    out : Path, optional
        Write the cohort file there instead (``make cohort OUT=``).

    Returns
    -------
    (Path, Source)

    Raises
    ------
    cohortstats.inputs.omop.OmopError
        One line, any password masked.
    """
    from cohortstats.inputs.omop import extract, load_definition, mask_url, write_cohort_csv
    from cohortstats.inputs.omop.source import cdm_source_name, to_source
    from cohortstats.steps.extract import resolve_cdm

    url = resolve_cdm(cdm)
    definition = load_definition(definition_path)
    extraction = extract(url, definition, schema=schema or None)
    source = to_source(extraction, definition, cdm_source_name(url, schema or None))
    csv = Path(out) if out is not None else Path(folder) / "cohort.csv"
    csv.parent.mkdir(parents=True, exist_ok=True)
    write_cohort_csv(extraction, csv)  # OMB race words, as the loader reads them
    if out is None:
        write_atomic(Path(folder) / "source.json", dumps(source))
    steps = " → ".join(f"{s.n:,}" for s in extraction.attrition)
    say(f"  extracted {extraction.n} patients from {mask_url(url)} (attrition {steps})")
    return csv, source


def from_redcap(records, dictionary, mapping, folder: Path, say=print,
                out: Path | None = None, url: str = "") -> tuple[Path, Source]:
    """Read a REDCap export (:func:`cohortstats.inputs.redcap.read_export`) into ``folder``/cohort.csv.

    With ``url`` (``make report REDCAP_URL=``), the records and the data dictionary are first
    fetched from the REDCap API (:func:`cohortstats.inputs.redcap.api.fetch_export`, the token
    from ``$REDCAP_API_TOKEN``) into ``folder``/redcap/, and read from there as files are:
    the build is then keyed by what was fetched.

    Returns
    -------
    (Path, Source)

    Raises
    ------
    cohortstats.inputs.redcap.RedcapError
        One line naming the file, row and column (or the API's host; never the token).
    """
    from cohortstats.inputs.redcap import read_export, write_cohort_csv
    from cohortstats.results import AttritionStep, ValueCount

    fetched = None
    if url:
        from cohortstats.inputs.redcap.api import fetch_export

        fetched = fetch_export(url, mapping, Path(folder) / "redcap")
        records, dictionary = fetched.records, fetched.dictionary
    export = read_export(records, dictionary, mapping)
    n = len(export.cohort)
    values = tuple(ValueCount(c, int((export.cohort[c] != "").sum()), int((export.cohort[c] == "").sum()),
                              int(export.missing.get(c, 0)), "missing-data code, read as not recorded")
                   for c in export.cohort.columns if c != "patient_id")
    source = Source(kind="REDCap export", name="", files=export.files,
                    attrition=(AttritionStep("records in the export", export.n_records),
                               AttritionStep("analysed", n)),
                    values=values, notes=_redcap_notes(export, fetched),
                    definition=Path(mapping).read_text(encoding="utf-8"))
    csv = Path(out) if out is not None else Path(folder) / "cohort.csv"
    write_cohort_csv(export, csv)
    if out is None:
        write_atomic(Path(folder) / "source.json", dumps(source))
    if fetched is not None:
        say(f"  fetched {export.n_records} records from the REDCap API at {fetched.host}")
    say(f"  read {n} patients from the REDCap export {Path(records).name}")
    return csv, source


def _redcap_notes(export, fetched) -> tuple:
    """The report's sentences on what was read (and, from the API, fetched) and left out."""
    events = f" events {', '.join(export.events)} joined into one row per record;" if export.events else ""
    notes = [f"REDCap export of {export.n_records} records;{events} record ids replaced by study ids.",
             f"{export.left_out_identifiers} identifier field(s) (Identifier? = y) and "
             f"{export.left_out_dates} date field(s) of the dictionary were left out: never read."]
    if fetched is not None:
        notes.insert(0, f"Fetched from the REDCap API at {fetched.host} (PyCap): the data dictionary, and "
                        f"the records as REDCap's flat CSV export, raw, of the record id and the "
                        f"{len(fetched.fields) - 1} field(s) the mapping names"
                        + (f", events {', '.join(fetched.events)}" if fetched.events else "")
                        + "; identifier and date fields were never asked for.")
    return tuple(notes)
