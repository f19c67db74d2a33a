"""Where the corpus of real cassettes is, and its MANIFEST, for the tests that read them.

The corpus is not part of the repository: `TAPEDECK_CORPUS` names its folder, and without it the
tests look beside the repository (`../shared/corpus`). Parametrized tests list their files when
pytest collects them, before any fixture runs, so they read the manifest here; with no corpus
there are no rows and those tests skip with `SKIP_REASON`.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

_BESIDE = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CORPUS = Path(os.environ.get("TAPEDECK_CORPUS") or _BESIDE).resolve()
SKIP_REASON = f"no corpus of real cassettes at {CORPUS}; set TAPEDECK_CORPUS to run these tests"


def manifest_rows() -> list[dict[str, str]]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    with manifest.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
