"""Parsing a row's cells: operator lists and the value words, on any text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from louyu.buildings.import_engine import rows
from louyu.buildings.import_engine.headers import header_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电信、移动", {"telecom", "mobile"}),
        ("中国联通,中国广电", {"unicom", "broadnet"}),
        ("电信/移动/联通/广电", {"telecom", "mobile", "unicom", "broadnet"}),
        ("无", set()),
        ("", set()),
        ("长城宽带", None),
    ],
)
def test_operator_lists(text, expected):
    assert rows._parse_operator_list(text) == expected


@given(st.text(max_size=60))
@settings(max_examples=200, deadline=None)
def test_cell_parsers_never_crash(text):
    rows._parse_operator_list(text)
    rows._parse_operator_cell(text)
    rows._parse_bool(text)
    rows._parse_type(text)
    header_key(text)
