"""The rules for figures: percentiles from counts, and small numbers.

Outside the coordinator's own view (exports, observers, the board's PDF) a count from 1 to
4 is shown as "fewer than 5". A total shown beside its parts would give a hidden part away
(total minus the others), so when only one part of a total is hidden, the next smallest
part is withheld too; a total that is itself small is hidden like any count."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

SMALL = 5
# What a figure shows instead of a number.
FEW = "few"  # fewer than 5
WITHHELD = "withheld"  # hidden so a small one beside it cannot be worked out
Cell = int | str


def is_small(count: int) -> bool:
    """True for 1 to 4: too few to show outside the coordinator's own view."""
    return 0 < count < SMALL


def cell(count: int, private: bool) -> Cell:
    """A single count as it may be shown."""
    return FEW if not private and is_small(count) else count


def parts(counts: Sequence[int], private: bool) -> list[Cell]:
    """Parts of a total (the total shown beside them) as they may be shown."""
    if private:
        return list(counts)
    shown: list[Cell] = [FEW if is_small(c) else c for c in counts]
    hidden = [i for i, c in enumerate(shown) if c == FEW]
    if len(hidden) == 1:
        others = [i for i, c in enumerate(counts) if c > 0 and i not in hidden]
        if others:
            smallest = min(others, key=lambda i: counts[i])
            shown[smallest] = WITHHELD
    return shown


def table(rows: Sequence[Sequence[int]], private: bool) -> list[list[Cell]]:
    """A table whose rows and columns both have totals shown: each row, and then each
    column, guarded as parts, repeated until nothing changes."""
    cells: list[list[Cell]] = [list(r) for r in rows]
    if private or not rows:
        return cells
    for _ in range(4):
        before = [list(r) for r in cells]
        for r, row in enumerate(rows):
            cells[r] = _merge(cells[r], parts(row, False))
        for c in range(len(rows[0])):
            column = parts([row[c] for row in rows], False)
            for r in range(len(rows)):
                cells[r][c] = _merge([cells[r][c]], [column[r]])[0]
        cells = [_guard_again(cells[r], rows[r]) for r in range(len(rows))]
        if cells == before:
            break
    return cells


def _merge(now: list[Cell], more: list[Cell]) -> list[Cell]:
    """The stricter of two views of the same cells."""
    return [
        m if isinstance(m, str) and not isinstance(n, str) else n
        for n, m in zip(now, more, strict=True)
    ]


def _guard_again(row: list[Cell], counts: Sequence[int]) -> list[Cell]:
    """A row with exactly one hidden cell hides one more (the smallest non-zero)."""
    hidden = [i for i, c in enumerate(row) if isinstance(c, str)]
    if len(hidden) != 1:
        return row
    others = [i for i, c in enumerate(counts) if c > 0 and i not in hidden]
    if not others:
        return row
    row = list(row)
    row[min(others, key=lambda i: counts[i])] = WITHHELD
    return row


def percentile(histogram: Iterable[tuple[int, int]], share: float) -> int | None:
    """The nearest-rank percentile (share 0.5 is the median) of values given as
    (value, how many); None when there are none."""
    values = sorted((v, n) for v, n in histogram if n > 0)
    total = sum(n for _, n in values)
    if total == 0:
        return None
    rank = max(1, math.ceil(share * total - 1e-9))
    seen = 0
    for value, count in values:
        seen += count
        if seen >= rank:
            return value
    return values[-1][0]


def rate(part: int, whole: int, private: bool) -> int | None:
    """A whole-number percentage; outside, none when the whole is too small to show."""
    if whole == 0 or (not private and whole < SMALL):
        return None
    return round(100 * part / whole)
