"""The second tier of the risk detector: a small learnt model that generalises past the rules.

The rules in bot/data/risk/ catch what someone wrote down; this model catches wording that
is like what people at risk write, even when no rule has it yet. It is a logistic regression
over the message as the rules read it (the same normaliser, so "wanna" is "want to"):

- each word ("w:tablets"), and the first five letters of each longer word ("p:table"), so
  a new ending of a known word still counts;
- each pair of neighbouring words within a clause ("b:not here"), and each pair with one
  word between them ("s:want _ die", which also matches "want to die" and "want ta die").

Every feature is a plain string, and the model file (bot/data/risk/model.tsv, written by
scripts/train_risk_model.py from the evaluation sets and bot/data/risk/examples.tsv) lists
each feature with its weight, so anyone can read why a message scored as it did. A message's
probability of needing help is the logistic of the bias plus the weights of its features
(each scaled by one over the square root of how many features it has, and never by more
than for a message of FLOOR features, so a short message cannot go far from the bias on one
or two words). Above the file's threshold the message alerts, if it has at least the file's
`min_words` words (a name, a date or "go on" is too little to go on), and the words whose
features pushed the score up most are shown to the safeguarding lead. A small word-count
model, in the same file, names the kind of risk the words are most like.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "risk" / "model.tsv"
_NUMBER = re.compile(r"\d+")
PREFIX = 5
# A message with fewer features than this counts each as if it had this many (see scale).
FLOOR = 8
# Written at the top of the model file; a file made for other features is refused.
SCHEME = f"words pairs skips prefix5 floor{FLOOR} v2"
_LETTER = re.compile(r"[^\W\d_]")


class ModelError(ValueError):
    """A model file that cannot be read, or was made for other features."""


def words_of(normalised: str) -> list[tuple[str, int]]:
    """The words of normalised text with the number of their clause ("." ends a clause);
    numbers are all read as "#"."""
    words, clause = [], 0
    for word in normalised.split():
        if word == ".":
            clause += 1
            continue
        words.append((_NUMBER.sub("#", word), clause))
    return words


def features(normalised: str) -> dict[str, tuple[int, int]]:
    """Every feature of the text, with the first and last word (by position) it comes from."""
    words = words_of(normalised)
    found: dict[str, tuple[int, int]] = {}
    for index, (word, clause) in enumerate(words):
        found.setdefault(f"w:{word}", (index, index))
        if len(word) > PREFIX:
            found.setdefault(f"p:{word[:PREFIX]}", (index, index))
        if index + 1 < len(words) and words[index + 1][1] == clause:
            found.setdefault(f"b:{word} {words[index + 1][0]}", (index, index + 1))
        if index + 2 < len(words) and words[index + 2][1] == clause:
            found.setdefault(f"s:{word} _ {words[index + 2][0]}", (index, index + 2))
    return found


def scale(count: int) -> float:
    """The value of each present feature in a message with `count` features: one over the
    square root of the count, but no more than for FLOOR features (thin evidence stays
    thin)."""
    return 1 / math.sqrt(max(count, FLOOR)) if count else 0.0


def word_count(normalised: str) -> int:
    """How many real words the text has: words with a letter (not numbers, not ".")."""
    return sum(1 for word in normalised.split() if _LETTER.search(word))


@dataclass(frozen=True)
class ModelHit:
    """What the model thinks of a message."""

    probability: float
    kind: str  # the kind of risk the words are most like (a file name in bot/data/risk/)
    words: list[str]  # the message's words (as normalised) that pushed the score up most


@dataclass(frozen=True)
class Model:
    """Weights read from the model file."""

    bias: float
    threshold: float  # at or above this probability, the message alerts
    veto: float  # a rule's finding is set aside below this (0: never)
    veto_word: float  # a rule's finding of one word only is set aside below this
    sure: float  # at or above this, an exception does not set the model's alert aside
    min_words: int  # the model alone alerts only on a message with at least this many words
    weights: dict[str, float]
    order: tuple[str, ...]  # the kinds of risk, in the order their figures are listed
    # word -> log-likelihood of that word under each kind of risk
    kinds: dict[str, tuple[float, ...]]
    priors: tuple[float, ...]
    # Below this, the model alone does not alert on a message that speaks of the past (a
    # recovery, a loss, news that is over) and nowhere of now (bot/data/risk/past.txt).
    past_sure: float = 0.0

    def probability(self, normalised: str) -> float:
        """How likely the text is to need help, from 0 to 1."""
        found = features(normalised)
        value = scale(len(found))
        z = self.bias + value * sum(self.weights.get(f, 0.0) for f in found)
        return _logistic(z)

    def assess(self, normalised: str) -> ModelHit:
        """The probability, the kind of risk, and the words that counted most."""
        found = features(normalised)
        value = scale(len(found))
        words = words_of(normalised)
        push = [0.0] * len(words)
        z = self.bias
        for feature, (first, last) in found.items():
            weight = self.weights.get(feature, 0.0)
            z += weight * value
            for index in range(first, last + 1):
                push[index] += weight * value / (last - first + 1)
        return ModelHit(_logistic(z), self.kind([w for w, _ in words]), _strongest(words, push))

    def kind(self, words: Iterable[str]) -> str:
        """The kind of risk these words are most like."""
        totals = list(self.priors)
        for word in words:
            for index, score in enumerate(self.kinds.get(word, ())):
                totals[index] += score
        return self.order[max(range(len(totals)), key=lambda i: (totals[i], -i))]


def _logistic(z: float) -> float:
    if z < -40:
        return 0.0
    return 1 / (1 + math.exp(-z))


def _strongest(words: list[tuple[str, int]], push: list[float], most: int = 6) -> list[str]:
    """The words that pushed the score up most, as phrases of neighbouring words in order."""
    top = max(push, default=0.0)
    if top <= 0:
        return []
    ranked = sorted(range(len(push)), key=lambda i: (-push[i], i))
    chosen = sorted(i for i in ranked[:most] if push[i] >= top / 4)
    phrases: list[list[int]] = []
    for index in chosen:
        if phrases and phrases[-1][-1] == index - 1 and words[index - 1][1] == words[index][1]:
            phrases[-1].append(index)
        else:
            phrases.append([index])
    return [" ".join(words[i][0] for i in phrase) for phrase in phrases]


@dataclass
class _Reading:
    """What has been read of a model file so far."""

    settings: dict[str, str] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    kinds: dict[str, tuple[float, ...]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def line(self, parts: list[str]) -> None:
        """Take one line of the file, split at its tabs."""
        if parts[0] == "weight":
            self.weights[parts[1]] = float(parts[2])
        elif parts[0] == "kind":
            self.order = self.order or self.settings.get("kinds", "").split(",")
            values = tuple(float(v) for v in parts[2].split(","))
            if len(values) != len(self.order):
                raise ValueError("one figure for each kind of risk")
            self.kinds[parts[1]] = values
        elif len(parts) == 2:
            self.settings[parts[0]] = parts[1]
        else:
            raise ValueError("unknown line")


def _read(path: Path) -> _Reading:
    """Every line of a model file, read and checked for its scheme."""
    reading = _Reading()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        try:
            reading.line(line.split("\t"))
        except (IndexError, ValueError) as error:
            raise ModelError(f"{path.name}:{number}: {error}") from None
    if reading.settings.get("scheme") != SCHEME:
        raise ModelError(f"{path.name}: made for features {reading.settings.get('scheme')!r}")
    return reading


def _model(reading: _Reading) -> Model:
    """The model from what was read (a missing or bad setting raises KeyError/ValueError)."""
    settings = reading.settings
    return Model(
        bias=float(settings["bias"]),
        threshold=float(settings["threshold"]),
        veto=float(settings.get("veto", "0")),
        veto_word=float(settings.get("veto_word", "0")),
        sure=float(settings.get("sure", "0")),
        min_words=int(settings.get("min_words", "1")),
        weights=reading.weights,
        order=tuple(settings.get("kinds", "").split(",")),
        kinds=reading.kinds,
        priors=tuple(float(v) for v in settings["priors"].split(",")),
        past_sure=float(settings.get("past_sure", "0")),
    )


def load(path: Path = MODEL_FILE) -> Model:
    """Read a model file (see scripts/train_risk_model.py for how it is written)."""
    reading = _read(path)
    try:
        return _model(reading)
    except (KeyError, ValueError) as error:
        raise ModelError(f"{path.name}: missing or bad setting {error}") from None


@cache
def model() -> Model:
    """The model shipped with Chorus (read once)."""
    return load()
