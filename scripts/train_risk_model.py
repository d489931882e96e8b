"""Train the risk model and write bot/data/risk/model.tsv.

Reads the examples in tests/data/risk/ (dev, heldout, fresh to fresh8 and everyday: never
fresh9 or everyday_eval, kept to measure the detector on wording it has never seen) and
the extra training examples in bot/data/risk/examples.tsv; normalises them as the rules do;
cross-validates (each file left out in turn, big files and everyday in three parts) to
choose the threshold, the two vetoes and the "sure" figures for the rules and the model
together; then trains on everything and writes the model file. The same examples always
give the same file.

    .venv/bin/python scripts/train_risk_model.py [--check]

--check trains again and says whether the file matches, without writing it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.services import risk_training  # noqa: E402
from bot.services.risk import RULES_DIR, RiskCategory, detector  # noqa: E402
from bot.services.risk_model import MODEL_FILE  # noqa: E402

SETS = [
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
]
TRAINING_FILES = [ROOT / "tests" / "data" / "risk" / f"{name}.tsv" for name in SETS]
EXTRA = RULES_DIR / "examples.tsv"


def words_in(normalised: str) -> list[str]:
    """The words each rule's finding matched in the text."""
    return [f.words for f in detector().findings_in(normalised)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    arguments = parser.parse_args()
    began = time.perf_counter()
    rules = detector()
    files = [*TRAINING_FILES, *([EXTRA] if EXTRA.exists() else [])]
    examples = [e for path in files for e in risk_training.read_examples(path, rules.normalise)]
    order = [c.value for c in RiskCategory]
    print(f"{len(examples)} examples from {', '.join(p.name for p in files)}")
    # The message and each clause where a rule matched are scored (as risk.assess does).
    texts = [[e.normalised, *risk_training.rule_clauses(e.normalised, words_in)] for e in examples]
    scored = risk_training.out_of_fold_texts(examples, order, texts)
    evidence = [
        risk_training.evidence(
            e.normalised,
            p,
            words_in,
            rules.excepted(e.normalised),
            rules.of_the_past(e.normalised),
        )
        for e, p in zip(examples, scored, strict=True)
    ]
    settings = risk_training.choose(examples, evidence)
    notes = [
        "The risk model: a logistic regression over the words of a message as the rules read",
        "it (bot/services/risk_model.py). Written by scripts/train_risk_model.py; do not edit",
        "by hand: add examples to bot/data/risk/examples.tsv and run the script again.",
        f"Trained on: {', '.join(p.name for p in files)} ({len(examples)} messages).",
        "threshold: the model alerts at or above this probability; veto: below this, a",
        "rule's finding is set aside; veto_word: the same for a finding of one word only",
        "('overdose'); sure: below this, an exception sets aside the model's alert;",
        "past_sure: the same for a message that speaks only of the past (past.txt). All",
        "chosen by cross-validation on the training files (scripts/train_risk_model.py).",
        "",
        "Cross-validation (each file left out of training in turn; rules as they are;",
        "combined as the detector combines them):",
    ]
    for group in dict.fromkeys(e.group for e in examples):
        rows = [
            (e.alert, settings.alerts(seen))
            for e, seen in zip(examples, evidence, strict=True)
            if e.group == group
        ]
        alerts = [hit for alert, hit in rows if alert]
        quiet = [hit for alert, hit in rows if not alert]
        recall = f"{sum(alerts) / len(alerts):6.1%}" if alerts else "     -"
        rate = sum(quiet) / max(len(quiet), 1)
        notes.append(f"  {group:<9} recall {recall}   false alarms {rate:6.1%}")
    fresh = [
        (e.alert, settings.alerts(seen))
        for e, seen in zip(examples, evidence, strict=True)
        if e.group.startswith("fresh")
    ]
    caught = [hit for alert, hit in fresh if alert]
    raised = [hit for alert, hit in fresh if not alert]
    notes.append(
        f"  fresh sets together: recall {sum(caught) / max(len(caught), 1):6.1%} "
        f"({len(caught) - sum(caught)} missed of {len(caught)})   false alarms "
        f"{sum(raised) / max(len(raised), 1):6.1%} ({sum(raised)} of {len(raised)})"
    )
    notes.append("Weights: largest first; w: a word, p: its first five letters, b: two words")
    notes.append("side by side, s: two words with one between. kind: how often a word comes")
    notes.append("with each kind of risk (log-likelihoods, in the order of 'kinds').")
    trained = risk_training.train(examples, order)
    with tempfile.TemporaryDirectory() as folder:
        written = Path(folder) / MODEL_FILE.name
        risk_training.write(trained, settings, written, notes)
        text = written.read_text(encoding="utf-8")
    print("\n".join(line for line in notes if line.startswith("  ")))
    print(settings)
    print(f"{len(trained.weights)} weights; {time.perf_counter() - began:.0f} s")
    if arguments.check:
        same = MODEL_FILE.exists() and MODEL_FILE.read_text(encoding="utf-8") == text
        print("the model file matches" if same else "the model file DIFFERS from a re-train")
        return 0 if same else 1
    MODEL_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {MODEL_FILE.relative_to(ROOT)} ({len(text.encode()) // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
