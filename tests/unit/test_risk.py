"""The risk detector: what people write when at risk, what is not a risk, how text is read
before matching, what a finding tells a safeguarding lead, and its figures on messages it
was never tuned on."""

from __future__ import annotations

import time
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from bot.services.risk import (
    RULES_DIR,
    RiskCategory,
    RuleError,
    assess,
    build,
    normalise,
)
from bot.services.safety import suggests_risk
from tests.support.risk_sets import SETS, load, score

# Each phrase the detector must catch, with the kind of risk it must name.
ALERTS = [
    ("nobody would miss me if I was gone", RiskCategory.SUICIDE),
    ("I wish I could go to sleep and never wake up", RiskCategory.SUICIDE),
    ("what's the point in carrying on", RiskCategory.SUICIDE),
    ("Im done. goodbye everyone", RiskCategory.SUICIDE),
    ("taking all my tablets at once", RiskCategory.OVERDOSE),
    ("I keep thinking about jumping off the bridge", RiskCategory.SUICIDE),
    ("I took an overdose on Saturday and ended up in hospital", RiskCategory.OVERDOSE),
    ("my carer takes my money and hits me", RiskCategory.ABUSE),
    ("someone at the hostel is hurting me", RiskCategory.ABUSE),
    ("my partner hits the kids when he's drunk", RiskCategory.CHILD_DANGER),
    ("I got attacked while I was sleeping rough", RiskCategory.VIOLENCE),
    ("I'm frightened of my partner", RiskCategory.UNSAFE_HOME),
    ("ive been cutting myself again", RiskCategory.SELF_HARM),
    ("dw i eisiau marw", RiskCategory.SUICIDE),
    ("dw i ddim eisiau byw", RiskCategory.SUICIDE),
    ("dw i'n meddwl am ladd fy hun", RiskCategory.SUICIDE),
    ("dw i wedi meddwl am hunanladdiad", RiskCategory.SUICIDE),
]
# Talk about the topic, services and training, and everyday sayings.
QUIET = [
    "the session on suicide prevention was really useful",
    "more training on self-harm for staff",
    "Reminder: our suicide prevention awareness event is on Thursday at 6pm, all welcome",
    "this form is killing me",
    "I could murder a coffee",
    "dying to see the new plans",
    "the wait nearly killed me",
    "roedd y sesiwn ar atal hunanladdiad yn ddefnyddiol iawn",
    "I take my tablets every morning with breakfast",
    "",
]


@pytest.mark.parametrize(("text", "category"), ALERTS)
def test_risk_is_found_and_named(text: str, category: RiskCategory) -> None:
    finding = assess(text)
    assert finding is not None and finding.category is category
    assert suggests_risk(text)


@pytest.mark.parametrize("text", QUIET)
def test_talk_about_the_topic_and_sayings_are_not_risk(text: str) -> None:
    assert assess(text) is None
    assert not suggests_risk(text)


def test_nothing_to_assess() -> None:
    assert assess(None) is None and not suggests_risk(None)
    assert assess("   !!! ") is None


def test_an_exception_sets_aside_only_the_words_it_covers() -> None:
    # "self-harm training" is talk about the topic; "I self harm" in the same message is not.
    assert assess("We need more self-harm training") is None
    finding = assess("We need more self-harm training. I self harm most nights")
    assert finding is not None and finding.category is RiskCategory.SELF_HARM


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("  I DON'T   want—to be HERE! ", "i do not want to be here"),
        ("I'm done. Goodbye, everyone!!", "i am done . goodbye . everyone"),  # ends of clauses
        ("I\u2019m done", "i am done"),  # a typographic apostrophe, and "im" spelt out
        ("ｉ ｗａｎｔ ｔｏ ｄｉｅ", "i want to die"),  # full-width letters
        ("i wаnt tо diе", "i want to die"),  # Cyrillic а, о and е among Latin letters
        ("k1ll mys3lf", "kill myself"),  # digits for letters
        ("sooooo tired", "soo tired"),
        ("i wanna die", "i want to die"),
        ("gonna jump", "going to jump"),
        ("cant be arsed", "can not be arsed"),
        ("I dont want to live", "i do not want to live"),
        ("kill my self", "kill myself"),
        ("myslef", "myself"),  # two letters swapped in a word the rules rely on
        ("sucidal", "suicidal"),  # a letter missed
        ("hunanladdiadd", "hunanladdiad"),  # a letter added
        ("the killer sudoku", "the killer sudoku"),
    ],
)
def test_text_is_read_the_way_rules_are_written(written: str, read: str) -> None:
    assert normalise(written) == read


@pytest.mark.parametrize(
    "text",
    [
        "I DONT WANT TO LIVE ANYMORE!!!",
        "i dont wnat to live",
        "I\u2019ve thought about how to end my life",
        "ｉ ｗａｎｔ ｔｏ ｄｉｅ",
        "feeling sucidal tonight",
        "i want to kil myslef",
        "i wnat to d1e",
    ],
)
def test_typos_case_and_lookalike_letters_still_match(text: str) -> None:
    assert assess(text) is not None


def test_a_finding_explains_itself() -> None:
    finding = assess("Honestly I have been thinking about killing myself")
    assert finding is not None
    assert finding.category is RiskCategory.SUICIDE
    assert finding.reason == "Talks of ending their life"
    assert finding.words == "thinking about killing myself"
    assert finding.rule.startswith("suicide.txt:")
    with pytest.raises(FrozenInstanceError):
        finding.words = "something else"  # type: ignore[misc]


def test_the_most_serious_kind_comes_first() -> None:
    finding = assess("he hits me and I want to die")
    assert finding is not None and finding.category is RiskCategory.SUICIDE


def _rules(folder: Path, **files: str) -> Path:
    for category in RiskCategory:
        (folder / f"{category.value}.txt").write_text("", encoding="utf-8")
    for name in ("words", "spellings", "slips", "exceptions"):
        (folder / f"{name}.txt").write_text("", encoding="utf-8")
    for name, text in files.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def test_rules_files_are_read_as_documented(tmp_path: Path) -> None:
    detector = build(
        _rules(
            tmp_path,
            words="pills = tablets, sleeping pills, meds\n",
            spellings="# notes\nwant to = wanna\ndo not = dont\n",
            suicide="[Says they do not want to live]\ndont want to live\n",
            slips="paracetamol\n",
            overdose="[Talks of taking too many pills]\n"
            "(want to/going to) take all my? {pills}\n"
            "took ## paracetamol\n"
            "took ... lot .\n",
            exceptions="[Routine]\n{pills} with breakfast\n",
        )
    )
    assert detector.normalise("I wanna take all my Meds") == "i want to take all my meds"
    [finding] = detector.findings("i wanna take all my sleeping pills")
    assert finding.category is RiskCategory.OVERDOSE
    assert finding.reason == "Talks of taking too many pills"
    assert finding.words == "want to take all my sleeping pills"
    assert finding.rule == "overdose.txt:2 (want to/going to) take all my? {pills}"
    assert detector.findings("going to take all tablets tonight")
    assert detector.findings("i took 30 paracetmol")  # one letter missed
    assert not detector.findings("i took 2 paracetamol")
    assert not detector.findings("going to take all my tablets with breakfast")
    # Short forms are spelt out in messages and in rules alike.
    assert detector.findings("I do not want to live")
    assert detector.findings("i don\u2019t want to live")
    assert detector.findings("I took the lot")  # "." is where a sentence or the message ends
    assert detector.findings("I took the lot... Sorry")
    assert not detector.findings("I took the lot to the tip")


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ({"suicide": "want to die\n"}, "needs a \\[reason\\]"),
        ({"suicide": "[Why]\n{nosuch} die\n"}, "unknown word group"),
        ({"words": "me =\n"}, "lists no words"),
        ({"suicide": "[Why]\n(want to die\n"}, "without its \\)"),
        ({"slips": "die\n"}, "six letters"),
    ],
)
def test_a_rule_that_cannot_be_read_is_refused(
    tmp_path: Path, files: dict[str, str], problem: str
) -> None:
    with pytest.raises(RuleError, match=problem):
        build(_rules(tmp_path, **files))


def test_the_shipped_rules_are_read() -> None:
    detector = build(RULES_DIR)
    assert len(detector.rules) > 500
    assert {rule.category for rule in detector.rules} == set(RiskCategory)


def test_a_message_takes_well_under_five_milliseconds() -> None:
    examples = load(SETS["heldout"])
    assess("warm up")
    began = time.thread_time()
    for example in examples:
        assess(example.text)
    assert (time.thread_time() - began) / len(examples) < 0.005


@pytest.mark.parametrize("name", ["dev", "heldout"])
def test_the_sets_are_large_and_cover_every_kind(name: str) -> None:
    examples = load(SETS[name])
    assert sum(e.alert for e in examples) >= 300
    assert sum(not e.alert for e in examples) >= 300
    assert {e.category for e in examples if e.alert} == {c.value for c in RiskCategory}


def test_the_sets_share_no_message() -> None:
    seen: set[str] = set()
    for path in SETS.values():
        texts = {e.text.casefold() for e in load(path)}
        assert not (seen & texts), path.name
        seen |= texts


def test_the_held_out_set_meets_the_targets() -> None:
    """Messages the rules were never tuned on: recall at least 95%, false alarms at most 5%."""
    result = score(load(SETS["heldout"]))
    missed = [e.text for e in result.misses]
    raised = [e.text for e, _ in result.raised]
    assert result.recall >= 0.95, missed
    assert result.false_alarms <= 0.05, raised
