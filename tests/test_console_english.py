"""The console in English: once the toggle is pressed, every page's own words (navigation,
headings, labels, buttons, table headers, placeholders, tooltips, empty states) are
English. Only the data keeps its language: the names the region gives its areas, units,
people and organizations (read from Neo4j, not written here) are taken out of the page's
words before looking for Chinese characters. The choice is kept across pages and reloads.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from graph_service.db.database import Database
from tests import test_console as base
from tests.test_console import ADMIN, ADMIN_PASSWORD, AS_OF, Console, sign_in

console = base.console

#: Chinese characters and the full-width punctuation that goes with them
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]")
#: the elements that hold the console's own words, not the data's
CHROME = ", ".join((
    "nav", "header", "h1", "h2", "h3", "h4", "th", "label", "button", "legend", "caption",
    ".el-form-item__label", ".el-tabs__item", ".el-empty__description", ".el-pagination",
    ".el-radio-button__inner", ".el-checkbox__label", ".el-alert__title", ".el-tag",
    ".el-card__header", "[data-test=total]",
))  # fmt: skip
#: what the page says in attributes: a text box's hint, a control's name, a tooltip
ATTRIBUTES = ("placeholder", "aria-label", "title")

PAGES = (
    f"/console/dashboard?area=A-ERQI&as_of={AS_OF}",
    f"/console/gaps/ORG_BUILDING_UNCOVERED?area=A-ERQI&as_of={AS_OF}",
    f"/console/gaps/TEAM_BRANCH_NO_OFFICER?area=A-ERQI&as_of={AS_OF}",
    f"/console/entities/B-HEPING?as_of={AS_OF}",
    f"/console/entities/A-JIANXIN?as_of={AS_OF}",
    "/console/follow-ups",
    f"/console/map?area=A-ERQI&as_of={AS_OF}",
    f"/console/network?area=A-JIANXIN&as_of={AS_OF}",
    "/console/import",
    "/console/admin",
    "/console/admin?tab=audit",
)

COLLECT_JS = """([selector, attributes]) => {
  const seen = [];
  const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  for (const e of document.querySelectorAll(selector)) {
    if (visible(e) && e.innerText && e.innerText.trim()) seen.push(e.innerText.trim());
  }
  for (const name of attributes) {
    for (const e of document.querySelectorAll(`[${name}]`)) {
      const value = e.getAttribute(name);
      if (visible(e) && value && value.trim()) seen.push(value.trim());
    }
  }
  return seen;
}"""


def _data_names(db: Database) -> list[str]:
    """Every name the demo region gives (longest first, so a name is taken out whole)."""
    rows = db.driver.execute_query(
        "MATCH (n) WHERE n.name IS NOT NULL RETURN DISTINCT n.name AS name",
        database_=db.database,
    ).records  # fmt: skip
    # and the toggle back, which names Chinese in Chinese
    return sorted({str(row["name"]) for row in rows} | {"中文"}, key=len, reverse=True)


def _chinese_words(page: Page, names: list[str]) -> list[str]:
    """The page's own words that still hold Chinese once the data's names are taken out."""
    expect(page.locator(".el-loading-mask")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    found = []
    for text in page.evaluate(COLLECT_JS, [CHROME, list(ATTRIBUTES)]):
        rest = text
        for name in names:
            if name in rest:
                rest = rest.replace(name, " ")
        if CJK.search(rest):
            found.append(text[:120])
    return sorted(set(found))


def test_every_page_speaks_english_after_the_toggle(
    console: Console, demo_database: Database
) -> None:
    names = _data_names(demo_database)
    context = console.context()
    page = context.new_page()
    page.goto("/console/login")
    page.click("button.lang")  # chosen before signing in, and kept
    expect(page.locator("button[type=submit]")).to_have_text("Sign in")
    assert _chinese_words(page, names) == []
    sign_in(page, ADMIN, ADMIN_PASSWORD)
    page.wait_for_url(re.compile(r"/console/dashboard"))
    expect(page.locator("[data-test=account]")).to_contain_text(f"{ADMIN} · Admin")
    left = {}
    for path in PAGES:
        page.goto(path)
        chinese = _chinese_words(page, names)
        if chinese:
            left[path] = chinese
    assert left == {}, left
    page.reload()  # the choice outlives a reload
    expect(page.locator("[data-test=lang]")).to_have_text("中文")
    page.click("[data-test=lang]")  # and back
    expect(page.locator("[data-test=lang]")).to_have_text("English")
    context.close()
