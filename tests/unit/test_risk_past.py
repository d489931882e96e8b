"""The risk detector and talk of the past: one's own past in recovery, a loss, or someone
else's news that is over, set aside; the same words alerting when it is happening now, or
again (bot/data/risk/past.txt and again.txt)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.services import risk_model, risk_training
from bot.services.risk import RiskCategory, assess, build, detector, normalise
from bot.services.risk_model import Model

# Each pair: the words of the past (no help needed), then the same words with something
# that says it is here now, or again (help needed).
PAST_AND_NOW = [
    ("I used to self-harm as a teenager", "I used to self-harm and I've started again"),
    (
        "I tried to kill myself when I was 19, that was a long time ago",
        "I tried to kill myself when I was 19 and the thoughts are back",
    ),
    (
        "my ex used to hit me, I have a non molestation order now",
        "my ex used to hit me and now he's back and hitting me again",
    ),
    (
        "my cousin died of an overdose in 2019, rest in peace",
        "my cousin died of an overdose in 2019 and I keep thinking about taking everything",
    ),
    (
        "my brother was beaten up outside a pub last year, he's fine now",
        "my brother was beaten up outside a pub last year and the same lads are after me tonight",
    ),
    (
        "I was abused as a child, but I'm in a good place now",
        "I was abused as a child and he still hits me",
    ),
    (
        "I used to self harm but I've been clean of it for years now",
        "I used to self harm and the urges are back",
    ),
    (
        "its 6 years since i last cut myself today, feeling proud",
        "its 6 years since i last cut myself and i cut again today",
    ),
    (
        "I was in an abusive relationship for 5 years, I left in 2018",
        "I was in an abusive relationship for 5 years and he's found me again",
    ),
    (
        "the man who hurt me was finally sentenced today",
        "the man who hurt me is out now and keeps coming to my door",
    ),
]


@pytest.mark.parametrize(("past", "now"), PAST_AND_NOW)
def test_the_past_is_set_aside_but_the_same_words_alert_when_it_is_happening_now(
    past: str, now: str
) -> None:
    assert assess(past) is None
    assert assess(now) is not None


@pytest.mark.parametrize(
    "text",
    [
        "I used to cut and I've started again",
        "I'm clean 2 years but want to use tonight and end it",
        "sober a year but I relapsed last night and I want to die",
    ],
)
def test_recovery_words_never_hide_danger_now(text: str) -> None:
    """The words of recovery are seen, and a rule still finds these, whatever the model
    reads."""
    rules = detector()
    assert rules.past is not None
    assert any(True for _ in rules.past.matches(f" {rules.normalise(text)} "))
    assert rules.findings(text)
    assert assess(text) is not None


def _rules(folder: Path, **files: str) -> Path:
    for name in [c.value for c in RiskCategory] + ["words", "spellings", "slips", "exceptions"]:
        (folder / f"{name}.txt").write_text(files.get(name, ""), encoding="utf-8")
    for name in ("past", "again"):
        if name in files:
            (folder / f"{name}.txt").write_text(files[name], encoding="utf-8")
    return folder


def test_past_and_again_files_are_read_as_documented(tmp_path: Path) -> None:
    rules = build(
        _rules(
            tmp_path,
            suicide="[Ending it]\nend it\n",
            violence="[Attacked]\ngot stabbed\n",
            past="[Own past]\nused to\n## years clean\n"
            "[News that is over (the whole message)]\n(is/s) fine now\n",
            again="[Now]\nagain\ntonight\n",
        )
    )
    assert rules.findings("I used to want to end it") == []
    # Any word of now, anywhere in the message, keeps every finding.
    assert rules.findings("I used to want to end it. Tonight I will")
    assert rules.findings("I used to want to end it and I do again")
    # The past reaches only its own part of a sentence: "but", "and i", a full stop end it.
    assert rules.findings("20 years clean but I want to end it")
    assert rules.findings("I used to drink and I want to end it")
    assert rules.findings("I used to drink. I want to end it")
    assert rules.findings("I want to end it, I used to")
    # News that is over puts the whole message in the past.
    assert rules.findings("my mate got stabbed last year. he is fine now") == []
    assert rules.findings("my mate got stabbed last year") != []
    assert rules.of_the_past(rules.normalise("I used to want to end it"))
    assert not rules.of_the_past(rules.normalise("I used to want to end it again"))


def test_words_of_now_inside_words_of_the_past_do_not_count(tmp_path: Path) -> None:
    """ "Today" in "10 years since ... today" is the date remembered, not danger now."""
    rules = build(
        _rules(
            tmp_path,
            suicide="[Ending it]\nend it\n",
            past="[A day remembered]\nyears since ... today\n",
            again="[Now]\ntoday\n",
        )
    )
    assert rules.findings("10 years since I tried to end it today") == []
    assert rules.findings("10 years since I tried to end it. I want to end it today")
    assert rules.findings("I want to end it today")


def test_words_that_look_back_put_the_part_before_in_the_past(tmp_path: Path) -> None:
    """ "That was years ago" speaks of what came just before it, not of what comes after."""
    rules = build(
        _rules(
            tmp_path,
            suicide="[Ending it]\nend it\n",
            past="[Looks back (the part before too)]\nthat was years ago\n",
            again="[Now]\ntonight\n",
        )
    )
    assert rules.findings("I tried to end it. That was years ago") == []
    assert rules.findings("That was years ago. I want to end it")
    assert rules.findings("I want to end it. I am fine. That was years ago")
    assert rules.findings("I tried to end it. That was years ago. Tonight I will end it")


def test_without_past_and_again_files_nothing_is_set_aside(tmp_path: Path) -> None:
    rules = build(_rules(tmp_path, suicide="[Ending it]\nend it\n"))
    assert rules.findings("I used to want to end it")
    assert not rules.of_the_past(rules.normalise("I used to want to end it"))


def _model(probability_word: str, past_sure: float) -> Model:
    kinds = tuple(c.value for c in RiskCategory)
    return Model(
        bias=0.0,
        threshold=0.5,
        veto=0.0,
        veto_word=0.0,
        sure=0.9,
        min_words=1,
        weights={f"w:{probability_word}": 8.0},  # about 0.94 for the messages below
        order=kinds,
        kinds={},
        priors=tuple(0.0 for _ in kinds),
        past_sure=past_sure,
    )


def test_the_model_alone_needs_to_be_surer_on_talk_of_the_past(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    learnt = _model("wibble", past_sure=0.99)
    monkeypatch.setattr(risk_model, "model", lambda: learnt)
    assert 0.9 < learnt.probability(normalise("years ago i felt wibble")) < 0.99
    assert assess("years ago i felt wibble") is None
    assert assess("today i feel wibble") is not None
    assert assess("years ago i felt wibble and today again") is not None
    monkeypatch.setattr(risk_model, "model", lambda: _model("wibble", past_sure=0.0))
    assert assess("years ago i felt wibble") is not None


def test_the_training_replay_knows_talk_of_the_past() -> None:
    settings = risk_training.Settings(0.5, 0.0, 0.0, 0.9, 1, past_sure=0.99)
    seen = risk_training.Evidence(probability=0.95, rule=0, excepted=False, past=True)
    assert not settings.alerts(seen)
    assert settings.alerts(dataclasses.replace(seen, past=False))
    assert settings.alerts(dataclasses.replace(seen, probability=0.995))


def test_the_shipped_model_is_surer_on_talk_of_the_past() -> None:
    learnt = risk_model.model()
    assert learnt.past_sure > learnt.sure
