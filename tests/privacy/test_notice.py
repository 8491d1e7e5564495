"""The privacy notice people consent to states the retention really configured."""

import pytest

from eventreg.events.retention import states_a_period


def test_the_form_states_the_period_configured_in_the_persons_language(
        client, db_session, organiser, make_event):
    event = make_event()
    other = make_event(slug="shorter", retention_days=60)
    page = client.get(f"/e/{event.slug}/register", headers={"Accept-Language": "bg"})
    assert "180 дни след края на събитието" in page.get_data(as_text=True)
    assert "30 дни по-късно" in page.get_data(as_text=True)
    shorter = client.get(f"/e/{other.slug}/register", headers={"Accept-Language": "uk"})
    assert "через 60 днів після завершення події" in shorter.get_data(as_text=True)

    organiser.organisation.retention_days = 90
    organiser.organisation.cancelled_retention_days = 14
    db_session.commit()
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert "answers 90 days after the event ends" in page and "14 days later" in page
    # An event's own period is never longer than its organisation's.
    assert "answers 60 days after" in client.get(f"/e/{other.slug}/register").get_data(
        as_text=True)


@pytest.mark.parametrize("text", [
    "We delete your data 6 months after the event.",
    "Изтриваме данните след 6 месеца.",
    "Видаляємо дані через 2 роки.",
    "Kept for 30 days.",
])
def test_a_notice_that_promises_a_period_of_its_own_is_refused(client, api_headers, text):
    answer = client.post("/api/v1/events", headers=api_headers, json={
        "title": {"en": "Info session"}, "starts_at": "2027-03-12T17:00:00",
        "ends_at": "2027-03-12T18:30:00", "privacy_notice": {"en": text}})
    assert answer.status_code == 422
    assert "privacy_notice" in answer.get_json()["fields"]


def test_a_notice_without_a_period_is_kept():
    assert not states_a_period("Only the organisers see your names. Call 0888 123 456.")
    assert states_a_period("Deleted 180 days after the event")


def test_the_event_form_refuses_a_period_beyond_the_organisations(client, auth, organiser,
                                                                   make_event):
    event = make_event()
    auth.login(organiser)
    form = client.get(f"/manage/events/{event.slug}/edit")
    assert form.status_code == 200 and 'name="retention_days"' in form.get_data(as_text=True)
    answer = client.post(f"/manage/events/{event.slug}/edit", data={
        "title_en": "World Refugee Day", "starts_at": "2027-06-20T10:00",
        "ends_at": "2027-06-20T18:00", "timezone": "Europe/Sofia", "age_mode": "age_group",
        "privacy_notice_en": "Only the organisers see your names.", "retention_days": "400",
        "programme_id": ""})
    assert answer.status_code == 422
    assert "between 2 and 180 days" in answer.get_data(as_text=True)
