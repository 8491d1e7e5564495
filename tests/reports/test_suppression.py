"""The small-cell rule of donor reports, on breakdowns written out by hand."""

import pytest

from eventreg.reports.suppression import SECONDARY, SMALL, Cell, suppress_small_cells


def shown(breakdown):
    """Each cell as a donor reads it: the figure, "<N" or "hidden"."""
    return {cell.key: (cell.count if cell.hidden is None
                       else f"<{breakdown.threshold}" if cell.hidden == SMALL else "hidden")
            for cell in breakdown.cells}


def test_a_breakdown_without_small_cells_is_shown_whole():
    breakdown = suppress_small_cells({"female": 12, "male": 9, "other": 5}, 5,
                                     total_shown=True)
    assert shown(breakdown) == {"female": 12, "male": 9, "other": 5}
    assert not breakdown.any_hidden


def test_one_small_cell_hides_the_next_smallest_too():
    breakdown = suppress_small_cells({"female": 12, "male": 9, "other": 2, "unknown": 30},
                                     5, total_shown=True)
    assert shown(breakdown) == {"female": 12, "male": "hidden", "other": "<5", "unknown": 30}
    assert breakdown.cells[1] == Cell("male", None, SECONDARY)


def test_one_small_cell_without_a_total_shown_hides_only_itself():
    assert shown(suppress_small_cells({"a": 12, "b": 2}, 5, total_shown=False)) == {
        "a": 12, "b": "<5"}


def test_two_small_cells_hide_each_other():
    breakdown = suppress_small_cells({"female": 12, "male": 3, "other": 2}, 5,
                                     total_shown=True)
    assert shown(breakdown) == {"female": 12, "male": "<5", "other": "<5"}


def test_two_small_cells_of_one_each_would_be_known_so_a_third_is_hidden():
    # 14 - 12 leaves 2 for two cells of at least 1: each is 1.
    assert shown(suppress_small_cells({"a": 12, "b": 1, "c": 1, "d": 20}, 5,
                                      total_shown=True)) == {
        "a": "hidden", "b": "<5", "c": "<5", "d": 20}


def test_two_small_cells_of_four_each_would_be_known_too():
    # With N = 5 two cells under 5 holding 8 between them are 4 and 4.
    assert shown(suppress_small_cells({"a": 4, "b": 4, "c": 9}, 5, total_shown=True)) == {
        "a": "<5", "b": "<5", "c": "hidden"}


def test_a_hidden_cell_of_exactly_n_beside_a_one_gives_it_away_so_another_is_hidden():
    # Hidden 1 and 5 leave 6: "<5" is 1 to 4, "hidden" at least 5, so only 1 + 5 fits.
    assert shown(suppress_small_cells({"a": 1, "b": 5, "c": 9, "d": 40}, 5,
                                      total_shown=True)) == {
        "a": "<5", "b": "hidden", "c": "hidden", "d": 40}


def test_a_lone_small_cell_is_the_total_so_the_breakdown_is_withheld():
    breakdown = suppress_small_cells({"female": 3}, 5, total_shown=True)
    assert breakdown.withheld and breakdown.cells == [] and breakdown.any_hidden


def test_every_cell_hidden_and_still_known_withholds_the_breakdown():
    assert suppress_small_cells({"a": 1, "b": 1}, 5, total_shown=True).withheld
    assert suppress_small_cells({"a": 1, "b": 5}, 5, total_shown=True).withheld


def test_two_small_cells_alone_that_could_be_either_way_are_shown_hidden():
    breakdown = suppress_small_cells({"a": 1, "b": 2}, 5, total_shown=True)
    assert not breakdown.withheld
    assert shown(breakdown) == {"a": "<5", "b": "<5"}


def test_zero_cells_are_shown_and_never_hidden_to_cover_a_small_one():
    assert shown(suppress_small_cells({"a": 0, "b": 3, "c": 10, "d": 0}, 5,
                                      total_shown=True)) == {
        "a": 0, "b": "<5", "c": "hidden", "d": 0}


def test_ties_hide_the_first_cell_in_order():
    assert shown(suppress_small_cells({"a": 2, "b": 7, "c": 7}, 5, total_shown=True)) == {
        "a": "<5", "b": "hidden", "c": 7}


def test_the_threshold_is_the_smallest_figure_shown():
    counts = {"a": 9, "b": 4, "c": 10, "d": 30}
    assert shown(suppress_small_cells(counts, 10, total_shown=True)) == {
        "a": "<10", "b": "<10", "c": 10, "d": 30}
    assert shown(suppress_small_cells(counts, 4, total_shown=True)) == counts
    assert shown(suppress_small_cells(counts, 1, total_shown=True)) == counts


@pytest.mark.parametrize("counts, threshold", [({"a": 3}, 0), ({"a": -1}, 5)])
def test_a_threshold_or_count_below_what_people_can_be_is_refused(counts, threshold):
    with pytest.raises(ValueError):
        suppress_small_cells(counts, threshold, total_shown=True)


def test_no_hidden_small_cell_can_be_worked_out_from_the_total_whatever_the_figures():
    """Every breakdown of up to four cells of 0 to 9 people, against a brute force: a
    reader who knows the total, the cells shown and what each mark means finds more than
    one possible value for every small cell."""
    import itertools

    threshold = 5
    for size in range(1, 5):
        for counts in itertools.product(range(10), repeat=size):
            breakdown = suppress_small_cells(dict(enumerate(counts)), threshold,
                                             total_shown=True)
            if breakdown.withheld:
                assert any(0 < count < threshold for count in counts)
                continue
            marks = list(shown(breakdown).values())
            hidden = [position for position, mark in enumerate(marks)
                      if not isinstance(mark, int)]
            hidden_sum = sum(counts[position] for position in hidden)
            ranges = [range(1, threshold) if marks[position] == "<5"
                      else range(threshold, hidden_sum + 1) for position in hidden]
            possible = [values for values in itertools.product(*ranges)
                        if sum(values) == hidden_sum]
            for index, position in enumerate(hidden):
                if marks[position] == "<5":
                    assert len({values[index] for values in possible}) > 1, counts
