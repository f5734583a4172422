"""``python -m cohortstats.inputs.omop --cdm URL --out cohort.csv``: extract a cohort from a CDM.

One line on failure (``error: ...``, password masked) and exit status 1; usage errors exit 2.
The cohort file and the attrition JSON are written atomically (a temporary file beside, renamed
whole): a failed run leaves no partial file and leaves an earlier file in place.
"""
from __future__ import annotations

import argparse
import json
import sys

from .definition import load_definition
from .errors import OmopError, mask_url, scrub
from .extract import attrition_dict, extract, write_cohort_csv, write_text_atomically

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, secrets scrubbed (a URL may sit in the message)
        print(f"error: {scrub(message, ' '.join(sys.argv))}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="python -m cohortstats.inputs.omop",
                 description="Extract the cohort of a definition from an OMOP CDM into a cohort file.")
    ap.add_argument("--cdm", required=True,
                    help="duckdb:///path/cdm.duckdb, postgresql://user@host:5432/db, or any ibis URL "
                         "(prefer PGPASSWORD or ~/.pgpass to a password in the URL)")
    ap.add_argument("--schema", default=None, help="the schema holding the CDM tables")
    ap.add_argument("--definition", default="data/omop_cohort.yml", help="the cohort definition")
    ap.add_argument("--out", required=True, help="the cohort CSV to write")
    ap.add_argument("--attrition", default=None, help="also write the attrition as JSON here")
    ap.add_argument("--races", choices=("omb", "paper"), default="omb",
                    help="race words: OMB (default) or the paper's (today's loader)")
    return ap


def main(argv=None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        definition = load_definition(args.definition)
        extraction = extract(args.cdm, definition, schema=args.schema)
        write_cohort_csv(extraction, args.out, races=args.races)
        if args.attrition:
            text = json.dumps(attrition_dict(extraction), indent=2, sort_keys=True) + "\n"
            write_text_atomically(args.attrition, text)
    except OmopError as exc:
        print(f"error: {scrub(str(exc), args.cdm)}", file=sys.stderr)
        return 1
    steps = " → ".join(str(s.n) for s in extraction.attrition)
    print(f"cohort: {args.out} — {extraction.n} patients from {mask_url(args.cdm)} (attrition {steps})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
