"""CSV downloads of list pages, written one way so every table is safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from starlette.responses import Response


def cells(values: Iterable[Any]) -> list[Any]:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    out = []
    for v in values:
        if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
            v = "'" + v
        out.append("" if v is None else v)
    return out


def csv_response(name: str, header: Sequence[str], rows: Iterable[Iterable[Any]]) -> Response:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(cells(r) for r in rows)
    return Response(
        buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
