"""People sign in to the console: POST/GET/DELETE /session, the cookie as credentials with
CSRF on writes, expiry, slow-down, scope, revocation and `graph-service users passwd`.

Real app, real Neo4j (tests/conftest.py), the mirrored region of tests/access_world.py.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from graph_service.auth.principal import Principal, Role
from graph_service.auth.throttle import SignInThrottle
from graph_service.config import Settings
from graph_service.db.accounts import add_account, revoke_account, set_password
from graph_service.db.database import Database
from graph_service.main import create_app
from graph_service.services.imports import import_files
from tests.access_world import write_bundle

PASSWORD = "社区书记 2026 pass"
ORGANIZER_PASSWORD = "另一个 long password"
PROBLEM = "application/problem+json"


@dataclass
class Region:
    db: Database
    settings: Settings
    admin_key: str
    organizer_key: str

    def client(self, base_url: str = "http://testserver", **overrides: Any) -> TestClient:
        return TestClient(create_app(self.settings.model_copy(update=overrides)),
                          base_url=base_url)  # fmt: skip


@pytest.fixture
def region(settings: Settings, db: Database, tmp_path: Path) -> Region:
    """The mirrored region; an admin 'root' and an organizer 'wang' of community C-A, each
    with a key and a password."""
    assert import_files(db, [write_bundle(tmp_path)]).written
    cli = Principal.cli()
    admin_key = add_account(db, cli, "root", Role.ADMIN)
    organizer_key = add_account(db, cli, "wang", Role.ORGANIZER, ["C-A"])
    set_password(db, cli, "root", PASSWORD)
    set_password(db, cli, "wang", ORGANIZER_PASSWORD)
    return Region(db, settings, admin_key, organizer_key)


@pytest.fixture
def client(region: Region) -> Iterator[TestClient]:
    with region.client() as client:
        yield client


def _cookies(response: Any) -> dict[str, Any]:
    """The Set-Cookie headers of a response, parsed: name -> morsel."""
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        jar.load(header)
    return dict(jar)


def _sign_in(client: TestClient, name: str, password: str) -> Any:
    return client.post("/session", json={"name": name, "password": password})


def test_sign_in_sets_the_two_cookies_and_sign_out_ends_the_session(
    client: TestClient, region: Region
) -> None:
    response = _sign_in(client, "wang", ORGANIZER_PASSWORD)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "wang" and body["role"] == "organizer"
    assert [area["id"] for area in body["areas"]] == ["C-A"]
    assert body["areas"][0]["name"]
    cookies = _cookies(response)
    session, csrf = cookies["gs_session"], cookies["gs_csrf"]
    assert session["httponly"] and not csrf["httponly"]
    assert session["samesite"].lower() == csrf["samesite"].lower() == "strict"
    assert session["path"] == csrf["path"] == "/"
    assert not session["secure"] and not csrf["secure"]  # plain http
    assert csrf.value == body["csrf_token"] != session.value
    token = session.value
    # only the token's digest is stored
    stored = region.db.execute_read(lambda tx: [r.data() for r in tx.run(
        "MATCH (s:Session) RETURN properties(s) AS p")])  # fmt: skip
    assert len(stored) == 1 and token not in str(stored)

    assert client.get("/session").json() == body
    assert client.get("/units/U-A").status_code == 200

    refused = client.delete("/session")  # a write like any other: CSRF needed
    assert refused.status_code == 403 and refused.headers["content-type"] == PROBLEM
    out = client.delete("/session", headers={"X-CSRF-Token": body["csrf_token"]})
    assert out.status_code == 204
    cleared = _cookies(out)
    assert cleared["gs_session"].value == "" and cleared["gs_csrf"].value == ""
    assert client.get("/session").status_code == 401
    # the old token no longer works, even sent again by hand: ended server-side
    client.cookies.set("gs_session", token)
    assert client.get("/units/U-A").status_code == 401
    assert client.get("/session").status_code == 401
    assert client.delete("/session").status_code == 204  # no session: only clears


def test_cookies_are_secure_over_https_or_when_set(region: Region) -> None:
    with region.client("https://testserver") as client:
        cookies = _cookies(_sign_in(client, "wang", ORGANIZER_PASSWORD))
        assert cookies["gs_session"]["secure"] and cookies["gs_csrf"]["secure"]
    with region.client(session_cookie_secure=True) as client:
        assert _cookies(_sign_in(client, "wang", ORGANIZER_PASSWORD))["gs_session"]["secure"]


def test_a_wrong_password_and_an_unknown_name_get_the_same_401(client: TestClient) -> None:
    answers = [_sign_in(client, name, password) for name, password in
               [("wang", "wrong password"), ("nobody", ORGANIZER_PASSWORD),
                ("wang", ORGANIZER_PASSWORD.upper()), ("../x", "whatever long")]]  # fmt: skip
    assert {a.status_code for a in answers} == {401}
    assert {a.headers["content-type"] for a in answers} == {PROBLEM}
    details = {a.json()["detail"] for a in answers}
    assert len(details) == 1 and details.pop().startswith("账号或密码错误")
    assert all("gs_session" not in _cookies(a) for a in answers)
    assert client.get("/session").status_code == 401


def test_an_account_without_a_password_cannot_sign_in(client: TestClient, region: Region) -> None:
    add_account(region.db, Principal.cli(), "li", Role.VIEWER, ["S-A"])
    assert _sign_in(client, "li", "").status_code == 401
    assert _sign_in(client, "li", "any password at all").status_code == 401


def test_repeated_failures_slow_sign_in_down(region: Region) -> None:
    with region.client(signin_free_failures=2, signin_delay_seconds=1.0) as client:
        for _ in range(3):  # two free failures, then one that starts a 1 s wait
            assert _sign_in(client, "wang", "not the password").status_code == 401
        # during the wait even the right password is refused, before it is checked
        refused = _sign_in(client, "wang", ORGANIZER_PASSWORD)
        assert refused.status_code == 429 and refused.headers["content-type"] == PROBLEM
        assert refused.headers["retry-after"] == "1"
        assert refused.json()["detail"].startswith("密码错误次数过多")
        # another account from the same client is not slowed down
        assert _sign_in(client, "root", PASSWORD).status_code == 200
        time.sleep(1.1)
        assert _sign_in(client, "wang", "still not it").status_code == 401  # wait now 2 s
        assert _sign_in(client, "wang", ORGANIZER_PASSWORD).headers["retry-after"] == "2"
        time.sleep(2.1)
        assert _sign_in(client, "wang", ORGANIZER_PASSWORD).status_code == 200
        # a success clears the count: two failures are free again
        for _ in range(2):
            assert _sign_in(client, "wang", "wrong again").status_code == 401
        assert _sign_in(client, "wang", ORGANIZER_PASSWORD).status_code == 200


@given(st.lists(st.sampled_from(["fail", "wait", "ok"]), max_size=40),
       st.integers(min_value=1, max_value=5))  # fmt: skip
def test_the_wait_grows_with_failures_and_never_passes_the_cap(
    steps: list[str], free: int
) -> None:
    now = [0.0]
    throttle = SignInThrottle(free=free, delay=1.0, max_delay=8.0, clock=lambda: now[0])
    failures = 0
    for step in steps:
        if step == "fail":
            throttle.failed("k")
            failures += 1
            expected = 0.0 if failures <= free else min(8.0, 2.0 ** (failures - free - 1))
            assert throttle.wait("k") == expected
        elif step == "ok":
            throttle.succeeded("k")
            failures = 0
            assert throttle.wait("k") == 0.0
        else:
            now[0] += 0.5
            assert 0.0 <= throttle.wait("k") <= 8.0
        assert throttle.wait("other") == 0.0


def test_an_idle_session_expires_and_a_used_one_does_not(region: Region) -> None:
    with region.client(session_idle_minutes=1.5 / 60) as client:
        assert _sign_in(client, "wang", ORGANIZER_PASSWORD).status_code == 200
        for _ in range(6):  # 3 s of use, every 0.5 s: idle never reaches 1.5 s
            time.sleep(0.5)
            assert client.get("/units/U-A").status_code == 200
        time.sleep(2.0)
        expired = client.get("/units/U-A")
        assert expired.status_code == 401 and "过期" in expired.json()["detail"]
        assert client.get("/session").status_code == 401


def test_a_session_ends_at_its_lifetime_however_busy(region: Region) -> None:
    with region.client(session_lifetime_hours=2.0 / 3600) as client:
        assert _sign_in(client, "wang", ORGANIZER_PASSWORD).status_code == 200
        statuses = []
        for _ in range(8):
            statuses.append(client.get("/session").status_code)
            time.sleep(0.4)
        assert statuses[0] == 200 and statuses[-1] == 401
        assert statuses == sorted(statuses)  # 200s, then 401s only


def test_writes_with_the_cookie_need_the_csrf_token_and_writes_with_a_key_do_not(
    client: TestClient, region: Region
) -> None:
    csrf = _sign_in(client, "wang", ORGANIZER_PASSWORD).json()["csrf_token"]
    change = {"name": "改名的公司"}
    for headers in ({}, {"X-CSRF-Token": "wrong"}, {"X-CSRF-Token": ""}):
        refused = client.patch("/units/U-A", json=change, headers=headers)
        assert refused.status_code == 403 and "X-CSRF-Token" in refused.json()["detail"]
    assert client.get("/units/U-A").json()["name"] != "改名的公司"  # nothing written
    done = client.patch("/units/U-A", json=change, headers={"X-CSRF-Token": csrf})
    assert done.status_code == 200 and done.json()["name"] == "改名的公司"
    assert client.head("/units/U-A").status_code in {200, 405}  # HEAD never asks for it
    # a machine client with a key: no cookie, no CSRF
    with region.client() as machine:
        key = {"X-API-Key": region.organizer_key}
        assert machine.patch("/units/U-A", json={"name": "再改"}, headers=key).status_code == 200


def test_a_community_organizers_session_sees_only_its_community(client: TestClient) -> None:
    csrf = _sign_in(client, "wang", ORGANIZER_PASSWORD).json()["csrf_token"]
    assert client.get("/units/U-A").status_code == 200
    assert client.get("/units/U-B").status_code == 404
    assert client.get("/areas/S-A/coverage?as_of=2026-06-30").status_code == 404  # above C-A
    assert client.get("/areas/C-B/coverage?as_of=2026-06-30").status_code == 404
    assert client.get("/areas/C-A/coverage?as_of=2026-06-30").status_code == 200
    listed = client.get("/units?limit=500").json()
    assert listed and all(not row["id"].endswith("-B") for row in listed["items"])
    assert client.patch("/units/U-B", json={"name": "x"},
                        headers={"X-CSRF-Token": csrf}).status_code == 404  # fmt: skip
    assert client.get("/audit").status_code == 403  # organizer, not admin


def test_an_admin_session_lists_the_top_areas(client: TestClient) -> None:
    body = _sign_in(client, "root", PASSWORD).json()
    assert body["role"] == "admin"
    # the whole graph: the one area that is part of no other, the district
    assert body["areas"] == [{"id": "D", "name": "示例区"}]
    # kept until the graph changes: a new top area shows at once, and goes with its delete
    csrf = {"X-CSRF-Token": body["csrf_token"]}
    made = client.post("/areas", json={"id": "A-TOP-2", "name": "另一个区", "level": "district"},
                       headers=csrf)  # fmt: skip
    assert made.status_code == 201, made.text
    assert client.get("/session").json()["areas"] == [
        {"id": "A-TOP-2", "name": "另一个区"}, {"id": "D", "name": "示例区"}]  # fmt: skip
    assert client.delete("/areas/A-TOP-2", headers=csrf).status_code == 204
    assert client.get("/session").json()["areas"] == [{"id": "D", "name": "示例区"}]


def test_revoking_or_setting_the_password_ends_the_sessions(
    client: TestClient, region: Region
) -> None:
    assert _sign_in(client, "wang", ORGANIZER_PASSWORD).status_code == 200
    set_password(region.db, Principal.cli(), "wang", "a brand new password")
    assert client.get("/session").status_code == 401
    assert _sign_in(client, "wang", ORGANIZER_PASSWORD).status_code == 401
    assert _sign_in(client, "wang", "a brand new password").status_code == 200
    assert client.get("/units/U-A").status_code == 200
    revoke_account(region.db, Principal.cli(), "wang")
    assert client.get("/units/U-A").status_code == 401
    assert client.get("/session").status_code == 401
    assert _sign_in(client, "wang", "a brand new password").status_code == 401
    count = region.db.execute_read(lambda tx: tx.run(
        "MATCH (s:Session {account: 'wang'}) RETURN count(s) AS n").single()["n"])  # fmt: skip
    assert count == 0


def test_an_admin_sets_a_password_over_the_api(client: TestClient, region: Region) -> None:
    admin = {"X-API-Key": region.admin_key}
    url = "/accounts/wang/password"
    assert client.put(url, json={"password": "新的密码很长很长"},
                      headers={"X-API-Key": region.organizer_key}).status_code == 403
    short = client.put(url, json={"password": "短"}, headers=admin)
    assert short.status_code == 422 and short.json()["detail"].startswith("密码至少")
    assert client.put(url, json={"password": "wang"}, headers=admin).status_code == 422
    assert client.put("/accounts/nobody/password", json={"password": "long enough"},
                      headers=admin).status_code == 404  # fmt: skip
    assert client.put(url, json={"password": "新的密码很长很长"}, headers=admin).status_code == 204
    assert _sign_in(client, "wang", "新的密码很长很长").status_code == 200
    # an admin signed in to the console, with its CSRF token
    with region.client() as console:
        csrf = _sign_in(console, "root", PASSWORD).json()["csrf_token"]
        assert console.put(url, json={"password": "第三个密码 third"}).status_code == 403
        assert console.put(url, json={"password": "第三个密码 third"},
                           headers={"X-CSRF-Token": csrf}).status_code == 204  # fmt: skip
    assert client.get("/session").status_code == 401  # wang's session ended by the reset
    trail = client.get("/audit?limit=20", headers=admin).json()["items"]
    actions = [event["action"] for event in trail]
    assert actions.count("account.password") >= 4  # two in the fixture, two here
    assert "新的密码很长很长" not in str(trail)


def _cli(settings: Settings, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = os.environ | {"NEO4J_URI": settings.neo4j_uri,
                        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value()}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "graph_service.cli", *args], input=stdin,
                          capture_output=True, text=True, env=env, check=False)  # fmt: skip


def test_the_passwd_command(client: TestClient, region: Region) -> None:
    assert _sign_in(client, "wang", ORGANIZER_PASSWORD).status_code == 200
    done = _cli(region.settings, "users", "passwd", "wang", "--password-stdin",
                stdin="命令行设置的密码\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 session(s) ended" in done.stdout
    assert client.get("/session").status_code == 401
    assert _sign_in(client, "wang", "命令行设置的密码").status_code == 200
    short = _cli(region.settings, "users", "passwd", "wang", "--password-stdin", stdin="abc\n")
    assert short.returncode == 1 and "密码至少" in short.stderr
    unknown = _cli(region.settings, "users", "passwd", "nobody", "--password-stdin",
                   stdin="long enough password\n")  # fmt: skip
    assert unknown.returncode == 1 and "nobody" in unknown.stderr
    no_tty = _cli(region.settings, "users", "passwd", "wang")  # stdin a pipe, no flag
    assert no_tty.returncode == 1 and "--password-stdin" in no_tty.stderr
    listed = _cli(region.settings, "users", "list", "--format", "json")
    assert "命令行设置的密码" not in listed.stdout and "argon2" not in listed.stdout


def test_the_first_admin_gets_a_password_shown_once(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    """What `graph-service run` prints on an empty database: the admin and its password."""
    from graph_service.cli_users import first_admin

    lines = first_admin(db, tmp_path)
    password = re.search(r"'admin', 密码 password (\S+)", lines[0])
    assert password, lines
    key_file = tmp_path / "admin.key"
    assert key_file.stat().st_mode & 0o777 == 0o600 and str(key_file) in "\n".join(lines)
    with TestClient(create_app(settings)) as client:
        signed = _sign_in(client, "admin", password.group(1))
        assert signed.status_code == 200 and signed.json()["role"] == "admin"
        key = {"X-API-Key": key_file.read_text().strip()}
        assert client.get("/audit", headers=key).status_code == 200
    again = first_admin(db, tmp_path)  # the next start: no new account, no password shown
    assert again == ["以管理员账号登录 Sign in as an admin: admin"]
    assert password.group(1) not in "\n".join(again)


def _cli_on_a_terminal(settings: Settings, answers: list[str], *args: str) -> tuple[int, str]:
    """Run the CLI with a pseudo-terminal as its controlling terminal (as a person at a
    prompt), answering each prompt in turn; return its exit status and what it showed."""
    import pty

    env = os.environ | {"NEO4J_URI": settings.neo4j_uri,
                        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value()}  # fmt: skip
    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI, on the terminal
        os.execve(sys.executable, [sys.executable, "-m", "graph_service.cli", *args], env)
    shown = b""
    pending = list(answers)
    while True:
        ready, _, _ = select.select([fd], [], [], 120)
        if not ready:  # a hung prompt fails the test instead of hanging the session
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(fd)
            raise AssertionError(f"the CLI stopped answering; it showed: {shown!r}")
        try:
            chunk = os.read(fd, 1024)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
        if pending and shown.endswith(b": "):  # a prompt waits (not a line ended after one)
            os.write(fd, pending.pop(0).encode() + b"\n")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


def test_the_passwd_command_asks_twice_on_a_terminal(region: Region) -> None:
    code, shown = _cli_on_a_terminal(region.settings, ["终端里的密码 typed", "终端里的密码 typed"],
                                     "users", "passwd", "wang")  # fmt: skip
    assert code == 0, shown
    assert "New password" in shown and "Again" in shown
    assert "终端里的密码" not in shown  # not echoed
    with region.client() as client:
        assert _sign_in(client, "wang", "终端里的密码 typed").status_code == 200
    code, shown = _cli_on_a_terminal(region.settings, ["first version", "second version"],
                                     "users", "passwd", "wang")  # fmt: skip
    assert code == 1 and "两次输入的密码不一致" in shown
    with region.client() as client:  # nothing changed
        assert _sign_in(client, "wang", "终端里的密码 typed").status_code == 200
