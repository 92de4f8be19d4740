"""The documentation tells the truth about the code: generated pages are current, every config
field is documented, and every `gridwatch …` command the docs mention exists."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from gridwatch.config.json_schema import district_files, file_schema, undocumented_fields

ROOT = Path(__file__).resolve().parents[2]


def _load_gen_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen_docs = _load_gen_docs()


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    return gen_docs.generate()  # type: ignore[no-any-return]


def test_generated_pages_match_the_code(generated: dict[str, str]) -> None:
    assert gen_docs.stale(generated) == [], "run `python scripts/gen_docs.py` and commit docs/"


def test_a_changed_page_is_reported_stale(generated: dict[str, str], tmp_path: Path) -> None:
    for path, text in generated.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    assert gen_docs.stale(generated, tmp_path) == []
    page = tmp_path / "reference" / "configuration.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Device id", "Camera id"))
    (tmp_path / "reference" / "schemas" / "gone.schema.json").write_text("{}")
    assert gen_docs.stale(generated, tmp_path) == [
        "reference/configuration.md",
        "reference/schemas/gone.schema.json",
    ]


def test_configuration_reference_lists_every_field_of_every_file(
    generated: dict[str, str],
) -> None:
    text = generated["reference/configuration.md"]
    for key in district_files():
        schema = file_schema(key)
        models = {schema["title"]: schema, **schema.get("$defs", {})}
        for name, model in models.items():
            assert f"### {name} {{#{key}-{name.lower()}}}" in text
            for field in model.get("properties", {}):
                assert f"| `{field}` |" in text, f"{key}: {name}.{field} missing"


@pytest.mark.parametrize("key", list(district_files()))
def test_every_config_field_has_a_title_and_a_description(key: str) -> None:
    assert undocumented_fields(file_schema(key)) == []


# `gridwatch WORD [WORD]` inside inline code or a fenced block of the docs and the README.
MENTION = re.compile(r"(?<![\w.:/-])gridwatch((?: +[a-z][a-z0-9|-]*){1,2})")
CODE = re.compile(r"```.*?```|`[^`\n]+`", re.DOTALL)


def _mentions() -> list[tuple[str, str]]:
    found = []
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for path in files:
        for block in CODE.findall(path.read_text(encoding="utf-8")):
            for m in MENTION.finditer(block):
                found.append((str(path.relative_to(ROOT)), m.group(1).split()))
    return [(where, " ".join(words)) for where, words in found]


def test_every_command_the_docs_mention_exists() -> None:
    paths = {tuple(p) for p in gen_docs.command_paths()}
    groups = {p[:-1] for p in paths if len(p) > 1}
    wrong = []
    mentions = _mentions()
    for where, text in mentions:
        first, *rest = text.split()
        alternatives = [[w] for w in first.split("|")]
        if rest and all((w,) in groups for w in first.split("|")):
            alternatives = [[first, w] for w in rest[0].split("|")]
        for words in alternatives:
            if tuple(words) not in paths:
                wrong.append(f"{where}: gridwatch {' '.join(words)}")
    assert mentions, "no command found in the docs: the pattern is broken"
    assert wrong == []


# A file the docs name in code (`domain/tasks.py`, `plans.yaml`, `tests/kafka/…`), looked up where
# such names are meant: the checkout, the package and its subpackages, the test folders, a district.
FILE = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[a-z_][\w.-]*\.(?:py|md|yaml|sh|toml|json))\b")
EXAMPLES = {"pw.txt", "day.jsonl", "requests.csv"}  # files of a reader's own, in examples


def _places() -> list[Path]:
    package = ROOT / "services" / "gridwatch"
    return [
        ROOT,
        ROOT / "services",
        package,
        *[p for p in package.iterdir() if p.is_dir()],
        *[p for p in (ROOT / "tests").iterdir() if p.is_dir()],
        ROOT / "configs",
        ROOT / "configs" / "zhongliangshan",
        ROOT / "docs" / "reference",
    ]


def test_every_file_the_docs_name_exists() -> None:
    places = _places()
    wrong = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        if "reference" in path.relative_to(ROOT).parts:
            continue  # generated from the code itself
        for block in CODE.findall(path.read_text(encoding="utf-8")):
            for name in set(FILE.findall(block)) - EXAMPLES:
                if name.startswith(("test-artifacts/", "build/", ".gridwatch/")):
                    continue  # written by a run of the tests, the docs build or the demo
                if not any((p / name).exists() for p in [path.parent, *places]):
                    wrong.append(f"{path.relative_to(ROOT)}: {name}")
    assert sorted(wrong) == []
