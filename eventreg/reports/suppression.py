"""Small-cell suppression: which figures of a breakdown a donor version may show.

A breakdown is a few cells that split one figure: individuals reached by sex, attendance by
event, ... For a threshold N (the organisation's setting, 5 unless changed):

1. Small cells. A cell of 1 to N-1 people is hidden and shows "<N". A cell of no one is
   shown as it is: it describes nobody, and a reader knows the smallest a hidden cell can
   be is 1.
2. The total must not give a small cell away. When the breakdown's total is shown (or can
   be added up from other figures), the cells hidden are worked out as the total minus the
   cells shown; with exactly one hidden, that is its value. So the next smallest cell is
   hidden too, shown as "hidden" (it is not small: its mark says so). The same check goes
   on with the bounds each mark gives, 1 to N-1 for "<N" and at least N for "hidden": two
   small cells with 2 between them are both 1, and a cell of 1 hidden with one of exactly
   N leaves 1 + N, so both are known. While any small cell's value still follows from the
   total and those bounds, the next smallest cell shown is hidden as well.
3. When every cell is hidden and a small one still follows (one cell alone, or two of 1
   each), the breakdown is withheld: only its total, shown elsewhere, is left.

Ties go to the first cell in the breakdown's order, so the same figures always hide the same
cells. A threshold of 1 hides nothing.

This protects each breakdown against its own total, not against another breakdown whose
cells are sums of its cells (attendance by month against attendance by event, when the
events' dates are shown): the donor version shows no such pair (eventreg/reports/donor.py).
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)

#: Why a cell is hidden: fewer people than the threshold, or to keep a small one hidden.
SMALL = "small"
SECONDARY = "secondary"


@dataclass(frozen=True)
class Cell(Generic[Key]):
    key: Key
    #: The figure, or None when it is hidden.
    count: int | None
    #: None when shown, else SMALL or SECONDARY.
    hidden: str | None = None


@dataclass(frozen=True)
class Breakdown(Generic[Key]):
    """The cells of a breakdown as a donor version shows them, in the order given."""

    cells: list[Cell[Key]]
    threshold: int
    #: True when no cell can be shown at all (rule 3); `cells` is then empty.
    withheld: bool = False

    @property
    def any_hidden(self) -> bool:
        return self.withheld or any(cell.hidden for cell in self.cells)

    @property
    def largest_shown(self) -> int:
        """The largest figure shown (0 if none): bars are drawn to it, never to a hidden one,
        whose size their lengths would give away."""
        return max((cell.count for cell in self.cells if cell.hidden is None), default=0)

    def cell(self, key: Key) -> Cell[Key] | None:
        """The key's cell; None when the breakdown is withheld."""
        return next((cell for cell in self.cells if cell.key == key), None)


def suppress_small_cells(counts: Mapping[Key, int], threshold: int, *,
                         total_shown: bool) -> Breakdown[Key]:
    """Hide the cells of `counts` that the rule above hides (see the module's docstring).

    `threshold` is N; below 1 it is refused with ValueError, as is a negative count.
    Without `total_shown` only small cells are hidden: nothing can be worked out.
    """
    if threshold < 1:
        raise ValueError(f"a threshold counts people: at least 1, not {threshold}")
    if any(count < 0 for count in counts.values()):
        raise ValueError("a breakdown counts people: no cell is below 0")
    hidden = {key: SMALL for key, count in counts.items() if 0 < count < threshold}
    if total_shown and hidden:
        while _a_small_cell_follows(counts, hidden, threshold):
            shown = [(count, position, key)
                     for position, (key, count) in enumerate(counts.items())
                     if count > 0 and key not in hidden]
            if not shown:
                return Breakdown([], threshold, withheld=True)
            _, _, next_smallest = min(shown)
            hidden[next_smallest] = SECONDARY
    return Breakdown([Cell(key, None, hidden[key]) if key in hidden else Cell(key, count)
                      for key, count in counts.items()], threshold)


def _a_small_cell_follows(counts: Mapping[Key, int], hidden: dict[Key, str],
                          threshold: int) -> bool:
    """Whether the total, less the cells shown, leaves only one value for a small cell.

    The hidden cells add up to a known sum; each lies within the bounds its mark gives. A
    cell's value is then at least the sum less what the others can hold at most, and at
    most the sum less what they hold at least (every value in between can happen).
    """
    bounds = {key: (1, threshold - 1) if why == SMALL else (threshold, None)
              for key, why in hidden.items()}
    hidden_sum = sum(counts[key] for key in hidden)
    for key, why in hidden.items():
        if why != SMALL:
            continue
        others = [bounds[other] for other in hidden if other != key]
        others_least = sum(low for low, _ in others)
        others_most = (None if any(high is None for _, high in others)
                       else sum(high for _, high in others))
        low, high = bounds[key]
        least = low if others_most is None else max(low, hidden_sum - others_most)
        most = min(high, hidden_sum - others_least)
        if least == most:
            return True
    return False
