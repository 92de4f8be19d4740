"""The JSON Schema of every file of a district directory, from the models the loader validates with.

`gridwatch config schema` prints it and `scripts/gen_docs.py` renders the configuration
reference from it, so the reference says exactly what the loader accepts.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from gridwatch.config.enforcement_loader import OTHER_FILES, RESPONSIBILITY_FILES
from gridwatch.config.loader import FILES

JsonSchema = dict[str, Any]


def district_files() -> dict[str, tuple[str, type[BaseModel]]]:
    """Every file a district directory may hold: key → (path in the directory, model)."""
    return {**FILES, **RESPONSIBILITY_FILES, **OTHER_FILES}


def file_schema(key: str) -> JsonSchema:
    """The JSON Schema of one district file (`devices`, `plans`, …), titled with its path."""
    files = district_files()
    if key not in files:
        raise KeyError(f"unknown district file {key!r}: one of {', '.join(files)}")
    path, model = files[key]
    schema = model.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": path, **schema}


def field_title(prop: JsonSchema, schema: JsonSchema) -> str:
    """A property's title. Pydantic leaves it out where it equals the referenced model's own
    title (`brigade: Brigade` is titled by `Brigade`), so that one is looked up."""
    if prop.get("title"):
        return str(prop["title"])
    ref = prop.get("$ref", "")
    target = schema.get("$defs", {}).get(ref.removeprefix("#/$defs/"), {})
    return str(target.get("title", ""))


def models_of(schema: JsonSchema) -> dict[str, JsonSchema]:
    """The file's own model first, then every model it refers to, by name."""
    return {schema.get("title", "(root)"): schema, **schema.get("$defs", {})}


def undocumented_fields(schema: JsonSchema) -> list[str]:
    """`Model.field` for every property, in the schema and its `$defs`, lacking a title or a
    description (the reference would show an empty cell)."""
    return [
        f"{name}.{field}"
        for name, model in models_of(schema).items()
        for field, prop in model.get("properties", {}).items()
        if not field_title(prop, schema) or not prop.get("description")
    ]
