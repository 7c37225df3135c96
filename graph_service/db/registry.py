"""The query registry: every Cypher query lives in ``cypher/<topic>/<name>.cypher``.

Each file holds one query under a header of ``//`` comment lines::

    // name: unit_get
    // mode: read
    // params: id
    // purpose: One unit by id.
    MATCH (u:Unit {id: $id}) RETURN u

``mode`` is ``read``, ``write`` or ``schema``. A ``schema`` file may hold several
statements separated by ``;``. ``params`` lists every ``$parameter`` the body uses;
the loader refuses, at start-up, a file whose declared and used parameters differ,
naming the file and line.

Some queries are written once for several labels or relationship types (the bulk
upsert, for one). They declare ``// placeholders: label`` and write ``{{label}}`` in the
body; :meth:`Query.render` fills the placeholder only with a member of the closed
enumeration it is given, never with raw input.

A read that the API may be asked for many times at once (an entity, who supports it)
declares ``// requests: id, as_of`` and ``// params: requests``: it answers a list of
requests in one run. ``$requests`` is a list of maps with those keys, and each row names
the request it answers by its index, ``request``. A plan still asks for one (a step with
``id`` and ``as_of``); the runners send it as a list of one, or, when several plans in one
transaction wait on the same query, all of them at once (see
:func:`graph_service.db.plans.run_together`).

A condition written once and used by many queries (which nodes an area-scoped caller
may see) lives in ``cypher/_fragments/<name>.cypher`` under a header of its own
(``// fragment: name``, ``// params: …``) and writes ``{{node}}`` for the node it is
about. A query includes it with ``{{> name var}}``; the loader pastes the fragment in
with ``var`` for ``{{node}}`` before the parameters are checked, so the query must
declare the fragment's parameters too — unless the include gives one a value of the
query's own, a variable or its property: ``{{> visible x scope=req.scope}}`` writes
``req.scope`` where the fragment writes ``$scope``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from pathlib import Path

from graph_service.errors import QueryFileError

HEADER = re.compile(r"^//\s*(?P<key>[a-z_]+)\s*:\s*(?P<value>.*)$")
PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
PLACEHOLDER = re.compile(r"\{\{([a-z_]+)\}\}")
# Strings and comments are blanked before parameters are collected.
_STRINGS_AND_COMMENTS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
INCLUDE = re.compile(
    r"\{\{>\s*(?P<name>[a-z_]+)\s+(?P<var>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?P<binds>(?:\s+[a-z_]+=[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)*)\s*\}\}"
)
BIND = re.compile(r"(?P<param>[a-z_]+)=(?P<value>\S+)")
FRAGMENTS = "_fragments"


class Mode(StrEnum):
    READ = "read"
    WRITE = "write"
    SCHEMA = "schema"


@dataclass(frozen=True)
class Query:
    """One named query, loaded from a file."""

    name: str
    mode: Mode
    params: frozenset[str]
    text: str
    path: Path
    purpose: str = ""
    placeholders: frozenset[str] = field(default_factory=frozenset)
    requests: frozenset[str] = field(default_factory=frozenset)  # keys of each request

    def render(self, **values: Enum) -> str:
        """The query text with its placeholders filled by closed-enumeration members.

        >>> from graph_service.domain.kinds import NodeKind
        >>> q = Query("x", Mode.READ, frozenset(), "MATCH (n:{{label}}) RETURN n", Path("x"),
        ...           placeholders=frozenset({"label"}))
        >>> q.render(label=NodeKind.AREA)
        'MATCH (n:Area) RETURN n'
        """
        if set(values) != set(self.placeholders):
            raise ValueError(f"{self.name} needs placeholders {sorted(self.placeholders)}")
        text = self.text
        for key, member in values.items():
            if not isinstance(member, Enum):
                raise TypeError(f"placeholder {key} takes an enumeration member, not {member!r}")
            text = text.replace("{{" + key + "}}", str(member.value))
        return text

    def statements(self) -> list[str]:
        """Statements of a schema file (split on ``;``)."""
        return [part.strip() for part in self.text.split(";") if part.strip()]


def _used_params(body: str) -> set[str]:
    return set(PARAM.findall(_STRINGS_AND_COMMENTS.sub("''", body)))


def _expand(body: str, path: Path, fragments: dict[str, str]) -> str:
    def paste(match: re.Match[str]) -> str:
        name = match["name"]
        line = body[: match.start()].count("\n") + 1
        if name not in fragments:
            raise QueryFileError(f"{path}: body line {line}: no fragment named '{name}'")
        text = fragments[name].replace("{{node}}", match["var"])
        for bind in BIND.finditer(match["binds"]):
            param, value = bind["param"], bind["value"]
            used = re.compile(r"\$" + param + r"\b")
            if not used.search(text):
                raise QueryFileError(
                    f"{path}: body line {line}: fragment '{name}' has no parameter ${param}"
                )
            text = used.sub(value, text)
        return text

    return INCLUDE.sub(paste, body)


def parse_fragment_file(path: Path) -> tuple[str, str]:
    """A fragment file: its name and text (``{{node}}`` still in it)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    body_lines = [line for line in lines if not HEADER.match(line.strip())]
    header = {m["key"]: m["value"].strip() for line in lines if (m := HEADER.match(line.strip()))}
    name = header.get("fragment", "")
    if name != path.stem:
        raise QueryFileError(f"{path}:1: '// fragment: {path.stem}' must head the file")
    body = "\n".join(body_lines).strip()
    declared = {p.strip().lstrip("$") for p in header.get("params", "").split(",") if p.strip()}
    if declared != _used_params(body):
        raise QueryFileError(f"{path}: declared and used parameters differ")
    if "{{node}}" not in body:
        raise QueryFileError(f"{path}: a fragment must use {{{{node}}}}")
    return name, body


def parse_query_file(path: Path, fragments: dict[str, str] | None = None) -> Query:
    """Parse one ``.cypher`` file; raise :class:`QueryFileError` naming file and line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header: dict[str, tuple[str, int]] = {}
    body_start = len(lines)
    for number, line in enumerate(lines, start=1):
        match = HEADER.match(line.strip())
        if match is None:
            if line.strip() == "" and not header:
                continue
            body_start = number - 1
            break
        header[match["key"]] = (match["value"].strip(), number)
    body = _expand("\n".join(lines[body_start:]).strip(), path, fragments or {})
    for required in ("name", "mode", "params"):
        if required not in header:
            raise QueryFileError(f"{path}:1: header line '// {required}: …' is missing")
    name, name_line = header["name"]
    if not NAME.match(name) or name != path.stem:
        raise QueryFileError(f"{path}:{name_line}: name '{name}' must equal the file name stem")
    mode_text, mode_line = header["mode"]
    try:
        mode = Mode(mode_text)
    except ValueError:
        raise QueryFileError(
            f"{path}:{mode_line}: mode '{mode_text}' is not one of read, write, schema"
        ) from None
    params_text, params_line = header["params"]
    declared = {p.strip().lstrip("$") for p in params_text.split(",") if p.strip()}
    used = _used_params(body)
    if declared != used:
        missing = sorted(used - declared)
        unused = sorted(declared - used)
        raise QueryFileError(
            f"{path}:{params_line}: declared and used parameters differ"
            f" (used but not declared: {missing}; declared but not used: {unused})"
        )
    placeholders_text = header.get("placeholders", ("", 0))[0]
    placeholders = {p.strip() for p in placeholders_text.split(",") if p.strip()}
    found = set(PLACEHOLDER.findall(body))
    if placeholders != found:
        raise QueryFileError(
            f"{path}:{header.get('placeholders', ('', body_start + 1))[1]}: declared "
            f"placeholders {sorted(placeholders)} differ from those used {sorted(found)}"
        )
    if not body:
        raise QueryFileError(f"{path}:{body_start + 1}: the query body is empty")
    requests_text, requests_line = header.get("requests", ("", 0))
    requests = {r.strip() for r in requests_text.split(",") if r.strip()}
    if requests and (mode is not Mode.READ or declared != {"requests"}):
        raise QueryFileError(
            f"{path}:{requests_line}: a query answering several requests reads, and takes "
            f"only $requests (a list of maps with the keys {sorted(requests)})"
        )
    return Query(
        name=name,
        mode=mode,
        params=frozenset(declared),
        text=body,
        path=path,
        purpose=header.get("purpose", ("", 0))[0],
        placeholders=frozenset(placeholders),
        requests=frozenset(requests),
    )


class QueryRegistry:
    """All queries under a folder, by name."""

    def __init__(self, queries: dict[str, Query]) -> None:
        self._queries = queries

    @classmethod
    def load(cls, root: Path) -> QueryRegistry:
        if not root.is_dir():
            raise QueryFileError(f"{root}: the cypher folder does not exist")
        fragments = dict(
            parse_fragment_file(path) for path in sorted((root / FRAGMENTS).glob("*.cypher"))
        )
        queries: dict[str, Query] = {}
        for path in sorted(root.rglob("*.cypher")):
            if path.parent.name == FRAGMENTS:
                continue
            query = parse_query_file(path, fragments)
            if query.name in queries:
                raise QueryFileError(
                    f"{path}:1: query name '{query.name}' is already used by "
                    f"{queries[query.name].path}"
                )
            queries[query.name] = query
        return cls(queries)

    def __getitem__(self, name: str) -> Query:
        try:
            return self._queries[name]
        except KeyError:
            raise KeyError(f"no query named {name!r} under cypher/") from None

    def __contains__(self, name: object) -> bool:
        return name in self._queries

    def __len__(self) -> int:
        return len(self._queries)

    def schema(self) -> list[Query]:
        """Schema files in file-name order."""
        return sorted(
            (q for q in self._queries.values() if q.mode is Mode.SCHEMA),
            key=lambda q: q.path.name,
        )
