"""Rendering helpers: sanitized Markdown, image URLs, the curl command."""

from __future__ import annotations

import pytest

from app.model import Interaction
from app.web.curl import curl_command
from app.web.markup import markdown
from app.web.transcript import safe_image_url
from tests.web.dom import parse


def test_markdown_keeps_formatting_and_drops_active_content() -> None:
    html = str(
        markdown(
            "**bold** <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n"
            "[ok](https://example.com) [bad](javascript:alert(3)) [worse](JaVaScRiPt:alert(4))"
        )
    )
    doc = parse(html)
    assert doc.find("strong").text() == "bold"
    assert not doc.find_all("script")
    assert not doc.find_all("img")
    assert "<script>alert(1)</script>" in doc.text()  # shown as text
    links = doc.find_all("a")
    assert [a.attrs.get("href") for a in links] == ["https://example.com"]
    assert links[0].attrs["rel"] == "noopener nofollow noreferrer"


def test_fenced_code_is_highlighted_and_escaped() -> None:
    doc = parse(str(markdown("```python\nx = '<b>'\n```")))
    code = doc.find("code", cls="language-python")
    assert code.text() == "x = '<b>'\n"
    assert code.find_all("span")
    assert not doc.find_all("b")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        # Remote images are links to click (remote_image_url), never drawn: see test_remote_images.
        ("https://example.com/a.png", False),
        ("http://example.com/a.png", False),
        ("data:image/png;base64,iVBORw0KGgo=", True),
        ("data:image/svg+xml;base64,PHN2Zz4=", False),
        ("javascript:alert(1)", False),
        ('https://example.com/a.png" onerror="alert(1)', False),
        ("", False),
        (None, False),
    ],
)
def test_only_safe_images_are_shown(url: str | None, shown: bool) -> None:
    assert (safe_image_url(url) is not None) is shown


def test_curl_command_leaves_secrets_out() -> None:
    inter = Interaction(
        index=0,
        id=None,
        method="POST",
        url="https://api.example.com/v1/chat?key=AIza…",
        status=200,
        duration_ms=None,
        recorded_at=None,
        request_headers=(
            ("Authorization", "Bear…"),
            ("X-Api-Key", "sk-a…"),
            ("Content-Type", "application/json"),
            ("X-Weird", "it's $(rm -rf /)"),
        ),
        request_body='{"q": "it\'s"}',
    )
    cmd = curl_command(inter)
    assert "Bear…" not in cmd
    assert "sk-a" not in cmd
    assert cmd.count("$API_KEY") == 1
    assert "-H 'Content-Type: application/json'" in cmd
    assert "-H 'X-Weird: it'\"'\"'s $(rm -rf /)'" in cmd  # quoted, never run by the shell
    assert cmd.endswith('--data-raw \'{"q": "it\'"\'"\'s"}\'')
