"""Copy as Markdown: a conversation pasted into an issue or an LLM reads as it did, and is safe.

Rendered with markdown-it (CommonMark, as GitHub renders it) where what matters is what a reader
of the pasted text would see.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from app.cli import main
from app.markdown import cassette_markdown, code, fenced, interaction_markdown
from app.model import (
    ApiError,
    Cassette,
    Interaction,
    Message,
    ReasoningPart,
    TextPart,
    Tool,
    ToolCallPart,
    ToolResultPart,
    Usage,
)
from tests.builders import chat_request, chat_response, govcr

KEY = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4"
SAMPLE = Path(__file__).resolve().parents[2] / "cassettes" / "anthropic"
html = MarkdownIt("commonmark").render


def _interaction(**kw: object) -> Interaction:
    base: dict[str, object] = {
        "index": 0,
        "id": None,
        "method": "POST",
        "url": "https://api.openai.com/v1/chat/completions",
        "status": 200,
        "duration_ms": 1250.0,
        "recorded_at": None,
        "api": "openai.chat",
        "model": "gpt-4o",
    }
    return Interaction(**{**base, **kw})  # type: ignore[arg-type]


def _cassette(*messages: Message, interaction: Interaction | None = None) -> Cassette:
    it = interaction or _interaction(messages=messages[:-1], response=messages[-1])
    return Cassette(
        path="agents/run.yaml", format="go-vcr-v2", interactions=(it,), conversation=messages
    )


def test_roles_are_headings_and_text_stays_as_written() -> None:
    md = cassette_markdown(
        _cassette(
            Message("system", (TextPart("Be brief."),), 0),
            Message("user", (TextPart("List **two** colours:\n\n- red\n- blue"),), 0),
            Message("assistant", (TextPart("Red and *blue*."),), 0),
        )
    )
    assert md.startswith("# `agents/run.yaml`\n\ngo-vcr-v2 · 1 interaction\n\n## #0 · openai.chat")
    assert [line for line in md.splitlines() if line.startswith("### ")] == [
        "### System",
        "### User",
        "### Assistant",
    ]
    assert "List **two** colours:\n\n- red\n- blue" in md
    page = html(md)
    assert "<strong>two</strong>" in page
    assert "<li>red</li>" in page


def test_tool_calls_and_results_are_fenced_pretty_json() -> None:
    call = ToolCallPart("call_1", "get_weather", {"city": "Oslo", "units": ["c"]})
    result = ToolResultPart("call_1", "get_weather", '{"temp": 4, "sky": "snow"}')
    md = cassette_markdown(
        _cassette(
            Message("user", (TextPart("Weather?"),), 0),
            Message("assistant", (call,), 0),
            Message("tool", (result,), 0),
            Message("assistant", (TextPart("4°C and snow."),), 0),
        )
    )
    assert '**Tool call** `get_weather` (`call_1`)\n\n```json\n{\n  "city": "Oslo",' in md
    assert (
        '**Tool result** of `get_weather`\n\n```json\n{\n  "temp": 4,\n  "sky": "snow"\n}\n```'
        in md
    )
    assert "4°C and snow." in md


def test_reasoning_is_folded_and_redacted_reasoning_says_so() -> None:
    md = cassette_markdown(
        _cassette(
            Message("user", (TextPart("Hi"),), 0),
            Message(
                "assistant", (ReasoningPart("Think </details> <b>hard</b>"), TextPart("Hello")), 0
            ),
        )
    )
    assert (
        "<details><summary>Reasoning</summary>\n\nThink \\</details> \\<b>hard\\</b>\n\n</details>"
        in md
    )
    page = html(md)
    assert page.count("<details>") == page.count("</details>") == 1
    assert "<b>" not in page
    redacted = cassette_markdown(
        _cassette(Message("assistant", (ReasoningPart("", redacted=True),), 0))
    )
    assert "(redacted by the provider)" in redacted


@pytest.mark.parametrize("ticks", [3, 4, 7])
def test_recorded_backticks_never_close_a_fence(ticks: int) -> None:
    run = "`" * ticks
    content = f"before\n{run}\nstill inside {run}python\n{run}"
    block = fenced(content)
    fence = block.splitlines()[0]
    assert len(fence) == ticks + 1
    rendered = html(block)
    assert rendered.count("<pre>") == 1
    assert "still inside" in rendered.split("</pre>")[0]
    assert code("a ``b`` c") == "```a ``b`` c```"
    assert code("`edge`") == "`` `edge` ``"


def test_recorded_html_and_mentions_cannot_render_or_notify() -> None:
    text = (
        'Hi @octocat and @org/team, see <img src=x onerror="alert(1)"> &amp; <!-- c -->\n'
        "mail me at a@example.com; `@inside code <b>` stays\n"
        "```html\n<script>alert(1)</script> @nobody\n```"
    )
    md = cassette_markdown(_cassette(Message("assistant", (TextPart(text),), 0)))
    assert "Hi `@octocat` and `@org/team`" in md
    assert "a@example.com" in md
    assert "`@inside code <b>` stays" in md
    assert "```html\n<script>alert(1)</script> @nobody\n```" in md  # in a code block, as recorded
    page = html(md)
    assert "<img" not in page
    assert "<!--" not in page
    assert "&amp;amp;" in page  # the recorded entity is shown, not decoded
    assert "<script>" not in page
    assert not re.search(r"(?<![\w`>/])@octocat", page.replace("<code>@octocat</code>", ""))


def test_secrets_are_masked_in_text_arguments_and_results(tmp_path: Path) -> None:
    """The Markdown is made from the decoded model, which is masked as a whole on decoding."""
    call = {
        "id": "c1",
        "name": "search",
        "arguments": {"query": "x", "api_key": "tvly-" + "9" * 30},
    }
    first = chat_request([{"role": "user", "content": f"my key is {KEY}"}])
    token = "aB3kd9fJ2mZ8qP1xW7vN4tR6yH0sL5cE"  # one repeated letter would read as a placeholder
    result = json.dumps({"echo": KEY, "access_token": token})
    second = chat_request(
        [
            {"role": "user", "content": f"my key is {KEY}"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "search", "arguments": json.dumps(call["arguments"])},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": result},
        ]
    )
    path = tmp_path / "leaky.yaml"
    path.write_text(
        govcr([(first, chat_response(tool_calls=[call])), (second, chat_response("done"))])
    )
    md = CliRunner().invoke(main, ["show", str(path), "--format", "markdown"]).stdout
    assert "done" in md  # decoded: the checks below mean something
    assert KEY not in md
    assert "9" * 30 not in md
    assert token[4:] not in md
    assert "my key is sk-p…" in md
    assert '"api_key": "tvly…"' in md


def test_one_interaction_has_its_request_tools_response_and_error() -> None:
    it = _interaction(
        index=3,
        status=429,
        url="https://api.openai.com/v1/chat/completions?key=…",
        messages=(Message("user", (TextPart("Again?"),), 3),),
        tools=(Tool("lookup"),),
        usage=Usage(input_tokens=1200, output_tokens=0),
        error=ApiError("http_429", "Rate limit <reached> for @me"),
    )
    md = interaction_markdown(_cassette(interaction=it), it)
    first, *rest = md.split("\n\n")
    assert first == "# #3 · openai.chat · `gpt-4o` · 429 · 1,200 in / 0 out tokens"
    assert (
        rest[0] == "In `agents/run.yaml`: `POST https://api.openai.com/v1/chat/completions?key=…`"
    )
    assert rest[1] == "Tools offered: `lookup`"
    assert rest[2:4] == ["### User", "Again?"]
    assert rest[4] == "**Error** `http_429`: Rate limit \\<reached> for `@me`\n"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_show_format_markdown_prints_the_conversation(tmp_path: Path) -> None:
    path = tmp_path / "weather.yaml"
    call = {"id": "call_9", "name": "get_weather", "arguments": {"city": "Rome"}}
    first = chat_request([{"role": "user", "content": "Weather in Rome?"}])
    second = chat_request(
        [
            {"role": "user", "content": "Weather in Rome?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_9",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Rome"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_9", "content": "21°C, sunny"},
        ]
    )
    path.write_text(
        govcr(
            [
                (first, chat_response(tool_calls=[call])),
                (second, chat_response("Sunny, 21°C.")),
            ],
            headers={"Authorization": [f"Bearer {KEY}"]},
        )
    )
    code_, out, err = _run("show", str(path), "--format", "markdown")
    assert code_ == 0, err
    assert out.startswith("# `weather.yaml`\n\ngo-vcr-v2 · 2 interactions\n\n")
    assert "## #0 · openai.chat · `gpt-4o-mini` · 200" in out
    assert (
        "### User\n\nWeather in Rome?\n\n### Assistant\n\n**Tool call** `get_weather` (`call_9`)"
        in out
    )
    assert '```json\n{\n  "city": "Rome"\n}\n```' in out
    assert "**Tool result** of `get_weather`\n\n```\n21°C, sunny\n```" in out
    assert out.endswith("### Assistant\n\nSunny, 21°C.\n")
    assert KEY not in out
    code_, one, _ = _run("show", str(path), "--format", "markdown", "--interaction", "1")
    assert code_ == 0
    assert one.startswith("# #1 · openai.chat")
    assert "Sunny, 21°C." in one
    assert "Weather in Rome?" in one  # the request's own input, repeated in this interaction


def test_show_json_is_format_json_and_they_cannot_disagree(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        govcr([(chat_request([{"role": "user", "content": "Hi"}]), chat_response("Yo"))])
    )
    assert _run("show", str(path), "--json")[1] == _run("show", str(path), "--format", "json")[1]
    assert _run("show", str(path))[1] == _run("show", str(path), "--format", "text")[1]
    code_, _, err = _run("show", str(path), "--json", "--format", "markdown")
    assert code_ == 2
    assert "--json is --format json" in err


def test_the_bundled_agent_loop_reads_as_markdown() -> None:
    code_, out, err = _run(
        "show", str(SAMPLE / "agent_loop_thinking_tools.yaml"), "--format", "markdown"
    )
    assert code_ == 0, err
    page = html(out)
    assert page.count("<h2>") == 2  # one line per interaction
    assert "<details><summary>Reasoning</summary>" in page
    assert "<code>get_weather</code>" in page
    assert "(error)" in out


def test_threads_get_headings_and_a_retry_says_what_it_repeats(tmp_path: Path) -> None:
    """A side call (a title generator) between two turns, and a retried last turn."""
    question = {"role": "user", "content": "Weather in Rome?"}
    later = [question, {"role": "assistant", "content": "Sunny."}]
    later.append({"role": "user", "content": "And tomorrow?"})
    title = {"role": "user", "content": "Write a 3-word title for: Weather in Rome?"}
    path = tmp_path / "threads.yaml"
    path.write_text(
        govcr(
            [
                (chat_request([question]), chat_response("Sunny.")),
                (chat_request([title]), chat_response("Roman Weather Today")),
                (chat_request(later), chat_response("Rain.")),
                (chat_request(later), chat_response("Rain, again.")),
            ]
        )
    )
    code_, out, err = _run("show", str(path), "--format", "markdown")
    assert code_ == 0, err
    headings = [line for line in out.splitlines() if line.startswith("#")]
    assert [h.split(" · ")[0] for h in headings] == [
        "# `threads.yaml`",
        "## Thread 0: Weather in Rome?",
        "### #0",
        "#### User",
        "#### Assistant",
        "## Thread 1: Write a 3-word title for: Weather in Rome?",
        "### #1",
        "#### User",
        "#### Assistant",
        "## Thread 0: Weather in Rome? (continued)",
        "### #2",
        "#### User",
        "#### Assistant",
        "### #3",
        "#### Assistant",
    ]
    assert "go-vcr-v2 · 4 interactions · 2 threads" in out
    assert headings[-2].endswith(" · retry of #2")
    code_, one, _ = _run("show", str(path), "--format", "markdown", "--interaction", "1")
    assert "\n\nThread 1: Write a 3-word title for: Weather in Rome?\n\n" in one
