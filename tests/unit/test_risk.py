"""The risk detector: what people write when at risk, what is not a risk, how text is read
before matching, what a finding tells a safeguarding lead, and its figures on messages it
was never tuned on."""

from __future__ import annotations

import math
import time
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from bot.services import risk_model, risk_training
from bot.services.risk import (
    MODEL_REASON,
    RULES_DIR,
    RiskCategory,
    RuleError,
    assess,
    build,
    detector,
    normalise,
)
from bot.services.risk_model import MODEL_FILE, SCHEME, Model, ModelError, features
from bot.services.safety import risk_reason, suggests_risk
from tests.support.risk_sets import SETS, TRAINING, load, score

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


# Quiet goodbyes, plans, wounds, someone not breathing, sex asked for a home, a night out:
# shapes the rules themselves find (not only the model).
RULE_SHAPES = [
    ("final message from me, thanks for everything and look after each other", "suicide"),
    ("cant promise ill still be here by friday", "suicide"),
    ("cant imagine myself still being around next spring", "suicide"),
    ("lay awake praying my heart would just stop", "suicide"),
    ("hes gone grey and isnt breathing properly after taking something", "overdose"),
    ("ive lined them up on the bedside table", "overdose"),
    ("what ive done to my legs this week scares me", "self_harm"),
    ("the man im staying with says i can pay in other ways if i know what he means", "abuse"),
    ("the landlord asked me for sex to keep my room", "abuse"),
    ("kipping in a doorway tonight again", "unsafe_home"),
    ("doubt ill still be around by the weekend", "suicide"),
    ("this is the last youll hear from me", "suicide"),
    ("my mum is out till sunday so its the right time.", "suicide"),
    ("found him passed out next to empty tablet packets", "overdose"),
]


@pytest.mark.parametrize(("text", "category"), RULE_SHAPES)
def test_rules_find_goodbyes_plans_wounds_and_sex_asked_for_a_home(
    text: str, category: str
) -> None:
    found = detector().findings(text)
    assert found and found[0].category.value == category
    assert assess(text) is not None


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


# --- the learnt second tier ---------------------------------------------------------------

# Said in ways no rule was written for: only the model catches these.
MODEL_ONLY = [
    "honestly i might not be here next week, ive got the tablets",
    "i feel like a ghost, like i already left",
]
# Sayings and everyday talk that borrow the words of risk.
IDIOMS = [
    "this form is killing me",
    "I could murder a coffee",
    "my feet are killing me",
    "dying for a cuppa after that meeting",
    "the kids will be the death of me lol",
    "my phone died again",
    "honestly the traffic today, kill me now",
]


@pytest.mark.parametrize("text", MODEL_ONLY)
def test_the_model_catches_wording_no_rule_has_and_says_why(text: str) -> None:
    assert not detector().findings(text)
    finding = assess(text)
    assert finding is not None
    assert finding.reason == MODEL_REASON
    assert finding.rule.startswith(f"{MODEL_FILE.name} probability ")
    # The words shown are the message's own words (as normalised), the ones that counted.
    shown = [phrase.split() for phrase in finding.words.split(" … ")]
    assert shown and all(shown)
    read = normalise(text).split()
    assert all(word in read for phrase in shown for word in phrase)
    assert risk_reason(text) == f"{MODEL_REASON} (\u201c{finding.words}\u201d)"


@pytest.mark.parametrize("text", IDIOMS)
def test_sayings_stay_quiet(text: str) -> None:
    assert assess(text) is None


# What people type to Chorus every day, that once drew the crisis reply from the model: a
# display name ("b" read as "be"), short answers, a date, and feedback about a service.
EVERYDAY = [
    "Rosa B 🌻",
    "Kim B",
    "Go on",
    "No, that's all",
    "Only once",
    "Sat 28 March 14:00",
    "sometime soon",
    "text",
    "A text message to say where he was in the queue.",
    "When I was discharged nobody called.",
]


# Too short for the model alone (under three words): rules say these.
SHORT_ALERTS = [
    "i give up",
    "had enough",
    "nobody cares",
    "end it",
    "cant cope",
    "im done",
    "cant go on",
]


@pytest.mark.parametrize("text", SHORT_ALERTS)
def test_a_few_words_of_giving_up_still_alert(text: str) -> None:
    assert assess(text) is not None


@pytest.mark.parametrize("text", EVERYDAY)
def test_names_dates_short_answers_and_feedback_stay_quiet(text: str) -> None:
    assert assess(text) is None


def test_everyday_messages_never_trained_on_rarely_alert() -> None:
    """Most of what people type is ordinary bot traffic: names, dates, "ok", feedback. On
    the held-out half of the everyday messages, the detector raises at most 1.4% false
    alarms (as measured when it was last trained: 4 of 296)."""
    assert "everyday_eval" not in TRAINING and "everyday" in TRAINING
    result = score(load(SETS["everyday_eval"]))
    assert result.quiet >= 290 and result.alerts == 0
    assert result.false_alarms <= 0.014, [e.text for e, _ in result.raised]


def test_the_newest_held_out_set_meets_the_targets() -> None:
    """fresh9 was written and committed before the detector was run on it, and neither tier
    is trained or tuned on it: recall at least 95%, false alarms at most 5% (measured when
    it was last trained: 96.7%, 117 of 121; 2.7%, 3 of 113)."""
    assert "fresh9" not in TRAINING
    result = score(load(SETS["fresh9"]))
    assert result.alerts >= 110 and result.quiet >= 110
    assert result.recall >= 0.95, [e.text for e in result.misses]
    assert result.false_alarms <= 0.05, [e.text for e, _ in result.raised]


def test_the_model_alone_needs_a_few_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name or "go on" is too little to go on: below min_words the model never alerts
    alone (a rule's finding still stands)."""
    eager = _model({"w:go": 5.0, "w:on": 5.0}, bias=0.0, min_words=3)
    monkeypatch.setattr(risk_model, "model", lambda: eager)
    assert eager.probability(normalise("go on")) > 0.9
    assert assess("go on") is None
    assert assess("go on 28 14:00") is None  # numbers are not words
    assert assess("go on then") is not None
    assert assess("I want to die") is not None
    monkeypatch.setattr(risk_model, "model", lambda: _model(eager.weights, bias=0.0))
    assert assess("go on") is not None


def test_one_or_two_words_cannot_carry_a_message_far_from_the_bias() -> None:
    """A message of few features counts each as if it had FLOOR of them."""
    learnt = _model({"w:text": 1.0}, bias=0.0)
    assert len(features(normalise("text"))) < risk_model.FLOOR
    assert learnt.probability(normalise("text")) == pytest.approx(
        1 / (1 + math.exp(-1 / math.sqrt(risk_model.FLOOR)))
    )
    assert risk_model.word_count(normalise("Sat 28 March 14:00")) == 2


@pytest.mark.parametrize(("text", "category"), ALERTS)
def test_the_model_alone_also_reads_the_quoted_phrases_as_risk(
    text: str, category: RiskCategory
) -> None:
    learnt = risk_model.model()
    assert learnt.probability(normalise(text)) >= learnt.threshold


def test_the_model_file_is_read_and_fits_the_features() -> None:
    learnt = risk_model.load(MODEL_FILE)
    assert learnt.order == tuple(c.value for c in RiskCategory)
    assert 0 < learnt.veto <= learnt.veto_word < learnt.threshold < learnt.sure <= 1
    assert MODEL_FILE.stat().st_size < 2_000_000
    # Every weight belongs to a feature that the features of some text can produce.
    for feature in learnt.weights:
        kind, words = feature.split(":", 1)
        text = {"w": words, "b": words, "s": words, "p": f"{words}zz"}[kind]
        assert feature in features(text), feature


def test_a_model_file_for_other_features_is_refused(tmp_path: Path) -> None:
    text = MODEL_FILE.read_text(encoding="utf-8").replace(SCHEME, "letters v0", 1)
    (tmp_path / "model.tsv").write_text(text, encoding="utf-8")
    with pytest.raises(ModelError, match="made for features"):
        risk_model.load(tmp_path / "model.tsv")


def test_training_is_deterministic_and_its_file_reads_back(tmp_path: Path) -> None:
    examples = risk_training.read_examples(SETS["fresh3"], normalise)
    order = [c.value for c in RiskCategory]
    first, second = risk_training.train(examples, order), risk_training.train(examples, order)
    assert first == second
    for name, trained in (("a", first), ("b", second)):
        settings = risk_training.Settings(0.5, 0.1, 0.2, 0.9)
        risk_training.write(trained, settings, tmp_path / f"{name}.tsv", ["notes"])
    written = (tmp_path / "a.tsv").read_text(encoding="utf-8")
    assert written == (tmp_path / "b.tsv").read_text(encoding="utf-8")
    learnt = risk_model.load(tmp_path / "a.tsv")
    assert (learnt.threshold, learnt.veto, learnt.veto_word, learnt.sure) == (0.5, 0.1, 0.2, 0.9)
    for example in examples[:20]:
        assert learnt.probability(example.normalised) == pytest.approx(
            first.probability(example.normalised)
        )
    # Trained on these messages, it has learnt them.
    caught = [learnt.probability(e.normalised) >= 0.5 for e in examples]
    assert sum(c == e.alert for c, e in zip(caught, examples, strict=True)) > 0.9 * len(examples)


def _model(
    weights: dict[str, float],
    bias: float,
    veto: float = 0.0,
    veto_word: float | None = None,
    min_words: int = 1,
) -> Model:
    kinds = tuple(c.value for c in RiskCategory)
    return Model(
        bias=bias,
        threshold=0.5,
        veto=veto,
        veto_word=veto if veto_word is None else veto_word,
        sure=0.9,
        min_words=min_words,
        weights=weights,
        order=kinds,
        kinds={},
        priors=tuple(0.0 for _ in kinds),
    )


def test_an_exception_sets_aside_a_weak_model_alert_but_not_a_sure_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert detector().excepted(normalise("I could murder a coffee"))
    weak = _model({"w:coffee": 1.0}, bias=0.0)  # about 0.6 for this message
    monkeypatch.setattr(risk_model, "model", lambda: weak)
    assert 0.5 < weak.probability(normalise("I could murder a coffee")) < 0.9
    assert assess("I could murder a coffee") is None
    finding = assess("a coffee please")  # no exception: the model's alert stands
    assert finding is not None and finding.words == "coffee"
    sure = _model({"w:coffee": 20.0}, bias=0.0)
    monkeypatch.setattr(risk_model, "model", lambda: sure)
    assert assess("I could murder a coffee") is not None


def test_a_rule_is_set_aside_only_when_the_model_is_all_but_sure_of_no_risk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doubtful = _model({"w:training": -30.0}, bias=-2.0, veto=0.1)
    monkeypatch.setattr(risk_model, "model", lambda: doubtful)
    assert doubtful.probability(normalise("I want to die")) > 0.1
    assert assess("I want to die") is not None  # not sure enough to set the rule aside
    assert assess("I want to die training") is None  # all but sure: set aside
    # The clause where a rule matched reads as risk on its own: the rule's finding stands.
    finding = assess("We need more training. I want to die")
    assert finding is not None and finding.category is RiskCategory.SUICIDE
    never = _model({"w:training": -30.0}, bias=-2.0, veto=0.0)
    monkeypatch.setattr(risk_model, "model", lambda: never)
    assert assess("I want to die training") is not None


def test_a_finding_of_one_word_needs_a_little_more_from_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unsure = _model({}, bias=-1.0, veto=0.05, veto_word=0.5)  # about 0.27 for any message
    monkeypatch.setattr(risk_model, "model", lambda: unsure)
    [finding] = detector().findings("overdose")
    assert finding.words == "overdose"
    assert assess("overdose") is None
    assert assess("I want to die") is not None  # a phrase: the lower veto
    monkeypatch.setattr(risk_model, "model", lambda: _model({}, bias=-1.0, veto=0.05))
    assert assess("overdose") is not None


def test_the_model_file_was_trained_on_the_training_files_as_they_are() -> None:
    """Adding examples without training again leaves the model behind: train, then commit."""
    files = [SETS[name] for name in TRAINING] + [RULES_DIR / "examples.tsv"]
    count = sum(len(load(path)) for path in files)
    names = ", ".join(path.name for path in files)
    assert f"# Trained on: {names} ({count} messages)." in MODEL_FILE.read_text("utf-8")


def test_the_training_combines_rules_and_model_as_the_detector_does() -> None:
    """The settings are chosen by replaying the detector in cross-validation: the replay
    must decide every message as assess() does."""
    learnt = risk_model.model()
    settings = risk_training.Settings(
        learnt.threshold, learnt.veto, learnt.veto_word, learnt.sure, past_sure=learnt.past_sure
    )

    def words_in(text: str) -> list[str]:
        return [f.words for f in detector().findings_in(text)]

    written = [e.text for name in ("heldout", "fresh5", "fresh6") for e in load(SETS[name])]
    written += ["We need more training. I want to die", "overdose", "I could murder a coffee"]
    decided = {True: 0, False: 0}
    for message in written:
        text = normalise(message)
        scores = [
            learnt.probability(t) for t in [text, *risk_training.rule_clauses(text, words_in)]
        ]
        seen = risk_training.evidence(
            text, scores, words_in, detector().excepted(text), detector().of_the_past(text)
        )
        assert settings.alerts(seen) == (assess(message) is not None), message
        decided[settings.alerts(seen)] += 1
    assert decided[True] > 100 and decided[False] > 100


def test_the_threshold_is_not_raised_at_the_cost_of_an_alert() -> None:
    """When the everyday target cannot be met, the threshold is the lowest quiet enough on
    the fresh sets, raised only while every alert it catches is still caught."""
    grid = [0.4, 0.45, 0.5, 0.55, 0.6]
    alarms = {0.4: 9, 0.45: 5, 0.5: 4, 0.55: 3, 0.6: 2}
    caught = {0.4: 1.0, 0.45: 0.99, 0.5: 0.99, 0.55: 0.98, 0.6: 0.97}
    pick = risk_training._no_alert_lost
    assert pick(grid, alarms.__getitem__, caught.__getitem__, 5) == 0.5
    assert pick(grid, alarms.__getitem__, caught.__getitem__, 1) is None
