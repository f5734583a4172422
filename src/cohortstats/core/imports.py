"""What importing the notebook stack costs or says, and what is done about it."""
from __future__ import annotations

import os
import sys

__all__ = ["without_iri_grammar", "without_debugpy_warning"]


def without_iri_grammar() -> None:
    """Let jsonschema skip its "iri" format checker, as nbformat never validates IRIs.

    jsonschema imports ``rfc3987_syntax`` for that checker when it is installed,
    which compiles a large grammar at import (about 1.5 s of CPU here, in every
    process that imports nbformat: papermill, nbconvert). With the module marked
    absent, jsonschema leaves the checker out. Call it before nbformat is imported.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def without_debugpy_warning() -> None:
    """Let ipykernel's debugger (debugpy) be imported without its warning about frozen modules.

    debugpy checks at import that it could set breakpoints in the standard library and, in a
    Python with frozen modules, prints four lines to standard error. A process that imports it
    ahead for kernels (the build's kernels' zygote, ``make env``'s bytecode warming) would put
    them on the build's or the install's output. Only this process's environment is changed: a
    kernel forked from the zygote takes its launcher's. Call it before the import.
    """
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
