"""The risk detector's evaluation sets (tests/data/risk/): reading them and scoring on them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.services.risk import RiskFinding, assess

ROOT = Path(__file__).resolve().parents[2]
SETS = {
    "dev": ROOT / "tests/data/risk/dev.tsv",
    "heldout": ROOT / "tests/data/risk/heldout.tsv",
    # Written later, in other voices, each before the detector was run on it.
    "fresh": ROOT / "tests/data/risk/fresh.tsv",
    "fresh2": ROOT / "tests/data/risk/fresh2.tsv",
    "fresh3": ROOT / "tests/data/risk/fresh3.tsv",
    "fresh4": ROOT / "tests/data/risk/fresh4.tsv",
    "fresh5": ROOT / "tests/data/risk/fresh5.tsv",
    "fresh6": ROOT / "tests/data/risk/fresh6.tsv",
    # Written after the model's training data, before either tier was run on it; held out
    # until fresh9 was written, then tuned and trained on like the sets before it.
    "fresh7": ROOT / "tests/data/risk/fresh7.tsv",
    # Written before the rules for talk of the past and of recovery; held out like fresh7,
    # then tuned and trained on.
    "fresh8": ROOT / "tests/data/risk/fresh8.tsv",
    # Written in full and committed before the detector was run on it; never trained or
    # tuned on: the honest figure for wording neither tier has seen.
    "fresh9": ROOT / "tests/data/risk/fresh9.tsv",
    # Everyday messages to Chorus (names, dates, short replies, feedback), split at random:
    # the model is trained on the first half; the second is never trained or tuned on.
    "everyday": ROOT / "tests/data/risk/everyday.tsv",
    "everyday_eval": ROOT / "tests/data/risk/everyday_eval.tsv",
}
# The sets the model is trained on (scripts/train_risk_model.py); the rest are unseen.
TRAINING = (
    "dev",
    "heldout",
    "fresh",
    "fresh2",
    "fresh3",
    "fresh4",
    "fresh5",
    "fresh6",
    "fresh7",
    "fresh8",
    "everyday",
)


@dataclass(frozen=True)
class Example:
    """One line of an evaluation set."""

    alert: bool
    category: str
    text: str


@dataclass(frozen=True)
class Score:
    """How the detector did on one set."""

    recall: float
    false_alarms: float
    alerts: int
    quiet: int
    misses: list[Example]
    raised: list[tuple[Example, RiskFinding]]
    named_right: int  # alerts raised under the kind of risk the set gives
    by_category: dict[str, tuple[int, int]]  # category -> (right, of)


def load(path: Path) -> list[Example]:
    """The examples in an evaluation file (lines starting with # are notes)."""
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        expect, category, text = line.split("\t")
        if expect not in ("alert", "quiet"):
            raise ValueError(f"{path.name}:{number}: expect must be alert or quiet")
        examples.append(Example(expect == "alert", category, text))
    return examples


def score(examples: list[Example]) -> Score:
    """Recall and false alarms of the detector on these examples."""
    misses, raised, named_right = [], [], 0
    by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for example in examples:
        finding = assess(example.text)
        right = (finding is not None) == example.alert
        counts = by_category[f"{'alert' if example.alert else 'quiet'} {example.category}"]
        counts[0] += right
        counts[1] += 1
        if example.alert and finding is None:
            misses.append(example)
        elif example.alert and finding is not None:
            named_right += finding.category.value == example.category
        elif not example.alert and finding is not None:
            raised.append((example, finding))
    alerts = sum(e.alert for e in examples)
    quiet = len(examples) - alerts
    return Score(
        recall=(alerts - len(misses)) / alerts if alerts else 1.0,
        false_alarms=len(raised) / quiet if quiet else 0.0,
        alerts=alerts,
        quiet=quiet,
        misses=misses,
        raised=raised,
        named_right=named_right,
        by_category={k: (v[0], v[1]) for k, v in sorted(by_category.items())},
    )
