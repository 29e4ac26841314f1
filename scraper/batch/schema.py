"""The columnar schema of Book (and Reject) records, derived from the pydantic model.

``Book.model_json_schema()`` is the one description of a record; this module
walks it once into a small type tree and renders that tree as a pyarrow schema
(Parquet output) or a Spark ``StructType`` (the Spark engine). Adding a field
to the model adds the column; nothing here names a field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from scraper.batch.errors import EngineUnavailable

__all__ = ["ColumnType", "arrow_schema", "column_types", "spark_schema"]


@dataclass(frozen=True, slots=True)
class ColumnType:
    """A node of the type tree: a scalar, a list of one type, or a struct of named fields."""

    kind: str  # "string", "int", "float", "bool", "list", "struct"
    item: ColumnType | None = None
    fields: tuple[tuple[str, ColumnType, bool], ...] = ()  # (name, type, nullable)


_SCALARS = {"string": "string", "integer": "int", "number": "float", "boolean": "bool"}


def _walk(node: dict[str, Any], defs: dict[str, Any]) -> tuple[ColumnType, bool]:
    """(type, nullable) of a JSON-schema node."""
    if "$ref" in node:
        return _walk(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        if len(options) != 1:
            raise ValueError(f"cannot map a union of {len(options)} types to a column")
        return _walk(options[0], defs)[0], True
    kind = node.get("type")
    if kind in _SCALARS:
        return ColumnType(_SCALARS[kind]), False
    if "enum" in node:
        return ColumnType("string"), False
    if kind == "array":
        items = node.get("items") or {}
        if "prefixItems" in items or "prefixItems" in node:  # a tuple: a list of its one type
            prefix = items.get("prefixItems") or node["prefixItems"]
            inner = {_walk(p, defs)[0] for p in prefix}
            if len(inner) != 1:
                raise ValueError("cannot map a tuple of mixed types to a column")
            return ColumnType("list", item=ColumnType("list", item=inner.pop())), False
        return ColumnType("list", item=_walk(items, defs)[0]), False
    if kind == "object":
        required = set(node.get("required", ()))
        fields = []
        for name, sub in node.get("properties", {}).items():
            sub_type, nullable = _walk(sub, defs)
            fields.append((name, sub_type, nullable or name not in required))
        return ColumnType("struct", fields=tuple(fields)), False
    raise ValueError(f"cannot map JSON-schema type {kind!r} to a column")


def column_types(model: type[BaseModel]) -> ColumnType:
    """The type tree of a model's serialised records.

    >>> from scraper.records import Book
    >>> [name for name, _, _ in column_types(Book).fields][:3]
    ['title', 'subtitle', 'contributors']
    """
    schema = model.model_json_schema(mode="serialization")
    return _walk(schema, schema.get("$defs", {}))[0]


def arrow_schema(model: type[BaseModel]) -> Any:
    """The pyarrow schema of a model (needs the ``parquet`` extra)."""
    try:
        import pyarrow as pa  # type: ignore[import-untyped]
    except ImportError:
        raise EngineUnavailable("Parquet output needs pyarrow: pip install 'catalog-scraper[parquet]'") from None

    def render(node: ColumnType) -> Any:
        scalars = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
        if node.kind in scalars:
            return scalars[node.kind]
        if node.kind == "list":
            assert node.item is not None
            return pa.list_(render(node.item))
        return pa.struct([pa.field(n, render(t), nullable=null) for n, t, null in node.fields])

    root = column_types(model)
    return pa.schema([pa.field(n, render(t), nullable=null) for n, t, null in root.fields])


def spark_schema(model: type[BaseModel]) -> Any:
    """The Spark ``StructType`` of a model (needs the ``spark`` extra)."""
    from pyspark.sql import types as st

    def render(node: ColumnType) -> Any:
        scalars = {"string": st.StringType(), "int": st.LongType(), "float": st.DoubleType(), "bool": st.BooleanType()}
        if node.kind in scalars:
            return scalars[node.kind]
        if node.kind == "list":
            assert node.item is not None
            return st.ArrayType(render(node.item))
        return st.StructType([st.StructField(n, render(t), null) for n, t, null in node.fields])

    return render(column_types(model))
