"""From a file on disk to a decoded Cassette: read, decode every interaction, find threads.

This is the one entry point the index, the CLI and the web use, so they can never disagree on
what a file means. It never raises: a file that cannot be read still becomes a Cassette, with
no interactions and an error that says why.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from app.apis import decode_interaction
from app.conversation import detect_threads
from app.formats import read_cassette
from app.formats.base import BesideError, BesideMissing, BesideReader, ReadLimits
from app.model import (
    Cassette,
    Interaction,
    MediaPart,
    Message,
    Note,
    ReasoningPart,
    RefusalPart,
    TextPart,
    ToolResultPart,
)


class FileReadError(Exception):
    """A file that cannot even be opened or is not a regular file."""


def read_file_bytes(path: Path, limits: ReadLimits) -> bytes:
    """Read a regular file without following it into a FIFO or device, and within the size limit."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise FileReadError(_os_reason(exc)) from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileReadError("not a regular file (a FIFO, socket or device is never read)")
        if st.st_size > limits.max_bytes:
            raise FileReadError(
                f"file is {st.st_size:,} bytes, over the {limits.max_bytes:,}-byte limit "
                "(raise it with --max-size)"
            )
        chunks = []
        remaining = limits.max_bytes + 1
        while remaining > 0:
            block = os.read(fd, min(remaining, 1 << 20))
            if not block:
                break
            chunks.append(block)
            remaining -= len(block)
        data = b"".join(chunks)
        if len(data) > limits.max_bytes:
            raise FileReadError(f"file grew past the {limits.max_bytes:,}-byte limit while read")
        return data
    except OSError as exc:
        raise FileReadError(_os_reason(exc)) from exc
    finally:
        os.close(fd)


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "file vanished before it could be read"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied: the file is not readable by this user"
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    return exc.strerror or str(exc)


def content_version(data: bytes) -> str:
    """A short content hash: enough to tell that a file changed, not to identify it globally."""
    return hashlib.blake2b(data, digest_size=6).hexdigest()


def load_cassette(path: Path, display_path: str, limits: ReadLimits | None = None) -> Cassette:
    limits = limits or ReadLimits()
    try:
        data = read_file_bytes(path, limits)
    except FileReadError as exc:
        return Cassette(path=display_path, format="unknown", errors=(Note(str(exc)),))
    return load_bytes(data, display_path, limits, files_beside(path, limits))


def files_beside(path: Path, limits: ReadLimits) -> BesideReader:
    """Opens a file a cassette names relative to its own folder (WireMock's `__files/`) only
    when its real path, every symlink resolved, is inside `limits.roots` (else the folder above
    the cassette's), and within the size limit: a name can never reach beyond what is served."""
    folder = path.parent
    bounds = limits.roots or (os.path.realpath(folder.parent),)

    def read(relative: str) -> bytes:
        real = os.path.realpath(folder / relative)
        if not any(real == b or real.startswith(b.rstrip(os.sep) + os.sep) for b in bounds):
            raise BesideError("it resolves outside the indexed folders")
        if not os.path.lexists(real):
            raise BesideMissing("missing")
        try:
            return read_file_bytes(Path(real), limits)
        except FileReadError as exc:
            raise BesideError(str(exc)) from exc

    return read


def load_bytes(
    data: bytes,
    display_path: str,
    limits: ReadLimits | None = None,
    beside: BesideReader | None = None,
) -> Cassette:
    try:
        return _decode(data, display_path, limits or ReadLimits(), beside)
    except RecursionError:
        reason = "data is nested too deeply to decode"
    except Exception as exc:  # the last guard: a bug must cost one file, not the whole run
        reason = f"internal error while decoding ({type(exc).__name__}: {exc}); please report it"
    return Cassette(
        path=display_path,
        format="unknown",
        errors=(Note(reason),),
        version=content_version(data),
    )


def _decode(
    data: bytes, display_path: str, limits: ReadLimits, beside: BesideReader | None
) -> Cassette:
    raw = read_cassette(data, display_path, limits, beside)
    threaded = detect_threads(share_repeats(decode_interaction(r) for r in raw.interactions))
    return Cassette(
        path=display_path,
        format=raw.format,
        interactions=threaded.interactions,
        threads=threaded.threads,
        conversation=threaded.conversation,
        errors=raw.errors,
        warnings=raw.warnings,
        version=content_version(data),
    )


_TEXT_PARTS = frozenset({TextPart, ReasoningPart, RefusalPart, ToolResultPart, MediaPart})


def share_repeats(interactions: Iterable[Interaction]) -> list[Interaction]:
    """Equal request messages as one object: an agent resends its whole history with every
    call, so a run of 280 turns would otherwise hold its first message 280 times (most of a
    long run's memory). Only messages made of text-valued parts are shared: for those, equal
    means the same characters (`1 == 1.0 == True` could merge a tool call's arguments), so
    nothing that reads them can tell. Shared as each is decoded, so the copies never pile up."""
    seen: dict[Message, Message] = {}

    def one(msg: Message) -> Message:
        if not all(type(p) in _TEXT_PARTS for p in msg.parts):
            return msg
        return seen.setdefault(msg, msg)

    out: list[Interaction] = []
    for it in interactions:
        messages = tuple(one(m) for m in it.messages)
        same = all(a is b for a, b in zip(messages, it.messages, strict=True))
        out.append(it if same else dataclasses.replace(it, messages=messages))
    return out
