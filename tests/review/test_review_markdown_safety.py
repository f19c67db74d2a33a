"""Hostile recordings in the review comment: every recorded string renders as itself.

File names with newlines, backticks and HTML, values with runs of backticks, `</details>`,
`@mentions` and `#123` references: none may break out of its block, emit HTML, notify anyone or
link an issue, and emphasis must render as emphasis (never literal `**`/`~~`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.review.comment import review
from app.review.render import md_code
from app.review.report import review_markdown
from tests.review.cassettes import Turn, chat_cassette
from tests.review.gfm import render, visible_text
from tests.review.helpers import QUESTION, SYSTEM, commit_all, init_repo

EVIL_NAME = "x\n\n<details open>\n\n# Owned @octocat #1 <img src=x onerror=alert(1)> `a``b`.yaml"
EVIL_VALUE = "`` </details> <script>alert(1)</script> @octocat fixes #123 ``` ~~no~~ **no**"


def _run(city: str, reply: str) -> str:
    call = [("lookup", {"city": city})]
    turns = [
        Turn([SYSTEM, QUESTION], tool_calls=call),
        Turn([SYSTEM, {"role": "user", "content": reply}], reply=reply),
    ]
    return chat_cassette(turns)


@pytest.fixture
def hostile(tmp_path: Path) -> str:
    repo = init_repo(tmp_path / "repo")
    folder = repo / "cassettes"
    folder.mkdir()
    (folder / EVIL_NAME).write_text(_run("Paris", "plain text"))
    (folder / "b.yaml").write_text(_run("Paris", "It is sunny in Paris today, says @octocat."))
    base = commit_all(repo, "base")
    (folder / EVIL_NAME).write_text(_run(EVIL_VALUE, "plain text"))
    reply = "It is rainy in Paris today, says @octocat in #123 </details>."
    (folder / "b.yaml").write_text(_run("Paris", reply))
    (folder / f"new {EVIL_NAME}").write_text(_run(EVIL_VALUE, EVIL_VALUE))
    head = commit_all(repo, "hostile")
    return review_markdown(review(base, head, ["cassettes"], repo))


def test_nothing_breaks_out_of_its_block(hostile: str) -> None:
    html = render(hostile)
    assert html.count("<details>") == html.count("</details>") == 3
    assert re.findall(r"<h[1-6]", html) == ["<h3"]  # the comment's own title only
    assert "<script" not in html
    assert "<img" not in html
    assert "onerror" not in visible_text(html) or "&lt;img" in html


def test_mentions_and_issue_references_are_not_linked(hostile: str) -> None:
    text = visible_text(render(hostile))
    assert "octocat" in text
    assert not re.search(r"@octocat|#123\b|#1\b", text)


def test_emphasis_renders_as_emphasis(hostile: str) -> None:
    assert "~~sunny~~**rainy**" in hostile
    html = render(hostile)
    assert "<s>sunny</s><strong>rainy</strong>" in html
    assert not re.search(r"<(s|strong)>\s|\s</(s|strong)>", html)
    recorded = visible_text(html)  # recorded markers are text, escaped: shown as typed
    assert "~~no~~ **no**" in recorded.replace("\u2060", "")


def test_code_spans_always_close() -> None:
    for value in ["a``b", "`start", "end`", "```", "x ` y", " spaced "]:
        html = render(md_code(value))
        inner = re.search(r"<code>(.*)</code>", html)
        assert inner is not None, value
        assert inner.group(1) == value.replace("&", "&amp;") or value.strip() == inner.group(1)


def test_values_keep_their_backticks_inside_one_code_span(hostile: str) -> None:
    html = render(hostile)
    assert html.count("&lt;/details&gt;") >= 2  # shown as text, never as a tag
    shown = html.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
    assert json.dumps(EVIL_VALUE)[1:20] in shown
