"""The risk detector on its evaluation sets: recall, false alarms and time per message.

Each set is a file of invented messages in tests/data/risk/ (tab-separated: expect, category,
text). "alert" lines should raise the safety reply, "quiet" lines should not. The rules are
tuned on the development set; the held-out set was written before the rules; the fresh sets
were written later, in other voices, each before the detector was run on it. The model (the
second tier) is trained on every set up to fresh8; fresh9, the last, is never trained or
tuned on: it is the honest figure for wording neither tier has seen.
The everyday sets are what people type to Chorus every day (names, dates, "ok", feedback),
all quiet: the model is trained on "everyday", and "everyday_eval" (the other half) gives
the false alarms on ordinary traffic it has never seen. Prints the model's cross-validation
(from its file), then, for each set, recall over the "alert" lines and the false-alarm rate
over the "quiet" lines, overall and per category, then every miss and false alarm (with the
rule or model that fired), and the time per message (mean and 99th percentile) on one core.
The design's target is recall at least 95%, false alarms at most 5%, under 5 ms a message.

    .venv/bin/python benchmarks/safety_detector.py [--set dev|heldout|fresh|...|all] [--quiet]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.services import risk_model  # noqa: E402
from bot.services.risk import assess, detector  # noqa: E402
from tests.support.risk_sets import SETS, TRAINING, Example, load, score  # noqa: E402

# Every message is timed this many times; the mean and the 99th percentile are over all runs.
ROUNDS = 5
RECALL_TARGET = 0.95
FALSE_ALARM_TARGET = 0.05


def timing(examples: list[Example]) -> tuple[float, float, float, float]:
    """Per message, in milliseconds: mean and 99th percentile of the processor time this
    thread used (what one core spends), then of the wall-clock time (which also counts
    waiting for a core on a busy machine)."""
    cpu, wall = [], []
    for _ in range(ROUNDS):
        for example in examples:
            began, began_cpu = time.perf_counter(), time.thread_time()
            assess(example.text)
            cpu.append((time.thread_time() - began_cpu) * 1000)
            wall.append((time.perf_counter() - began) * 1000)
    cpu.sort()
    wall.sort()
    p99 = int(len(cpu) * 0.99)
    return statistics.fmean(cpu), cpu[p99], statistics.fmean(wall), wall[p99]


def report(name: str, examples: list[Example], quiet: bool) -> bool:
    """Print the figures for one set; whether it meets the targets."""
    result = score(examples)
    role = (
        "the model was trained on it"
        if name in TRAINING
        else "held out: never trained or tuned on"
    )
    print(f"\n== {name}: {result.alerts} should alert, {result.quiet} should not ({role}) ==")
    recall = f"{result.recall:6.1%}" if result.alerts else "     -"
    print(
        f"recall {recall} (target >= {RECALL_TARGET:.0%})   "
        f"false alarms {result.false_alarms:6.1%} (target <= {FALSE_ALARM_TARGET:.0%})"
    )
    caught = result.alerts - len(result.misses)
    print(f"kind of risk named as in the set: {result.named_right / max(caught, 1):.1%} of alerts")
    for category, (right, of) in result.by_category.items():
        expect, label = category.split(" ", 1)
        figure = "recall" if expect == "alert" else "false alarms"
        value = right / of if expect == "alert" else (of - right) / of
        print(f"  {expect:<6} {label:<14} {figure:<13} {value:6.1%}  ({of} messages)")
    if not quiet:
        for example in result.misses:
            print(f"  MISSED      [{example.category}] {example.text}")
        for example, finding in result.raised:
            print(
                f"  FALSE ALARM [{example.category}] {example.text}\n"
                f"              -> {finding.category.value}: {finding.words!r} ({finding.rule})"
            )
    return result.recall >= RECALL_TARGET and result.false_alarms <= FALSE_ALARM_TARGET


def cross_validation() -> list[str]:
    """The cross-validation figures written in the model file's notes."""
    lines = risk_model.MODEL_FILE.read_text(encoding="utf-8").splitlines()
    return [line[1:] for line in lines if line.startswith("#   ")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=[*SETS, "all"], default="all")
    parser.add_argument("--quiet", action="store_true", help="figures only, no examples")
    arguments = parser.parse_args()
    began = time.perf_counter()
    rules = detector()
    print(f"rules: {len(rules.rules)}; built in {(time.perf_counter() - began) * 1000:.0f} ms")
    began = time.perf_counter()
    model = risk_model.model()
    print(
        f"model: {len(model.weights)} weights, threshold {model.threshold:.2f}, veto "
        f"{model.veto:.2f} (one word {model.veto_word:.2f}), sure {model.sure:.2f}; read in "
        f"{(time.perf_counter() - began) * 1000:.0f} ms"
    )
    cross = cross_validation()
    if cross:
        print("the model's cross-validation, from its file (each file left out in turn):")
        print("\n".join(cross))
    names = list(SETS) if arguments.set == "all" else [arguments.set]
    met = True
    every: list[Example] = []
    for name in names:
        examples = load(SETS[name])
        every += examples
        met = report(name, examples, arguments.quiet) and met
    cpu_mean, cpu_p99, wall_mean, wall_p99 = timing(every)
    print(
        f"\ntime per message ({len(every)} messages x {ROUNDS}, one core; target under 5 ms):\n"
        f"  processor time  mean {cpu_mean:.3f} ms, p99 {cpu_p99:.3f} ms\n"
        f"  wall clock      mean {wall_mean:.3f} ms, p99 {wall_p99:.3f} ms"
    )
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
