"""Cassettes pasted from a viewer: every line prefixed with its number, indentation lost.

Such text is not YAML any more, but a go-vcr cassette has a fixed layout, so the nesting can be
rebuilt from the keys alone: each known key has a known depth, header names sit under
`headers:`, and a block scalar (`body: |+`) runs until the next key that its section knows.
The repaired text keeps one line per pasted line, so line numbers in later errors still match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.formats.base import RawCassette, ReadContext
from app.formats.govcr import REQUEST_KEYS, RESPONSE_KEYS, TOP_KEYS
from app.model import Note

_NUMBERED = re.compile(rb"[ \t]*(\d+)")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?:\s|$)")
_BLOCK_HEADER = re.compile(r"[|>][+-]?[0-9]?[+-]?\s*(?:#.*)?$")
_SIDES = {"request", "response"}
_NESTED = {"headers", "form", "trailer"}
_PROBE_LINES = 40


def strip_numbers(data: bytes, strict: bool = True) -> list[str] | None:
    """The lines without their numbers; None when `strict` and the text is not numbered 1, 2..."""
    lines = data.decode("utf-8", "replace").splitlines()
    if strict and len(lines) < 3:
        return None
    out: list[str] = []
    for n, line in enumerate(lines, start=1):
        stripped = line.lstrip(" \t")
        number = str(n)
        if not stripped.startswith(number) or stripped[len(number) : len(number) + 1].isdigit():
            if strict:
                return None
            out.append(line.strip())
            continue
        out.append(stripped[len(number) :].removeprefix("\t").removeprefix("|").strip())
    return out


def _closes(quote: str, rest: str) -> bool:
    """Whether a quoted scalar ends within `rest` (the text after its opening quote)."""
    if quote == "'":
        return re.search(r"'(?!')", rest.replace("''", "")) is not None
    return re.search(r'(?<!\\)(?:\\\\)*"', rest) is not None


@dataclass(slots=True)
class _Rebuilder:
    out: list[str] = field(default_factory=list)
    side: str | None = None
    nested: bool = False
    block_indent: int | None = None
    quote: tuple[str, int] | None = None  # (quote char, continuation indent)
    guessed: int = 0

    def section_keys(self) -> frozenset[str]:
        return RESPONSE_KEYS if self.side == "response" else REQUEST_KEYS

    def ends_block(self, line: str) -> bool:
        if line.startswith(("- id:", "- request:")):
            return True
        key = _KEY.match(line)
        return key is not None and key[1] in (self.section_keys() | _SIDES | TOP_KEYS)

    def feed(self, line: str) -> None:
        if self.block_indent is not None:
            if not self.ends_block(line):
                self.out.append(" " * self.block_indent + line if line else "")
                return
            self.block_indent = None
        if self.quote is not None:
            char, indent = self.quote
            self.out.append(" " * indent + line)
            if _closes(char, line):
                self.quote = None
            return
        self.out.append(self._place(line))

    def _place(self, line: str) -> str:
        if not line or line.startswith(("---", "...", "#")):
            return line
        if line.startswith("- ") and _KEY.match(line[2:]):
            self.side, self.nested = None, False
            inner = _KEY.match(line[2:])
            if inner and inner[1] in _SIDES:
                self.side = inner[1]
            return line
        key = _KEY.match(line)
        name = key[1] if key else None
        if name in TOP_KEYS:
            self.side, self.nested = None, False
            return line
        if name in _SIDES:
            self.side, self.nested = name, False
            return "  " + line
        if name in self.section_keys() and self.side is not None:
            self.nested = name in _NESTED
            return self._value(line, 4, line[key.end() :].strip() if key else "")
        if self.nested:
            return "      " + line
        self.guessed += 1
        return "    " + line

    def _value(self, line: str, indent: int, value: str) -> str:
        if _BLOCK_HEADER.match(value):
            self.block_indent = indent + 2
        elif value[:1] in ("'", '"') and not _closes(value[0], value[1:]):
            self.quote = (value[0], indent + 2)
        return " " * indent + line


def repair(lines: list[str]) -> tuple[bytes, int]:
    """Rebuilt YAML text and how many lines had to be placed by guesswork."""
    rebuilder = _Rebuilder()
    for line in lines:
        rebuilder.feed(line)
    return ("\n".join(rebuilder.out) + "\n").encode(), rebuilder.guessed


class PastedReader:
    """Claims numbered text, rebuilds it and reads the result with the real format's reader."""

    name = "pasted"

    def detect(self, doc: Any) -> bool:
        if not isinstance(doc, bytes) or not _NUMBERED.match(doc):
            return False
        head = b"\n".join(doc.split(b"\n", _PROBE_LINES)[:_PROBE_LINES])
        return strip_numbers(head) is not None

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        from app.formats import read_cassette, with_warning

        lines = strip_numbers(doc, strict=False) or []
        text, guessed = repair(lines)
        result = read_cassette(text, ctx.name, ctx.limits)
        detail = f"line numbers removed, indentation rebuilt for {len(lines)} lines"
        if guessed:
            detail += f" ({guessed} placed by guesswork)"
        return with_warning(result, Note(f"repaired a pasted cassette: {detail}"))


PASTED = PastedReader()
