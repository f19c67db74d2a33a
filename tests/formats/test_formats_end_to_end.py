"""Every format fixture through the whole product: index, cassette and interaction pages,
`show` and the static export, as a user would meet them."""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from app.cli import main
from app.export import export_site
from app.formats import read_cassette
from app.web import Settings, create_app
from tests.formats.conftest import FIXTURES
from tests.formats.test_no_silent_loss import CASES

FILES = sorted(p for p in FIXTURES.iterdir() if p.is_file())


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("formats") / "cassettes"
    root.mkdir()
    for file in FILES:
        shutil.copyfile(file, root / file.name)
    return root


def test_every_fixture_is_indexed_and_its_pages_open(root: Path, tmp_path: Path) -> None:
    app = create_app(Settings(roots=[root], index_path=tmp_path / "index.sqlite3", watch=False))
    with TestClient(app) as client:
        assert app.state.live.ready.wait(60)
        listed = client.get("/api/cassettes", params={"limit": 1000}).json()["cassettes"]
        formats = {c["path"]: c["format"] for c in listed}
        assert formats == {f.name: read_cassette(f.read_bytes(), f.name).format for f in FILES}
        assert "unknown" not in formats.values()
        for cassette in listed:
            path = quote(cassette["path"])
            page = client.get(f"/cassettes/{path}")
            assert page.status_code == 200, cassette["path"]
            assert html.escape(cassette["path"]) in page.text
            assert cassette["format"] in page.text
            for n in range(cassette["interactions"]):
                one = client.get(f"/cassettes/{path}/interactions/{n}")
                assert one.status_code == 200, (cassette["path"], n)


def test_show_prints_the_rest_and_exits_1_on_a_cut_off_interaction(tmp_path: Path) -> None:
    case = CASES["vcrpy"]
    cut = tmp_path / "cut.yaml"
    cut.write_bytes(case.cut((FIXTURES / case.fixture).read_bytes()))
    result = CliRunner().invoke(main, ["show", str(cut)])
    assert result.exit_code == 1
    assert "interaction 1 is cut off: no response status" in result.stderr
    assert "Say hi" in result.stdout  # the whole first interaction is still shown


def test_show_names_unknown_keys_and_exits_0(tmp_path: Path) -> None:
    case = CASES["nock-back"]
    edited = tmp_path / "nock.json"
    edited.write_bytes(case.unknown((FIXTURES / case.fixture).read_bytes()))
    result = CliRunner().invoke(main, ["show", str(edited)])
    assert result.exit_code == 0
    assert "data not read in surprise" in result.stdout + result.stderr


def test_export_writes_a_page_per_fixture(root: Path, tmp_path: Path) -> None:
    result = export_site([root], tmp_path / "site")
    assert result.errors == []
    assert result.cassettes == len(FILES)
    written = {p.name for p in (tmp_path / "site").rglob("*.html")}
    for file in FILES:
        assert any(name.startswith(file.name) for name in written), file.name
