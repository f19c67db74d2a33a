"""The static export on disk: every page written, every link relative and landing on a file,
secrets masked, nothing written inside a root; and the `tapedeck export` command around it."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from app.cli import main
from app.export import CSP, ExportError, export_single, export_site
from tests.web.dom import parse
from tests.web.samples import govcr, story_exchange, write_tree

SECRET = "sk-proj-abcdefghijklmnopqrstuvwxyz"  # the Authorization header of weather_agent()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("export")
    write_tree(tmp / "cassettes")
    result = export_site([tmp / "cassettes"], tmp / "site")
    assert (result.cassettes, result.interactions) == (6, 7)
    assert [e.path for e in result.errors] == ["broken.yaml"]
    return tmp / "site"


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_one_page_per_cassette_and_interaction(exported: Path) -> None:
    names = {p.relative_to(exported).as_posix() for p in pages(exported)}
    assert {
        "index.html",
        "usage.html",
        "cassettes/agents/weather.yaml.html",
        "cassettes/agents/weather.yaml/interactions/0.html",
        "cassettes/agents/weather.yaml/interactions/1.html",
        "cassettes/streams/story.yaml/interactions/0.html",
        'cassettes/hostile/<b onmouseover="x">evil</b>.yaml/interactions/1.html',
        "cassettes/broken.yaml.html",
    } <= names
    assert (exported / "static" / "app.css").is_file()
    assert (exported / "static" / "player.js").is_file()


def test_every_url_is_relative_and_every_link_lands_on_a_file(exported: Path) -> None:
    checked = 0
    for page in pages(exported):
        for node in parse(page.read_text(encoding="utf-8")).iter():
            for attr in ("href", "src", "action", "data-href"):
                url = node.attrs.get(attr)
                if url is None or url.startswith("#"):
                    continue
                assert not url.startswith("/"), (page, url)
                assert "://" not in url, url
                assert not url.startswith(("javascript:", "data:")), url
                target = (page.parent / unquote(urlsplit(url).path)).resolve()
                assert target.is_file(), (page.relative_to(exported), url)
                assert exported in target.parents
                checked += 1
    assert checked > 200


def test_every_page_carries_the_policy_and_no_server_hooks(exported: Path) -> None:
    for page in pages(exported):
        html = page.read_text(encoding="utf-8")
        assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html, page
        assert not re.search(r"\shx-(get|post)=", html), page
        assert "/htmx-" not in html, page
        assert "data-chunks-url" not in html, page


def test_pages_show_what_the_dashboard_shows(exported: Path) -> None:
    cas = parse((exported / "cassettes/agents/weather.yaml.html").read_text(encoding="utf-8"))
    assert "get_weather" in cas.find("section", cls="transcript").text()
    assert cas.by_id("usage").find_all("svg")  # usage charts, inline SVG
    index = parse((exported / "index.html").read_text(encoding="utf-8"))
    rows = index.find("table", cls="cassettes").find_all("tr", data_nav_item="")
    assert len(rows) == 6
    usage = parse((exported / "usage.html").read_text(encoding="utf-8"))
    assert usage.find_all("svg")


def test_player_data_is_inlined(exported: Path) -> None:
    html = (exported / "cassettes/streams/story.yaml/interactions/0.html").read_text()
    data = parse(html).by_id("player-data").text()
    assert '"inline"' in data
    assert "word39" in data


def test_secrets_stay_masked(exported: Path) -> None:
    for page in pages(exported):
        assert SECRET not in page.read_text(encoding="utf-8"), page
    interaction = (exported / "cassettes/agents/weather.yaml/interactions/0.html").read_text()
    assert "Authorization" in interaction


@pytest.mark.parametrize("inside", ["cassettes/site", "cassettes", "."])
def test_never_writes_inside_or_over_a_root(tmp_path: Path, inside: str) -> None:
    write_tree(tmp_path / "cassettes")
    with pytest.raises(ExportError, match="overlaps the served root"):
        export_site([tmp_path / "cassettes"], tmp_path / inside)
    assert not (tmp_path / "cassettes" / "site").exists()
    assert not list((tmp_path / "cassettes").rglob("*.html"))


def test_single_file_inlines_everything(tmp_path: Path) -> None:
    files = write_tree(tmp_path / "cassettes")
    file, result = export_single(files["agents/weather.yaml"], tmp_path / "out")
    assert file == tmp_path / "out" / "weather.yaml.html"
    assert result.interactions == 2
    html = file.read_text(encoding="utf-8")
    doc = parse(html)
    assert [s.attrs["src"] for s in doc.find_all("script") if "src" in s.attrs] == []
    assert not [n for n in doc.find_all("link") if n.attrs.get("rel") == "stylesheet"]
    assert [s.attrs["id"] for s in doc.find_all("section", cls="export-interaction")] == [
        "interaction-0",
        "interaction-1",
    ]
    policy = doc.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    assert "script-src 'sha256-" in policy
    assert "'self'" not in policy
    assert SECRET not in html


def test_single_file_gives_each_interaction_its_own_ids_and_player(tmp_path: Path) -> None:
    cassette = tmp_path / "cassettes" / "two.yaml"
    cassette.parent.mkdir()
    cassette.write_text(govcr(story_exchange(5), story_exchange(3, "And another")))
    file, _ = export_single(cassette, tmp_path / "out")
    doc = parse(file.read_text(encoding="utf-8"))
    ids = [n.attrs["id"] for n in doc.iter() if "id" in n.attrs]
    assert len(ids) == len(set(ids))
    players = [n for n in doc.iter() if "data-player" in n.attrs]
    assert [p.attrs["id"] for p in players] == ["i0-player", "i1-player"]
    for player in players:
        prefix = player.attrs["id"].removesuffix("player")
        assert player.attrs["aria-labelledby"] == prefix + "player-title"
        assert player.find(id=prefix + "player-data")
    second = doc.by_id("interaction-1")
    chunk_links = [a.attrs["href"] for a in second.find_all("a") if "c-" in a.attrs.get("href", "")]
    assert chunk_links
    assert all(h.startswith("#i1-c-") for h in chunk_links), chunk_links
    assert all(doc.find_all(id=h[1:]) for h in chunk_links)  # and each lands on its chunk


def test_command_writes_the_site_and_lists_unreadable_files(tmp_path: Path) -> None:
    write_tree(tmp_path / "cassettes")
    result = CliRunner().invoke(
        main, ["export", str(tmp_path / "cassettes"), "--out", str(tmp_path / "site")]
    )
    assert result.exit_code == 1  # broken.yaml is listed; everything else is written
    assert result.stdout.startswith("6 cassettes, 7 interactions, 15 pages: ")
    assert "broken.yaml:2: invalid YAML" in result.stderr
    assert "Exporting" not in result.stderr  # no progress bar when not at a terminal
    assert (tmp_path / "site" / "index.html").is_file()


def test_command_refuses_out_inside_a_root(tmp_path: Path) -> None:
    write_tree(tmp_path / "cassettes")
    out = tmp_path / "cassettes" / "html"
    result = CliRunner().invoke(main, ["export", str(tmp_path / "cassettes"), "--out", str(out)])
    assert result.exit_code == 2
    assert "overlaps the served root" in result.stderr
    assert not out.exists()


def test_single_file_command_writes_next_to_nothing_it_reads(tmp_path: Path) -> None:
    files = write_tree(tmp_path / "cassettes")
    story = str(files["streams/story.yaml"])
    runner = CliRunner()
    inside = runner.invoke(
        main, ["export", "--single-file", story, "--out", str(files["streams/story.yaml"].parent)]
    )
    assert inside.exit_code == 2
    ok = runner.invoke(main, ["export", "--single-file", story, "--out", str(tmp_path / "out")])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.strip() == str(tmp_path / "out" / "story.yaml.html")
    assert "word39" in (tmp_path / "out" / "story.yaml.html").read_text(encoding="utf-8")
