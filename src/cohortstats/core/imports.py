"""What importing the notebook stack costs, and the one thing done about it."""
from __future__ import annotations

import sys

__all__ = ["without_iri_grammar"]


def without_iri_grammar() -> None:
    """Let jsonschema skip its "iri" format checker, as nbformat never validates IRIs.

    jsonschema imports ``rfc3987_syntax`` for that checker when it is installed,
    which compiles a large grammar at import (about 1.5 s of CPU here, in every
    process that imports nbformat: papermill, nbconvert). With the module marked
    absent, jsonschema leaves the checker out. Call it before nbformat is imported.
    """
    sys.modules.setdefault("rfc3987_syntax", None)
