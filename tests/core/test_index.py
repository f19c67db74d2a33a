"""The index: what it lists, finds and adds up, and that a refresh re-reads only what changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.index import Filters, Index, IndexLocationError
from tests.builders import chat_request, chat_response, govcr, simple_chat


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "cassettes"
    write(
        root, "weather/florence.yaml", simple_chat("Weather in Florence?", "Sunny and 30 degrees.")
    )
    write(root, "math/sum.yaml", simple_chat("What is 2+2?", "It is 4.", model="gpt-4o"))
    tool_loop = govcr(
        [
            (
                chat_request([{"role": "user", "content": "Book a table"}]),
                chat_response(
                    tool_calls=[{"id": "call_1", "name": "book_table", "arguments": {"seats": 2}}]
                ),
            )
        ]
    )
    write(root, "tools/book.yaml", tool_loop)
    write(root, "broken.yaml", "interactions: [unclosed")
    write(root, "README.md", "not a cassette, never listed")
    return root


def make_index(tmp_path: Path, root: Path) -> Index:
    return Index(tmp_path / "idx" / "index.sqlite3", [root])


def test_lists_every_cassette_with_its_facts(tmp_path: Path, tree: Path) -> None:
    idx = make_index(tmp_path, tree)
    result = idx.refresh()
    assert result.cassettes == 4
    assert [e.path for e in result.errors] == ["broken.yaml"]
    rows, total = idx.list_cassettes(Filters())
    assert total == 4
    by_path = {r.path: r for r in rows}
    assert set(by_path) == {
        "broken.yaml",
        "math/sum.yaml",
        "tools/book.yaml",
        "weather/florence.yaml",
    }
    florence = by_path["weather/florence.yaml"]
    assert florence.format == "go-vcr-v2"
    assert florence.models == ["gpt-4o-mini"]
    assert florence.apis == ["openai.chat"]
    assert florence.statuses == [200]
    assert florence.usage.input_tokens == 10
    assert florence.usage.output_tokens == 5
    assert by_path["tools/book.yaml"].tools == ["book_table"]
    assert by_path["broken.yaml"].errors


def test_filters_search_and_usage(tmp_path: Path, tree: Path) -> None:
    idx = make_index(tmp_path, tree)
    idx.refresh()
    rows, _total = idx.list_cassettes(Filters(model="gpt-4o"))
    assert [r.path for r in rows] == ["math/sum.yaml"]
    rows, _ = idx.list_cassettes(Filters(tool="book_table"))
    assert [r.path for r in rows] == ["tools/book.yaml"]
    rows, _ = idx.list_cassettes(Filters(has_error=True))
    assert rows == []  # has_error means failed calls; an unreadable file is not one
    rows, _ = idx.list_cassettes(Filters(has_error=False))
    assert "broken.yaml" in [r.path for r in rows]
    rows, _ = idx.list_cassettes(Filters(folder="weather"))
    assert [r.path for r in rows] == ["weather/florence.yaml"]
    hits, n = idx.search("florenc")  # prefix match as the user types
    assert n == 1
    assert hits[0].path == "weather/florence.yaml"
    assert hits[0].role == "user"
    assert ("Florence", True) in hits[0].segments()
    hits, _ = idx.search("seats")  # tool arguments are searchable
    assert [h.path for h in hits] == ["tools/book.yaml"]
    groups = {g.key: g.usage for g in idx.usage("model", Filters())}
    assert groups["gpt-4o"].interactions == 1
    assert groups["gpt-4o-mini"].interactions == 2
    assert sum(g.interactions for g in groups.values()) == 3


@pytest.mark.parametrize("folder", [None, "many"])
def test_search_counts_up_to_the_cap_and_still_pages_past_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str | None
) -> None:
    root = tmp_path / "cassettes"
    for n in range(7):
        write(root, f"many/{n}.yaml", simple_chat(f"Question {n} about tides", "Tides turn."))
    idx = make_index(tmp_path, root)
    idx.refresh()
    f = Filters(folder=folder)
    assert idx.search("tides", f)[1] == 14  # question and answer of each cassette
    monkeypatch.setattr("app.index.queries.COUNT_LIMIT", 5)
    monkeypatch.setattr("app.index.queries.RANK_LIMIT", 3)
    first, n = idx.search("tides", f, limit=10)
    assert n == 6  # one past the cap: "5+"
    assert len(first) == 10  # the page is not cut by the cap
    rest, _ = idx.search("tides", f, limit=10, offset=10)
    assert len(rest) == 4
    seen = {(h.path, h.message) for h in first + rest}
    assert len(seen) == 14


@pytest.mark.parametrize("query", ['"', "a OR", "NEAR(", "*", "-x", "')--"])
def test_search_never_fails_on_odd_input(tmp_path: Path, tree: Path, query: str) -> None:
    idx = make_index(tmp_path, tree)
    idx.refresh()
    idx.search(query)
    idx.list_cassettes(Filters(q=query))


def test_second_refresh_reads_nothing_and_changes_are_seen(tmp_path: Path, tree: Path) -> None:
    idx = make_index(tmp_path, tree)
    first = idx.refresh()
    assert first.read == 4
    gen = idx.status.generation
    again = idx.refresh()
    assert (again.read, again.removed) == (0, 0)
    assert idx.status.generation == gen
    path = tree / "math/sum.yaml"
    path.write_text(simple_chat("What is 3+3?", "Six."))
    os.utime(path, ns=(1, 1))
    (tree / "weather/florence.yaml").unlink()
    third = idx.refresh()
    assert (third.read, third.removed) == (1, 1)
    assert idx.status.generation == gen + 1
    hits, _ = idx.search("Six")
    assert [h.path for h in hits] == ["math/sum.yaml"]
    assert idx.summary("weather/florence.yaml") is None


def test_parallel_refresh_gives_the_same_index(tmp_path: Path) -> None:
    root = tmp_path / "many"
    for i in range(60):
        write(root, f"c{i:02}.yaml", simple_chat(f"question {i}", f"answer number {i}"))
    idx = Index(tmp_path / "i.sqlite3", [root], workers=2)
    result = idx.refresh()
    assert (result.cassettes, result.interactions) == (60, 60)
    hits, _ = idx.search("number 42")
    assert hits[0].path == "c42.yaml"


def test_cassette_is_decoded_from_disk_and_unknown_paths_are_none(
    tmp_path: Path, tree: Path
) -> None:
    idx = make_index(tmp_path, tree)
    idx.refresh()
    cassette = idx.cassette("weather/florence.yaml")
    assert cassette is not None
    assert cassette.conversation[-1].text == "Sunny and 30 degrees."
    for bad in ("../etc/passwd", "/etc/passwd", "README.md", "weather/../../x.yaml", ""):
        assert idx.cassette(bad) is None


def test_symlink_leaving_the_root_is_an_error_not_a_read(tmp_path: Path, tree: Path) -> None:
    secret = tmp_path / "outside.yaml"
    secret.write_text(simple_chat("secret question", "secret answer"))
    (tree / "link.yaml").symlink_to(secret)
    loop = tree / "loop"
    loop.symlink_to(tree)  # a directory loop must not hang the walk
    idx = make_index(tmp_path, tree)
    result = idx.refresh()
    errors = {e.path: e.error for e in result.errors}
    assert "symlink" in errors["link.yaml"]
    assert idx.search("secret")[1] == 0
    cassette = idx.cassette("link.yaml")
    assert cassette is not None
    assert not cassette.interactions


def test_several_roots_are_prefixed_by_their_folder_name(tmp_path: Path) -> None:
    a = tmp_path / "a" / "cassettes"
    b = tmp_path / "b" / "cassettes"
    write(a, "x.yaml", simple_chat("q", "a"))
    write(b, "x.yaml", simple_chat("q", "b"))
    idx = Index(tmp_path / "i.sqlite3", [a, b])
    idx.refresh()
    rows, _ = idx.list_cassettes(Filters())
    assert [r.path for r in rows] == ["cassettes-2/x.yaml", "cassettes/x.yaml"]


def test_index_file_inside_a_root_is_refused(tmp_path: Path, tree: Path) -> None:
    with pytest.raises(IndexLocationError):
        Index(tree / "index.sqlite3", [tree])


def test_snippet_marks_whole_words_and_the_last_word_as_a_prefix() -> None:
    from app.index.search import make_snippet
    from app.index.types import SearchHit

    marked = make_snippet("Rainy weather in Florence, sunny in Rome.", "florence ro")
    hit = SearchHit("p", 0, 0, "user", marked)
    assert [t for t, is_match in hit.segments() if is_match] == ["Florence", "Rome"]
    assert hit.snippet == "Rainy weather in Florence, sunny in Rome."
