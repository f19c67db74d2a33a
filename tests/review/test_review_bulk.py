"""A bulk re-record of 300 cassettes: the comment a reviewer gets, within GitHub's limits."""

from __future__ import annotations

import json

import pytest

from app.review.comment import Review, review
from app.review.report import review_markdown
from tests.review.bulk import build
from tests.review.gfm import literal_markers, render

STATUS = "cassettes/chat/test_chat_007.yaml"
TOOL_ARGUMENT = "cassettes/agents/test_agent_paris.yaml"
TOOL_DEFINITION = "cassettes/tools/test_tools_05.yaml"
UPLOAD = "cassettes/audio/test_upload_11.yaml"
RENAMED = "cassettes/models/test_weather_gpt-4o.yaml"
UNREADABLE = "cassettes/embeddings/test_embed_13.yaml"


@pytest.fixture(scope="module")
def bulk(tmp_path_factory: pytest.TempPathFactory) -> Review:
    repo, base, head = build(tmp_path_factory.mktemp("bulk") / "repo")
    return review(base, head, ["cassettes"], repo)


def test_bulk_rerecord_comment_is_built_for_triage(bulk: Review) -> None:
    comment = review_markdown(bulk)
    assert [e.path for e in bulk.errors] == [UNREADABLE]  # `review` exits 1 for it
    assert len(comment) <= 60_000
    first = comment[:2000]
    assert "300 cassettes changed" in first
    assert f"`{STATUS}`: status: `200` → `429`" in first
    assert f"`{TOOL_ARGUMENT}`" in first
    assert '`$.city`: `"Paris"` → `"Lyon"`' in first
    assert f"`{TOOL_DEFINITION}`" in first
    assert "`$.function.strict` removed" in first
    assert f"| unreadable | 1 | `{UNREADABLE}` |" in first
    assert f"| renamed | 1 | `{RENAMED}` |" in first
    assert "renamed from cassettes/models/test_weather_gpt-4o-mini.yaml (changed by meaning)" in (
        comment
    )
    assert "gpt-4o-mini.yaml: removed" not in comment
    assert "$.multipart.file.digest" in comment  # the new audio, by its digest, not its bytes
    assert len([line for line in comment.splitlines() if len(line) > 1000]) == 0
    html = render(comment)
    assert literal_markers(comment) == []
    assert html.count("<details>") == html.count("</details>")
    assert "<h1>" not in html
    assert "<h2>" not in html


def test_noise_is_counted_as_noise(bulk: Review) -> None:
    doc = json.loads(json.dumps(bulk.to_json()))
    totals = doc["totals"]
    assert totals["cassettes"] == 300
    assert totals["unreadable"] == 1
    assert totals["by_meaning"] == 5  # status, tool argument, tool definition, upload, rename
    assert totals["usage_only"] == 50  # token counts within the tolerance
    assert totals["only_volatile"] == 244
    kinds = totals["kinds"]
    assert kinds["status"] == kinds["tool_calls"] == kinds["tools"] == kinds["model"] == 1
    verdicts = {c["path"]: c["verdict"] for c in doc["cassettes"]}
    assert verdicts[UPLOAD] == "meaning"
    assert verdicts["cassettes/audio/test_upload_03.yaml"] == "volatile"  # a new boundary only
    assert verdicts["cassettes/batches/test_batch_03.yaml"] == "volatile"  # ids, *_at
    assert verdicts["cassettes/embeddings/test_embed_03.yaml"] == "volatile"  # float jitter


def test_a_small_budget_still_names_the_serious_changes(bulk: Review) -> None:
    comment = review_markdown(bulk, max_chars=4000)
    assert len(comment) <= 4000
    for path in (STATUS, TOOL_ARGUMENT, TOOL_DEFINITION, UNREADABLE):
        assert f"`{path}`" in comment
    assert "more" in comment  # what did not fit is counted, not dropped
    assert literal_markers(comment) == []
    html = render(comment)
    assert html.count("<details>") == html.count("</details>")
