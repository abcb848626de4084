"""Numbers as written, with every value they may mean."""

from __future__ import annotations

from bot.numbers import numbers_in, readings


def test_each_number_carries_every_reading_of_its_separators() -> None:
    assert readings("1,5") == readings("1.5") == {1.5}
    assert readings("5,000") == {5000.0, 5.0}
    assert readings("10.000") == {10000.0, 10.0}


def test_numbers_in_text_skip_digits_inside_words() -> None:
    found = numbers_in("Post 3 times a week, 2,5 hours, not on B2B or Q4 [1].")
    assert found == [{3.0}, {2.5}, {1.0}]  # B2B and Q4 are words; a marker is a number here


def test_numbers_grouped_with_no_break_spaces_read_as_one() -> None:
    found = numbers_in("5\u00a0000 SEK, 1\u202f500 kr, 2\u00a0588\u00a0000,5")
    assert found == [{5000.0}, {1500.0}, {2588000.5}]
    assert numbers_in("3 000") == [{3.0}, {0.0}]  # a plain space may part two numbers
