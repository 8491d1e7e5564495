"""The door fixtures, for the "no photos" mark (tests/checkin/conftest.py)."""

from tests.checkin.conftest import make_door, qr_of  # noqa: F401
