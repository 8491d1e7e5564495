"""Organiser pages: sign-in required, own organisation only, forms that explain mistakes."""

import pytest


def test_organiser_pages_need_sign_in(client, make_event):
    event = make_event()
    response = client.get(f"/manage/events/{event.slug}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_wrong_password_is_refused_with_a_message(client, auth, organiser):
    response = auth.login(organiser, password="wrong password")
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)


@pytest.mark.parametrize("method,path", [
    ("get", "/manage/events/{slug}"),
    ("get", "/manage/events/{slug}/edit"),
    ("get", "/manage/events/{slug}/registrations"),
    ("get", "/manage/events/{slug}/activities/new"),
    ("post", "/manage/events/{slug}/status/cancelled"),
    ("post", "/manage/events/{slug}/registrations/{registration}/cancel"),
    ("get", "/manage/events/{slug}/activities/{activity}/edit"),
    ("post", "/manage/events/{slug}/activities/{activity}/remove"),
    ("get", "/manage/events/{slug}/questions/{question}/edit"),
    ("post", "/manage/events/{slug}/questions/{question}/remove"),
])
def test_another_organisations_event_is_unreachable(client, auth, make_organiser, make_event,
                                                    make_registration, db_session, method, path):
    event = make_event(activities=[{"title": {"en": "Doll-making"}}],
                       questions=[{"label": {"en": "Transport?"}, "kind": "yes_no"}])
    registration = make_registration(event)
    stranger = make_organiser(organisation="Another NGO")
    auth.login(stranger)
    url = path.format(slug=event.slug, registration=registration.id,
                      activity=event.activities[0].id, question=event.questions[0].id)
    assert getattr(client, method)(url).status_code == 404
    db_session.rollback()
    db_session.refresh(event)
    assert event.status == "published"
    assert event.places_taken == 1
    assert len(event.activities) == 1 and len(event.questions) == 1


def test_other_organisations_events_are_not_listed(client, auth, make_organiser, make_event):
    make_event(title={"en": "Ours"})
    stranger = make_organiser(organisation="Another NGO")
    auth.login(stranger)
    assert "Ours" not in client.get("/manage/").get_data(as_text=True)


def test_organiser_creates_an_event_through_the_form(client, auth, organiser):
    auth.login(organiser)
    response = client.post("/manage/events/new", data={
        "title_en": "Info session in Fakulteta", "timezone": "Europe/Sofia",
        "starts_at": "2027-03-12T17:00", "ends_at": "2027-03-12T18:30", "age_mode": "age_group",
        "programme_id": "", "capacity": "40"})
    assert response.status_code == 302
    overview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Info session in Fakulteta" in overview


def test_event_form_explains_an_end_before_the_start_and_keeps_the_input(client, auth, organiser):
    auth.login(organiser)
    response = client.post("/manage/events/new", data={
        "title_en": "Backwards", "timezone": "Europe/Sofia", "starts_at": "2027-03-12T17:00",
        "ends_at": "2027-03-12T16:00", "age_mode": "age_group", "programme_id": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The event must end after it starts." in page
    assert 'value="Backwards"' in page


def test_event_form_shows_an_over_long_text_and_keeps_all_that_was_typed(client, auth,
                                                                        organiser, db_session):
    from eventreg.events.models import Event
    from eventreg.events.service import EVENT_TEXT_LIMITS

    auth.login(organiser)
    description = "Workshops for children. " * 5000  # about 100 KB
    venue = "Borisova Gradina, " + "the meadow by the lake " * 10  # over 200 characters
    response = client.post("/manage/events/new", data={
        "title_en": "Long", "description_en": description, "venue_en": venue,
        "timezone": "Europe/Sofia", "starts_at": "2027-03-12T17:00",
        "ends_at": "2027-03-12T18:30", "age_mode": "age_group", "programme_id": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count("Too long: at most") == 2
    assert (f'id="description_en-error">Too long: at most {EVENT_TEXT_LIMITS["description"]} '
            f"characters, this has {len(description)}.") in page
    assert (f'id="venue_en-error">Too long: at most {EVENT_TEXT_LIMITS["venue"]} characters, '
            f"this has {len(venue)}.") in page
    assert description.strip() in page and f'value="{venue}"' in page
    assert db_session.query(Event).count() == 0


def test_activity_and_question_forms_show_over_long_texts(client, auth, organiser, make_event):
    event = make_event()
    auth.login(organiser)
    response = client.post(f"/manage/events/{event.slug}/activities/new", data={
        "title_en": "Face painting", "place_uk": "T" * 201, "position": "0"})
    assert response.status_code == 422
    assert 'id="place_uk-error">Too long: at most 200 characters, this has 201.' in (
        response.get_data(as_text=True))
    response = client.post(f"/manage/events/{event.slug}/questions/new", data={
        "label_bg": "В" * 501, "kind": "yes_no", "asked_per": "party", "position": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="label_bg-error">Too long: at most 500 characters, this has 501.' in page
    assert "В" * 501 in page


def test_cancelling_one_person_from_the_registrations_page(client, auth, organiser, make_event,
                                                          make_registration, db_session):
    event = make_event(capacity=5)
    registration = make_registration(event, ["Olena", "Mykola"])
    auth.login(organiser)
    url = f"/manage/events/{event.slug}/registrations/{registration.id}/cancel"
    unconfirmed = client.post(url, data={"attendee_id": registration.attendees[1].id})
    assert unconfirmed.status_code == 302 and "attendee_id=" in unconfirmed.headers["Location"]
    db_session.refresh(event)
    assert event.places_taken == 2
    question = client.get(unconfirmed.headers["Location"]).get_data(as_text=True)
    assert "Cancel the ticket of Mykola?" in question
    response = client.post(url, data={"attendee_id": registration.attendees[1].id,
                                      "confirmed": "yes"})
    assert response.status_code == 302
    db_session.rollback()
    db_session.refresh(event)
    assert event.places_taken == 1
    page = client.get(f"/manage/events/{event.slug}/registrations?q=olena").get_data(as_text=True)
    assert "Olena" in page


def test_api_token_page_shows_a_new_token_once_and_revokes_it(client, auth, organiser):
    auth.login(organiser)
    page = client.post("/manage/api-tokens", data={"name": "reports"}).get_data(as_text=True)
    token = page.split('<code class="token">')[1].split("</code>")[0]
    assert client.get("/api/v1/events/x/registrations",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 404
    assert token not in client.get("/manage/api-tokens").get_data(as_text=True)


def test_a_start_time_the_clocks_skip_is_explained(client, auth, organiser):
    auth.login(organiser)
    response = client.post("/manage/events/new", data={
        "title_en": "Night walk", "timezone": "Europe/Sofia", "starts_at": "2027-03-28T03:30",
        "ends_at": "2027-03-28T05:00", "age_mode": "age_group", "programme_id": ""})
    assert response.status_code == 422
    assert "does not exist in Europe/Sofia" in response.get_data(as_text=True)


def test_new_event_form_starts_in_the_configured_time_zone(app, client, auth, organiser):
    app.config["DEFAULT_TIMEZONE"] = "Europe/Kyiv"
    auth.login(organiser)
    page = client.get("/manage/events/new").get_data(as_text=True)
    assert '<option selected value="Europe/Kyiv">' in page


def test_programme_needs_a_name_and_is_then_listed(client, auth, organiser):
    auth.login(organiser)
    response = client.post("/manage/programmes", data={"name": " ", "funder": "Donor"})
    assert response.status_code == 422
    assert "Enter a name." in response.get_data(as_text=True)
    client.post("/manage/programmes", data={"name": "Roma awareness", "funder": "Norway"})
    assert "Roma awareness" in client.get("/manage/programmes").get_data(as_text=True)


def test_overview_names_question_kinds_in_words(client, auth, organiser, make_event):
    event = make_event(questions=[{"label": {"en": "Coming by bus?"}, "kind": "yes_no"}])
    auth.login(organiser)
    page = client.get(f"/manage/events/{event.slug}").get_data(as_text=True)
    assert "Coming by bus? <span class=\"meta\">(Yes or no, per registration)" in page
    assert "yes_no" not in page


def test_publishing_warns_of_a_privacy_notice_or_question_lacking_an_offered_language(
    client, auth, organiser, make_event
):
    event = make_event(
        status="draft", title={"en": "Day", "uk": "День"},
        privacy_notice={"en": "We keep names to run the event."},
        questions=[
            {"label": {"en": "Need a bus?", "uk": "Потрібен автобус?"}, "kind": "yes_no"},
            {"label": {"en": "Which stop?", "uk": "Яка зупинка?"}, "kind": "single_choice",
             "option_labels": [{"en": "Centre", "uk": "Центр"}, {"en": "Station"}]},
            {"label": {"en": "Allergies?"}, "kind": "text"},
        ])
    auth.login(organiser)
    overview = client.get(f"/manage/events/{event.slug}").get_data(as_text=True)
    assert "The privacy notice is not written in: Ukrainian." in overview
    response = client.post(f"/manage/events/{event.slug}/status/published",
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The event is now published." in page  # a warning, not a refusal
    for gap in ("The privacy notice is not written in: Ukrainian.",
                "The question “Which stop?” is not written in: Ukrainian.",
                "The question “Allergies?” is not written in: Ukrainian."):
        assert gap in page, gap
    assert "“Need a bus?” is not written" not in page and "Bulgarian" not in page
    bg = client.get(f"/manage/events/{event.slug}",
                    headers={"Accept-Language": "bg"}).get_data(as_text=True)
    assert "Уведомлението за поверителност не е написано на: украински." in bg
