"""A small region with two subdistricts that mirror each other, for access-control tests.

Every node kind and every relationship type occurs once on each side: ids end in ``-A``
(inside 甲 subdistrict ``S-A``) or ``-B`` (inside 乙 subdistrict ``S-B``). One person,
``P-X``, is an instructor on both sides (a supporter that crosses the border).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SIDES = ("A", "B")
SIDE_ZH = {"A": "甲", "B": "乙"}

# one node of each kind per side: table key -> id stem
NODE_STEMS = {
    "areas": "C",  # the community (the subdistrict S-<side> is there too)
    "units": "U",
    "party_orgs": "O",
    "committees": "K",
    "buildings": "BD",
    "parks": "PK",
    "persons": "P",
    "projects": "PR",
    "meetings": "M",
    "service_posts": "SP",
    "stations": "ST",
}

# one relationship of each type per side: table key -> (from stem, to stem)
REL_ENDS = {
    "part_of": ("C", "S"),
    "located_in": ("U", "BD"),
    "under": ("O", "O2"),
    "covers": ("O", "BD"),
    "established_in": ("O", "U"),
    "leads": ("O", "K"),
    "member_unit_of": ("U", "K"),
    "serves_on": ("P", "K"),
    "member_of": ("P", "O"),
    "employed_by": ("P", "U"),
    "assigned_to": ("P", "O"),
    "paired_with": ("U2", "C"),
    "reported_to": ("P", "C"),
    "holds": ("P", "SP"),
    "volunteers_in": ("P", "C"),
    "claimed": ("U", "PR"),
    "serves": ("PR", "C"),
    "of": ("M", "K"),
    "incubates": ("U2", "U"),
}

PHONE = {"A": "13812345678", "B": "13987654321"}
ID_NUMBER = {"A": "370102198501011233", "B": "370102199002022346"}
ADDRESS = {"A": "济南市市中区建新路12号3单元", "B": "济南市市中区和平路34号5单元"}


def node_id(stem: str, side: str) -> str:
    return f"{stem}-{side}"


def side_rows(side: str) -> dict[str, list[dict[str, Any]]]:
    z = SIDE_ZH[side]
    i = node_id

    def n(stem: str) -> str:
        return i(stem, side)

    return {
        "areas": [
            {"id": n("S"), "name": f"{z}街道", "level": "subdistrict"},
            {"id": n("C"), "name": f"{z}社区", "level": "community"},
        ],
        "units": [
            {"id": n("U"), "name": f"{z}科技公司", "kind": "non_public_enterprise",
             "formal_party_members": 5},
            {"id": n("U2"), "name": f"{z}区教育局", "kind": "government_organ"},
        ],
        "party_orgs": [
            {"id": n("O"), "name": f"{z}科技公司党支部", "kind": "branch"},
            {"id": n("O2"), "name": f"{z}街道党工委", "kind": "working_committee"},
        ],
        "committees": [{"id": n("K"), "name": f"{z}社区综合党委", "kind": "community"}],
        "buildings": [{"id": n("BD"), "name": f"{z}大厦", "kind": "commercial"}],
        "parks": [{"id": n("PK"), "name": f"{z}科技园", "kind": "industrial"}],
        "persons": [
            {"id": n("P"), "name": f"{z}联络员", "party_status": "formal",
             "phone": PHONE[side], "id_number": ID_NUMBER[side],
             "home_address": ADDRESS[side]},
        ],
        "projects": [{"id": n("PR"), "name": f"{z}助老项目"}],
        "meetings": [{"id": n("M"), "name": f"{z}例会", "date": "2026-03-01"}],
        "service_posts": [{"id": n("SP"), "name": f"{z}便民岗"}],
        "stations": [{"id": n("ST"), "name": f"{z}党群服务站"}],
        # relationships
        "part_of": [{"from_id": n("S"), "to_id": "D"}, {"from_id": n("C"), "to_id": n("S")}],
        "located_in": [
            {"from_id": n("U"), "to_id": n("BD")},
            {"from_id": n("U2"), "to_id": n("C")},
            {"from_id": n("BD"), "to_id": n("C")},
            {"from_id": n("PK"), "to_id": n("C")},
            {"from_id": n("K"), "to_id": n("C")},
            {"from_id": n("SP"), "to_id": n("C")},
            {"from_id": n("ST"), "to_id": n("C")},
            {"from_id": n("O2"), "to_id": n("S")},
        ],
        "under": [{"from_id": n("O"), "to_id": n("O2")}],
        "covers": [{"from_id": n("O"), "to_id": n("BD")}],
        "established_in": [{"from_id": n("O"), "to_id": n("U")}],
        "leads": [{"from_id": n("O"), "to_id": n("K")}],
        "member_unit_of": [{"from_id": n("U"), "to_id": n("K")}],
        "serves_on": [{"from_id": n("P"), "to_id": n("K")}],
        "member_of": [{"from_id": n("P"), "to_id": n("O")}],
        "employed_by": [{"from_id": n("P"), "to_id": n("U")}],
        "assigned_to": [
            {"from_id": n("P"), "to_id": n("O"), "role": "liaison"},
            {"from_id": "P-X", "to_id": n("O"), "role": "instructor"},
        ],
        "paired_with": [{"from_id": n("U2"), "to_id": n("C")}],
        "reported_to": [{"from_id": n("P"), "to_id": n("C")}],
        "holds": [{"from_id": n("P"), "to_id": n("SP")}],
        "volunteers_in": [{"from_id": n("P"), "to_id": n("C")}],
        "claimed": [{"from_id": n("U"), "to_id": n("PR")}],
        "serves": [{"from_id": n("PR"), "to_id": n("C")}],
        "of": [{"from_id": n("M"), "to_id": n("K")}],
        "incubates": [{"from_id": n("U2"), "to_id": n("U")}],
    }


def bundle() -> dict[str, Any]:
    tables: dict[str, list[dict[str, Any]]] = {
        "areas": [{"id": "D", "name": "示例区", "level": "district"}],
        "persons": [{"id": "P-X", "name": "跨街道指导员", "party_status": "formal"}],
    }
    for side in SIDES:
        for key, rows in side_rows(side).items():
            tables.setdefault(key, []).extend(rows)
    return {"format": "regional-party-network", "version": 1, "tables": tables}


def write_bundle(folder: Path) -> Path:
    path = folder / "two-subdistricts.json"
    path.write_text(json.dumps(bundle(), ensure_ascii=False), encoding="utf-8")
    return path


def secrets_of(side: str) -> set[str]:
    """Strings that only a caller who may see ``side`` should ever receive."""
    out: set[str] = set()
    for key, rows in side_rows(side).items():
        if key in NODE_STEMS:
            for row in rows:
                out.add(row["id"])
                out.add(row["name"])
    out |= {PHONE[side], ID_NUMBER[side], ADDRESS[side]}
    return out
