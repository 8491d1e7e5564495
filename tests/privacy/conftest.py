import pytest

from eventreg.accounts.service import create_api_token
from eventreg.database import unit_of_work


@pytest.fixture
def api_headers(db_session, organiser):
    """The organiser's API token, as request headers."""
    with unit_of_work(db_session):
        token = create_api_token(db_session, organiser, "tests")[1]
    return {"Authorization": f"Bearer {token}"}
