"""A search query's words marked inside a rendered message, for links that carry `?q=`.

The message is already safe HTML (sanitized Markdown, highlighted JSON); only its text between
tags is touched, each piece unescaped, searched and escaped again, so a query can neither break
the markup nor inject any.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from markupsafe import Markup, escape

# A tag, with quoted attribute values that may hold `>`.
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
_OPERATORS = {"and", "or", "not", "near"}
MAX_TERMS = 8


def query_terms(q: str) -> list[str]:
    """The words of a full-text query, without its operators and quoting, case-folded."""
    terms: list[str] = []
    for word in re.split(r"\s+", q.replace('"', " ").replace("*", " ")):
        word = word.strip("()^:+-").casefold()
        if word and word not in _OPERATORS and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def mark(fragment: str, terms: Sequence[str]) -> Markup:
    if not terms:
        return Markup(fragment)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    out: list[str] = []
    pos = 0
    for tag in _TAG.finditer(fragment):
        out.append(_mark_text(fragment[pos : tag.start()], pattern))
        out.append(tag.group())
        pos = tag.end()
    out.append(_mark_text(fragment[pos:], pattern))
    return Markup("".join(out))


def _mark_text(escaped: str, pattern: re.Pattern[str]) -> str:
    if not escaped:
        return ""
    text = html.unescape(escaped)
    pieces: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        pieces.append(str(escape(text[pos : m.start()])))
        pieces.append(f'<mark class="q-hit">{escape(m.group())}</mark>')
        pos = m.end()
    if not pieces:
        return escaped
    pieces.append(str(escape(text[pos:])))
    return "".join(pieces)
