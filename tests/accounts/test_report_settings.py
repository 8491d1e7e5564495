"""Admins set the smallest figure of people their organisation's donor reports show."""

import pytest
from sqlalchemy import select

from eventreg.accounts.models import Organisation
from eventreg.accounts.service import set_small_cell_threshold
from eventreg.audit.models import AuditEntry
from eventreg.database import unit_of_work
from eventreg.errors import PermissionDenied, ValidationFailed


def threshold_of(db_session, organiser):
    db_session.rollback()
    return db_session.get(Organisation, organiser.organisation_id).small_cell_threshold


def test_a_new_organisation_hides_figures_under_five(db_session, make_organiser):
    assert threshold_of(db_session, make_organiser("New office")) == 5


def test_admin_sets_the_threshold_on_the_team_page_for_their_organisation_only(
    client, auth, db_session, make_organiser
):
    admin = make_organiser("Country office", role="admin")
    other_office = make_organiser("Other office", role="admin")
    auth.login(admin)
    page = client.get("/manage/team").get_data(as_text=True)
    assert 'name="small_cell_threshold"' in page and 'value="5"' in page
    response = client.post("/manage/team/report-settings", data={"small_cell_threshold": "10"})
    assert response.status_code == 302
    assert "fewer than 10 people" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    assert threshold_of(db_session, admin) == 10
    assert threshold_of(db_session, other_office) == 5
    entry = db_session.scalars(select(AuditEntry).where(
        AuditEntry.action == "organisation.small_cell_threshold_changed")).one()
    assert (entry.organisation_id, entry.details) == (admin.organisation_id,
                                                      {"small_cell_threshold": [5, 10]})


@pytest.mark.parametrize("typed", ["2", "101", "0", "-5", "five", ""])
def test_a_threshold_out_of_range_is_explained_and_changes_nothing(client, auth, db_session,
                                                                   make_organiser, typed):
    admin = make_organiser(role="admin")
    auth.login(admin)
    response = client.post("/manage/team/report-settings", data={"small_cell_threshold": typed})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was saved" in page
    assert 'id="small_cell_threshold-error"' in page  # beside the field: what to type
    if typed.lstrip("-").isdigit():
        assert "Enter a whole number from 3 to 100." in page
    assert threshold_of(db_session, admin) == 5


def test_an_organiser_sees_the_threshold_but_cannot_change_it(client, auth, db_session,
                                                              make_organiser):
    organiser = make_organiser(role="organiser")
    auth.login(organiser)
    page = client.get("/manage/team").get_data(as_text=True)
    assert "fewer than 5 people" in page and 'name="small_cell_threshold"' not in page
    assert client.post("/manage/team/report-settings",
                       data={"small_cell_threshold": "3"}).status_code == 403
    assert threshold_of(db_session, organiser) == 5
    with pytest.raises(PermissionDenied), unit_of_work(db_session):
        set_small_cell_threshold(db_session, organiser, 3)


def test_the_service_refuses_a_threshold_whose_mark_would_give_single_people_away(
    db_session, make_organiser
):
    admin = make_organiser(role="admin")
    with pytest.raises(ValidationFailed) as refused, unit_of_work(db_session):
        set_small_cell_threshold(db_session, admin, 2)  # "<2" can only be 1
    assert set(refused.value.fields) == {"small_cell_threshold"}
    with unit_of_work(db_session):
        set_small_cell_threshold(db_session, admin, 5)  # unchanged: nothing to record
    assert db_session.scalars(select(AuditEntry)).all() == []
