"""Lint precise enough to gate CI: placeholders and data words pass, every provider key is found,
findings have stable ids, and a baseline accepts old findings but not new ones."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from app.cli import main
from tests.security.lint_fixtures import keyed_cassette, quiet_cassette
from tests.security.planted import KEY_PROVIDERS, key_of, planted_cassette, random_secret


def lint(*args: str) -> Result:
    return CliRunner().invoke(main, ["lint", *args], catch_exceptions=False)


def findings(result: Result) -> list[dict]:  # type: ignore[type-arg]
    return json.loads(result.stdout)["findings"]  # type: ignore[no-any-return]


def test_placeholders_and_data_words_are_never_blocking(tmp_path: Path) -> None:
    path = tmp_path / "quiet.yaml"
    path.write_text(quiet_cassette())
    result = lint(str(path), "--format", "json")
    errors = [f["message"] for f in findings(result) if f["severity"] == "error"]
    assert errors == []
    assert result.exit_code == 0
    cookies = [f for f in findings(result) if f["rule"] == "cdn-cookie"]
    assert [f["severity"] for f in cookies] == ["warning", "warning"]  # reported, not blocking


def test_a_key_of_every_provider_is_found_and_shown_masked(tmp_path: Path) -> None:
    text, keys = keyed_cassette()
    path = tmp_path / "keys.yaml"
    path.write_text(text)
    result = lint(str(path), "--format", "json")
    assert result.exit_code == 1
    rules = sorted(f["rule"] for f in findings(result))
    expected = sorted(f"key:{p.split('-')[0]}" for p in KEY_PROVIDERS)
    assert rules == expected
    for provider, key in keys.items():
        assert f"({key[:4]}…)" in result.stdout, provider
        assert key[4:] not in result.stdout, provider


def test_finding_ids_name_the_place_not_the_value(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    ids = []
    for _ in range(2):
        planted = {"request-header:X-Api-Key": random_secret(), "query:key": random_secret()}
        path.write_text(planted_cassette(planted))
        ids.append([f["id"] for f in findings(lint(str(path), "--format", "json"))])
    assert ids[0] == ids[1]  # other values in the same places: the same findings
    assert len(set(ids[0])) == len(ids[0]) == 2


def test_a_baseline_accepts_old_findings_and_fails_on_new_ones(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    old = {"request-header:X-Api-Key": random_secret()}
    path.write_text(planted_cassette(old))
    baseline = tmp_path / "lint-baseline.json"
    wrote = lint(str(path), "--write-baseline", str(baseline))
    assert wrote.exit_code == 0
    assert old["request-header:X-Api-Key"][4:] not in baseline.read_text()
    assert lint(str(path), "--baseline", str(baseline)).exit_code == 0

    new_key = key_of("openai-project", random_secret())
    path.write_text(planted_cassette({**old, "prompt-key:openai-project": new_key}))
    result = lint(str(path), "--baseline", str(baseline), "--format", "json")
    assert result.exit_code == 1
    by_state = {(f["rule"], f["baselined"]) for f in findings(result)}
    assert by_state == {("header", True), ("key:openai", False)}
    text = lint(str(path), "--baseline", str(baseline))
    assert "error (baseline) [secret]" in text.stdout
    assert "1 accepted by the baseline" in text.stderr


def test_a_file_that_is_not_a_baseline_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(planted_cassette({}))
    bad = tmp_path / "bad.json"
    bad.write_text("[{]")
    assert lint(str(path), "--baseline", str(bad)).exit_code == 2
