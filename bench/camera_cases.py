"""Does the door scanner read what phone cameras really see? And how soon?

For each realistic case of tests/browser/fake_camera.py (a code small in the frame, tilted,
blurred, dim and noisy, on another phone's screen with glare, on an A4 sheet moving, two codes
of one family), made from real tickets of a fresh SQLite app, it plays the case's video as
Chromium's camera (2 s blank, 3 s of the case at 640x480 and 10 fps, 2 s blank, looping) into
the door scanner, online, and prints:

- recognised: how many of the case's codes the scanner answered (checked in on the server)
  within two passes of the video;
- time to answer: from the first frame of the case (its marker, as in bench/scanner.py) to the
  first answer on the screen;
- zxing-cpp: the share of the case's frames in which the reference decoder (zxing-cpp from
  PyPI, outside the browser) reads all the case's codes.

    .venv/bin/python bench/camera_cases.py
    .venv/bin/python bench/camera_cases.py --cases dim small --seed 3

Needs /usr/bin/chromium and the test extras (zxing-cpp, playwright).
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scanner import _serve, open_door_page  # noqa: E402
from tests.browser.fake_camera import CASES, write_case_video  # noqa: E402

LEAD_IN, SECONDS, GAP, FPS = 2.0, 3.0, 2.0, 10


def prepare(cases, folder: Path):
    """A migrated SQLite app with one event, a door, and a family per case (one person per
    code the case shows); returns the app, the door's token and each case's ticket codes."""
    import os

    os.environ["EVENTREG_INSTANCE_PATH"] = str(folder)
    from datetime import timedelta

    from flask_migrate import upgrade

    from eventreg import create_app
    from eventreg.accounts import service as accounts
    from eventreg.checkin.doors import create_door_access
    from eventreg.database import unit_of_work, utcnow
    from eventreg.events import service as events
    from eventreg.extensions import db
    from eventreg.registrations import service as registrations
    from eventreg.tickets.service import ticket_tokens

    app = create_app({
        "EVENTREG_ENV": "development",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
    })
    with app.app_context():
        upgrade()
    with app.app_context(), unit_of_work(db.session):
        organisation = accounts.get_or_create_organisation(db.session, "Camera bench office")
        organiser = accounts.create_organiser(
            db.session, organisation, email="camera@example.org", name="Bench",
            password="walnut-lantern-harbour-97", role="admin",
            password_hash_method=app.config["PASSWORD_HASH_METHOD"])
        starts = utcnow() + timedelta(hours=1)
        event = events.create_event(db.session, organiser, events.EventDetails(
            title={"en": "Camera bench"}, starts_at=starts, ends_at=starts + timedelta(hours=6),
            privacy_notice={"en": "Names are deleted after the event."}))
        events.publish_event(db.session, organiser, event)
        families = {}
        for case in cases:
            outcome = registrations.register(db.session, event, registrations.RegistrationRequest(
                attendees=[registrations.AttendeeRequest(name=f"{case} {number}",
                                                         age_group="adult")
                           for number in range(CASES[case][1])],
                consent=True), phone_region=None)
            families[case] = outcome.registration.attendees
        codes = ticket_tokens(db.session, [a for family in families.values() for a in family])
        _, token = create_door_access(db.session, event, "Camera bench door")
        case_codes = {case: [codes[a.id] for a in family] for case, family in families.items()}
    return app, token, case_codes


def zxing_share(frames, codes) -> float:
    """The share of `frames` in which zxing-cpp reads every one of `codes`."""
    import zxingcpp

    wanted = set(codes)
    read = sum(1 for frame in frames if wanted <= {
        barcode.text for barcode in zxingcpp.read_barcodes(
            frame, formats=zxingcpp.BarcodeFormat.QRCode)})
    return read / len(frames)


def answered(app, codes) -> int:
    """How many of the attendees named by `codes` the server has checked in."""
    from eventreg.extensions import db
    from eventreg.registrations.models import Attendee
    from eventreg.tickets.signing import read_claims

    with app.app_context():
        return sum(1 for code in codes
                   if db.session.get(Attendee, read_claims(code).attendee_id).checked_in_at)


def run_case(playwright, app, base_url, token, case, codes, video: Path, seed: int):
    frames = write_case_video(video, case, codes, seconds=SECONDS, lead_in=LEAD_IN, gap=GAP,
                              fps=FPS, seed=seed)
    share = zxing_share(frames, codes)
    browser, _context, page = open_door_page(playwright, video, base_url, token)
    try:
        deadline = time.monotonic() + LEAD_IN + 2 * (SECONDS + GAP + LEAD_IN) + 1
        while time.monotonic() < deadline and answered(app, codes) < len(codes):
            page.wait_for_timeout(250)
        latencies = page.evaluate("() => window.__scanLatencies")
    finally:
        browser.close()
    return answered(app, codes), (latencies[0] if latencies else None), share


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    parser.add_argument("--seed", type=int, default=14)
    options = parser.parse_args()

    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory(prefix="eventreg-camera-bench-") as folder:
        app, token, case_codes = prepare(options.cases, Path(folder))
        server, base_url = _serve(app)
        try:
            with sync_playwright() as playwright:
                for case in options.cases:
                    rows.append((case, CASES[case][1], *run_case(
                        playwright, app, base_url, token, case, case_codes[case],
                        Path(folder) / f"{case}.y4m", options.seed)))
        finally:
            server.shutdown()

    print(f"Door scanner on realistic camera cases: 640x480 at {FPS} fps, each case {SECONDS:.0f} s "
          f"after {LEAD_IN:.0f} s blank, looping; seed {options.seed}")
    print(f"{'case':<12} {'what it shows':<38} {'recognised':>10} {'time to answer':>15} "
          f"{'zxing-cpp frames':>17}")
    for case, count, recognised, latency, share in rows:
        time_text = f"{latency:.0f} ms" if recognised and latency is not None else "-"
        print(f"{case:<12} {CASES[case][0]:<38} {f'{recognised}/{count}':>10} {time_text:>15} "
              f"{share:>16.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
