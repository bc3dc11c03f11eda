import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhengwu.core.identity import (
    USCC_ALPHABET,
    IdentityError,
    mask_id,
    mask_name,
    mask_phone,
    normalize_resident_id,
    normalize_uscc,
    resident_id_check_char,
    uscc_check_char,
)

TODAY = dt.date(2026, 11, 21)


@pytest.mark.parametrize(
    "number", ["11010519491231002X", "11010519491231002x", " 440524198001010013 "]
)
def test_valid_resident_ids(number):
    assert normalize_resident_id(number, today=TODAY) == number.strip().upper()


@pytest.mark.parametrize(
    ("number", "code", "params"),
    [
        ("1101051949123100", "id_length", {"length": 16}),
        ("1101051949123100A2", "id_chars", {}),
        ("110105194902300021", "id_birth_invalid", {"birth": "19490230"}),
        ("110105203012310027", "id_birth_range", {"birth": "2030-12-31"}),
        ("110105189912310028", "id_birth_range", {"birth": "1899-12-31"}),
        ("110105194912310021", "id_checksum", {"expected": "X", "given": "1"}),
    ],
)
def test_invalid_resident_ids_say_why(number, code, params):
    if code == "id_birth_range" and number[6:10] == "1899":
        number = number[:17] + resident_id_check_char(number[:17])
    if code == "id_birth_range" and number[6:10] == "2030":
        number = number[:17] + resident_id_check_char(number[:17])
    with pytest.raises(IdentityError) as caught:
        normalize_resident_id(number, today=TODAY)
    assert caught.value.code == code
    assert caught.value.params == params


@given(
    area=st.integers(110000, 659999),
    birth=st.dates(dt.date(1900, 1, 1), TODAY),
    seq=st.integers(0, 999),
)
def test_any_number_with_its_check_character_is_valid_and_any_other_is_not(area, birth, seq):
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    check = resident_id_check_char(first17)
    assert normalize_resident_id(first17 + check, today=TODAY) == first17 + check
    for wrong in "0123456789X":
        if wrong != check:
            with pytest.raises(IdentityError):
                normalize_resident_id(first17 + wrong, today=TODAY)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110108551385082Q"])
def test_valid_uscc(code):
    assert normalize_uscc(code.lower()) == code


@pytest.mark.parametrize(
    ("code", "error", "params"),
    [
        ("91350100M000100Y4", "uscc_length", {"length": 17}),
        ("91350100M000100YI3", "uscc_chars", {"chars": "I"}),
        ("91350100M000100Y44", "uscc_checksum", {"expected": "3", "given": "4"}),
    ],
)
def test_invalid_uscc_say_why(code, error, params):
    with pytest.raises(IdentityError) as caught:
        normalize_uscc(code)
    assert caught.value.code == error
    assert caught.value.params == params


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_uscc_check_character_round_trip(first17):
    assert normalize_uscc(first17 + uscc_check_char(first17)) == first17 + uscc_check_char(first17)


def test_masks():
    assert mask_id("11010519491231002X") == "110***********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三丰") == "张**"
    assert mask_id("") == ""
