"""Command-line commands for organisers and tokens."""

from eventreg.accounts.models import Organiser
from eventreg.accounts.service import organiser_for_api_token
from eventreg.config import load_settings
from tests.conftest import TEST_HASH


def test_passwords_are_hashed_with_scrypt_unless_a_setting_says_otherwise(monkeypatch):
    monkeypatch.delenv("PASSWORD_HASH_METHOD", raising=False)
    assert load_settings({"EVENTREG_ENV": "testing"})["PASSWORD_HASH_METHOD"] == "scrypt"


def test_create_organiser_then_api_token(runner, db_session):
    result = runner.invoke(args=["create-organiser", "ana@example.org", "--name", "Ana",
                                 "--organisation", "Country office", "--role", "admin",
                                 "--password", "a long enough password"])
    assert result.exit_code == 0, result.output
    organiser = db_session.query(Organiser).filter_by(email="ana@example.org").one()
    assert organiser.password_hash.startswith(TEST_HASH + "$")  # the setting is followed
    token = runner.invoke(args=["create-api-token", "ana@example.org"]).output.strip()
    assert organiser_for_api_token(db_session, token).id == organiser.id


def test_create_organiser_explains_a_weak_password(runner):
    result = runner.invoke(args=["create-organiser", "ana@example.org", "--name", "Ana",
                                 "--organisation", "Office", "--password", "short"])
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output


def test_token_for_unknown_email_is_refused(runner):
    result = runner.invoke(args=["create-api-token", "nobody@example.org"])
    assert result.exit_code != 0
    assert "No organiser with this email" in result.output


def test_load_demo_loads_once(runner):
    assert "Demo data loaded." in runner.invoke(args=["load-demo"]).output
    assert "already has events" in runner.invoke(args=["load-demo"]).output
