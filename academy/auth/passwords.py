"""Refuse passwords that appear on the lists attackers try first."""

from functools import cache


@cache
def _common() -> frozenset[str]:
    # zxcvbn ships the 30,000 most common leaked passwords; loaded once, on first use.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    lowered = password.lower()
    return lowered in _common() or len(set(lowered)) <= 2
