"""Number tokens and the fused-digit solver (loaders/numbers.py).

The digit strings are the fused table rows of real Pingtan reports (named in
each case), copied from data/reports/pingtan/.
"""

from __future__ import annotations

import pytest

from loaders.numbers import (
    NULL_MARK,
    ColumnSpec,
    parse_number,
    respects,
    split_run,
)

B = [ColumnSpec()] * 7
B4 = [((0, 1, 2, 3, 4, 5), 6)]
C = [ColumnSpec()] * 15
C1 = [((0, 1, 2, 3), 4), ((5, 6, 7, 8), 9), ((10, 11, 12, 13), 14)]


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("12", 12.0),
        ("0", 0.0),
        ("+1036", 1036.0),
        ("-3", -3.0),
        ("1,234", 1234.0),
        ("1，234", 1234.0),
        ("24252.311082", 24252.311082),
    ],
)
def test_parse_plain_numbers(token: str, value: float) -> None:
    n = parse_number(token)
    assert n.value == value
    assert n.raw == token


@pytest.mark.parametrize("token", ["", " ", "-", "—", "/", "N/A", "无"])
def test_null_tokens_are_none_not_zero(token: str) -> None:
    n = parse_number(token)
    assert n.value is None
    assert n.raw == token


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("251000元", 25.1),  # Shanghai 2019 采购总金额
        ("6586650.10元", 658.66501),
        ("13575394432.52元", 1357539.443252),  # pingtan 2019-main-001
        ("547.9659万元", 547.9659),  # pingtan 2019-jtj-060
    ],
)
def test_money_converted_to_wan_yuan(token: str, value: float) -> None:
    assert parse_number(token, "万元").value == pytest.approx(value, abs=1e-9)


def test_bare_money_takes_the_header_unit() -> None:
    assert parse_number("178810055", "万元", default_unit="元").value == pytest.approx(17881.0055)
    assert parse_number("96171.6", "万元", default_unit="万元").value == 96171.6


def test_count_unit_in_cell_is_dropped() -> None:
    n = parse_number("2笔")  # pingtan 2020-czj-021 采购项目数量
    assert (n.value, n.unit) == (2.0, "笔")


@pytest.mark.parametrize("token", ["abc", "1.2.3", "３件x", "一"])
def test_not_a_number_raises(token: str) -> None:
    with pytest.raises(ValueError):
        parse_number(token)


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        # pingtan 2021-main-015 row 一
        ("640020470", [("64", "0", "0", "2", "0", "4", "70")]),
        # pingtan 2019-main-001 row 一 ("230 000023")
        ("230000023", [("23", "0", "0", "0", "0", "0", "23")]),
        # pingtan 2024-main-018 row 一
        ("21710000218", [("217", "1", "0", "0", "0", "0", "218")]),
        # pingtan 2023-main-017 不掌握 row
        ("310000031", [("31", "0", "0", "0", "0", "0", "31")]),
        # zeros can only be single zeros
        ("0000000", [("0",) * 7]),
    ],
)
def test_table_b_rows_with_one_split(run: str, expected: list[tuple[str, ...]]) -> None:
    assert split_run(run, B, B4) == expected


def test_table_b_row_with_several_splits() -> None:
    # pingtan 2025-scj-087 （二）部分公开 "110000011": B4 alone cannot decide
    assert split_run("110000011", B, B4) == [
        ("1", "10", "0", "0", "0", "0", "11"),
        ("11", "0", "0", "0", "0", "0", "11"),
    ]


def test_table_b_row_that_does_not_add_up_has_no_split() -> None:
    # pingtan 2023-zrz-106 （七）总计 "191000019": 19 + 1 ≠ 19
    assert split_run("191000019", B, B4) == []


def test_table_c_rows() -> None:
    # pingtan 2021-main-015, 17 digits
    assert split_run("10203120001200000", C, C1) == [
        ("1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0")
    ]
    # pingtan 2024-hzs-051: 维持 1 but 总计 0: no split (single digits are the caller's fallback)
    assert split_run("100000000000000", C, C1) == []
    # pingtan 2024-shs-093: 17 digits, garbled
    assert split_run("00202000001324015", C, C1) == []


def test_sign_starts_a_part_and_only_in_signed_columns() -> None:
    cols = [ColumnSpec(max_digits=7), ColumnSpec(signed=True), ColumnSpec(max_digits=7)]
    # pingtan 2020-main-014 行政处罚 "2648-18538"
    assert split_run("2648-18538", cols) == [
        ("2648", "-1", "8538"),
        ("2648", "-18", "538"),
        ("2648", "-185", "38"),
        ("2648", "-1853", "8"),
    ]
    # pingtan 2019-gwh-032 行政许可 "0+11" has one reading
    assert split_run("0+11", cols) == [("0", "+1", "1")]
    assert split_run("0+11", [ColumnSpec()] * 3) == []


def test_decimals_only_in_money_columns() -> None:
    money = [ColumnSpec(max_digits=7), ColumnSpec(decimal=True, max_digits=13)]
    assert ("54", "7.9659") in split_run("547.9659", money)
    assert split_run("547.9659", [ColumnSpec(), ColumnSpec()]) == []


def test_null_marks_and_hard_boundaries() -> None:
    run = f"5{NULL_MARK}{NULL_MARK}27"  # Shanghai 行政复议 5 | | | 2 | 7
    cols = [ColumnSpec()] * 5
    rule = [((0, 1, 2, 3), 4)]
    assert split_run(run, cols, rule, hard=frozenset({1, 2, 3, 4})) == [
        ("5", NULL_MARK, NULL_MARK, "2", "7")
    ]
    # without the boundary at 4, "27" could not be one part either: 5+2 = 7 is forced
    assert split_run("527", [ColumnSpec()] * 3, [((0, 1), 2)]) == [("5", "2", "7")]


def test_whitespace_preference() -> None:
    assert respects(("23", "0", "0", "0", "0", "0", "23"), frozenset({3}))
    assert not respects(("2", "30", "0", "0", "0", "0", "23"), frozenset({2}))


def test_solver_is_bounded() -> None:
    many = split_run("1" * 30, [ColumnSpec()] * 12, limit=50)
    assert len(many) == 50
