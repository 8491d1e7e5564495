"""Admins add colleagues to their own organisation; organisers cannot."""

import pytest

from eventreg.accounts.service import add_team_member, authenticate
from eventreg.database import unit_of_work
from eventreg.errors import PermissionDenied
from tests.conftest import TEST_HASH


def test_admin_adds_a_colleague_who_can_then_sign_in(client, auth, db_session, make_organiser):
    admin = make_organiser(role="admin")
    auth.login(admin)
    response = client.post("/manage/team", data={
        "name": "Dora", "email": "dora@example.org", "password": "a long first password",
        "role": "organiser"})
    assert response.status_code == 302
    colleague = authenticate(db_session, "dora@example.org", "a long first password", password_hash_method=TEST_HASH)
    assert colleague.organisation_id == admin.organisation_id
    assert colleague.role == "organiser"


def test_organiser_cannot_add_people(db_session, make_organiser):
    organiser = make_organiser(role="organiser")
    with pytest.raises(PermissionDenied), unit_of_work(db_session):
        add_team_member(db_session, organiser, email="x@example.org", name="X",
                        password="a long first password", role="admin", password_hash_method=TEST_HASH)


def test_organiser_sees_the_team_but_no_form_and_a_post_adds_nobody(client, auth, db_session,
                                                                   make_organiser):
    organiser = make_organiser(role="organiser")
    auth.login(organiser)
    page = client.get("/manage/team").get_data(as_text=True)
    assert organiser.email in page and 'name="password"' not in page
    client.post("/manage/team", data={"name": "X", "email": "x@example.org",
                                      "password": "a long first password", "role": "admin"})
    assert authenticate(db_session, "x@example.org", "a long first password", password_hash_method=TEST_HASH) is None


def test_adding_a_taken_email_is_explained(client, auth, make_organiser):
    admin = make_organiser(role="admin")
    auth.login(admin)
    response = client.post("/manage/team", data={
        "name": "Twin", "email": admin.email, "password": "a long first password",
        "role": "organiser"})
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)


@pytest.mark.parametrize("password", ["password1234", "1234567890!!", "Qwertyuiop!!",
                                      "iloveyou2026", "dora@example.org!"])
def test_a_common_or_guessable_first_password_is_refused(client, auth, db_session,
                                                          make_organiser, password):
    auth.login(make_organiser(role="admin"))
    response = client.post("/manage/team", data={
        "name": "Dora", "email": "dora@example.org", "password": password, "role": "organiser"})
    assert response.status_code == 422
    assert "too easy to guess" in response.get_data(as_text=True)
    assert authenticate(db_session, "dora@example.org", password, password_hash_method=TEST_HASH) is None
