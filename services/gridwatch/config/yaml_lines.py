"""YAML loading that remembers the line of every value, so errors can name `file:line`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]


class YamlSyntaxError(ValueError):
    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


def _construct(
    node: yaml.Node, path: PathKey, lines: dict[PathKey, int], file: str, loader: yaml.SafeLoader
) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in out:
                raise YamlSyntaxError(file, key_node.start_mark.line + 1, f"duplicate key {key!r}")
            out[key] = _construct(value_node, (*path, key), lines, file, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(child, (*path, i), lines, file, loader) for i, child in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


def load_yaml(path: Path, display: str | None = None) -> tuple[Any, dict[PathKey, int]]:
    """Return the document and a map from key path to 1-based line number."""
    file = display or str(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise YamlSyntaxError(file, line, f"not UTF-8: byte 0x{raw[e.start]:02x}") from None
    # libyaml composes the node tree several times faster (the responsibility list is ~20k lines);
    # the marks it leaves carry the same line numbers.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        line = (e.problem_mark.line + 1) if e.problem_mark else 1
        raise YamlSyntaxError(file, line, f"YAML syntax: {e.problem}") from e
    except yaml.reader.ReaderError as e:  # a control character: YAML's reader has no line mark
        line = text[: e.position].count("\n") + 1
        raise YamlSyntaxError(file, line, f"YAML syntax: {e.reason}") from e
    finally:
        loader.dispose()
    lines: dict[PathKey, int] = {}
    if node is None:
        return None, lines
    return _construct(node, (), lines, file, yaml.SafeLoader("")), lines


def line_of(lines: dict[PathKey, int], path: PathKey) -> int:
    """Line of the deepest existing prefix of `path` (a missing field points at its parent)."""
    for n in range(len(path), -1, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return 1


def data_path(data: Any, loc: tuple[str | int, ...]) -> PathKey:
    """Map a pydantic error location onto the document, dropping union tags it adds."""
    out: list[str | int] = []
    cur = data
    for i, part in enumerate(loc):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
            out.append(part)
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
            out.append(part)
        elif i == len(loc) - 1 and isinstance(part, str) and not isinstance(cur, list):
            out.append(part)  # a missing field: keep its name
        # else: a discriminator tag or validator name that is not in the document
    return tuple(out)


def format_path(path: PathKey) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"
