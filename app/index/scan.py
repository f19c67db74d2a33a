"""Finding cassette files under the served roots, and nothing outside them.

Roots are the only places Tapedeck reads. A symlink is followed only when its target stays
inside a root; one that leaves, or loops, is reported as a per-file error rather than read.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.index.types import Root

# Which files are cassettes is decided by content; this list only keeps a cassette folder's
# README, scripts and images from showing up as unreadable cassettes.
CASSETTE_SUFFIXES = frozenset(
    {".yaml", ".yml", ".json", ".har", ".httprr", ".gz", ".txt", ".cassette", ".vcr", ".jsonl"}
    | {".ndjson", ".sse"}
)
_SKIP_DIRS = frozenset({"node_modules", "__pycache__"})


@dataclass(frozen=True, slots=True)
class Found:
    path: str  # the contract's display path
    abspath: str
    size: int
    mtime_ns: int
    error: str | None = None


def make_roots(paths: Sequence[Path]) -> list[Root]:
    """Name each root by its folder name, made unique, when more than one is served."""
    resolved = [p.expanduser().resolve() for p in paths]
    if len(resolved) == 1:
        return [Root("", resolved[0])]
    used: set[str] = set()
    roots = []
    for p in resolved:
        base = p.name or "root"
        name, n = base, 2
        while name in used:
            name, n = f"{base}-{n}", n + 1
        used.add(name)
        roots.append(Root(name, p))
    return roots


def default_index_path(roots: Sequence[Path]) -> Path:
    """A per-user cache file, one per set of roots, so the index never lands inside a root."""
    from platformdirs import user_cache_dir

    key = "\n".join(sorted(str(p.expanduser().resolve()) for p in roots))
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Path(user_cache_dir("tapedeck")) / f"index-{digest}.sqlite3"


def display_path(root: Root, rel: str) -> str:
    return f"{root.name}/{rel}" if root.name else rel


def is_candidate(name: str) -> bool:
    if name.startswith("."):
        return False
    suffix = os.path.splitext(name)[1].lower()
    return suffix in CASSETTE_SUFFIXES


def within(path: str, base: str) -> bool:
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)


def walk(roots: Sequence[Root]) -> Iterator[Found]:
    for root in roots:
        base = str(root.path)
        try:
            st = os.stat(base)
        except OSError as exc:
            yield Found(display_path(root, ""), base, 0, 0, f"root cannot be read: {exc.strerror}")
            continue
        if stat.S_ISREG(st.st_mode):
            name = shown_name(root.path.name)
            path = f"{root.name}/{name}" if root.name else name
            yield Found(path, base, st.st_size, st.st_mtime_ns)
            continue
        yield from _walk_tree(root, base)


def shown_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by the OS as lone surrogates) become
    U+FFFD, so JSON, SQLite and the terminal get valid text; the real name is kept for opening."""
    if not any("\udc80" <= ch <= "\udcff" for ch in name):
        return name
    return os.fsencode(name).decode("utf-8", "replace")


def _walk_tree(root: Root, base: str) -> Iterator[Found]:
    """In name order, with an explicit stack of open folders: a tree 1,000 folders deep costs
    one list of entries per level, never a Python stack frame (no RecursionError)."""
    seen: set[str] = set()
    used: set[str] = set()
    real_base = os.path.realpath(base)
    stack: list[tuple[Iterator[os.DirEntry[str]], str]] = []

    def enter(folder: str, rel_folder: str) -> None:
        real = os.path.realpath(folder)
        if real in seen:
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        stack.append((iter(entries), rel_folder))

    enter(base, "")
    while stack:
        entries, rel_folder = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        name = entry.name
        if name.startswith(".") or name in _SKIP_DIRS:
            continue
        rel = f"{rel_folder}{shown_name(name)}"
        try:
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if not within(target, real_base):
                    if entry.is_dir() or is_candidate(name):
                        yield Found(_unique(root, rel, used), entry.path, 0, 0, _OUTSIDE)
                    continue
                if not os.path.exists(target):
                    if is_candidate(name):
                        yield Found(
                            _unique(root, rel, used), entry.path, 0, 0, _dangling(entry.path)
                        )
                    continue
            if entry.is_dir():
                enter(entry.path, rel + "/")
                continue
            if not is_candidate(name):
                continue
            st = entry.stat()
        except OSError as exc:
            yield Found(_unique(root, rel, used), entry.path, 0, 0, exc.strerror or str(exc))
            continue
        shown = _unique(root, rel, used)
        if not stat.S_ISREG(st.st_mode):
            yield Found(shown, entry.path, 0, 0, "not a regular file (FIFO, socket or device)")
            continue
        yield Found(shown, entry.path, st.st_size, st.st_mtime_ns)


_OUTSIDE = "symlink points outside the root"


def _unique(root: Root, rel: str, used: set[str]) -> str:
    """Two names that differ only in bytes that are not UTF-8 would show the same: number them."""
    shown = display_path(root, rel)
    candidate, n = shown, 2
    while candidate in used:
        candidate, n = f"{shown} ({n})", n + 1
    used.add(candidate)
    return candidate


def locate(roots: Sequence[Root], path: str) -> Found | None:
    """The file a display path names, by the same rules as `walk`, or None.

    Only a regular cassette file whose real location stays inside its root is found; hidden
    and skipped folders, `..` and anything else `walk` would not list are not."""
    for root in roots:
        rel = path
        if root.name:
            prefix, sep, rel = path.partition("/")
            if prefix != root.name or not sep:
                continue
        parts = rel.split("/")
        if not rel or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
            continue
        if any(p in _SKIP_DIRS for p in parts[:-1]) or not is_candidate(parts[-1]):
            continue
        base = str(root.path)
        if os.path.isfile(base):
            abspath = base if rel == root.path.name else ""
        else:
            abspath = os.path.join(base, *parts)
        if not abspath or not within(os.path.realpath(abspath), os.path.realpath(base)):
            continue
        try:
            st = os.stat(abspath)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            return Found(path, abspath, st.st_size, st.st_mtime_ns)
    return None


def _dangling(path: str) -> str:
    """Why a symlink inside the root leads nowhere: a loop and a missing target are fixed apart."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop (it points back to itself through other links)"
    return "broken symlink (its target does not exist)"
