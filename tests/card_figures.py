"""What an algorithm card's `quality` text states, read back as numbers, and the same figures
taken from an `algo eval` row: the card tests compare the two, so a card cannot drift from what
its command gives today."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# A proportion as the cards write it: k/n with its Wilson 95 % interval, or "not measured".
FIGURE = re.compile(r"\b(precision|recall) (?:(\d+)/(\d+) \[(\d\.\d\d), (\d\.\d\d)\]|not measured)")
FALSE_ALARMS = re.compile(r"\b(\d+) false alarms? in (\S+) (camera|series)-hours\b")
CLIPS = re.compile(r"\bon (\d+) (?:clips?|series)\b")
COMMAND = re.compile(r"`gridwatch algo eval (\w+) --origin real --split dev`")

Proportion = tuple[int, int, str, str] | None  # k, n, low, high as printed; None: not measured


@dataclass(frozen=True)
class Figures:
    clips: int
    recall: Proportion
    precision: Proportion
    false_alarms: int
    hours: str  # as printed: two significant digits
    hours_of: str  # camera or series


def flat(text: str) -> str:
    return " ".join(text.split())


def stated(text: str) -> Figures:
    """The figures of the card's command: the first of each kind after it (figures of other
    settings may follow). An AssertionError names what is missing."""
    text = flat(text)
    command = COMMAND.search(text)
    assert command, f"no `gridwatch algo eval NAME --origin real --split dev`: {text}"
    text = text[command.end() :]
    said: dict[str, Proportion] = {}
    for m in FIGURE.finditer(text):
        if m[1] not in said:
            said[m[1]] = None if m[2] is None else (int(m[2]), int(m[3]), m[4], m[5])
    assert set(said) == {"precision", "recall"}, f"no precision or no recall: {text}"
    alarms = FALSE_ALARMS.search(text)
    assert alarms, f"no 'N false alarms in H camera-hours': {text}"
    clips = CLIPS.search(text)
    assert clips, f"no 'on N clips': {text}"
    count, hours, of = alarms.groups()
    return Figures(int(clips[1]), said["recall"], said["precision"], int(count), hours, of)


def expected(row: dict[str, Any]) -> Figures:
    """The figures of an `algo eval` row (`--json`, or `Evaluation.as_dict()`), printed the
    cards' way: intervals to two decimals, hours to two significant digits."""

    def proportion(k: int, n: int, ci: list[float] | None) -> Proportion:
        return None if ci is None else (k, n, f"{ci[0]:.2f}", f"{ci[1]:.2f}")

    tp, fp = row["tp"], row["fp"]
    return Figures(
        clips=row["clips"],
        recall=proportion(tp, row["positives"], row["recall_ci"]),
        precision=proportion(tp, tp + fp, row["precision_ci"]),
        false_alarms=fp,
        hours=two_digits(row["camera_hours"]),
        hours_of=row["hours_of"],
    )


def two_digits(hours: float) -> str:
    """Hours as the cards give them: 0.078, 0.37, 120 (whole hours from 10 up)."""
    return f"{hours:.0f}" if hours >= 10 else f"{hours:.2g}"
