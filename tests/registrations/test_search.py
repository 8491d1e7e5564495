"""Names found in either alphabet: one Latin spelling for names and what people type, held
to one table of cases with the door's look-up (tests/cases/spelling.json, which
tests/js/spelling.test.mjs runs through static/js/door/spelling.js)."""

import json
from pathlib import Path

import pytest

from eventreg.registrations.search import finds, search_words, spelling

TABLE = json.loads((Path(__file__).resolve().parent.parent / "cases" / "spelling.json")
                   .read_text(encoding="utf-8"))


def _finds(name: str, typed: str) -> bool:
    return finds(spelling(name), search_words(typed))


@pytest.mark.parametrize("case", TABLE["spellings"], ids=lambda case: case["text"])
def test_a_text_is_reduced_to_the_tables_spelling(case):
    assert spelling(case["text"]) == case["spelling"]


@pytest.mark.parametrize("case", TABLE["meet"], ids=lambda case: case["typed"])
def test_a_name_is_found_however_it_is_typed(case):
    assert _finds(case["name"], case["typed"])


@pytest.mark.parametrize("case", TABLE["miss"], ids=lambda case: case["typed"])
def test_other_names_are_not_found(case):
    assert not _finds(case["name"], case["typed"])
