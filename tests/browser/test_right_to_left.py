"""Arabic and Persian pages read right to left on a 360 px phone: the whole layout mirrored,
nothing wider than the screen, and the QR codes and ticket codes exactly as in English."""

import os
from pathlib import Path

import pytest

from eventreg.checkin.doors import create_door_access
from eventreg.database import unit_of_work

from .test_registration_flow import serious_accessibility_violations

pytestmark = pytest.mark.browser

TITLES = {"en": "World Refugee Day", "bg": "Световен ден на бежанците",
          "uk": "Всесвітній день біженців", "ar": "اليوم العالمي للاجئين",
          "fa": "روز جهانی پناهندگان"}
PRIVACY = {"en": "We keep your names to run the event.", "ar": "نحتفظ بأسمائكم لتنظيم الفعالية.",
           "fa": "نام‌های شما را برای برگزاری رویداد نگه می‌داریم."}


@pytest.fixture
def screenshots(tmp_path):
    """Where the screenshots go: EVENTREG_SCREENSHOTS if set (to look at them), else tmp."""
    folder = Path(os.environ.get("EVENTREG_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def family(db_session, make_event, make_registration):
    event = make_event(
        title=TITLES, privacy_notice=PRIVACY, capacity=300, address="бул. Цариградско шосе",
        description={"en": "Music, food and workshops for children.",
                     "ar": "موسيقى وطعام وورش عمل للأطفال.",
                     "fa": "موسیقی، غذا و کارگاه‌هایی برای کودکان."},
        activities=[{"title": {"en": "Doll-making", "ar": "صناعة الدمى", "fa": "عروسک‌سازی"},
                     "capacity": 12, "place": "Tent 2"}],
    )
    registration = make_registration(event, ["Olena Kovalenko", "أحمد الحسن"],
                                     email="olena@example.org")
    with unit_of_work(db_session):
        _door, token = create_door_access(db_session, event, "Main gate")
    return event, registration, token


def _pages(event, registration, token):
    return {"event": f"/e/{event.slug}", "form": f"/e/{event.slug}/register",
            "ticket": f"/t/{registration.ticket_secret}", "scanner": f"/door/{token}"}


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_participant_pages_read_right_to_left_on_a_small_phone(live_server, browser, family,
                                                                 screenshots, language):
    event, registration, token = family
    context = browser.new_context(locale=language, viewport={"width": 360, "height": 740})
    page = context.new_page()
    problems = {}
    for name, path in _pages(event, registration, token).items():
        page.goto(live_server + path)
        if name == "scanner":
            page.wait_for_function(
                "() => !document.getElementById('connection-state').textContent.endsWith('…')")
        found = []
        if page.locator("html").get_attribute("dir") != "rtl":
            found.append("not dir=rtl")
        if page.locator("html").get_attribute("lang") != language:
            found.append("not lang=" + language)
        if page.evaluate("() => document.documentElement.scrollWidth") > 360:
            found.append("wider than a 360 px phone")
        # Mirrored: the site's name sits at the right edge, the first language at its left.
        brand = page.locator(".brand").bounding_box()
        if name != "scanner" and brand["x"] + brand["width"] < 300:
            found.append("the header is not mirrored")
        found += serious_accessibility_violations(page)
        page.screenshot(path=str(screenshots / f"{language}-{name}.png"), full_page=True)
        problems[name] = found
    assert {name: found for name, found in problems.items() if found} == {}
    page.goto(live_server + f"/e/{event.slug}")
    assert page.locator("h1").inner_text() == TITLES[language]  # the event's own title
    context.close()


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_qr_codes_and_ticket_codes_are_not_mirrored(live_server, browser, family, language):
    event, registration, _token = family
    path = f"/t/{registration.ticket_secret}"
    images, orders = {}, {}
    for locale in ("en", language):
        context = browser.new_context(locale=locale, viewport={"width": 360, "height": 740})
        page = context.new_page()
        page.goto(live_server + path)
        ticket = page.locator(".ticket").first
        images[locale] = ticket.locator(".qr").screenshot()
        code = ticket.locator(".ticket-code [dir=ltr]")
        # Where the code's first and last characters are drawn: left to right, as typed.
        orders[locale] = code.evaluate("""(node) => {
            const text = node.firstChild, range = document.createRange();
            range.setStart(text, 0); range.setEnd(text, 1);
            const first = range.getBoundingClientRect().left;
            range.setStart(text, text.length - 1); range.setEnd(text, text.length);
            return [first < range.getBoundingClientRect().left, node.textContent];
        }""")
        assert page.evaluate("() => getComputedStyle(document.querySelector('.qr')).transform") \
            == "none"
        context.close()
    same = _difference(images[language], images["en"])
    assert same < 0.03, "the QR code is drawn differently from the English page's"
    assert _difference(images[language], images["en"], mirror=True) > 0.2 + same
    assert orders[language] == orders["en"]
    assert orders[language][0] is True
    assert orders[language][1] == registration.attendees[0].ticket_code


def _difference(png: bytes, other_png: bytes, mirror: bool = False) -> float:
    """How much two screenshots differ (0: the same, 1: black against white), the second
    mirrored left to right if asked; both scaled to one size, as they may differ by a pixel."""
    from io import BytesIO

    from PIL import Image, ImageChops, ImageOps, ImageStat

    first, second = (Image.open(BytesIO(data)).convert("L").resize((116, 116))
                     for data in (png, other_png))
    if mirror:
        second = ImageOps.mirror(second)
    return ImageStat.Stat(ImageChops.difference(first, second)).mean[0] / 255


@pytest.mark.parametrize("language", ["en", "bg", "uk", "ar", "fa"])
def test_participant_pages_pass_axe_in_every_language(live_server, browser, family, language):
    event, registration, token = family
    context = browser.new_context(locale=language, viewport={"width": 360, "height": 740})
    page = context.new_page()
    found = {}
    for path in ["/", *_pages(event, registration, token).values()]:
        page.goto(live_server + path)
        assert page.locator("html").get_attribute("lang") == language
        found[path] = serious_accessibility_violations(page)
        if page.evaluate("() => document.documentElement.scrollWidth") > 360:
            found[path].append("wider than a 360 px phone")
    context.close()
    assert {path: problems for path, problems in found.items() if problems} == {}
