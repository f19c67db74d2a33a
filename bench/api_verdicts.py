"""Per-interaction verdicts over a corpus of cassettes, to compare decoder changes.

    python3 -m bench.api_verdicts CORPUS_DIR > before.tsv     # on one branch
    python3 -m bench.api_verdicts CORPUS_DIR > after.tsv      # on another
    python3 -m bench.api_verdicts --compare before.tsv after.tsv

A verdict is what a reader of `show` would notice first: the API, whether the interaction has
a response, an error or a summary, whether the response is empty, and how many unknown parts
and warnings it carries.
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

from app.loader import load_bytes
from app.model import Interaction, UnknownPart


def verdict(it: Interaction) -> str:
    resp = it.response
    parts = resp.parts if resp is not None else ()
    text = bool(resp and any(getattr(p, "text", None) or p.type == "tool_call" for p in parts))
    unknown = sum(isinstance(p, UnknownPart) for p in parts)
    return "|".join(
        (
            it.api,
            "response" if text else ("empty-response" if resp is not None else "no-response"),
            "error" if it.error else "-",
            "summary" if it.summary else "-",
            f"unknown={unknown}",
            f"warnings={len(it.warnings)}",
            f"finish={it.finish_reason}",
            f"stream={it.streaming}",
        )
    )


def scan(root: Path) -> None:
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "MANIFEST.tsv"):
        rel = path.relative_to(root).as_posix()
        cas = load_bytes(path.read_bytes(), rel)
        for it in cas.interactions:
            print(f"{rel}\t{it.index}\t{verdict(it)}")


def compare(before: Path, after: Path) -> None:
    def rows(p: Path) -> dict[tuple[str, str], str]:
        out = {}
        for line in p.read_text(encoding="utf-8").splitlines():
            f, i, v = line.split("\t")
            out[(f, i)] = v
        return out

    old, new = rows(before), rows(after)
    changed: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    for key, v in new.items():
        api = v.split("|")[0]
        total[api] += 1
        if old.get(key) != v:
            changed[api] += 1
            print(f"{key[0]}#{key[1]}: {old.get(key)} -> {v}", file=sys.stderr)
    for api in sorted(total):
        print(f"{api}\t{changed[api]}/{total[api]} changed")
    print(f"lost\t{len(set(old) - set(new))}")


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        compare(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        scan(Path(sys.argv[1]))
