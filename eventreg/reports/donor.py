"""The donor version of a programme report: aggregates only, small cells hidden.

Made from the organisers' report (eventreg/reports/service.py), it holds no person: no
name, contact, attendance or same-person decision, only the programme, its events (title,
date, place) and counts. Each breakdown goes through the small-cell rule of
eventreg/reports/suppression.py with the organisation's threshold.

What it shows: the headline figures (events held, registered, attendance, individuals
reached; not breakdowns, shown as they are), individuals reached by sex and by age,
attendance by age group and by sex, and each event's attendance. Every breakdown's total is
taken as known: the headline shows it, or it could be added up.

What it leaves out, because the suppression rule protects a breakdown against its own total
only and these would give a hidden figure away through another breakdown:
- attendance by month and by place: with the events' dates and places listed, a month's
  figure is the sum of its events', and less the events shown in it, it is a hidden one (a
  reader can add up the events by month or place, hidden ones staying hidden);
- each event's registered and walk-ins: walk-ins are part of the attendance and the
  attendance part of the registered, so a figure shown in one column bounds a hidden one
  in the next, sometimes down to its value.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

from eventreg.events.models import Programme
from eventreg.reports.service import ProgrammeReport
from eventreg.reports.suppression import SMALL, Breakdown, Cell, suppress_small_cells


@dataclass(frozen=True)
class DonorEvent:
    """An event held, as a donor sees it; its figures are in the report's breakdowns."""

    id: int
    title: str
    starts_at: datetime
    venue: str


@dataclass(frozen=True)
class DonorReport:
    programme: Programme
    period_start: date
    period_end: date
    generated_at: datetime
    #: People: fewer than this in a cell and it is hidden ("<5").
    threshold: int
    events_held: int
    registered: int
    attended: int
    individuals: int
    #: Individuals reached (each once); by sex only when an event asked it.
    individuals_by_sex: Breakdown[str] | None
    individuals_by_age: Breakdown[str]
    #: Attendances by "child"/"adult"/"unknown", and by sex at the events that asked it.
    by_age_group: Breakdown[str]
    by_sex: Breakdown[str] | None
    events_asking_sex: int
    events_asking_birth_year: int
    events: list[DonorEvent]
    #: Attendance per event id.
    attended_by_event: Breakdown[int]


def donor_version(report: ProgrammeReport, *, threshold: int) -> DonorReport:
    """The report without people, every breakdown cell under `threshold` people hidden
    (see the module's docstring)."""

    def hide(counts: dict) -> Breakdown:
        return suppress_small_cells(counts, threshold, total_shown=True)

    asked_sex = report.events_asking_sex > 0
    return DonorReport(
        programme=report.programme, period_start=report.period_start,
        period_end=report.period_end, generated_at=report.generated_at, threshold=threshold,
        events_held=report.events_held, registered=report.registered,
        attended=report.attended, individuals=report.individuals,
        individuals_by_sex=hide(report.individuals_by_sex) if asked_sex else None,
        individuals_by_age=hide(report.individuals_by_age),
        by_age_group=hide(report.by_age_group),
        by_sex=hide(report.by_sex) if asked_sex else None,
        events_asking_sex=report.events_asking_sex,
        events_asking_birth_year=report.events_asking_birth_year,
        events=[DonorEvent(event.id, event.title, event.starts_at, event.venue)
                for event in report.events],
        attended_by_event=hide({event.id: event.attended for event in report.events}),
    )


def shown_value(cell: Cell | None, threshold: int) -> int | str:
    """What a donor reads in a cell: the figure, "<N", "hidden", or "–" when withheld."""
    if cell is None:
        return "–"
    if cell.hidden is None:
        return cell.count
    return f"<{threshold}" if cell.hidden == SMALL else _("hidden")


def hidden_note(threshold: int) -> str:
    return _("“<%(threshold)d”: fewer than %(threshold)d people. “hidden”: hidden so that the "
             "total does not give a smaller figure away.", threshold=threshold)


def withheld_note(threshold: int) -> str:
    return _("Too few people to break this down: any figure shown would give one under "
             "%(threshold)d away.", threshold=threshold)
