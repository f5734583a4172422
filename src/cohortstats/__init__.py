"""Cohort statistics and the reproducible report for Wu et al., Lupus 2017;26(6):646-649.

The package's folders are the flow of the data, each importing only those below it
(an import-linter "layers" contract in pyproject.toml, checked by ``make test-fast``):

``core``      paths, parameters, notebook names, errors, rounding, vocabulary, files
``results``   the contract: records, their codec, the build key and fragments
``stats``     the signed-rank engine, summaries, sensitivity, claims, forensics
``inputs``    reading and checking a cohort, identifiers, the reconstruction
``report``    prose, tables, figures, the page, Word, PDF, notebook pages
``steps``     one function per notebook cell
``pipeline``  the build: notebooks, publishing, the lab
"""
__version__ = "0.1.0"
