"""New passwords are checked for strength (zxcvbn): length alone does not make one strong."""

from __future__ import annotations

import pytest

from gridwatch.ops.users import AccountError, check_password_strength


@pytest.mark.parametrize("weak", ["aaaaaaaa", "password1", "12345678", "qwertyuiop"])
def test_common_or_repetitive_passwords_of_eight_characters_are_refused(weak: str):
    with pytest.raises(AccountError, match=r"^password: too easy to guess\. \S"):
        check_password_strength(weak)


def test_a_password_built_from_the_account_name_is_refused():
    check_password_strength("wangfang-g015")
    with pytest.raises(AccountError, match=r"^password: too easy to guess"):
        check_password_strength("wangfang-g015", user_inputs=("wangfang", "g015"))


def test_short_passwords_are_still_refused_by_length():
    with pytest.raises(AccountError, match="at least 8"):
        check_password_strength("x7#kQ")


def test_long_unusual_passwords_pass():
    check_password_strength("long-secret-1")
    check_password_strength("correct horse battery staple")
