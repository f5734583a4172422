"""The one-line verdict of a built report, and `make verify`.

Reads only ``results.json`` (standard library only), so a no-op ``make report``
stays fast.

``python -m cohortstats.verdict [summary|verify] [reports/results.json]``
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def summary_line(results_path) -> str:
    """``Report: <path> — 13/13 published numbers reproduced (<cohort>)``."""
    r = json.loads(Path(results_path).read_text(encoding="utf-8"))
    s = r["claims_summary"]
    kind = "reconstructed cohort" if r["provenance"]["reconstructed"] else r["provenance"]["file"]
    return (f"Report: {Path(results_path).with_name('results.html')} — {s['reproduced']}/{s['total']} "
            f"published numbers reproduced ({kind})")


def main(argv=None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    cmd = args.pop(0) if args and args[0] in ("summary", "verify") else "summary"
    path = args[0] if args else "reports/results.json"
    try:
        line = summary_line(path)
        bad = [c for c in json.loads(Path(path).read_text(encoding="utf-8"))["claims"]
               if not c["reproduced"]]
    except (OSError, ValueError, KeyError) as exc:
        print(f"error: {path}: cannot read the results ({exc})", file=sys.stderr)
        return 2
    if cmd == "verify":
        for c in bad:
            print(f"not reproduced: {c['id']}: published {c['published']}, computed {c['computed']}",
                  file=sys.stderr)
    print(line)
    return 1 if cmd == "verify" and bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
