"""The import/export format: one table (sheet or file) per node or relationship kind.

A table's key is its English name (``units``, ``assigned_to``), which is also its CSV
file name and XLSX sheet name; its Chinese name (``单位``, ``联系包挂``) is accepted too.
A column's header is the model field (``name``) or its Chinese title (``名称``), or both
as ``名称 name``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cached_property

from graph_service.domain.kind_specs import NODE_SPECS, REL_KIND_SPECS
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.models import (
    NODE_MODELS,
    REL_MODELS,
    AreaBoundaryIn,
    NodeIn,
    Record,
    RelIn,
)

#: Each node kind's table key (``units``), from its spec.
NODE_TABLE_KEYS: dict[NodeKind, str] = {kind: spec.table for kind, spec in NODE_SPECS.items()}


@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    description: str
    required: bool
    named: str | None = None  # where the input names it otherwise (a GeoJSON member)

    @property
    def header(self) -> str:
        """The bilingual header written by exports and the template: ``名称 name``."""
        return self.named or f"{self.zh} {self.field}"


@dataclass(frozen=True)
class Table:
    key: str
    zh: str
    kind: NodeKind | RelKind
    model: type[Record]
    #: (field, header) where a column is named otherwise than ``名称 name``
    named: tuple[tuple[str, str], ...] = ()

    @property
    def is_node(self) -> bool:
        return isinstance(self.kind, NodeKind)

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        named = dict(self.named)
        return tuple(
            Column(
                name, info.title or name, info.description or "", info.is_required(),
                named.get(name),
            )
            for name, info in self.model.model_fields.items()
        )

    @cached_property
    def _header_index(self) -> dict[str, str]:
        index: dict[str, str] = {}
        for column in self.columns:
            for alias in (column.field, column.zh, column.header, f"{column.zh}({column.field})"):
                index[_norm(alias)] = column.field
        return index

    def field_for(self, header: str) -> str | None:
        """The field a header names, or None."""
        return self._header_index.get(_norm(header))

    def suggest(self, header: str) -> str | None:
        """The closest known header, for an error message."""
        candidates = [c.field for c in self.columns] + [c.zh for c in self.columns]
        close = difflib.get_close_matches(header.strip(), candidates, n=1, cutoff=0.4)
        if not close:
            return None
        field = self.field_for(close[0])
        column = next(c for c in self.columns if c.field == field)
        return column.header


def _norm(text: str) -> str:
    text = text.strip().lower().replace("（", "(").replace("）", ")")
    text = re.sub(r"\s*\*\s*$", "", text)  # a trailing * marks required columns in templates
    return re.sub(r"[\s/_·]+", " ", text).strip()


def _tables() -> tuple[Table, ...]:
    """A table per kind, from its spec: the node kinds' first, each in its enum's order."""
    nodes = [Table(spec.table, spec.zh, kind, spec.model) for kind, spec in NODE_SPECS.items()]
    rels = [Table(spec.table, spec.ends.zh, rel, spec.model)
            for rel, spec in REL_KIND_SPECS.items()]  # fmt: skip
    return (*nodes, *rels)


TABLES: tuple[Table, ...] = _tables()
NODE_TABLES: dict[NodeKind, Table] = {t.kind: t for t in TABLES if isinstance(t.kind, NodeKind)}
REL_TABLES: dict[RelKind, Table] = {t.kind: t for t in TABLES if isinstance(t.kind, RelKind)}
#: The Features of a ``.geojson`` file beside an import, each the boundary of an area
#: (``properties.id``): read like a table, but not one of the format's (no sheet, CSV
#: file or export is named so), and its rows update areas rather than being nodes.
AREA_BOUNDARIES = Table("area_boundaries", "区域边界", NodeKind.AREA, AreaBoundaryIn,
                        named=(("id", "properties.id"), ("boundary", "geometry")))
_BY_NAME: dict[str, Table] = {}
for _table in TABLES:
    _BY_NAME[_norm(_table.key)] = _table
    _BY_NAME[_norm(_table.zh)] = _table
    _BY_NAME[_norm(f"{_table.zh} {_table.key}")] = _table
    _BY_NAME[_norm(_table.kind.value)] = _table


def table_named(name: str) -> Table | None:
    """The table a sheet or file name (without extension) names, in English or Chinese."""
    return _BY_NAME.get(_norm(name))


def suggest_table(name: str) -> str | None:
    keys = [t.key for t in TABLES] + [t.zh for t in TABLES]
    close = difflib.get_close_matches(name.strip(), keys, n=1, cutoff=0.4)
    return close[0] if close else None


def node_model(kind: NodeKind) -> type[NodeIn]:
    return NODE_MODELS[kind]


def rel_model(kind: RelKind) -> type[RelIn]:
    return REL_MODELS[kind]
