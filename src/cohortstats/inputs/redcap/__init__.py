"""REDCap exports, read as REDCap writes them: records (raw or label, flat, longitudinal with
``redcap_event_name``), the data dictionary (the web page's 18 headers or the API's snake_case
names) and a mapping file naming which field holds which cohort column.

    export = read_export("records.csv", "dictionary.csv", "mapping.yml")
    export.cohort        # pandas DataFrame in data/README.md's columns, study ids S001, …
    export.summary       # what was read and what was left out (identifiers, dates, missing codes)

Fields marked ``Identifier? = y`` and every date field are never read into the cohort; the
record id is replaced by a study id; missing-data codes count as not recorded and are counted.
"""
from cohortstats.inputs.redcap.dictionary import Field, RedcapError, read_dictionary
from cohortstats.inputs.redcap.mapping import Mapping, read_mapping
from cohortstats.inputs.redcap.records import Export, read_export, write_cohort_csv

__all__ = ["Field", "RedcapError", "read_dictionary", "Mapping", "read_mapping", "Export", "read_export",
           "write_cohort_csv"]
