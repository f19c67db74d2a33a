"""A secret planted in any maskable position never shows in any output Tapedeck produces.

Outputs: `show` (text and JSON), `diff`, `review`, `lint`, every JSON API answer and HTML page,
and the static export once it exists. A mask may keep the first 4 characters, so the tests
look for everything after them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.cli import main
from app.secrets import is_placeholder
from app.web import Settings, create_app
from tests.review.helpers import commit_all, git, init_repo
from tests.security.planted import (
    POSITIONS,
    SECRET_ALPHABET,
    interaction_count,
    leaked,
    planted_cassette,
    random_secret,
    shaped,
)


def web_outputs(client: TestClient, path: str, interactions: int = 3) -> str:
    """Every page and JSON answer that can show this cassette, concatenated."""
    urls = [
        "/",
        "/api/cassettes",
        f"/cassettes/{path}",
        f"/api/cassettes/{path}",
        "/search?q=planet",
        "/api/search?q=planet",
        "/search?q=ada",  # tool arguments and results: their snippets come from the index
        "/api/search?q=ada",
        "/api/search?q=key",
        "/usage",
        "/usage.csv",
        "/api/usage?group_by=cassette",
        "/errors",
    ]
    for n in range(interactions):
        urls += [
            f"/cassettes/{path}/interactions/{n}",
            f"/api/cassettes/{path}/interactions/{n}",
            f"/api/cassettes/{path}/interactions/{n}/chunks",
        ]
    out = []
    for url in urls:
        for accept in ("text/html", "application/json"):
            response = client.get(url, headers={"accept": accept})
            assert response.status_code == 200, (url, response.text[:200])
            out.append(response.text)
    return "\n".join(out)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    root = tmp_path / "root"
    root.mkdir()
    app = create_app(Settings(roots=[root], index_path=tmp_path / "i.sqlite3", watch=False))
    with TestClient(app) as client:
        assert app.state.live.ready.wait(30)
        yield client, root


_names = itertools.count()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    position=st.sampled_from(POSITIONS),
    secret=st.text(SECRET_ALPHABET, min_size=16, max_size=60),
)
def test_random_secret_in_any_position_never_shows(
    served: tuple[TestClient, Path], position: str, secret: str
) -> None:
    value = shaped(position, secret)
    assume(not is_placeholder(value))
    client, root = served
    name = f"c{next(_names)}.yaml"
    # Another value of the same shape, one character longer, so the refresh sees a new size
    # even within one mtime tick.
    other = shaped(position, random_secret(len(secret)))
    other = other[:-1] + ("9" if other[-1] != "9" else "8") + other[-1]
    control = everything_shown(client, root, name, {position: other})
    shown = everything_shown(client, root, name, {position: value})
    assert leaked(shown, [value], control) == [], position


def everything_shown(client: TestClient, root: Path, name: str, planted: dict[str, str]) -> str:
    """`show` (text and JSON) and every web output of a cassette with these planted values."""
    path = root / name
    path.write_text(planted_cassette(planted))
    client.app.state.live.index.refresh()  # type: ignore[attr-defined]
    show_json = CliRunner().invoke(main, ["show", str(path), "--json"])
    show_text = CliRunner().invoke(main, ["show", str(path)])
    assert show_json.exit_code == 0, show_json.output
    assert "Jupiter." in show_text.stdout  # the cassette decoded: the check below means something
    pages = web_outputs(client, name, interaction_count(planted))
    return "\n".join([show_json.output, show_text.output, pages])


@pytest.fixture
def all_planted(tmp_path: Path) -> tuple[Path, list[str]]:
    """A git repository whose cassette changed, with a distinct secret in every position."""
    repo = init_repo(tmp_path / "repo")
    (repo / "cassettes").mkdir()
    cassette = repo / "cassettes" / "chat.yaml"
    old = {p: shaped(p, random_secret()) for p in POSITIONS}
    new = {p: shaped(p, random_secret()) for p in POSITIONS}
    cassette.write_text(planted_cassette(old, reply="Jupiter."))
    commit_all(repo, "base")
    git(repo, "branch", "base")
    cassette.write_text(planted_cassette(new, reply="Jupiter, by far."))
    commit_all(repo, "head")
    return repo, [*old.values(), *new.values()]


def test_no_secret_in_diff_review_lint_or_show(
    all_planted: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, planted = all_planted
    monkeypatch.chdir(repo)
    runner = CliRunner()
    runs = [
        ["show", "cassettes/chat.yaml"],
        ["show", "cassettes/chat.yaml", "--json"],
        ["show", "cassettes/chat.yaml", "--json", "--interaction", "1"],
        *(
            ["diff", "base:cassettes/chat.yaml", "cassettes/chat.yaml", "--format", f]
            for f in ("text", "markdown", "json")
        ),
        *(["review", "base", "HEAD", "--format", f] for f in ("text", "markdown", "json")),
        *(["lint", "cassettes", "--format", f] for f in ("text", "json")),
    ]
    for args in runs:
        result = runner.invoke(main, args)
        assert "Traceback" not in result.output
        assert leaked(result.output, planted) == [], args
    diff = runner.invoke(main, runs[3])
    assert diff.exit_code == 1  # the replies differ: the diff really compared the two
    lint = runner.invoke(main, runs[-1])
    assert lint.exit_code == 1  # lint reads the file itself: it must flag each position, masked
    assert lint.output.count('"kind": "secret"') == len(POSITIONS)


def test_no_secret_in_any_page(all_planted: tuple[Path, list[str]], tmp_path: Path) -> None:
    repo, planted = all_planted
    app = create_app(
        Settings(roots=[repo / "cassettes"], index_path=tmp_path / "w.sqlite3", watch=False)
    )
    with TestClient(app) as client:
        assert app.state.live.ready.wait(30)
        pages = web_outputs(client, "chat.yaml", interaction_count(dict.fromkeys(POSITIONS, "x")))
    assert "Jupiter, by far." in pages
    assert leaked(pages, planted) == []


def test_no_secret_in_the_export(all_planted: tuple[Path, list[str]], tmp_path: Path) -> None:
    if "export" not in main.commands:
        pytest.skip("`tapedeck export` does not exist yet")
    repo, planted = all_planted
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["export", str(repo / "cassettes"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files
    text = "\n".join(p.read_text(errors="replace") for p in files)
    assert leaked(text, planted) == []
