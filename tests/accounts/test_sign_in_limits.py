"""Password guessing is slowed per address, per account and per browser, and a real
organiser is never kept out of a browser they signed in from before."""

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def behind_proxy(make_app):
    """The app as deployed behind one proxy: each request says which address it is from."""
    def make(**settings):
        return make_app(PROXY_FIX_HOPS=1, **settings)
    return make


def sign_in(client, email, password, address):
    return client.post("/login", data={"email": email, "password": password},
                       headers={"X-Forwarded-For": address})


def test_wrong_passwords_on_one_account_from_many_addresses_are_slowed(behind_proxy, organiser):
    attacker = behind_proxy().test_client()
    statuses = [sign_in(attacker, organiser.email, f"guess number {n}", f"198.51.100.{n}")
                .status_code for n in range(1, 31)]
    assert statuses[:5] == [401] * 5
    assert set(statuses[5:]) == {429}
    refused = sign_in(attacker, organiser.email, "guess", "198.51.100.99")
    assert "browsers it has not signed in from before" in refused.get_data(as_text=True)
    assert "Retry-After" in refused.headers


def test_the_hourly_limit_per_account_is_a_setting(behind_proxy, organiser):
    attacker = behind_proxy(SIGN_IN_FAILURES_PER_ACCOUNT="1000 per minute;30 per hour"
                            ).test_client()
    statuses = [sign_in(attacker, organiser.email, "guess", f"198.51.100.{n}").status_code
                for n in range(1, 32)]
    assert statuses == [401] * 30 + [429]


def test_the_organiser_signs_in_from_their_own_browser_while_the_account_is_attacked(
        behind_proxy, organiser):
    app = behind_proxy()
    own_browser = app.test_client()
    assert sign_in(own_browser, organiser.email, PASSWORD, "203.0.113.5").status_code == 302
    own_browser.post("/logout")
    attacker = app.test_client()
    for n in range(1, 11):
        sign_in(attacker, organiser.email, "guess", f"198.51.100.{n}")
    new_browser = app.test_client()
    assert sign_in(new_browser, organiser.email, PASSWORD, "203.0.113.6").status_code == 429
    assert sign_in(own_browser, organiser.email, PASSWORD, "203.0.113.5").status_code == 302


def test_a_device_cookie_of_another_account_is_no_way_around_the_limit(behind_proxy, organiser,
                                                                       make_organiser):
    app = behind_proxy()
    attacker = app.test_client()
    own = make_organiser(email="attacker@example.org")
    assert sign_in(attacker, own.email, PASSWORD, "198.51.100.1").status_code == 302
    attacker.post("/logout")
    statuses = [sign_in(attacker, organiser.email, "guess", f"198.51.100.{n}").status_code
                for n in range(2, 9)]
    assert statuses == [401] * 5 + [429] * 2


def test_a_known_browser_has_a_limit_of_its_own(behind_proxy, organiser):
    app = behind_proxy(SIGN_IN_FAILURES_PER_DEVICE="3 per hour")
    browser = app.test_client()
    assert sign_in(browser, organiser.email, PASSWORD, "203.0.113.5").status_code == 302
    browser.post("/logout")
    statuses = [sign_in(browser, organiser.email, "guess", f"203.0.113.{n}").status_code
                for n in range(10, 14)]
    assert statuses == [401, 401, 401, 429]


def test_unknown_accounts_are_limited_alike(behind_proxy):
    attacker = behind_proxy().test_client()
    statuses = [sign_in(attacker, "nobody@example.org", "guess", f"198.51.100.{n}").status_code
                for n in range(1, 8)]
    assert statuses == [401] * 5 + [429] * 2


def test_successful_sign_ins_do_not_count_against_the_account(behind_proxy, organiser):
    app = behind_proxy()
    for n in range(1, 9):
        browser = app.test_client()
        assert sign_in(browser, organiser.email, PASSWORD, f"203.0.113.{n}").status_code == 302


def test_every_try_from_one_address_is_limited(behind_proxy, organiser):
    client = behind_proxy().test_client()
    statuses = [sign_in(client, f"person{n}@example.org", "guess", "198.51.100.7").status_code
                for n in range(11)]
    assert statuses == [401] * 10 + [429]
    assert "Too many tries" in sign_in(client, organiser.email, PASSWORD,
                                       "198.51.100.7").get_data(as_text=True)
