"""/docs and /redoc load every script, style and icon from the service itself.

No Neo4j needed: the pages and their files do not touch the database.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from graph_service.config import Settings
from graph_service.main import create_app

URL_ATTRS = {"src", "href", "spec-url"}


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [value for name, value in attrs if name in URL_ATTRS and value]


def _refs(html: str) -> list[str]:
    parser = _Refs()
    parser.feed(html)
    # and the URLs the inline script hands Swagger UI (url: '/openapi.json', …)
    return parser.refs + re.findall(r"""\burl:\s*['"]([^'"]+)""", html)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings()))  # no lifespan: the pages need no database


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_pages_reference_no_other_host_and_their_files_answer(
    client: TestClient, page: str
) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html), html
    assert "cdn" not in html.lower() and "fonts.googleapis" not in html
    refs = _refs(html)
    scripts = [ref for ref in refs if ref.endswith(".js")]
    assert scripts, html  # the page has its script, and …
    for ref in refs:
        assert ref.startswith("/") and not ref.startswith("//"), ref  # … all are local
        if ref == "/openapi.json":
            continue
        asset = client.get(ref)
        assert asset.status_code == 200, ref
        assert len(asset.content) > 1000, ref  # the real file, not an error page
    if page == "/docs":
        assert "validatorUrl" in html and '"validatorUrl": null' in html  # no badge call
        assert {r.rsplit(".", 1)[-1] for r in refs} >= {"js", "css", "png"}


def test_the_asset_files_are_what_their_names_say(client: TestClient) -> None:
    js = client.get("/docs-assets/swagger-ui-bundle.js")
    assert "javascript" in js.headers["content-type"] and b"SwaggerUIBundle" in js.content
    css = client.get("/docs-assets/swagger-ui.css")
    assert css.headers["content-type"].startswith("text/css")
    redoc = client.get("/docs-assets/redoc.standalone.js")
    assert b"Redoc" in redoc.content
    assert client.get("/docs-assets/nothing.js").status_code == 404
    assert client.get("/docs-assets/../main.py").status_code == 404
