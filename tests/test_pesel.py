"""PESEL rules: an optional number, but when given it must be valid and fit the person."""

from datetime import date

import pytest
from stdnum.pl import pesel as stdnum_pesel

from mosty.participants.pesel import pesel_problems


def make_pesel(birth_date, sex, serial="012"):
    """A valid PESEL for the date of birth and sex (the 10th digit is even for women)."""
    month = birth_date.month + {1800: 80, 1900: 0, 2000: 20, 2100: 40}[birth_date.year // 100 * 100]
    base = f"{birth_date.year % 100:02d}{month:02d}{birth_date.day:02d}{serial}"
    base += "1" if sex == "male" else "2"
    return base + stdnum_pesel.calc_check_digit(base)


def reasons(*args, **kwargs):
    return [str(problem) for problem in pesel_problems(*args, **kwargs)]


WOMAN_1985 = make_pesel(date(1985, 3, 14), "female")
MAN_2002 = make_pesel(date(2002, 2, 15), "male")


def test_an_empty_pesel_is_fine_because_it_is_optional():
    assert reasons("") == []
    assert reasons(None) == []
    assert reasons("   ") == []


@pytest.mark.parametrize("number, birth_date, sex", [
    (WOMAN_1985, date(1985, 3, 14), "female"),
    (MAN_2002, date(2002, 2, 15), "male"),
])
def test_a_valid_pesel_matching_the_person_has_no_problems(number, birth_date, sex):
    assert reasons(number, birth_date=birth_date, sex=sex) == []


def test_a_valid_pesel_may_be_checked_on_its_own():
    assert reasons(WOMAN_1985) == []


def test_a_wrong_check_digit_asks_to_look_for_a_typo():
    wrong = WOMAN_1985[:-1] + str((int(WOMAN_1985[-1]) + 1) % 10)
    assert reasons(wrong) == ["PESEL check digit is wrong: please check the number for a typo."]


@pytest.mark.parametrize("number", ["8503140124", "850314012345", "1"])
def test_a_pesel_of_the_wrong_length_says_it_needs_11_digits(number):
    assert reasons(number) == ["PESEL must have 11 digits."]


@pytest.mark.parametrize("number", ["8503140124a", "ABCDEFGHIJK", "85O31401245"])
def test_letters_in_a_pesel_are_refused(number):
    assert reasons(number) == ["PESEL may contain digits only."]


def test_a_pesel_encoding_an_impossible_date_is_refused():
    base = "8502300124"  # 30 February 1985
    number = base + stdnum_pesel.calc_check_digit(base)
    assert reasons(number) == ["PESEL encodes a date that does not exist."]


def test_a_pesel_of_another_date_of_birth_is_a_mismatch():
    assert reasons(WOMAN_1985, birth_date=date(1985, 3, 15), sex="female") == [
        "PESEL does not match the date of birth."]


def test_a_pesel_of_the_other_sex_is_a_mismatch():
    assert reasons(WOMAN_1985, birth_date=date(1985, 3, 14), sex="male") == [
        "PESEL does not match the sex."]


def test_both_mismatches_are_reported_together():
    assert reasons(MAN_2002, birth_date=date(1985, 3, 14), sex="female") == [
        "PESEL does not match the date of birth.", "PESEL does not match the sex."]


def test_spaces_and_dashes_around_the_digits_are_tolerated():
    spaced = f"{WOMAN_1985[:6]} {WOMAN_1985[6:]}"
    assert reasons(spaced, birth_date=date(1985, 3, 14), sex="female") == []


def test_the_fast_decoder_agrees_with_stdnum_on_every_kind_of_number():
    """decode_pesel (used for the hundred thousand rows of an import) accepts exactly what
    python-stdnum accepts and reads the same date and sex: random numbers, half with a right
    check digit, over all five centuries and impossible dates."""
    import random

    from stdnum import exceptions
    from stdnum.pl import pesel as stdnum_pesel

    from mosty.participants.pesel import decode_pesel

    rnd = random.Random(2026)
    valid = 0
    for n in range(40_000):
        body = "".join(str(rnd.randrange(10)) for _ in range(10))
        number = body + (stdnum_pesel.calc_check_digit(body) if n % 2 else str(rnd.randrange(10)))
        try:
            stdnum_pesel.validate(number)
        except exceptions.ValidationError:
            assert decode_pesel(number) is None, number
            continue
        valid += 1
        sex = "male" if stdnum_pesel.get_gender(number) == "M" else "female"
        assert decode_pesel(number) == (stdnum_pesel.get_birth_date(number), sex), number
    assert valid > 3000
    assert decode_pesel("8503141234") is None and decode_pesel("8503141234x") is None
