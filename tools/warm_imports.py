"""Import what a build imports, so that Python compiles it once and keeps the bytecode.

    python tools/warm_imports.py kernel|driver

Called by tools/setup-env.sh, the two groups side by side (each is about half of the work):
``kernel`` is what the notebooks' kernels import, ``driver`` what the pipeline, papermill and
publishing import. A module left out is not an error: Python compiles it on first import.
"""
import importlib
import sys

GROUPS = {
    "kernel": ["ipykernel.kernelapp", "cohortstats.steps.characteristics", "cohortstats.steps.before_after",
               "cohortstats.steps.sensitivity", "cohortstats.steps.claims", "scipy.stats", "seaborn",
               "matplotlib.backends.backend_svg", "matplotlib.backends.backend_pdf",
               "matplotlib.backends.backend_agg", "fontTools.subset", "PIL.PngImagePlugin",
               "pyarrow.parquet"],
    "driver": ["cohortstats.pipeline.main", "cohortstats.pipeline.build", "cohortstats.pipeline.publish",
               "cohortstats.inputs.cohortfile", "cohortstats.inputs.checked", "papermill",
               "jupyter_client.manager", "nbconvert", "cohortstats.report.nbpages", "cohortstats.report.word",
               "cohortstats.report.render", "docx", "playwright.sync_api", "yaml", "jinja2"],
}


def main(group: str) -> int:
    for name in GROUPS[group]:
        try:
            importlib.import_module(name)
        except Exception:  # compiled as far as it got; the build will say what is wrong
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
