"""Parse cassette YAML safely: tags become plain data, and hostile shapes are refused up front.

libyaml composes documents recursively in C, so a few kilobytes of `[[[[...` crash the whole
process before any Python check could run. A cheap byte-level estimate clears ordinary files for
libyaml's composer; every other file (suspicious, or holding more brackets than that composer
nests safely, which any cassette with large JSON bodies does although its brackets sit inside
quoted scalars) is composed here instead, without recursion, from libyaml's parser events,
counting depth as it goes. That costs one parse, where checking first and then letting libyaml
compose cost two. Alias expansion (billion laughs) is measured on the composed node graph, and
only when the text holds an anchor and its alias.
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
# Quoted `]` can cancel real `[` in the pair count of `flow_depth_bound`, so a file holding more
# brackets than libyaml's composer nests safely (it overflows the C stack near 30,000 levels) is
# always composed with the depth counted.
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
    """Upper bound of bracket nesting (see `_pair_depth`)."""
    return _pair_depth(data.translate(_FLOW_CHARS, _NOT_FLOW), cap)


def _pair_depth(flow: bytes, cap: int) -> int:
    """Upper bound of the nesting of `flow` (brackets alone, as `(` and `)`): strip balanced
    pairs pass by pass (each pass runs in C).

    Stops past `cap`: callers only compare with a threshold, and one pass per level made a
    200 KB file of `[[[...]]]` cost minutes.
    """
    passes = 0
    while b"()" in flow:
        if passes > cap:
            return passes
        flow = flow.replace(b"()", b"")
        passes += 1
    return passes + flow.count(b"(")


def _may_nest_deeper(data: bytes, flow: bytes, max_depth: int) -> bool:
    """Cheap over-estimate: deep indentation, long `- - -` runs, or deep brackets (`flow`)."""
    indent = max_depth // 2
    compact = max_depth // 5
    deep = max_depth - indent - compact
    return (
        data.find(b"\n" + b" " * indent) >= 0
        or data.translate(_DASHES, b" \t").find(b"-" * compact) >= 0
        or _pair_depth(flow, deep) >= deep
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


def _compose_checked(loader: yaml.CSafeLoader, max_depth: int) -> yaml.Node | None:
    """The stream's single document as a node graph, like libyaml's `get_single_node` (same
    nodes, same errors in the same words), but built from parser events with an explicit stack:
    nesting past `max_depth` is an error when its opening event arrives, before anything deeper
    exists."""
    parser: Any = loader  # the C parser's events are untyped in PyYAML's stubs
    parser.get_event()  # stream start
    if parser.check_event(yaml.StreamEndEvent):
        return None
    parser.get_event()  # document start
    anchors: dict[str, yaml.Node] = {}
    root: yaml.Node | None = None
    # Open collections, each with the key still waiting for its value (mappings only).
    stack: list[tuple[yaml.Node, list[yaml.Node]]] = []
    while root is None or stack:
        event = parser.get_event()
        mark = event.start_mark
        if isinstance(event, yaml.CollectionEndEvent):
            stack.pop()[0].end_mark = event.end_mark
            continue
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise yaml.composer.ComposerError(None, None, "found undefined alias", mark)
            node = anchors[event.anchor]
        else:
            anchor = event.anchor
            if anchor is not None and anchor in anchors:
                raise yaml.composer.ComposerError(
                    "found duplicate anchor; first occurrence",
                    anchors[anchor].start_mark,
                    "second occurrence",
                    mark,
                )
            node = _node(parser, event)
            if anchor is not None:
                anchors[anchor] = node
        if stack:
            parent, key = stack[-1]
            if isinstance(parent, yaml.SequenceNode):
                parent.value.append(node)
            elif key:
                parent.value.append((key.pop(), node))
            else:
                key.append(node)
        else:
            root = node
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= max_depth:
                line = mark.line + 1 if mark else None
                raise ReadError(f"data nested deeper than {max_depth} levels", line)
            stack.append((node, []))
    parser.get_event()  # document end
    if not parser.check_event(yaml.StreamEndEvent):
        raise yaml.composer.ComposerError(
            "expected a single document in the stream",
            root.start_mark,
            "but found another document",
            parser.get_event().start_mark,
        )
    return root


def _node(parser: Any, event: Any) -> yaml.Node:
    """The node an event starts, its tag resolved as PyYAML's composer does."""
    tag, implicit, start, end = event.tag, event.implicit, event.start_mark, event.end_mark
    if isinstance(event, yaml.ScalarEvent):
        if tag is None or tag == "!":
            tag = parser.resolve(yaml.ScalarNode, event.value, implicit)
        return yaml.ScalarNode(tag, event.value, start, end, event.style)
    kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingNode
    if tag is None or tag == "!":
        tag = parser.resolve(kind, None, implicit)
    return kind(tag, [], start, None, event.flow_style)


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
    flow = data.translate(_FLOW_CHARS, _NOT_FLOW)  # its brackets alone, one pass
    counted = flow.count(b"(") > _SAFE_FLOW_OPENS or _may_nest_deeper(data, flow, limits.max_depth)
    loader = CassetteLoader(data)
    try:
        node = _compose_checked(loader, limits.max_depth) if counted else loader.get_single_node()
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
