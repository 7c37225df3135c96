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

A gap rule is one declaration (:data:`graph_service.domain.gaps.DECLARED`) and one condition,
``cypher/gaps/<code>.cypher``: a header (``// rule: CODE``, ``// params: …``, and optionally
``// carries:``, ``// related:``, ``// detail:``, ``// impact: condition``) over the clauses
that leave one row per gap with the subject as ``n``, and an optional ``// ---- rows``
section run on the rows of a page only. :func:`compose_gap_queries` makes each rule's page
query (``<code>``) and count query (``<code>_count``) from it and the pieces in
``cypher/_gaps/`` (see its README) by a fixed recipe: a slot is filled with the text of a
piece, of the rule's file, or a variable name the rule's header declares, never with input.
The registry refuses to load a folder with a ``gaps`` folder when a rule has no condition
file there or a condition file no rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from pathlib import Path

from graph_service.domain.gaps import (
    DECLARED,
    RuleSettings,
    RuleSettingsError,
    default_rule_settings,
    load_rule_settings,
)
from graph_service.errors import QueryFileError

HEADER = re.compile(r"^//\s*(?P<key>[a-z_]+)\s*:\s*(?P<value>.*)$")
PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
PLACEHOLDER = re.compile(r"\{\{([a-z_]+)\}\}")
# Strings and comments are blanked before parameters are collected.
_STRINGS_AND_COMMENTS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
INCLUDE = re.compile(
    r"\{\{>\s*(?P<name>[a-z_]+)\s+(?P<var>[A-Za-z_][A-Za-z0-9_]*(?::[A-Z][A-Za-z]*)?)"
    r"(?P<binds>(?:\s+[a-z_]+=[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)*)\s*\}\}"
)
BIND = re.compile(r"(?P<param>[a-z_]+)=(?P<value>\S+)")
FRAGMENTS = "_fragments"
GAPS = "gaps"
GAP_PIECES = "_gaps"
SECTION = re.compile(r"^//\s*----\s*(?P<name>[a-z_]+)\s*$")
SLOT_LINE = re.compile(r"^(?P<indent>\s*)\{\{(?P<slot>[a-z_]+)\}\}\s*$")
VARIABLE = re.compile(r"^[a-z][a-z0-9_]*$")
# what the service may send a gap query beside the parameters of the rule's condition
_PAGE_PARAMS = frozenset({"as_of", "area", "skip", "limit"})
_COUNT_PARAMS = frozenset({"as_of", "area", "areas"})


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


@dataclass(frozen=True)
class Piece:
    """A file of text with slots: a gap wrapper or piece, or a rule's condition. Its header
    lines, then its sections: ``""`` before the first ``// ---- name`` line, then each."""

    path: Path
    header: dict[str, str]
    sections: dict[str, str]

    def section(self, name: str) -> str:
        if name not in self.sections:
            raise QueryFileError(f"{self.path}: section '// ---- {name}' is missing")
        return self.sections[name]


def parse_piece(path: Path, kind: str) -> Piece:
    """A piece file whose first header line is ``// <kind>: …``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header: dict[str, str] = {}
    start = len(lines)
    for number, line in enumerate(lines):
        match = HEADER.match(line.strip())
        if match is None:
            start = number
            break
        header[match["key"]] = match["value"].strip()
    if kind not in header:
        raise QueryFileError(f"{path}:1: header line '// {kind}: …' is missing")
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for line in lines[start:]:
        if match := SECTION.match(line.strip()):
            current = match["name"]
            if current in sections:
                raise QueryFileError(f"{path}: section '{current}' appears twice")
            sections[current] = []
        else:
            sections[current].append(line)
    return Piece(path, header, {k: "\n".join(v).strip("\n") for k, v in sections.items()})


def fill(text: str, **values: str) -> str:
    """``text`` with its ``{{slot}}`` slots filled: a slot alone on its line takes the
    value's lines at its indentation (none when the value is empty), any other is replaced
    in place. Slots without a value stay (a later fill, or the final check, sees them).

    >>> fill("A\\n  {{x}}\\nB{{y}}", x="1\\n2", y=", c")
    'A\\n  1\\n  2\\nB, c'
    """
    out: list[str] = []
    for line in text.split("\n"):
        match = SLOT_LINE.match(line)
        if match and match["slot"] in values:
            indent = match["indent"]
            out += [indent + part if part else part for part in values[match["slot"]].split("\n")
                    if values[match["slot"]]]  # fmt: skip
            continue
        for slot, value in values.items():
            line = line.replace("{{" + slot + "}}", value)
        out.append(line)
    return "\n".join(out)


def _variables(rule: Piece, key: str) -> list[str]:
    names = [v.strip() for v in rule.header.get(key, "").split(",") if v.strip()]
    for name in names:
        if not VARIABLE.match(name):
            raise QueryFileError(f"{rule.path}: '// {key}:' names '{name}', not a variable")
    return names


def compose_gap_queries(root: Path, fragments: dict[str, str]) -> dict[str, Query]:
    """Each gap rule's page and count queries, made from its declaration, its condition
    (``cypher/gaps/<code>.cypher``) and the pieces of ``cypher/_gaps/``.

    Raises :class:`QueryFileError` when a declared rule has no condition file, a condition
    file has no declared rule, or a file is malformed (naming the file).
    """
    pieces = {p.stem: parse_piece(p, "piece") for p in sorted((root / GAP_PIECES).glob("*.cypher"))}
    for wanted in ("page", "count"):
        if wanted not in pieces:
            raise QueryFileError(f"{root / GAP_PIECES / wanted}.cypher: the gap wrapper is missing")
    subjects: dict[str, Piece] = {}
    for name, piece in pieces.items():
        if name.startswith("subject_"):
            for label in piece.header.get("subjects", "").split(","):
                subjects[label.strip()] = piece
    files = {path.stem: path for path in (root / GAPS).glob("*.cypher")}
    declared = {rule.code.lower(): rule for rule in DECLARED}
    for stem in sorted(set(declared) - set(files)):
        raise QueryFileError(
            f"{root / GAPS / stem}.cypher: 规则 {declared[stem].code} 没有条件文件 / the rule "
            f"{declared[stem].code} (graph_service/domain/gaps.py) has no condition file"
        )
    for stem in sorted(set(files) - set(declared)):
        raise QueryFileError(
            f"{files[stem]}:1: 没有声明编号为 {stem.upper()} 的规则 / no rule {stem.upper()} is "
            "declared in graph_service/domain/gaps.py for this condition"
        )
    queries: dict[str, Query] = {}
    for stem, rule in declared.items():
        path = files[stem]
        condition = parse_piece(path, "rule")
        if condition.header["rule"] != rule.code:
            raise QueryFileError(f"{path}:1: the header must say '// rule: {rule.code}'")
        if rule.subject not in subjects:
            raise QueryFileError(f"{path}: no cypher/{GAP_PIECES} piece for {rule.subject}")
        subject = subjects[rule.subject]
        place = pieces[f"place_{subject.header['place']}"]
        locate = pieces.get(f"locate_{subject.header.get('locate', '')}")
        carries = _variables(condition, "carries")
        related = _variables(condition, "related")
        if len(related) > 1 or not set(related) <= set(carries):
            raise QueryFileError(f"{path}: '// related:' names one variable of '// carries:'")
        carry = "".join(f", {name}" for name in carries)
        detail = condition.header.get("detail", "{}")
        rows = condition.sections.get("rows", "")
        # the condition's own parameters, declared and used
        own = {p.strip().lstrip("$") for p in condition.header.get("params", "").split(",")
               if p.strip()}  # fmt: skip
        body = _expand(condition.sections[""], path, fragments)
        used = _used_params(body + "\n" + _expand(rows, path, fragments) + "\n" + detail)
        if own != used:
            raise QueryFileError(
                f"{path}: declared and used parameters differ (used but not declared: "
                f"{sorted(used - own)}; declared but not used: {sorted(own - used)})"
            )

        def located(guard: str) -> str:
            return fill(locate.section(""), guard=guard) if locate else ""  # noqa: B023

        impact = "" if condition.header.get("impact") == "condition" else subject.section("")
        page = fill(
            pieces["page"].section(""),
            condition=condition.sections[""],
            filter=fill(place.section("filter"),
                        locate=located(place.sections.get("guard_page", "")), carry=carry),
            impact=fill(impact, carry=carry),
            order_related="".join(f", {name}.id" for name in related),
            carry_map="".join(f", {name}: {name}" for name in carries),
            carry_unpack="".join(f", g.{name} AS {name}" for name in carries),
            path=fill(place.section("path"), locate=located("")),
            rows=rows,
            kind=subject.header.get("kind", f"'{rule.subject}'"),
            subkind=subject.header["subkind"],
            related_id=f"{related[0]}.id" if related else "null",
            related_name=f"{related[0]}.name" if related else "null",
            detail=detail,
            order_related_id=", related_id" if related else "",
        )  # fmt: skip
        count = fill(
            pieces["count"].section(""),
            condition=condition.sections[""],
            count=fill(place.section("count"),
                       locate=located(place.sections.get("guard_count", ""))),
        )  # fmt: skip
        purpose = condition.header.get("purpose", "")
        for name, text, allowed, wrapper in (
            (stem, page, _PAGE_PARAMS, "page"), (f"{stem}_count", count, _COUNT_PARAMS, "count"),
        ):  # fmt: skip
            text = _expand(text, path, fragments)
            if leftover := PLACEHOLDER.findall(text):
                raise QueryFileError(f"{path}: slots {sorted(set(leftover))} are not filled")
            params = _used_params(text)
            if not params <= own | allowed:
                extra = sorted(params - own - allowed)
                raise QueryFileError(f"{path}: the {wrapper} uses parameters {extra} the rule "
                                     "does not declare")  # fmt: skip
            queries[name] = Query(
                name=name, mode=Mode.READ, params=frozenset(params), text=text, path=path,
                purpose=f"{rule.code}: {purpose} {pieces[wrapper].header.get('purpose', '')}",
            )  # fmt: skip
    return queries


class QueryRegistry:
    """All queries under a folder, by name."""

    def __init__(self, queries: dict[str, Query], rules: RuleSettings | None = None) -> None:
        self._queries = queries
        #: which gap rules are on and their options (a deployment's rules file, or the defaults)
        self.rules = rules or default_rule_settings()

    @classmethod
    def load(cls, root: Path, rules_file: Path | None = None) -> QueryRegistry:
        """Every query under ``root``, and the gap rules' settings from ``rules_file`` (the
        setting RULES_FILE; None: the declared defaults). Raises :class:`QueryFileError`."""
        try:
            rules = load_rule_settings(rules_file)
        except RuleSettingsError as exc:
            raise QueryFileError(str(exc)) from None
        if not root.is_dir():
            raise QueryFileError(f"{root}: the cypher folder does not exist")
        fragments = dict(
            parse_fragment_file(path) for path in sorted((root / FRAGMENTS).glob("*.cypher"))
        )
        queries: dict[str, Query] = {}
        for path in sorted(root.rglob("*.cypher")):
            folder = path.relative_to(root).parts[0]
            if folder.startswith("_") or folder == GAPS:
                continue  # fragments and gap pieces; gap conditions are composed above
            query = parse_query_file(path, fragments)
            if query.name in queries:
                raise QueryFileError(
                    f"{path}:1: query name '{query.name}' is already used by "
                    f"{queries[query.name].path}"
                )
            queries[query.name] = query
        # a folder of other queries only (a test's) has no gap rules to compose
        composed = compose_gap_queries(root, fragments) if (root / GAPS).is_dir() else {}
        for name, query in composed.items():
            if name in queries:
                raise QueryFileError(f"{queries[name].path}:1: query name '{name}' is already "
                                     f"used by the gap rule of {query.path}")  # fmt: skip
            queries[name] = query
        return cls(queries, rules)

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
