"""Reading a labelled set directory: `labels.yaml` (algorithm, params, items) plus any number of
`<items>-*.yaml` files (`clips-*.yaml`, `series-*.yaml`), each a YAML list of items in the same
schema, merged in name order. Item ids are unique across the files; every item belongs to the
`dev` or the `test` split; an item's source must exist. Every problem is named file:line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel, RootModel

from gridwatch.config.errors import ConfigError, ConfigIssue
from gridwatch.config.loader import load_file_with_lines
from gridwatch.config.yaml_lines import PathKey, format_path, line_of

SplitFilter = Literal["dev", "test", "all"]
SPLITS: tuple[SplitFilter, ...] = ("dev", "test", "all")
# Where the corpus builder writes what it fetches and composites (not in git): a missing file
# there means the corpus was not built yet, not a broken label.
CORPUS_BUILD = "datasets/corpus/build/"


class Item(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def split(self) -> str: ...


S = TypeVar("S", bound=BaseModel)


def load_labelled_set(
    directory: Path,
    model: type[S],
    key: str,
    more: type[RootModel],  # type: ignore[type-arg]
    split: SplitFilter = "all",
    *,
    keep: Callable[[Any], bool] | None = None,
    check_sources: bool = True,
) -> S:
    """`model` read from `directory/labels.yaml` with the items of `directory/<key>-*.yaml`
    appended to its `key` list, then only the items of `split` (and those `keep` accepts)
    kept; the sources of those must exist unless `check_sources` is False."""
    if split not in SPLITS:
        raise ValueError(f"split {split!r}: use dev, test or all")
    head, lines, display = load_file_with_lines(directory / "labels.yaml", model)
    items: list[Item] = list(getattr(head, key))
    where: list[tuple[str, dict[PathKey, int], PathKey]] = [
        (display, lines, (key, i)) for i in range(len(items))
    ]
    for extra_path in sorted(directory.glob(f"{key}-*.yaml")):
        extra, extra_lines, extra_display = load_file_with_lines(extra_path, more)
        for i, item in enumerate(extra.root):
            items.append(item)
            where.append((extra_display, extra_lines, (i,)))
    issues: list[ConfigIssue] = []
    first: dict[str, str] = {}
    for item, (file, file_lines, at) in zip(items, where, strict=True):
        line = line_of(file_lines, (*at, "id"))
        if item.id in first:
            issues.append(
                ConfigIssue(
                    file,
                    line,
                    format_path((*at, "id")),
                    f"duplicate id {item.id!r} (first at {first[item.id]}): ids are unique "
                    f"across labels.yaml and every {key}-*.yaml of the set",
                )
            )
        else:
            first[item.id] = f"{file}:{line}"
    kept = [
        (it, w)
        for it, w in zip(items, where, strict=True)
        if split in ("all", it.split) and (keep is None or keep(it))
    ]
    for item, (file, file_lines, at) in kept if check_sources else []:
        source = (directory / item.source).resolve()
        if source.exists():
            continue
        hint = " (is it a typo? sources are relative to the set directory)"
        if CORPUS_BUILD in source.as_posix():
            hint = ": the corpus is not built here; run `make corpus` first"
        issues.append(
            ConfigIssue(
                file,
                line_of(file_lines, (*at, "source")),
                format_path((*at, "source")),
                f"{item.source}: no such file {source}{hint}",
            )
        )
    if issues:
        raise ConfigError(issues)
    return head.model_copy(update={key: [it for it, _ in kept]})
