"""No personal data and no secret in the logs, and no log line broken (issue 30, items 6, 7).

The server test runs the real ``graph-service serve`` (uvicorn, its own logging set-up) in a
subprocess on a free loopback port against the session's Neo4j, sends requests carrying
phone numbers, ID numbers and keys in every way they are written, and reads what the
server wrote: one access line per request, masked, and no logging traceback.

The property tests hold :func:`graph_service.domain.personal.redact` and the log scrubbing
to: no number written in any of these ways survives; scrubbing twice changes nothing; dates,
times, counts, timestamps and ids are left alone.
"""

from __future__ import annotations

import datetime as dt
import http.client
import logging
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from uvicorn.logging import AccessFormatter

from graph_service import logging_filters
from graph_service.config import Settings
from graph_service.domain.personal import redact
from graph_service.logging_filters import scrub, scrub_record
from graph_service.neo4j_server.manager import free_port
from tests.test_hostile_input_more import _cli_env

# ---- numbers as people write them ------------------------------------------------------------

_mobile_digits = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)


@st.composite
def mobiles(draw: st.DrawFn) -> tuple[str, str]:
    """(as written, its 11 digits)"""
    digits = draw(_mobile_digits)
    sep = draw(st.sampled_from(["", " ", "-"]))
    body = f"{digits[:3]}{sep}{digits[3:7]}{sep}{digits[7:]}"
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "0086", "86", "86-", "(+86)", "(86) "]))
    return prefix + body, digits


@st.composite
def landlines(draw: st.DrawFn) -> tuple[str, str]:
    area = draw(st.sampled_from(["010", "021", "020", "0531", "0371", "0755", "0991"]))
    local = draw(st.sampled_from("23456789")) + draw(
        st.text(alphabet="0123456789", min_size=6, max_size=7)
    )
    form = draw(st.sampled_from(["{a}-{l}", "({a}){l}", "({a}){h}-{t}", "{a} {h} {t}", "{a}{l}",
                                 "{a}-{h}-{t}"]))  # fmt: skip
    written = form.format(a=area, l=local, h=local[:-4], t=local[-4:])
    return written, area + local


@st.composite
def id_numbers(draw: st.DrawFn) -> tuple[str, str]:
    area = draw(st.sampled_from(["370102", "110105", "440305", "650102"]))
    born = draw(st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2020, 12, 31)))
    sequence = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    if draw(st.booleans()):  # first generation: 15 digits, year in two
        number = f"{area}{born:%y%m%d}{sequence}"
    else:
        number = f"{area}{born:%Y%m%d}{sequence}{draw(st.sampled_from('0123456789X'))}"
    return number, number


NUMBERS = st.one_of(mobiles(), landlines(), id_numbers())
# what stands around a number in a log line: anything but ASCII letters and digits
AROUND = st.text(
    alphabet=st.one_of(
        st.sampled_from(" ,;:=&?/()[]\"'<>#-_电话号码手机联系"),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
    ),
    max_size=12,
)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@settings(max_examples=500, deadline=None)
@given(number=NUMBERS, before=AROUND, after=AROUND)
def test_redact_leaves_no_phone_or_id_number(
    number: tuple[str, str], before: str, after: str
) -> None:
    written, digits = number
    # a separator both sides, so "86" or "0" around it stays apart from the number
    line = f"{before} {written} {after}"
    out = redact(line)
    assert written not in out and digits not in _digits(out), (line, out)
    assert redact(out) == out


@settings(max_examples=300, deadline=None)
@given(number=NUMBERS, name=st.sampled_from(["x", "phone", "tel", "q", "id_number"]))
def test_scrub_masks_numbers_in_query_strings_however_encoded(
    number: tuple[str, str], name: str
) -> None:
    written, digits = number
    for encoded in {quote(written, safe=""), quote_plus(written), quote_plus(written, safe="+()")}:
        line = f'127.0.0.1:5000 - "GET /health?a=1&{name}={encoded}&b=2 HTTP/1.1" 200'
        out = scrub(line)
        assert encoded not in out and digits not in _digits(out), (line, out)
        assert scrub(out) == out
        assert "a=1&" in out and "&b=2 HTTP/1.1" in out


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=80))
def test_scrubbing_twice_changes_nothing(text: str) -> None:
    assert redact(redact(text)) == redact(text)
    assert scrub(scrub(text)) == scrub(text)


@st.composite
def innocent(draw: st.DrawFn) -> str:
    """Things log lines hold that are not personal data."""
    moment = draw(
        st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 1, 1))
    )
    return draw(st.sampled_from([
        moment.isoformat(), moment.isoformat(sep=" ", timespec="milliseconds"),
        f"{moment:%Y-%m-%d}", f"{moment:%Y%m%d}", f"{moment:%H:%M:%S,%f}",
        str(int(moment.replace(tzinfo=dt.UTC).timestamp())),           # epoch seconds
        str(int(moment.replace(tzinfo=dt.UTC).timestamp() * 1000)),    # epoch milliseconds
        str(draw(st.integers(min_value=0, max_value=9_999_999_999))),  # counts
        f"{draw(st.floats(min_value=0, max_value=1e6, allow_nan=False)):.3f} ms",
        draw(st.sampled_from(["A-JIANXIN", "PO-JIANXIN-B1", "U-000123", "PS-WANG-LIXIN",
                              "127.0.0.1:54321", "HTTP/1.1", "A-ERQI"])),
        draw(st.uuids()).hex, str(draw(st.uuids())),
        f"seq={draw(st.integers(min_value=0, max_value=10**9))}&limit=20",
    ]))  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(text=innocent())
@example(text="09255582-0263-7920-ae54-49dda2fc1110")  # groups that read as a landline
@example(text="0b7a4f4e-2c1d-4e5f-8a9b-053182345678")
def test_dates_times_counts_timestamps_and_ids_are_left_alone(text: str) -> None:
    assert redact(text) == text
    assert scrub(f"GET /audit?x={text} HTTP/1.1") == f"GET /audit?x={text} HTTP/1.1"


def test_credential_query_parameters_are_masked_whatever_their_spelling() -> None:
    line = ("GET /units?api_key=k1&API-KEY=k2&apiKey=k3&key=k4&token=k5&access_token=k6"
            "&password=k7&x=1&Authorization=k8&api%5Fkey=k9&kind=branch HTTP/1.1")  # fmt: skip
    out = scrub(line)
    assert not re.search(r"k\d", out), out
    assert "x=1" in out and "kind=branch" in out


# ---- records keep their shape ------------------------------------------------------------------


def _record(msg: object, args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("phone 13812345678 refused")
        except ValueError:
            exc_info = sys.exc_info()
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        msg,
        args,
        exc_info,  # type: ignore[arg-type]
    )


def test_a_scrubbed_access_record_still_formats_as_one_line() -> None:
    path = "/health?x=13812345678&api_key=abc"
    record = _record('%s - "%s %s HTTP/%s" %d', ("127.0.0.1:5000", "GET", path, "1.1", 200))
    scrub_record(record)
    assert isinstance(record.args, tuple) and len(record.args) == 5 and record.args[4] == 200
    line = AccessFormatter(fmt="%(client_addr)s %(request_line)s %(status_code)s").format(record)
    assert line == "127.0.0.1:5000 GET /health?x=138****5678&api_key=*** HTTP/1.1 200 OK"


def test_scrubbing_keeps_any_record_formattable() -> None:
    cases = [
        ("phone %d", (13812345678,)),  # %d needs a number: kept (cannot be masked)
        ("phone %s", (13812345678,)),  # %s takes text: masked
        ("%(phone)s at %(n)d", {"phone": "138 1234 5678", "n": 3}),
        (ValueError("13812345678"), ()),
        ("broken %s %s", ("13812345678",)),  # too few arguments: as broken as before
    ]
    for msg, args in cases:
        record = _record(msg, args)
        scrub_record(record)
        try:
            text = record.getMessage()
        except TypeError:
            assert msg == "broken %s %s"
            continue
        if msg != "phone %d":
            assert "13812345678" not in text and "1234 5678" not in text, text
    record = _record("failed for %s", ("13812345678",), exc=True)
    scrub_record(record)
    assert "13812345678" not in logging.Formatter().format(record)


def test_install_scrubs_records_of_every_logger(caplog: pytest.LogCaptureFixture) -> None:
    logging_filters.install()
    logging_filters.install()  # idempotent
    with caplog.at_level(logging.INFO):
        logging.getLogger("graph_service.anything").warning("call %s", "+86 138-1234-5678")
        logging.getLogger("neo4j").info("id %s", "370102198001011234")
    assert "+86 138****5678" in caplog.text and "3701**********1234" in caplog.text
    assert "1234-5678" not in caplog.text and "198001011234" not in caplog.text


# ---- the real server ---------------------------------------------------------------------------

SECRETS = ["sk-live-SECRET-0123", "tok-SECRET-abc", "SECRET-TOKEN-2", "hunter2-SECRET"]
REQUESTS = [  # (path and query as sent on the wire, the status it should get)
    ("/health?x=13812345678", 200),
    ("/units?api_key=sk-live-SECRET-0123", 401),
    ("/health?token=tok-SECRET-abc&phone=%2B8613812345678", 200),
    ("/health?p=8613812345678", 200),
    ("/health?p=138%201234%205678", 200),
    ("/health?p=138-1234-5678", 200),
    ("/health?p=138+1234+5678", 200),
    ("/health?t=0531-82345678", 200),
    ("/health?t=%280531%298234-5678", 200),
    ("/health?id=370102800101123", 200),
    ("/health?id=370102198001011234", 200),
    ("/units?access_token=SECRET-TOKEN-2&password=hunter2-SECRET", 401),
    ("/health?at=2026-12-02T07:49:01&n=42&id=A-JIANXIN", 200),
]
LEAKS = ["13812345678", "1234%205678", "1234-5678", "1234+5678", "82345678", "8234-5678",
         "800101123", "198001011234", *SECRETS]  # fmt: skip


def _get(port: int, target: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def _wait_until_up(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")
        try:
            if _get(port, "/health") in (200, 503):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not answer: " + log.read_text(errors="replace"))


def test_the_running_server_logs_one_masked_line_per_request(
    settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    env = _cli_env(settings, tmp_path) | {"PYTHONUNBUFFERED": "1", "PLAN_AHEAD": "false"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "graph_service.cli", "serve", "--host", "127.0.0.1",
             "--port", str(port)],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_until_up(port, process, log)
        before = len(log.read_bytes())
        for target, status in REQUESTS:
            assert _get(port, target) == status, target
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    written = log.read_bytes()[before:].decode()
    lines = [line for line in written.splitlines() if '"GET /' in line]
    assert "Traceback" not in written and "Logging error" not in written, written
    assert len(lines) == len(REQUESTS), written
    for line, (target, status) in zip(lines, REQUESTS, strict=True):
        assert f'"GET {target.split("?")[0]}?' in line and f'" {status}' in line, line
        assert len(line) < 250, line  # one line: not a 6 kB traceback
    for leak in LEAKS:
        assert leak not in written, (leak, written)
    assert written.count("138****5678") == 6
    assert "api_key=***" in written and "token=***" in written and "password=***" in written
    assert "0531-****5678" in written and "3701**********1234" in written
    assert "at=2026-12-02T07:49:01&n=42&id=A-JIANXIN" in written
