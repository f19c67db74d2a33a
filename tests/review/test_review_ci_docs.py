"""docs/ci.md's workflow and the root action.yml: valid YAML that uses options that exist."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.review.helpers import run

ROOT = Path(__file__).resolve().parents[2]


def _review_options() -> set[str]:
    return set(re.findall(r"--[a-z][a-z-]+", run("review", "--help").stdout))


def test_the_documented_workflow_is_valid_and_uses_real_options() -> None:
    text = (ROOT / "docs" / "ci.md").read_text()
    workflow = yaml.safe_load(re.search(r"```yaml\n(name: cassettes.*?)```", text, re.S)[1])  # type: ignore[index]
    steps = workflow["jobs"]["review"]["steps"]
    script = next(s["run"] for s in steps if s.get("id") == "review")
    used = set(re.findall(r"--[a-z][a-z-]+", script))
    assert used <= _review_options()
    assert "--more-url" in used
    assert any("upload-artifact" in s.get("uses", "") for s in steps)
    poster = next(s for s in steps if "github-script" in s.get("uses", ""))
    assert "tapedeck-review" in poster["with"]["script"]
    assert "updateComment" in poster["with"]["script"]


def test_the_composite_action_is_valid_and_uses_real_options() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    review = next(s for s in steps if s.get("id") == "review")
    assert set(re.findall(r"--[a-z][a-z-]+", review["run"])) <= _review_options()
    assert all("shell" in s for s in steps if "run" in s)  # composite steps must name a shell
    assert {"cassettes", "base", "max-chars", "comment"} <= set(action["inputs"])
