"""Problem details in Chinese and English by ``Accept-Language``: the field's weights read as
RFC 9110 says (checked against werkzeug's parser), every title and detail the service writes
cut to its English half, and real errors (404, 422, 412) answered in both languages by the
real app against the real Neo4j."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from graph_service.auth.principal import Principal, Role
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.main import create_app
from graph_service.problems import PROBLEM_TYPES, english_of, preferred_language
from tests.conftest import Neo4jUnderTest

CHINESE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


@pytest.mark.parametrize(
    ("field", "language"),
    [
        (None, "zh"), ("", "zh"), ("zh", "zh"), ("zh-CN", "zh"), ("zh-TW", "zh"),
        ("en", "en"), ("EN-us", "en"), ("en-GB;q=0.3, zh-TW;q=0.2", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("fr", "zh"), ("fr, en;q=0.1", "en"), ("*", "zh"), ("*, en;q=0.5", "zh"),
        ("*;q=0.5, en;q=0.6", "en"), ("en, zh", "en"), ("zh, en", "zh"),
        ("en;q=0", "zh"), ("zh;q=0", "en"), ("zh;q=0, en;q=0", "zh"),
        ("zh;q=0, *;q=0.1", "en"), ("zh;q=0.5, en", "en"), ("en;q=0.5, zh;q=0.500", "en"),
        # malformed elements are passed over, the rest still counts
        ("en;q=1.5", "zh"), ("en;q=0.5;level=1", "zh"), ("en;q=abc, zh", "zh"),
        ("e!n, en-US;q=0.4", "en"), ("en-toolongsubtag", "zh"), (",,;, en", "en"),
    ],
)  # fmt: skip
def test_the_field_is_read_with_its_weights(field: str | None, language: str) -> None:
    assert preferred_language(field) == language


# no "*": werkzeug lets it raise a language named with a lower weight (zh;q=0.1, *;q=0.5
# gives zh 0.5), where RFC 9110 has it match only the languages no other range names
TAGS = ["zh", "zh-CN", "zh-TW", "zh-Hans-CN", "en", "en-US", "en-GB", "fr", "de-DE", "ja"]


@given(st.lists(st.sampled_from(TAGS), min_size=1, max_size=6, unique=True),
       st.lists(st.integers(1, 1000), min_size=6, max_size=6, unique=True))  # fmt: skip
def test_the_choice_is_werkzeugs_where_weights_differ(tags: list[str], weights: list[int]) -> None:
    """Against a kept parser: with distinct weights, both name the same language, or
    werkzeug finds neither and the default (Chinese with English) stands. Werkzeug is
    offered every tag the service reads as Chinese or English, since it prefers an exact
    match of any weight (zh;q=0.1 over en-US;q=0.9 when offered only zh and en)."""
    field = ", ".join(f"{tag};q={w / 1000:.3f}" for tag, w in zip(tags, weights, strict=False))
    offered = [tag for tag in TAGS if tag.startswith(("zh", "en"))]
    best = parse_accept_header(field, LanguageAccept).best_match(offered, default="zh")
    assert preferred_language(field) == best.split("-")[0], field


def test_every_title_has_an_english_half_without_chinese() -> None:
    for kind in PROBLEM_TYPES.values():
        english = english_of(kind.title)
        assert english and not CHINESE.search(english), kind.title
        assert english in kind.title and english != kind.title


WORD = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'-", min_size=1, max_size=10)
ENGLISH = st.lists(WORD, min_size=1, max_size=8).map(" ".join)
ENGLISH_WITH_SLASHES = st.lists(ENGLISH, min_size=1, max_size=3).map(" / ".join)
HAN = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=2, max_size=20)
CHINESE_TEXT = st.tuples(HAN, st.sampled_from(["", "：", "，请重试", " 8 个"]), HAN).map("".join)


@given(ENGLISH_WITH_SLASHES, CHINESE_TEXT, st.booleans())
def test_the_english_half_of_either_order(english: str, chinese: str, english_first: bool) -> None:
    both = f"{english} / {chinese}" if english_first else f"{chinese} / {english}"
    assert english_of(both) == english


@given(ENGLISH_WITH_SLASHES)
def test_a_text_in_one_language_is_kept_whole(english: str) -> None:
    assert english_of(english) == english


@pytest.mark.parametrize(
    ("text", "english"),
    [
        # echoed ids and names in the other language, a note after the Chinese half
        ("第 3 项变更（和平社区）：编号 U-X 不存在或不在您的权限范围内 / change 3 (和平社区): no "
         "entity 'U-X' in your areas", "change 3 (和平社区): no entity 'U-X' in your areas"),
        ("only an admin may do this / 仅管理员可操作 (you: organizer)",
         "only an admin may do this"),
        ("需要登录或 API 密钥 / credentials needed: sign in, or send X-API-Key or "
         "Authorization: Bearer <key>",
         "credentials needed: sign in, or send X-API-Key or Authorization: Bearer <key>"),
        ('记录已被他人修改，请刷新后重试：Unit U-1 的当前版本为 '
         '"0f3a9c1b2d4e5f60718293a4b5c6d7e8" / the record changed since you read it: Unit U-1 '
         'is now at version '
         '"0f3a9c1b2d4e5f60718293a4b5c6d7e8"; read it again and retry',
         'the record changed since you read it: Unit U-1 is now at version '
         '"0f3a9c1b2d4e5f60718293a4b5c6d7e8"; read it again and retry'),
        ("query.limit: Input should be greater than or equal to 1",
         "query.limit: Input should be greater than or equal to 1"),
        ("请指定区域", "请指定区域"),  # nothing English to give: the text as written
    ],
)  # fmt: skip
def test_the_english_half_of_the_services_own_texts(text: str, english: str) -> None:
    assert english_of(text) == english


# ---- real errors, through the app against the real Neo4j ----------------------------------


@pytest.fixture(scope="module")
def client(neo4j_server: Neo4jUnderTest, session_database: Database) -> Iterator[TestClient]:
    """One app for the module, on a database emptied once (one test creates U-1)."""
    session_database.wipe()
    session_database.ensure_schema()
    key = add_account(session_database, Principal.cli(), "test-admin", Role.ADMIN)
    with TestClient(create_app(neo4j_server.settings()), headers={"X-API-Key": key}) as test_client:
        yield test_client


def _asked(client: TestClient, method: str, path: str, language: str | None,
           **kwargs: object) -> dict[str, object]:  # fmt: skip
    headers = dict(kwargs.pop("headers", {}))  # type: ignore[call-overload]
    if language is not None:
        headers["Accept-Language"] = language
    answer = client.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]
    assert answer.headers["content-type"].startswith("application/problem+json")
    spoken = "en" if language is not None and language.startswith("en") else "zh-CN, en"
    assert answer.headers["content-language"] == spoken
    assert "accept-language" in answer.headers["vary"].lower()
    body = dict(answer.json())
    assert body["status"] == answer.status_code
    return body


def _both(client: TestClient, method: str, path: str,
          **kwargs: object) -> tuple[dict[str, object], dict[str, object]]:  # fmt: skip
    """The problem as today (no Accept-Language, zh, zh-CN give the same) and in English."""
    today = _asked(client, method, path, None, **kwargs)
    for chinese in ("zh", "zh-CN,zh;q=0.9,en;q=0.8"):
        assert _asked(client, method, path, chinese, **kwargs) == today
    english = _asked(client, method, path, "en-US,en;q=0.9,zh-CN;q=0.5", **kwargs)
    for member in ("type", "code", "status", "instance"):
        assert english[member] == today[member], member
    assert set(english) == set(today)  # the same members: errors, current_etag …
    return today, english


def test_a_404_in_both_languages(client: TestClient) -> None:
    today, english = _both(client, "GET", "/units/U-NONE")
    assert today["code"] == "not-found" and today["type"] == "/problems/not-found"
    assert today["title"] == "Not found / 未找到" and english["title"] == "Not found"
    assert today["detail"] == "no Unit with id 'U-NONE' / 不存在编号为 U-NONE 的单位"
    assert english["detail"] == "no Unit with id 'U-NONE'"

    # a kept answer's area, outside the entity routes: the same rule
    today, english = _both(client, "GET", "/gaps/counts", params={"area": "A-NONE"})
    assert CHINESE.search(str(today["detail"])) and not CHINESE.search(str(english["detail"]))


def test_a_422_in_both_languages(client: TestClient) -> None:
    # FastAPI's validation: the detail is pydantic's English, only the title changes
    today, english = _both(client, "GET", "/gaps/ORG_BUILDING_UNCOVERED", params={"limit": 0})
    assert today["code"] == english["code"] == "invalid-input"
    assert today["title"] == "Invalid input / 输入无效" and english["title"] == "Invalid input"
    assert english["detail"] == today["detail"] and "limit" in str(english["detail"])
    assert english["errors"] == today["errors"]

    # the service's own 422, Chinese half first today
    today, english = _both(client, "POST", "/units", params={"link": "located_in"},
                           json={"id": "U-1", "name": "示例单位", "kind": "企业"})  # fmt: skip
    assert today["detail"] == "give link and link_to together / link 与 link_to 须同时给出"
    assert english["detail"] == "give link and link_to together"


def test_a_412_in_both_languages(client: TestClient) -> None:
    body = {"id": "U-1", "name": "示例单位", "kind": "企业"}
    assert client.post("/units", json=body).status_code == 201
    stale = {"If-Match": '"bogus"'}
    today, english = _both(client, "PATCH", "/units/U-1", json={"name": "改"}, headers=stale)
    assert today["code"] == "precondition-failed"
    assert str(today["detail"]).startswith("记录已被他人修改")
    assert str(english["detail"]).startswith("the record changed since you read it")
    # the English half as written (it names the unit by its Chinese kind: 单位 U-1)
    assert str(today["detail"]).endswith(" / " + str(english["detail"]))
    assert "记录已被他人修改" not in str(english["detail"])
    assert not CHINESE.search(str(english["title"]))
    assert english["current_etag"] == today["current_etag"]
    assert client.get("/units/U-1").json()["name"] == "示例单位"  # nothing was written


def test_a_413_of_the_body_limit_in_english(client: TestClient) -> None:
    """The body limit answers before any route (a middleware): the same language rule."""
    limit = client.app.state.settings.max_body_bytes  # type: ignore[attr-defined]
    body = b"x" * (limit + 1)
    today, english = _both(client, "POST", "/units", content=body,
                           headers={"Content-Type": "application/json"})  # fmt: skip
    assert today["code"] == english["code"] == "payload-too-large"
    assert english["title"] == "Payload too large"
    assert not CHINESE.search(str(english["detail"])) and CHINESE.search(str(today["detail"]))
