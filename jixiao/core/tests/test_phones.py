"""Telephone numbers as offices write them are accepted; what cannot be dialled is refused, saying why."""

import pytest

from jixiao.core.phones import phone_refusal


@pytest.mark.parametrize(
    "text",
    [
        "",
        "0791-86123456",
        "13800138000",
        "139 7910 1379",
        "(0791)8612 3456转8012",
        "（0791）86123456-8012",
        "+86 138 0013 8000",
        "0791-86123456、13800138000",
        "０７９１－８６１２３４５６",
    ],
)
def test_a_number_as_an_office_writes_it_is_accepted(text):
    assert phone_refusal(text) is None


def test_letters_are_refused_quoting_them():
    message = phone_refusal("请联系钱主任")
    assert message is not None and "请联系钱主任" in message and "不能识别的字符" in message


def test_too_few_or_too_many_digits_are_refused():
    assert "位数不对" in phone_refusal("12345")
    assert "位数不对" in phone_refusal("1" * 30)


def test_an_extension_mark_without_its_number_is_refused_naming_the_mark():
    for text, mark in (
        ("0791-8612345转", "转"),
        ("0791-86123456 分机", "分机"),
        ("0791-8612345转 ", "转"),
    ):
        message = phone_refusal(text)
        assert message is not None and f"“{mark}”后面没有分机号" in message, text
    assert phone_refusal("0791-86123456 转 8012") is None
