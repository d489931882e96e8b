"""Train the risk model and write bot/data/risk/model.tsv.

Reads the examples in tests/data/risk/ (dev, heldout and fresh to fresh5: never fresh6,
which is kept to measure the detector on wording it has never seen) and the extra training
examples in bot/data/risk/examples.tsv; normalises them as the rules do; cross-validates
(each file left out in turn, big files in three parts) to choose the threshold and the two
vetoes; then trains on everything and writes the model file. The same examples always give
the same file.

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
from bot.services.risk import RULES_DIR, RiskCategory, RiskFinding, detector  # noqa: E402
from bot.services.risk_model import MODEL_FILE  # noqa: E402

SETS = ["dev", "heldout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5"]
TRAINING_FILES = [ROOT / "tests" / "data" / "risk" / f"{name}.tsv" for name in SETS]
EXTRA = RULES_DIR / "examples.tsv"


def strength(findings: list[RiskFinding]) -> int:
    """How strongly the rules found risk: a phrase, one word only, or nothing."""
    if any(len(f.words.split()) > 1 for f in findings):
        return risk_training.RULE_PHRASE
    return risk_training.RULE_WORD if findings else risk_training.RULE_NONE


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
    probabilities = risk_training.out_of_fold(examples, order)
    rule_hits = [strength(rules.findings_in(e.normalised)) for e in examples]
    excepted = [rules.excepted(e.normalised) for e in examples]
    settings = risk_training.choose(examples, probabilities, rule_hits, excepted)
    notes = [
        "The risk model: a logistic regression over the words of a message as the rules read",
        "it (bot/services/risk_model.py). Written by scripts/train_risk_model.py; do not edit",
        "by hand: add examples to bot/data/risk/examples.tsv and run the script again.",
        f"Trained on: {', '.join(p.name for p in files)} ({len(examples)} messages).",
        "threshold: the model alerts at or above this probability; veto: below this, a",
        "rule's finding is set aside; veto_word: the same for a finding of one word only",
        "('overdose'); sure: below this, an exception sets aside the model's alert. All",
        "chosen by cross-validation on the training files (scripts/train_risk_model.py).",
        "",
        "Cross-validation (each file left out of training in turn; rules as they are; a",
        "veto judged on the whole message only):",
    ]
    for group in dict.fromkeys(e.group for e in examples):
        rows = [
            (e.alert, settings.alerts(p, r, x))
            for e, p, r, x in zip(examples, probabilities, rule_hits, excepted, strict=True)
            if e.group == group
        ]
        alerts = [hit for alert, hit in rows if alert]
        quiet = [hit for alert, hit in rows if not alert]
        line = (
            f"  {group:<9} recall {sum(alerts) / max(len(alerts), 1):6.1%}   "
            f"false alarms {sum(quiet) / max(len(quiet), 1):6.1%}"
        )
        notes.append(line)
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
