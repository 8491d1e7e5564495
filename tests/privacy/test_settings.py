"""An organisation's retention periods: set by its admins, shown to everyone, audited."""

from datetime import timedelta

from sqlalchemy import select

from eventreg.audit.models import AuditEntry
from eventreg.database import unit_of_work
from eventreg.errors import PermissionDenied
from eventreg.privacy.retention import set_periods


def test_an_admin_sets_the_periods_and_the_notice_follows(
        client, auth, db_session, make_organiser, make_event):
    admin = make_organiser(role="admin")
    other_office = make_organiser(organisation="Partner NGO", role="admin")
    event = make_event(by=admin)
    theirs = make_event(by=other_office, slug="theirs")
    auth.login(admin)
    page = client.get("/manage/data-protection").get_data(as_text=True)
    assert 'value="180"' in page and 'value="30"' in page
    assert "World Refugee Day" in page
    saved = client.post("/manage/data-protection",
                        data={"retention_days": "90", "cancelled_retention_days": "14"})
    assert saved.status_code == 302
    db_session.expire_all()
    assert (admin.organisation.retention_days,
            admin.organisation.cancelled_retention_days) == (90, 14)
    assert other_office.organisation.retention_days == 180  # another office is untouched
    notice = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert "answers 90 days after the event ends" in notice
    assert "180 days" in client.get(f"/e/{theirs.slug}/register").get_data(as_text=True)
    [entry] = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "organisation.retention")).all()
    assert entry.details["after"] == {"retention_days": 90, "cancelled_retention_days": 14}


def test_periods_out_of_bounds_are_refused_and_nothing_changes(client, auth, db_session,
                                                               organiser):
    auth.login(organiser)
    for data, field_message in (
            ({"retention_days": "1", "cancelled_retention_days": "1"}, "between 2 and 3650"),
            ({"retention_days": "60", "cancelled_retention_days": "90"}, "between 2 and 60"),
            ({"retention_days": "", "cancelled_retention_days": "10"}, "Enter a number")):
        answer = client.post("/manage/data-protection", data=data)
        assert answer.status_code == 422
        assert field_message in answer.get_data(as_text=True)
    db_session.expire_all()
    assert organiser.organisation.retention_days == 180


def test_only_admins_change_the_periods(client, auth, db_session, make_organiser):
    make_organiser(role="admin")
    colleague = make_organiser(role="organiser")
    auth.login(colleague)
    page = client.get("/manage/data-protection").get_data(as_text=True)
    assert "Only admins change this." in page and 'name="retention_days"' not in page
    client.post("/manage/data-protection",
                data={"retention_days": "5", "cancelled_retention_days": "3"})
    db_session.expire_all()
    assert colleague.organisation.retention_days == 180
    try:
        with unit_of_work(db_session):
            set_periods(db_session, colleague, after_event=5, after_cancellation=3)
    except PermissionDenied as refused:
        assert refused.reason == "admin_only"
    else:
        raise AssertionError("an organiser changed the periods")


def test_the_page_says_when_each_events_data_goes(client, auth, organiser, make_event):
    from zoneinfo import ZoneInfo

    from babel.dates import format_date

    short = make_event(starts_in=timedelta(days=10), retention_days=20, slug="short-one")
    auth.login(organiser)
    page = client.get("/manage/data-protection").get_data(as_text=True)
    due = (short.ends_at + timedelta(days=20)).astimezone(ZoneInfo(short.timezone))
    assert format_date(due.date(), "medium", locale="en") in page
