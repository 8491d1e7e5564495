"""Names found in either alphabet: one Latin spelling for names and what people type."""

import pytest

from eventreg.registrations.search import search_words, spelling


@pytest.mark.parametrize("name, typed", [
    ("Гончаренко", "Honcharenko"),
    ("Мария Петрова", "maria"),
    ("Дарина", "Daryna"),
    ("Юлия", "Julia"),
    ("Щерев", "shcherev"),
    ("Айше Мехмед", "ayshe"),
    ("Цветан", "cvetan"),
    ("Михайло", "Mykhailo"),
    ("Михаил", "Mihail"),
    ("Шевченко", "Shevchenko"),
    ("Ана-Мария Ńowak", "nowak"),
])
def test_a_name_is_found_however_it_is_typed(name, typed):
    assert all(word in spelling(name) for word in search_words(typed))


@pytest.mark.parametrize("name, typed", [("Мария", "marko"), ("Иван", "ivana")])
def test_other_names_are_not_found(name, typed):
    assert not all(word in spelling(name) for word in search_words(typed))
