"""Recorded text made safe to show: Markdown through a sanitizer, code and JSON highlighted.

Model output is untrusted: it may carry HTML, event handlers or `javascript:` links. Markdown is
rendered with raw HTML disabled and the result still goes through nh3, which keeps only the tags
Markdown itself produces and only http(s)/mailto links.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from pygments import highlight as pyg_highlight  # type: ignore[import-untyped]
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]
from pygments.lexers import JsonLexer, get_lexer_by_name  # type: ignore[import-untyped]
from pygments.util import ClassNotFound  # type: ignore[import-untyped]

from app.markdown import structured

# Above this size a body is shown escaped but not highlighted: colouring megabytes costs more
# than it helps, and keeps big pages fast.
HIGHLIGHT_LIMIT = 200_000

_FORMATTER = HtmlFormatter(nowrap=True)

_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "del",
    "s",
    "code",
    "pre",
    "kbd",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "img",
    "span",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
_ATTRS = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "span": {"class"},
    "code": {"class"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}


def _highlight_fence(code: str, lang: str, _attrs: str) -> str:
    if not lang:
        return ""  # markdown-it escapes it as plain text
    try:
        lexer = get_lexer_by_name(lang.split()[0])
    except ClassNotFound:
        return ""
    return str(pyg_highlight(code, lexer, _FORMATTER))


_MD = MarkdownIt("commonmark", {"html": False, "highlight": _highlight_fence}).enable(
    ["table", "strikethrough"]
)

# An inline `data:` image is shown up to this size; a larger one, and every remote image, is a
# link instead, so viewing a recording never makes a request its author chose (tracking pixel).
INLINE_IMAGE_LIMIT = 512 * 1024
REMOTE_IMAGE_LABEL = "remote image (click to load)"


def _image(_self: Any, tokens: Any, idx: int, _options: Any, _env: Any) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = "".join(child.content for child in token.children or ())
    if src.lower().startswith("data:image/") and len(src) <= INLINE_IMAGE_LIMIT:
        return f'<img src="{escape(src)}" alt="{escape(alt)}">'
    label = f"{REMOTE_IMAGE_LABEL}: {alt}" if alt else REMOTE_IMAGE_LABEL
    return f'<a href="{escape(src)}">{escape(label)}</a>'


_MD.add_render_rule("image", _image)


_SAFE_DATA_AUDIO = re.compile(
    r"^data:audio/(wav|mpeg|ogg|webm|flac|aac|mp4);base64,[A-Za-z0-9+/=]+$"
)


def safe_audio(url: str | None) -> str | None:
    """Inline audio a page may play: a capped data URL of a type browsers decode (the CSP's
    `media-src` allows data: for it), never a remote address a page would fetch on view."""
    if url and len(url) <= INLINE_IMAGE_LIMIT and _SAFE_DATA_AUDIO.match(url):
        return url
    return None


def _only_images_inline(tag: str, attr: str, value: str) -> str | None:
    """`data:` is allowed for the small raster images `_image` keeps, and nowhere else."""
    if value.lower().lstrip().startswith("data:"):
        inline = tag == "img" and attr == "src" and value.lower().startswith("data:image/")
        return value if inline and len(value) <= INLINE_IMAGE_LIMIT else None
    return value


# Bounds on the work one message costs a page. Markdown (a wide table, a megabyte of short
# lines) is rendered up to MARKDOWN_LIMIT characters; longer text is shown plain and escaped,
# and only its first SHOWN_LIMIT characters, with a note saying where the rest is.
MARKDOWN_LIMIT = 50_000
SHOWN_LIMIT = 100_000


def markdown(text: str) -> Markup:
    if len(text) > MARKDOWN_LIMIT:
        return plain_text(text)
    # Short texts repeat across pages (system prompts, tool descriptions): cache those only,
    # so a few huge answers cannot pin memory.
    return _markdown_cached(text) if len(text) < 20_000 else _markdown(text)


def plain_text(text: str, limit: int = SHOWN_LIMIT) -> Markup:
    """Long recorded text, escaped, cut at `limit` characters with a note."""
    shown = escape(text[:limit])
    body = Markup('<pre class="plain-long">') + shown + Markup("</pre>")
    if len(text) <= limit:
        return body
    note = (
        f"Showing the first {limit:,} of {len(text):,} characters as plain text; the raw "
        "response and the JSON view (Accept: application/json) hold all of it."
    )
    return body + Markup('<p class="muted small cut-note">') + escape(note) + Markup("</p>")


@lru_cache(maxsize=4096)
def _markdown_cached(text: str) -> Markup:
    return _markdown(text)


# A message's own headings sit below the page's (h1 file, h2 sections, h3 threads): h1 -> h4.
HEADING_SHIFT = 3


def _markdown(text: str) -> Markup:
    tokens = _MD.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1:]) + HEADING_SHIFT)}"
    html = _MD.renderer.render(tokens, _MD.options, {})
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRS,
        url_schemes={"http", "https", "mailto", "data"},
        link_rel="noopener nofollow noreferrer",
        attribute_filter=_only_images_inline,
    )
    return Markup(clean)


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)


def highlight_text(text: str, lexer_name: str = "json") -> Markup:
    if len(text) > HIGHLIGHT_LIMIT:
        return escape(text)
    lexer = JsonLexer() if lexer_name == "json" else get_lexer_by_name(lexer_name)
    return Markup(pyg_highlight(text, lexer, _FORMATTER))


def json_block(value: Any) -> Markup:
    """A parsed JSON value, indented and highlighted."""
    return highlight_text(pretty_json(value))


# A raw body on a page is cut here (the JSON view of the interaction has it whole): a 50 MB
# answer made a 50 MB page.
RAW_LIMIT = 1_000_000


def body_block(body: str | None) -> Markup:
    """A recorded body: pretty JSON when it parses, else the text as recorded."""
    if not body:
        return Markup("")
    if len(body) > RAW_LIMIT:
        left = len(body) - RAW_LIMIT
        return escape(body[:RAW_LIMIT]) + escape(
            f"\n[… {left:,} more characters; the interaction's JSON view holds the whole body]"
        )
    stripped = body.lstrip()
    if stripped[:1] in ("{", "[") and len(body) <= HIGHLIGHT_LIMIT:
        try:
            return json_block(json.loads(body))
        except ValueError:
            pass
    return escape(body)


def maybe_json(text: str) -> Markup:
    """Tool results are often JSON text; indent them when they are."""
    if len(text) > SHOWN_LIMIT:  # inside a <pre> already: the cut text and a line saying so
        left = len(text) - SHOWN_LIMIT
        return escape(text[:SHOWN_LIMIT]) + escape(
            f"\n[… {left:,} more characters; the raw request holds all of them]"
        )
    stripped = text.strip()
    if stripped[:1] in ("{", "[") and len(text) <= HIGHLIGHT_LIMIT:
        try:
            return json_block(json.loads(stripped))
        except ValueError:
            pass
    return escape(text)


def stylesheet() -> str:
    """Pygments colours for light and dark themes (written to static/pygments.css)."""
    light = _scoped_defs("friendly")
    dark = _scoped_defs("monokai")
    dark_explicit = dark.replace(".hl", ":root[data-theme=dark] .hl")
    dark_system = dark.replace(".hl", ":root:not([data-theme=light]) .hl")
    return (
        "/* Generated by app.web.markup.stylesheet(); tests keep it in step. */\n"
        f"{light}\n{dark_explicit}\n@media (prefers-color-scheme: dark) {{\n{dark_system}\n}}\n"
    )


def _scoped_defs(style: str) -> str:
    # Pygments also emits global `pre` and line-number rules; only the token colours are wanted.
    defs = HtmlFormatter(style=style).get_style_defs(".hl").splitlines()
    return "\n".join(line for line in defs if line.startswith(".hl ."))


FILTERS: dict[str, Callable[..., Any]] = {
    "markdown": markdown,
    "json_block": json_block,
    "body_block": body_block,
    "maybe_json": maybe_json,
    "structured": structured,  # app.markdown's: the pages and Markdown agree on what is JSON
    "pretty_json": pretty_json,
    "safe_audio": safe_audio,
}
