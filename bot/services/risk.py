"""Words that suggest risk: which kind, why, and the words that showed it.

The rules are plain text in bot/data/risk/ (its README explains them for safeguarding
staff). A message is first normalised: lower case, look-alike and full-width letters
folded, accents and apostrophes dropped, punctuation turned into spaces, common
misspellings and short forms spelt out ("wanna" -> "want to", "myslef" -> "myself"). Each
rule is then a pattern of whole words over that text. A match is set aside when an
exception (people talking about training, services or the topic in general, and everyday
sayings such as "this form is killing me") covers the same words. A match is also set
aside when it is said of the past (past.txt: one's own past in recovery, a loss, someone
else's news that is over) and nothing in the message says it is happening now or again
(again.txt).

A second tier, a small learnt model (bot/services/risk_model.py, its weights in
bot/data/risk/model.tsv), catches wording like what people at risk write that no rule has
yet; `assess()` combines the two and, when the model alerts, names the words that counted.
"""

from __future__ import annotations

import bisect
import enum
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from bot.services import risk_model

RULES_DIR = Path(__file__).resolve().parents[1] / "data" / "risk"


class RiskCategory(enum.Enum):
    """What kind of risk the words suggest (also the name of the rules file)."""

    SUICIDE = "suicide"
    SELF_HARM = "self_harm"
    OVERDOSE = "overdose"
    CHILD_DANGER = "child_danger"
    ABUSE = "abuse"
    VIOLENCE = "violence"
    UNSAFE_HOME = "unsafe_home"


@dataclass(frozen=True)
class RiskFinding:
    """Why a message suggests risk, in words a safeguarding lead can check."""

    category: RiskCategory
    reason: str
    words: str  # the words that matched, as normalised
    rule: str  # where the rule lives, "file:line pattern"


# Letters from other alphabets that look like Latin ones, and marks that hide inside words.
_LOOKALIKES = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
        "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ο": "o", "α": "a", "ε": "e", "ι": "i",
        "κ": "k", "ν": "v", "τ": "t", "υ": "u", "ρ": "p", "ɡ": "g", "ı": "i",
        "'": "", "’": "", "‘": "", "`": "", "´": "", "ʼ": "", "ʻ": "",
        "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "", "\u00ad": "",
    }
)  # fmt: skip
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a"})
_LEET_WORD = re.compile(r"(?<![\w@])(?=[\w@]*[a-z])(?=[\w@]*[01345@7])[\w@]+")
_NOT_WORD = re.compile(r"[^\w.]+|_+")
# Where a sentence or clause ends: kept as a "." word, so a rule can say "and nothing after".
_CLAUSE_END = re.compile(r"[.!?;,:\n\r\u2026]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")


def _fold(text: str) -> str:
    """Lower case, look-alikes and accents folded, apostrophes gone, words single-spaced."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_LOOKALIKES)
    plain = "".join(
        ch for ch in unicodedata.normalize("NFD", folded) if not unicodedata.combining(ch)
    )
    plain = _LEET_WORD.sub(lambda m: m.group().translate(_LEET), plain)
    plain = _REPEATS.sub(r"\1\1", plain)
    words = _NOT_WORD.sub(" ", _CLAUSE_END.sub(" . ", plain)).split()
    kept = [w for i, w in enumerate(words) if w != "." or (i and words[i - 1] != ".")]
    return " ".join(kept).strip(" .")


_First = tuple[str, bool]  # a word a pattern can begin with, and whether it is a stem


@dataclass(frozen=True)
class _Rule:
    category: RiskCategory | None  # None: an exception
    reason: str
    pattern: str
    where: str


class _Patterns:
    """Compiled patterns, each tried only where the word it can begin with appears."""

    def __init__(self, compiled: list[re.Pattern[str]], firsts: list[set[_First] | None]):
        self._compiled = compiled
        self._exact: dict[str, list[int]] = {}
        self._stems: dict[str, list[int]] = {}
        self._anywhere: list[int] = []
        for index, first in enumerate(firsts):
            if first is None:
                self._anywhere.append(index)
                continue
            for word, stem in first:
                (self._stems if stem else self._exact).setdefault(word, []).append(index)

    def matches(self, padded: str) -> Iterator[tuple[int, int, int]]:
        """(pattern, start, end) for every pattern matching at the start of any word."""
        start = 1
        while start < len(padded):
            end = padded.index(" ", start)
            word = padded[start:end]
            candidates = [*self._exact.get(word, ()), *self._anywhere]
            for length in range(1, len(word) + 1):
                candidates += self._stems.get(word[:length], ())
            for index in candidates:
                if match := self._compiled[index].match(padded, start):
                    yield index, start, match.end()
            start = end + 1


@dataclass(frozen=True)
class Detector:
    """The compiled rules and exceptions, and the spellings made standard first."""

    spellings: dict[str, str]  # one word -> its standard form (may be several words)
    phrase_spellings: re.Pattern[str] | None  # variants of several words
    rules: tuple[_Rule, ...]
    risks: _Patterns
    exceptions: _Patterns
    past: _Patterns | None = None  # words of one's past, a loss, news that is over
    again: _Patterns | None = None  # words that say it is happening now, or again
    past_whole: frozenset[int] = frozenset()  # past words that reach the whole message
    past_before: frozenset[int] = frozenset()  # past words that reach the part before too

    def normalise(self, text: str) -> str:
        """The text as rules see it: folded, with spellings and short forms made standard."""
        words = " ".join(self.spellings.get(word, word) for word in _fold(text).split())
        if self.phrase_spellings is None or not words:
            return words
        spelt = self.phrase_spellings.sub(lambda m: self.spellings[m.group()], f" {words} ")
        return " ".join(spelt.split())

    def findings(self, text: str) -> list[RiskFinding]:
        """Every risk the text suggests, most serious kind first (one per rule)."""
        return self.findings_in(self.normalise(text))

    def excepted(self, normalised: str) -> bool:
        """Whether any exception (topic talk, a saying) matches the normalised text."""
        return any(True for _ in self.exceptions.matches(f" {normalised} "))

    def of_the_past(self, normalised: str) -> bool:
        """Whether the text speaks of the past, a loss or news that is over (past.txt) and
        nowhere of now or again (again.txt)."""
        return bool(self.in_past(f" {normalised} "))

    def in_past(self, padded: str) -> set[int]:
        """The parts of the text (see _parts) that speak of the past, a loss or news that is
        over; none when anything in it says the risk is here now or again."""
        if self.past is None or len(padded) < 3:
            return set()
        past = list(self.past.matches(padded))
        now = self.again.matches(padded) if self.again is not None else iter(())
        # Words of now count, unless they are in words of the past that say "again" too
        # ("never again", "have not started again"), or lie wholly inside words of the past
        # ("5 years since i last cut today", "the anniversary of his overdose today").
        negated = [(s, e) for _, s, e in past if " again " in padded[s - 1 : e]]
        if any(
            not any(s < e2 - 1 and s2 < e - 1 for s, e in negated)
            and not any(s <= s2 and e2 <= e for _, s, e in past)
            for _, s2, e2 in now
        ):
            return set()
        starts = _parts(padded)
        found = [(i, bisect.bisect_right(starts, at)) for i, at, _ in past]
        if any(i in self.past_whole for i, _ in found):
            return set(range(len(starts) + 1))
        before = {part - 1 for i, part in found if i in self.past_before and part}
        return {part for _, part in found} | before

    def findings_in(self, normalised: str) -> list[RiskFinding]:
        """Every risk the normalised text suggests, most serious kind first."""
        padded = f" {normalised} "
        if len(padded) < 3:
            return []
        covered = [(start, end) for _, start, end in self.exceptions.matches(padded)]
        past, starts = self.in_past(padded), _parts(padded)
        found: dict[int, tuple[int, RiskFinding]] = {}
        for index, start, end in self.risks.matches(padded):
            if index in found or any(c < end - 1 and start < e - 1 for c, e in covered):
                continue  # already found, or an exception's words overlap these
            if past and bisect.bisect_right(starts, start) in past:
                continue  # said of the past, a loss or news that is over, and not of now
            rule = self.rules[index]
            assert rule.category is not None
            words = " ".join(w for w in padded[start:end].split() if w != ".")
            found[index] = (start, RiskFinding(rule.category, rule.reason, words, rule.where))
        order = list(RiskCategory)
        ranked = sorted(found.values(), key=lambda f: (order.index(f[1].category), f[0]))
        return [finding for _, finding in ranked]


# Where one part of a sentence ends and the next begins, for words of the past: the end of
# a sentence, "but", "though", "although", "however" ("clean 2 years but ..."), or "and"
# before a new "i" or "now" ("i tried years ago and i do not see the point now").
_PART_END = re.compile(r" (?:\.|but|though|although|however|whereas|and(?= i | now )) (?=\S)")


# A reason in past.txt ending so puts every part of the message in the past.
WHOLE_MESSAGE = "(the whole message)"
# A reason in past.txt ending so puts its own part and the one before it in the past ("I
# tried to end it. That was years ago").
PART_BEFORE = "(the part before too)"


def _parts(padded: str) -> list[int]:
    """Where each part of the text after the first begins (sorted)."""
    return [match.end() for match in _PART_END.finditer(padded)]


# --- the rules' files -------------------------------------------------------------------

_GROUP = re.compile(r"\{(\w+)\}")


class RuleError(ValueError):
    """A line in the rules' files that cannot be understood."""


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if line and not line.startswith("#"):
            yield number, line


def _load_groups(path: Path) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for number, line in _lines(path):
        name, sep, entries = line.partition("=")
        if not sep or not name.strip().isidentifier():
            raise RuleError(f"{path.name}:{number}: expected 'name = words, more words'")
        listed = [entry.strip() for entry in entries.split(",") if entry.strip()]
        if not listed:
            raise RuleError(f"{path.name}:{number}: the group {name.strip()} lists no words")
        groups.setdefault(name.strip(), []).extend(listed)
    return groups


def _load_spellings(path: Path) -> dict[str, str]:
    """Variant -> standard form, both folded."""
    spellings: dict[str, str] = {}
    for number, line in _lines(path):
        standard, sep, variants = line.partition("=")
        if not sep or not _fold(standard):
            raise RuleError(f"{path.name}:{number}: expected 'standard = variant, variant'")
        for variant in variants.split(","):
            if _fold(variant):
                spellings[_fold(variant)] = _fold(standard)
    # A standard form, or a variant of several words, may itself hold a variant ("cant be
    # arsed"): read both the way a message is read, one word at a time.
    words = {k: v for k, v in spellings.items() if " " not in k}
    for _ in range(3):
        spellings = {
            " ".join(words.get(w, w) for w in variant.split())
            if " " in variant
            else variant: " ".join(words.get(w, w) for w in standard.split())
            for variant, standard in spellings.items()
        }
        words = {k: v for k, v in spellings.items() if " " not in k}
    return {variant: standard for variant, standard in spellings.items() if variant != standard}


def _near_misses(word: str) -> set[str]:
    """Every spelling one slip away: a letter missed, added, changed or two swapped."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in letters}
        | {a + c + b for a, b in splits for c in letters}
    ) - {word}


def _load_rules(path: Path, category: RiskCategory | None) -> list[_Rule]:
    rules, reason = [], ""
    for number, line in _lines(path):
        if line.startswith("[") and line.endswith("]"):
            reason = line[1:-1].strip()
            continue
        if not reason:
            raise RuleError(f"{path.name}:{number}: a rule needs a [reason] line above it")
        rules.append(_Rule(category, reason, line, f"{path.name}:{number} {line}"))
    return rules


@dataclass
class _Context:
    """What a build needs while it compiles patterns."""

    groups: dict[str, list[str]]
    words: dict[str, str]  # one word -> its standard form, applied to rules' own words too
    cache: dict[str, str] = field(default_factory=dict)  # each word group's expression

    def standard(self, words: str) -> str:
        """Words as messages are read: "dont" is "do not", "im" is "i am"."""
        return " ".join(self.words.get(word, word) for word in words.split())


def _tokens(pattern: str) -> list[str]:
    """The words of a pattern; "(several words/other words)" stays one token."""
    tokens, depth, current = [], 0, ""
    for ch in f"{pattern} ":
        if ch == " " and depth == 0:
            if current:
                tokens.append(current)
            current = ""
            continue
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            raise RuleError(f"a ) without its ( in {pattern!r}")
        current += ch
    if depth:
        raise RuleError(f"a ( without its ) in {pattern!r}")
    return tokens


def _choices(token: str) -> list[str] | None:
    """The choices of a "(a b/c d)" token, or None for any other token."""
    if not (token.startswith("(") and token.endswith(")")):
        return None
    choices, depth, current = [], 0, ""
    for ch in token[1:-1] + "/":
        if ch == "/" and depth == 0:
            if not current.strip():
                raise RuleError(f"an empty choice in {token!r}")
            choices.append(current.strip())
            current = ""
            continue
        depth += {"(": 1, ")": -1}.get(ch, 0)
        current += ch
    return choices


def _token(part: str, ctx: _Context, seen: tuple[str, ...]) -> str:
    """One word of a pattern as a regular expression that also eats the space after it."""
    optional = part.endswith("?") and len(part) > 1
    part = part[:-1] if optional else part
    if (choices := _choices(part)) is not None:
        body = "|".join(_pattern(choice, ctx, seen) for choice in choices)
        return f"(?:{body})" + ("?" if optional else "")
    if part == ".":
        return r"(?:\. |$)"
    if part == "...":  # up to five words, and any ends of sentences between them
        return r"(?:\. )?(?:[^\s.]\S* (?:\. )?){0,5}"
    if part == "##":
        return r"(?:\d\d+ )" + ("?" if optional else "")
    if group := _GROUP.fullmatch(part):
        name = group.group(1)
        if name not in ctx.groups:
            raise RuleError(f"unknown word group {{{name}}}")
        if name in seen:
            raise RuleError(f"word group {{{name}}} uses itself")
        body = _group(name, ctx, seen)
    else:
        options = []
        for word in part.split("/"):
            stem = word.endswith("*")
            folded = _fold(word[:-1] if stem else word)
            if not folded or " " in folded:
                raise RuleError(f"cannot read {word!r}")
            if not stem:
                folded = ctx.standard(folded)
            options.append(re.escape(folded) + (r"\S* " if stem else " "))
        body = "|".join(options)
    return f"(?:{body})" + ("?" if optional else "")


_PLAIN = re.compile(r"[a-z0-9 ]+")


def _group(name: str, ctx: _Context, seen: tuple[str, ...]) -> str:
    """A word group as one regular expression; plain words share their beginnings."""
    if name not in ctx.cache:
        entries = ctx.groups[name]
        plain = [f"{ctx.standard(e)} " for e in entries if _PLAIN.fullmatch(e) and "  " not in e]
        other = [e for e in entries if not (_PLAIN.fullmatch(e) and "  " not in e)]
        parts = [_pattern(entry, ctx, (*seen, name)) for entry in other]
        ctx.cache[name] = "|".join([*parts, _trie(plain)] if plain else parts)
    return ctx.cache[name]


def _trie(words: list[str]) -> str:
    """One regular expression for these strings, with common beginnings shared."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + render(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        if "" in node:
            return f"(?:{'|'.join(branches)})?"
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"

    return render(tree)


def _pattern(pattern: str, ctx: _Context, seen: tuple[str, ...] = ()) -> str:
    return "".join(_token(part, ctx, seen) for part in _tokens(pattern))


def _firsts(pattern: str, ctx: _Context) -> set[_First] | None:
    """The words a pattern can begin with (None: any word)."""
    firsts: set[_First] = set()
    for part in _tokens(pattern):
        optional = part.endswith("?") and len(part) > 1
        part = part[:-1] if optional else part
        if part in ("...", "##"):
            return None
        if (choices := _choices(part)) is not None:
            for choice in choices:
                more = _firsts(choice, ctx)
                if more is None:
                    return None
                firsts |= more
        elif group := _GROUP.fullmatch(part):
            for entry in ctx.groups[group.group(1)]:
                more = _firsts(entry, ctx)
                if more is None:
                    return None
                firsts |= more
        else:
            for word in part.split("/"):
                stem = word.endswith("*")
                folded = _fold(word.rstrip("*"))
                first = folded if stem else (ctx.standard(folded).split() or [folded])[0]
                firsts.add((first if part != "." else ".", stem))
        if not optional:
            return firsts
    return None


def _literal_words(rules: Iterable[str], groups: dict[str, list[str]]) -> set[str]:
    words: set[str] = set()
    for text in [*rules, *(e for entries in groups.values() for e in entries)]:
        for token in text.replace("(", " ").replace(")", " ").split():
            for word in token.rstrip("?").split("/"):
                if not word.startswith("{") and word not in ("...", "##", "."):
                    words.update(_fold(word.rstrip("*")).split())
    return words


def _compile(rules: list[_Rule], ctx: _Context) -> _Patterns:
    compiled, firsts = [], []
    for rule in rules:
        try:
            compiled.append(re.compile(_pattern(rule.pattern, ctx)))
            firsts.append(_firsts(rule.pattern, ctx))
        except (RuleError, re.error) as error:
            raise RuleError(f"{rule.where}: {error}") from None
    return _Patterns(compiled, firsts)


def build(folder: Path = RULES_DIR) -> Detector:
    """Read and compile the rules in `folder`."""
    groups = _load_groups(folder / "words.txt")
    spellings = _load_spellings(folder / "spellings.txt")
    rules = [r for c in RiskCategory for r in _load_rules(folder / f"{c.value}.txt", c)]
    exceptions = _load_rules(folder / "exceptions.txt", None)
    past, again = (
        _load_rules(folder / f"{name}.txt", None) if (folder / f"{name}.txt").exists() else []
        for name in ("past", "again")
    )
    # One slip in a long word the rules rely on ("sucide", "overdoes") still counts, unless
    # the slip makes another word the rules or spellings use.
    known = _literal_words([r.pattern for r in [*rules, *exceptions, *past, *again]], groups)
    known |= {w for words in [*spellings.values(), *spellings] for w in words.split()}
    for number, line in _lines(folder / "slips.txt"):
        word = _fold(line)
        if len(word) < 6 or " " in word:
            raise RuleError(f"slips.txt:{number}: one word of six letters or more")
        for slip in _near_misses(word) - known:
            spellings.setdefault(slip, word)
    phrases = sorted((s for s in spellings if " " in s), key=len, reverse=True)
    ctx = _Context(groups, {k: v for k, v in spellings.items() if " " not in k})
    return Detector(
        spellings=spellings,
        phrase_spellings=re.compile(
            r"(?<= )(?:" + "|".join(re.escape(p) for p in phrases) + r")(?= )"
        )
        if phrases
        else None,
        rules=tuple(rules),
        risks=_compile(rules, ctx),
        exceptions=_compile(exceptions, ctx),
        past=_compile(past, ctx) if past else None,
        past_whole=frozenset(i for i, r in enumerate(past) if r.reason.endswith(WHOLE_MESSAGE)),
        past_before=frozenset(i for i, r in enumerate(past) if r.reason.endswith(PART_BEFORE)),
        again=_compile(again, ctx) if again else None,
    )


@cache
def detector() -> Detector:
    """The detector built from the rules shipped with Chorus (read once)."""
    return build()


def normalise(text: str) -> str:
    """The text as the rules see it."""
    return detector().normalise(text)


MODEL_REASON = "Words that often come with risk"


def _a_clause_stands(normalised: str, learnt: risk_model.Model) -> bool:
    """Whether a rule's finding stands though the message as a whole reads as no risk: a
    clause where a rule matches reads as risk on its own ("We need self-harm training. I
    self harm most nights"), or no rule matches within one clause."""
    clauses = normalised.split(" . ")
    firing = [(c, found) for c in clauses if (found := detector().findings_in(c))]
    if len(clauses) == 1 and firing:
        return False
    return not firing or any(learnt.probability(c) >= _bar(f, learnt) for c, f in firing)


def _bar(found: list[RiskFinding], learnt: risk_model.Model) -> float:
    """Below this probability the model sets these findings aside: a finding of one word
    only ("overdose") needs a little more from the model than a phrase."""
    return learnt.veto if any(" " in f.words for f in found) else learnt.veto_word


def assess(text: str | None) -> RiskFinding | None:
    """The most serious sign of risk in the text, or None.

    A rule's finding comes first; it is set aside only when the model is all but sure the
    words are not a risk (below its "veto" figure, or "veto_word" for a finding of one word
    only), both for the message and for each clause where a rule matched. Otherwise the
    model alerts at or above its threshold, on a message of at least its "min_words" words
    (a name, a date or "go on" is too little to go on), unless an exception (topic talk, a
    saying) covers the message and the model is not sure (below its "sure" figure), or the
    message speaks only of the past (a recovery, a loss, news that is over) and the model is
    not surer still (below "past_sure"); rules in such a part of a message are set aside
    already (Detector.findings_in). A model
    finding names the words of the message that counted most."""
    if not text:
        return None
    rules = detector()
    normalised = rules.normalise(text)
    if not normalised.strip(" ."):
        return None
    learnt = risk_model.model()
    hit = learnt.assess(normalised)
    found = rules.findings_in(normalised)
    if found and (hit.probability >= _bar(found, learnt) or _a_clause_stands(normalised, learnt)):
        return found[0]
    if hit.probability < learnt.threshold or risk_model.word_count(normalised) < learnt.min_words:
        return None
    if hit.probability < learnt.sure and rules.excepted(normalised):
        return None
    if hit.probability < learnt.past_sure and rules.of_the_past(normalised):
        return None
    return RiskFinding(
        category=RiskCategory(hit.kind),
        reason=MODEL_REASON,
        words=" … ".join(hit.words) or normalised[:80],
        rule=f"{risk_model.MODEL_FILE.name} probability {hit.probability:.2f}",
    )
