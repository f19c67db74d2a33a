"""`tapedeck export`: the dashboard as static files that open from `file://`, for CI artifacts.

The roots are indexed into a throwaway index, every page is rendered by app.export.pages and
its links made relative by app.export.links. Each page carries a Content-Security-Policy that
allows only the export's own files, so a page can load nothing from the network even when a
recording names remote images. `export_single` writes one cassette as a single HTML file, its
CSS, scripts and player data inlined, to attach to an issue or a chat.

The export never writes inside a served root, and secrets stay masked because the pages are
built from the same masked model the dashboard shows.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from app.export import pages as export_pages
from app.export.links import (
    Site,
    interaction_file,
    page_resolver,
    rewrite,
    site_target,
)
from app.formats.base import ReadLimits
from app.index import CassetteSummary, FileError, Filters, Index
from app.index.scan import within
from app.model import Cassette
from app.web.render import asset_dir

Progress = Callable[[int, int], None]

CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' data:",
        "font-src 'self'",
        "connect-src 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
_HEAD = "<head>\n"
_HTMX_TAG = re.compile(r'<script src="/static/htmx-[^"]*"[^>]*></script>\n?')
_EXPORT_ASSETS = (
    '<link rel="stylesheet" href="/static/export.css">\n'
    '<script src="/static/export.js" defer></script>\n'
)
_LISTING_LIMIT = 10**9
NONE = "'none'"


class ExportError(Exception):
    """The export cannot be written where asked; the message says why."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    out: Path
    cassettes: int
    interactions: int
    pages: int
    errors: list[FileError] = field(default_factory=list)


def check_out(out: Path, roots: Sequence[Path], site: bool = True) -> Path:
    """The resolved output folder, unless writing there would touch a served root: inside one,
    or (for a site, which writes `cassettes/` and `static/` folders) around one."""
    target = Path(os.path.realpath(out.expanduser()))
    for root in roots:
        real = os.path.realpath(root.expanduser())
        if within(str(target), real) or (site and within(real, str(target))):
            raise ExportError(
                f"--out {out} overlaps the served root {root}; "
                "the export never writes among cassettes, choose a folder outside it"
            )
    return target


def _head(html: str, csp: str, assets: str = "") -> str:
    """The policy first (it must precede what it governs), our assets last, htmx out: a
    static page has no server to swap fragments from."""
    meta = (
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="referrer" content="no-referrer">\n'
    )
    html = _HTMX_TAG.sub("", html)
    html = html.replace(_HEAD, _HEAD + meta, 1)
    return html.replace("</head>", assets + "</head>", 1)


def _write(out: Path, rel: str, html: str) -> None:
    path = out / rel
    make_folders(path.parent)
    path.write_text(html, encoding="utf-8")


def make_folders(folder: Path) -> None:
    """`mkdir -p` without recursion: `Path.mkdir(parents=True)` recurses once per missing
    level, and a tree 1,000 folders deep is a RecursionError there."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for f in reversed(missing):
        f.mkdir(exist_ok=True)


def _site_page(out: Path, site: Site, rel: str, html: str) -> None:
    html = _head(html, CSP, _EXPORT_ASSETS)
    _write(out, rel, rewrite(html, page_resolver(site, rel)))


def _indexed(
    roots: Sequence[Path], limits: ReadLimits, work: Path
) -> tuple[Index, list[CassetteSummary]]:
    """A throwaway index: the export must not depend on, or disturb, a dashboard's cache."""
    idx = Index(work / "index.sqlite3", roots, limits)
    idx.refresh()
    rows, _ = idx.list_cassettes(Filters(), "path", False, _LISTING_LIMIT, 0)
    return idx, rows


def export_site(
    roots: Sequence[Path],
    out: Path,
    limits: ReadLimits | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write index.html, usage.html, one page per cassette and per interaction, and static/."""
    target = check_out(out, roots)
    with tempfile.TemporaryDirectory(prefix="tapedeck-export-") as work:
        idx, rows = _indexed(roots, limits or ReadLimits(), Path(work))
        try:
            site = Site({r.path: r.interactions for r in rows}, usage=True)
            target.mkdir(parents=True, exist_ok=True)
            shutil.copytree(asset_dir("static"), target / "static", dirs_exist_ok=True)
            _site_page(target, site, "index.html", export_pages.index_page(idx, rows))
            _site_page(target, site, "usage.html", export_pages.usage_page(idx))
            pages, interactions = 2, 0
            for done, summary in enumerate(rows):
                if progress is not None:
                    progress(done, len(rows))
                cassette = idx.cassette(summary.path)
                if cassette is None:
                    continue
                page = site.page(summary.path)
                html = export_pages.cassette_page(summary, cassette)
                _site_page(target, site, page, html)
                for inter in cassette.interactions:
                    html = export_pages.interaction_page(summary, cassette, inter)
                    _site_page(target, site, interaction_file(summary.path, inter.index), html)
                pages += 1 + len(cassette.interactions)
                interactions += len(cassette.interactions)
            if progress is not None:
                progress(len(rows), len(rows))
            return ExportResult(target, len(rows), interactions, pages, idx.errors())
        finally:
            idx.close()


# --- one self-contained file ----------------------------------------------------------------

_MAIN = re.compile(r'<main id="main"[^>]*>(?P<body>.*)</main>', re.S)
# Attributes that name an element of the same page. Our templates escape every recorded string
# and the inlined JSON escapes its quotes, so `name="` only ever starts a real attribute.
_ID_REF = re.compile(
    r"(?P<lead>\s(?P<name>id|for|href|data-copy-target|aria-labelledby|aria-describedby|"
    r'aria-controls)=")(?P<value>[^"]*)"'
)


def _section_prefix(index: str) -> str:
    return f"i{index}-"


def _scoped(body: str, prefix: str) -> str:
    """`body` with its ids, and the same-page references to them, prefixed."""

    def one(m: re.Match[str]) -> str:
        name, value = m["name"], m["value"]
        if name in ("href", "data-copy-target"):
            if not value.startswith("#") or len(value) < 2:
                return m[0]
            value = "#" + prefix + value[1:]
        else:
            value = " ".join(prefix + v for v in value.split())
        return f'{m["lead"]}{value}"'

    return _ID_REF.sub(one, body)


_ASSET = re.compile(
    r'<link rel="stylesheet" href="(?P<css>/static/[^"]+)">\n?'
    r'|<script src="(?P<js>/static/[^"]+)"(?P<defer> defer)?></script>\n?'
    r'|<link rel="icon" href="(?P<icon>/static/[^"]+)"[^>]*>\n?'
)


def _asset(url: str) -> Path:
    name = unquote(urlsplit(url).path).removeprefix("/static/")
    path = (asset_dir("static") / name).resolve()
    if not within(str(path), str(asset_dir("static").resolve())):
        raise ExportError(f"asset outside static/: {url}")
    return path


def _inline_assets(html: str) -> tuple[str, list[str], list[str]]:
    """Stylesheets and scripts inlined once each; deferred scripts moved to the end of the body
    so that, like `defer`, they run after the document is parsed."""
    seen: set[str] = set()
    deferred: list[str] = []
    scripts: list[str] = []
    styles: list[str] = []

    def one(m: re.Match[str]) -> str:
        url = m["css"] or m["js"] or m["icon"]
        if url in seen:
            return ""
        seen.add(url)
        data = _asset(url).read_bytes()
        if m["icon"]:
            encoded = base64.b64encode(data).decode()
            return f'<link rel="icon" href="data:image/svg+xml;base64,{encoded}">\n'
        text = data.decode("utf-8")
        if m["css"]:
            styles.append(text)
            return f"<style>{text}</style>\n"
        code = re.sub(r"</(script)", r"<\\/\1", text, flags=re.I)
        scripts.append(code)
        tag = f"<script>{code}</script>\n"
        if m["defer"]:
            deferred.append(tag)
            return ""
        return tag

    html = _ASSET.sub(one, html)
    return html.replace("</body>", "".join(deferred) + "</body>", 1), scripts, styles


def _hashes(sources: list[str]) -> str:
    return " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in sources
    )


def _single_resolver(path: str, count: int) -> Callable[[str], str | None]:
    """Links within the one file: the cassette is the top, each interaction a section; static
    URLs stay as they are for `_inline_assets` to replace."""
    site = Site({path: count})

    def resolve(url: str) -> str | None:
        if url.startswith("/static/"):
            return url
        target = site_target(site, url)
        if target is None or not target[0].startswith("cassettes/"):
            return None
        if "/interactions/" in target[0]:
            index = target[0].rsplit("/", 1)[1].removesuffix(".html")
            fragment = target[1].partition("#")[2]
            return f"#{_section_prefix(index)}{fragment}" if fragment else f"#interaction-{index}"
        return target[1] if target[1].startswith("#") else "#main"

    return resolve


def single_file_html(summary: CassetteSummary, cassette: Cassette) -> str:
    """The cassette page with every interaction page's content appended as a section, each
    section's ids prefixed so that its anchors, labels and player stay its own."""
    sections: list[str] = []
    for inter in cassette.interactions:
        match = _MAIN.search(export_pages.interaction_page(summary, cassette, inter))
        body = _scoped(match["body"] if match else "", _section_prefix(str(inter.index)))
        sections.append(
            f'<section class="export-interaction" id="interaction-{inter.index}">{body}</section>'
        )
    page = export_pages.cassette_page(summary, cassette)
    page = page.replace("</main>", "\n".join(sections) + "</main>", 1)
    page = _HTMX_TAG.sub("", page).replace("</head>", _EXPORT_ASSETS + "</head>", 1)
    page = rewrite(page, _single_resolver(cassette.path, len(cassette.interactions)))
    page, scripts, styles = _inline_assets(page)
    csp = (
        CSP.replace("script-src 'self'", f"script-src {_hashes(scripts) or NONE}")
        .replace("style-src 'self'", f"style-src {_hashes(styles) or NONE}")
        .replace("img-src 'self' data:", "img-src data:")
        .replace("media-src 'self' data:", "media-src data:")
        .replace("font-src 'self'", f"font-src {NONE}")
        .replace("form-action 'self'", "form-action 'none'")
    )
    return _head(page, csp)


def export_single(
    cassette_path: Path,
    out: Path,
    roots: Sequence[Path] = (),
    limits: ReadLimits | None = None,
) -> tuple[Path, ExportResult]:
    """Write OUT/<cassette name>.html holding the cassette and every interaction."""
    target = check_out(out, [*roots, cassette_path.parent], site=False)
    with tempfile.TemporaryDirectory(prefix="tapedeck-export-") as work:
        idx, rows = _indexed([cassette_path], limits or ReadLimits(), Path(work))
        try:
            if not rows:
                raise ExportError(f"{cassette_path}: not a cassette")
            summary = rows[0]
            cassette = idx.cassette(summary.path)
            if cassette is None:
                raise ExportError(f"{cassette_path}: cannot be read")
            target.mkdir(parents=True, exist_ok=True)
            file = target / (cassette_path.name + ".html")
            file.write_text(single_file_html(summary, cassette), encoding="utf-8")
            n = len(cassette.interactions)
            return file, ExportResult(target, 1, n, 1, idx.errors())
        finally:
            idx.close()


__all__ = ["CSP", "ExportError", "ExportResult", "check_out", "export_single", "export_site"]
