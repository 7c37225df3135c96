"""Identifiers organizers type are checked (python-stdnum: 身份证号 cn.ric, 统一社会信用代码
cn.uscc; phone numbers by pattern), with a Chinese-first reason that names the check digit
it should have; and 政治面貌 as forms write it (中共党员, 群众 …) is read."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError
from stdnum.cn import ric, uscc

from graph_service.db.database import Database
from graph_service.domain.kinds import PartyStatus
from graph_service.domain.models import PersonIn, UnitIn
from graph_service.services.imports import import_files


def error(**fields: str) -> str:
    with pytest.raises(ValidationError) as caught:
        (UnitIn if "credit_code" in fields else PersonIn)(
            id="X-1", name="某", kind="机关", **fields
        )
    message: str = caught.value.errors()[0]["msg"]
    return message.removeprefix("Value error, ")


@given(birth=st.dates(dt.date(1950, 1, 1), dt.date(2008, 12, 31)),
       seq=st.integers(0, 999), wrong=st.sampled_from("0123456789X"))  # fmt: skip
def test_an_id_number_with_a_wrong_check_digit_is_refused_naming_the_right_one(
    birth: dt.date, seq: int, wrong: str
) -> None:
    body = f"110101{birth:%Y%m%d}{seq:03d}"
    number = body + ric.calc_check_digit(body + "0")
    assume(ric.is_valid(number))
    assert PersonIn(id="P-1", name="某", id_number=number.lower()).id_number == number
    assume(wrong != number[-1])
    assert error(id_number=body + wrong) == (
        f"身份证号校验位错误（按前 17 位，末位应为 {number[-1]}） / the ID number's check digit "
        f"is wrong (by its first 17 it is {number[-1]})"
    )


@given(wrong=st.sampled_from("0123456789ABCDEFGHJKLMNPQRTUWXY"))
def test_a_credit_code_keeps_its_check_character(wrong: str) -> None:
    code = "91370100MA3C00000E"  # 济南: a company's (9 1), its check character E
    assert uscc.is_valid(code)
    assert UnitIn(id="U-1", name="某", kind="机关", credit_code=code.lower()).credit_code == code
    assume(wrong != code[-1])
    assert error(credit_code=code[:-1] + wrong) == (
        "统一社会信用代码校验位错误（末位应为 E） / the unified social credit code's check "
        "character is wrong (it is E)"
    )


@pytest.mark.parametrize("phone", ["13812345678", "138 1234 5678", "+86 138-1234-5678",
                                   "0531-86123456", "(0531)86123456", "+86 531 8612 3456",
                                   "010-12345678转801", "400-810-8888"])  # fmt: skip
def test_phone_numbers_as_people_write_them_are_kept_as_typed(phone: str) -> None:
    assert PersonIn(id="P-1", name="某", phone=phone).phone == phone


@pytest.mark.parametrize("phone", ["1381234567", "12345", "23812345678", "0531-123", "电话"])
def test_what_is_not_a_phone_number_is_refused(phone: str) -> None:
    assert error(phone=phone).startswith("电话号码无效：应为 11 位手机号或带区号的固定电话")


@pytest.mark.parametrize(("typed", "status"), [
    ("中共党员", PartyStatus.FORMAL), ("正式党员", PartyStatus.FORMAL),
    ("中共预备党员", PartyStatus.PROBATIONARY), ("预备党员", PartyStatus.PROBATIONARY),
    ("群众", PartyStatus.NONE), ("共青团员", PartyStatus.NONE), ("无党派人士", PartyStatus.NONE),
])  # fmt: skip
def test_party_status_as_forms_write_it(typed: str, status: PartyStatus) -> None:
    assert PersonIn(id="P-1", name="某", party_status=typed).party_status is status


def test_an_import_names_the_row_field_and_reason_of_a_bad_identifier(
    db: Database, tmp_path: Path
) -> None:
    bundle = {"format": "regional-party-network", "version": 1, "tables": {
        "persons": [{"id": "P-1", "name": "甲", "phone": "13812345678"},
                    {"id": "P-2", "name": "乙", "id_number": "370102198501011234"}],
        "units": [{"id": "U-1", "name": "某公司", "kind": "非公企业", "credit_code": "12345"}],
    }}  # fmt: skip
    path = tmp_path / "people.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    report = import_files(db, [path])
    assert not report.written
    found = {(p.row, p.column, p.reason_zh) for p in report.problems}
    assert found == {
        (2, "身份证号 id_number", "身份证号校验位错误（按前 17 位，末位应为 3）"),
        (1, "统一社会信用代码 credit_code",
         "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）"),
    }, [str(p) for p in report.problems]
