"""Parse cassette YAML safely: tags become plain data, and hostile shapes are refused up front.

libyaml composes documents recursively in C, so a few kilobytes of `[[[[...` crash the whole
process before any Python check could run. Nesting is therefore bounded *before* libyaml sees
the text: a cheap byte-level estimate clears ordinary files, and only suspicious ones pay for
an exact, non-recursive walk over parser events. Alias expansion (billion laughs) is measured
on the composed node graph, and only when the text holds an anchor and its alias.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

import yaml

from app.formats.base import ReadError, ReadLimits

_ANCHOR = re.compile(rb"&([^\s\[\]{},]+)")
_ALIAS = re.compile(rb"\*([^\s\[\]{},]+)")
_BEFORE_ANCHOR = b" \t\r\n[{,:-"
_DASHES = bytes.maketrans(b"?", b"-")
_FLOW_CHARS = bytes.maketrans(b"[{]}", b"(())")
_NOT_FLOW = bytes(c for c in range(256) if c not in b"[{]}")
_SAFE_FLOW_OPENS = 5_000


def _plain(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Any:
    """Any tag we do not know (Ruby structs, Python objects...) is read as the data it wraps."""
    del tag_suffix
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None


def _binary(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """`!binary` (Ruby) and `!!binary` become bytes; text that is not base64 stays text."""
    if not isinstance(node, yaml.ScalarNode):
        return _plain(loader, "", node)
    value = loader.construct_scalar(node)
    try:
        return base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        return value


class CassetteLoader(yaml.CSafeLoader):
    """CSafeLoader that never executes or rejects a tag."""


CassetteLoader.add_constructor("!binary", _binary)
CassetteLoader.add_constructor("tag:yaml.org,2002:binary", _binary)
CassetteLoader.add_multi_constructor("!", _plain)
CassetteLoader.add_multi_constructor("tag:yaml.org,2002:", _plain)
CassetteLoader.add_multi_constructor("", _plain)


def flow_depth_bound(data: bytes, cap: int) -> int:
    """Upper bound of bracket nesting: strip balanced pairs pass by pass (each pass runs in C).

    Stops past `cap`: callers only compare with a threshold, and one pass per level made a
    200 KB file of `[[[...]]]` cost minutes.
    """
    flow = data.translate(_FLOW_CHARS, _NOT_FLOW)
    passes = 0
    while b"()" in flow:
        if passes > cap:
            return passes
        flow = flow.replace(b"()", b"")
        passes += 1
    return passes + flow.count(b"(")


def _may_nest_deeper(data: bytes, max_depth: int) -> bool:
    """Cheap over-estimate: deep indentation, long `- - -` runs, or deep brackets."""
    indent = max_depth // 2
    compact = max_depth // 5
    flow = max_depth - indent - compact
    return (
        data.find(b"\n" + b" " * indent) >= 0
        or data.translate(_DASHES, b" \t").find(b"-" * compact) >= 0
        # Quoted `]` can cancel real `[` in the pair count, so past what libyaml composes
        # safely (it overflows the C stack near 30,000 levels), only the exact walk will do.
        or data.count(b"[") + data.count(b"{") > _SAFE_FLOW_OPENS
        or flow_depth_bound(data, flow) >= flow
    )


def _names(pattern: re.Pattern[bytes], data: bytes) -> set[bytes]:
    """Names after `&` or `*` where YAML allows a node property (not inside a word or URL)."""
    return {
        match[1]
        for match in pattern.finditer(data)
        if match.start() == 0 or data[match.start() - 1 : match.start()] in _BEFORE_ANCHOR
    }


def _may_alias(data: bytes) -> bool:
    """Whether some `&name` anchor is also used as a `*name` alias."""
    anchors = _names(_ANCHOR, data)
    return bool(anchors) and not anchors.isdisjoint(_names(_ALIAS, data))


def _check_depth(data: bytes, max_depth: int) -> None:
    depth = 0
    try:
        for event in yaml.parse(data, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > max_depth:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    raise ReadError(f"data nested deeper than {max_depth} levels", line)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        raise yaml_error(exc, max_depth) from None


def _check_aliases(root: yaml.Node, max_nodes: int, max_bytes: int) -> None:
    """Count the nodes, and the bytes of text, that aliases would add once expanded, without
    expanding them. PyYAML shares an aliased node; everything after (decoding, JSON output)
    walks each use again, so one large body aliased 1,500 times costs 1,500 bodies."""
    sizes: dict[int, tuple[int, int]] = {}
    alias_nodes = alias_bytes = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            children = [sizes[id(c)] for c in _children(node)]
            own = len(node.value) if isinstance(node, yaml.ScalarNode) else 0
            sizes[key] = (1 + sum(n for n, _ in children), own + sum(b for _, b in children))
            continue
        if key in sizes:
            nodes, size = sizes[key]
            alias_nodes += nodes
            alias_bytes += size
            if alias_nodes > max_nodes:
                raise ReadError(f"YAML aliases expand to more than {max_nodes} nodes")
            if alias_bytes > max_bytes:
                raise ReadError(
                    f"YAML aliases expand to more than {max_bytes:,} bytes of text; "
                    "raise --max-size to read it"
                )
            continue
        sizes[key] = (0, 0)  # a node under construction: a self-reference counts as nothing more
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def yaml_error(exc: yaml.YAMLError, max_depth: int) -> ReadError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark else None
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if "nesting depth" in problem:  # newer libyaml bounds nesting itself: same error, our words
        return ReadError(f"data nested deeper than {max_depth} levels", line)
    return ReadError(f"invalid YAML: {problem}", line)


def load_yaml(data: bytes, limits: ReadLimits) -> Any:
    """The first YAML document of `data` as plain Python data, or ReadError."""
    if _may_nest_deeper(data, limits.max_depth):
        _check_depth(data, limits.max_depth)
    loader = CassetteLoader(data)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _may_alias(data):
            _check_aliases(node, limits.max_alias_nodes, limits.max_expanded_bytes)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, limits.max_depth) from None
    except RecursionError:
        raise ReadError(f"data nested deeper than {limits.max_depth} levels") from None
    finally:
        loader.dispose()
