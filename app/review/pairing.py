"""Pairing the files a pull request moved: a rename git did not see is still one cassette.

git pairs a removed and an added file only when their bytes are near-identical, and a
re-recorded cassette is not: its ids, timestamps and often its model changed with its name
(`test_chat[gpt-4o].yaml` → `test_chat[gpt-4.1].yaml`, `x.httprr` → `x.httprr.gz`). Here the
remaining added and removed cassettes are paired by what they hold: the same requests (method,
endpoint and input messages, whatever the model), else the same test name once the `.gz`
suffix and the models it recorded are taken out of the file name. Both lookups go through
dictionaries, so the cost grows with the number of files, not its square.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Callable

from app.model import Cassette
from app.review.git import ChangedFile
from app.review.parts import canonical, message_signature
from app.review.values import without_ids

MovedBy = str  # "git", "requests" or "name"
# Share of the requests two files must have in common to be one cassette moved.
_SHARED = 0.6


def _requests(c: Cassette) -> Counter[str]:
    """What each interaction asked, without the model or generated ids."""
    out: Counter[str] = Counter()
    for it in c.interactions:
        path = without_ids(it.url.split("?", 1)[0])
        out[canonical([it.method, path, [message_signature(m) for m in it.messages]])] += 1
    return out


def test_name(path: str, c: Cassette) -> str:
    """The file name without `.gz` and without the models it recorded, in any spelling."""
    name = posixpath.basename(path).removesuffix(".gz")
    for model in sorted({i.model for i in c.interactions if i.model}, key=len, reverse=True):
        variants = {model, model.replace(".", "-"), model.replace("-", "_").replace(".", "_")}
        for v in sorted(variants, key=len, reverse=True):
            name = name.replace(v, "")
    return re.sub(r"[-_.\[\]()]+", "_", name).strip("_")


def pair_moves(
    changes: list[ChangedFile], load: Callable[[bool, str], Cassette]
) -> tuple[list[ChangedFile], dict[str, MovedBy]]:
    """CHANGES with added/removed pairs that are one cassette turned into renames.

    `load(at_head, path)` reads a side; the answer's dict says which rule paired each new path.
    """
    moved_by: dict[str, MovedBy] = {c.path: "git" for c in changes if c.kind == "renamed"}
    added = [c for c in changes if c.kind == "added"]
    removed = [c for c in changes if c.kind == "removed"]
    if not added or not removed:
        return changes, moved_by
    old = {c.path: load(False, c.path) for c in removed}
    new = {c.path: load(True, c.path) for c in added}
    by_request: dict[str, set[str]] = {}
    for path, cassette in old.items():
        for key in _requests(cassette):
            by_request.setdefault(key, set()).add(path)
    by_name: dict[str, list[str]] = {}
    for path, cassette in old.items():
        by_name.setdefault(test_name(path, cassette), []).append(path)
    taken: set[str] = set()
    pairs: dict[str, str] = {}
    for path, cassette in new.items():
        partner, rule = _partner(path, cassette, old, by_request, by_name, taken)
        if partner is not None:
            taken.add(partner)
            pairs[path] = partner
            moved_by[path] = rule
    out = [c for c in changes if c.path not in pairs and c.path not in taken]
    out += [ChangedFile("renamed", path, partner) for path, partner in pairs.items()]
    return sorted(out, key=lambda c: c.path), moved_by


def _partner(
    path: str,
    cassette: Cassette,
    old: dict[str, Cassette],
    by_request: dict[str, set[str]],
    by_name: dict[str, list[str]],
    taken: set[str],
) -> tuple[str | None, MovedBy]:
    asked = _requests(cassette)
    shared: Counter[str] = Counter()
    for key in asked:
        for candidate in by_request.get(key, ()):
            if candidate not in taken:
                shared[candidate] += 1
    for candidate, n in shared.most_common(1):
        size = max(len(asked), len(_requests(old[candidate])))
        if n / size >= _SHARED:
            return candidate, "requests"
    name = test_name(path, cassette)
    named = [p for p in by_name.get(name, []) if p not in taken]
    if name and len(named) == 1:
        return named[0], "name"
    return None, ""


__all__ = ["pair_moves", "test_name"]
