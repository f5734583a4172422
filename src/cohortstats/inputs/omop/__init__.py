"""Extract the paper's cohort from an OMOP Common Data Model warehouse, inside the engine (ibis).

    definition = load_definition("data/omop_cohort.yml")
    extraction = extract("duckdb:///path/cdm.duckdb", definition)
    write_cohort_csv(extraction, "cohort.csv")

The command line: ``python -m cohortstats.inputs.omop --cdm URL --out cohort.csv``.
"""
from .definition import (ConceptSet, Definition, DoseOutcome, Findings, MeasurementOutcome, Response,
                         load_definition)
from .errors import OmopError, mask_url
from .extract import (Extraction, OutcomeCounts, Step, attrition_dict, cohort_csv_text, extract,
                      write_cohort_csv)

__all__ = ["ConceptSet", "Definition", "DoseOutcome", "Findings", "MeasurementOutcome", "Response",
           "load_definition",
           "OmopError", "mask_url", "Extraction", "OutcomeCounts", "Step", "attrition_dict",
           "cohort_csv_text", "extract", "write_cohort_csv"]
