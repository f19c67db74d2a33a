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
        messages = [message_signature(m) for m in it.messages]
        out[canonical([it.method, path, it.streaming, messages])] += 1
    return out


def _answers(c: Cassette) -> Counter[str]:
    return Counter(canonical(message_signature(i.response)) for i in c.interactions if i.response)


def _overlap(a: Counter[str], b: Counter[str]) -> float:
    size = max(sum(a.values()), sum(b.values()))
    return sum((a & b).values()) / size if size else 0.0


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
    Every candidate pair gets a score (same test name, same folder, share of the requests and
    of the answers in common) and the best pairs are taken first, so among several files that
    send the same requests each finds its own old self.
    """
    moved_by: dict[str, MovedBy] = {c.path: "git" for c in changes if c.kind == "renamed"}
    added = [c.path for c in changes if c.kind == "added"]
    removed = [c.path for c in changes if c.kind == "removed"]
    if not added or not removed:
        return changes, moved_by
    old = {p: _Facts(p, load(False, p)) for p in removed}
    by_request: dict[str, list[str]] = {}
    by_name: dict[str, list[str]] = {}
    for path, facts in old.items():
        for key in facts.requests:
            by_request.setdefault(key, []).append(path)
        if facts.name:
            by_name.setdefault(facts.name, []).append(path)
    scored: list[tuple[float, str, str, MovedBy]] = []
    for path in added:
        new = _Facts(path, load(True, path))
        candidates = Counter(p for key in new.requests for p in by_request.get(key, ()))
        named = by_name.get(new.name, []) if new.name else []
        for candidate in {p for p, _ in candidates.most_common(_CANDIDATES)} | set(named):
            score, rule = _score(new, old[candidate])
            if rule:
                scored.append((score, path, candidate, rule))
    pairs: dict[str, str] = {}
    taken: set[str] = set()
    for _, path, candidate, rule in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if path not in pairs and candidate not in taken:
            pairs[path] = candidate
            taken.add(candidate)
            moved_by[path] = rule
    out = [c for c in changes if c.path not in pairs and c.path not in taken]
    out += [ChangedFile("renamed", path, partner) for path, partner in pairs.items()]
    return sorted(out, key=lambda c: c.path), moved_by


# Candidates looked at per added file, most shared requests first.
_CANDIDATES = 20


class _Facts:
    """What pairing compares of one file."""

    __slots__ = ("answers", "folder", "name", "requests")

    def __init__(self, path: str, cassette: Cassette) -> None:
        self.name = test_name(path, cassette)
        self.folder = posixpath.dirname(path)
        self.requests = _requests(cassette)
        self.answers = _answers(cassette)


def _score(new: _Facts, old: _Facts) -> tuple[float, MovedBy]:
    shared = _overlap(new.requests, old.requests)
    same_name = bool(new.name) and new.name == old.name
    if shared < _SHARED and not same_name:
        return 0.0, ""
    score = 2.0 * same_name + 0.5 * (new.folder == old.folder)
    score += shared + 0.5 * _overlap(new.answers, old.answers)
    return score, "requests" if shared >= _SHARED else "name"


__all__ = ["pair_moves", "test_name"]
