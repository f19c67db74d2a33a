"""Inline media over a corpus: per API and part type, how many parts are kept as a data URL,
only measured (too large, or a type pages do not show), linked by URL, or carry nothing.

    python3 -m bench.inline_media CORPUS_DIR
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

from app.loader import load_bytes
from app.model import MediaPart


def state(part: MediaPart) -> str:
    if part.data_url:
        return "data_url"
    if part.inline_bytes is not None:
        return "measured, not shown"
    return "url" if part.url else "nothing"


def main(root: Path) -> None:
    counts: collections.Counter[tuple[str, str, str]] = collections.Counter()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "MANIFEST.tsv"):
        cassette = load_bytes(path.read_bytes(), path.relative_to(root).as_posix())
        for it in cassette.interactions:
            for msg in (*it.messages, *((it.response,) if it.response else ())):
                for part in msg.parts:
                    if isinstance(part, MediaPart):
                        counts[(it.api, part.type, state(part))] += 1
    for (api, kind, how), n in sorted(counts.items()):
        print(f"{api}\t{kind}\t{how}\t{n}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
