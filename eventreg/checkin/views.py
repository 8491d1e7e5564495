"""The scanner page a volunteer opens from a door link, and what makes it work offline."""

import hashlib
import json
from functools import cache

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import gettext as _

from eventreg.checkin.doors import door_for_token
from eventreg.checkin.reasons import scanner_reason_messages
from eventreg.extensions import db
from eventreg.i18n import localized

blueprint = Blueprint("checkin", __name__, url_prefix="/door")

#: What the scanner needs offline, besides the page itself (paths under static/).
SCANNER_ASSETS = (
    "css/app.css",
    "css/door.css",
    "js/door/scanner.js",
    "js/door/answer.js",
    "js/door/attendees.js",
    "js/door/camera.js",
    "js/door/decoder-worker.js",
    "js/door/dom.js",
    "js/door/lookup.js",
    "js/door/notes.js",
    "js/door/override.js",
    "js/door/party.js",
    "js/door/pickup.js",
    "js/door/rules.js",
    "js/door/spelling.js",
    "js/door/state.js",
    "js/door/store.js",
    "js/door/sync.js",
    "js/door/tickets.js",
    "js/door/walk_ins.js",
    "js/door/wedge.js",
    "vendor/jsqr/jsQR.js",
    "vendor/zxing-wasm/zxing_reader.js",
    "vendor/zxing-wasm/zxing_reader.wasm",
    "img/door-icon-192.png",
    "img/door-icon-512.png",
)


#: The site's policy, plus workers built from the page's own scripts (the QR decoder), which
#: compile the vendored ZXing WebAssembly ('wasm-unsafe-eval' allows WebAssembly, not eval).
SCANNER_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self' 'wasm-unsafe-eval'; "
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


@blueprint.get("/<token>")
def scanner(token: str):
    """Show the door's scanner: camera, look-up by hand, walk-ins and live counts; at a
    self check-in kiosk the camera and each family's own welcome only."""
    door = door_for_token(db.session, token)
    return render_template(
        "checkin/scanner.html", door=door, event=door.event, token=token,
        messages=scanner_messages(),
        activity_titles={activity.id: localized(activity.title)
                         for activity in door.event.activities},
    ), 200, {"Cache-Control": "no-store", "Content-Security-Policy": SCANNER_CSP}


def scanner_messages() -> dict[str, str]:
    """What the scanner's script says, in the page's language (placeholders: %(name)s)."""
    return {
        "checked_in": _("Welcome, %(name)s"),
        "welcome": _("Welcome"),
        "already_checked_in": _("Already checked in at %(time)s (%(door)s)"),
        "checked_out": _("Goodbye, %(name)s"),
        "already_checked_out": _("Already went out at %(time)s"),
        "not_checked_in": _("Not checked in"),
        "undone": _("Check-in undone"),
        "cancelled": _("Cancelled ticket"),
        "event_cancelled": _("This event was cancelled"),
        "wrong_event": _("Not for this event"),
        "wrong_activity": _("Not registered for this activity"),
        "invalid": _("Not a valid ticket"),
        "unknown": _("Ticket not found"),
        "not_in_list": _("A valid ticket, not yet in this phone's list"),
        "code_not_in_list": _("The code %(code)s is not in this phone's list for this door. "
                              "Check the code, or scan the ticket's QR code."),
        "party": _("People in the party: %(count)s"),
        "no_photos": _("No photos"),
        "no_photos_detail": _("No consent to photos and video: tell the photographer."),
        "online": _("Online"),
        "offline": _("Offline: tickets are checked on this phone"),
        "waiting": _("Waiting to be sent: %(count)s"),
        "all_sent": _("All scans sent"),
        "duplicates": _("Scanned at another door first: %(count)s"),
        "became_double": _("%(name)s, welcomed here at %(time)s, had already come in at "
                           "%(first_time)s (%(door)s). Check: one ticket, two people?"),
        "camera_denied": _("The camera is blocked. Allow it in the browser's settings, or find "
                           "people by name below."),
        "camera_missing": _("No camera was found. Find people by name below."),
        "camera_not_loaded": _("The scanner could not load without a connection. It starts "
                               "by itself once the phone is online; meanwhile, find people "
                               "by name below."),
        "torch_on": _("Turn the torch on"),
        "torch_off": _("Turn the torch off"),
        "switch_camera": _("Switch camera"),
        "check_in_ticked": _("Check in the ticked people"),
        "undo": _("Undo"),
        "no_matches": _("Nobody found. Check the spelling, or try the ticket code."),
        "not_yet_here": _("not here yet"),
        "checked_in_at": _("checked in at %(time)s"),
        "went_out_at": _("went out at %(time)s"),
        "cancelled_short": _("cancelled"),
        "person": _("Person %(number)d"),
        "walk_in_offline": _("Registering at the door needs a connection: the server decides "
                             "whether places are left."),
        "walk_in_names": _("Enter each person's name."),
        "walk_in_consent": _("Ask them to agree to the privacy notice first."),
        "clear_confirm": _("Delete the names of all attendees from this phone?"),
        "clear_waiting": _("Some scans are not sent yet. Connect to the internet first, then "
                           "delete."),
        "cleared": _("Deleted. Reload the page to download the list again."),
        "inside_now": _("inside now: %(count)s"),
        "no_connection": _("No connection. Try again."),
        "door_expired": _("This door link expired after the event."),
        "door_revoked": _("This door link was switched off. Ask the organiser for a new one."),
        "door_unknown": _("This door link is not valid. Ask the organiser for a new one."),
        "link_switched_off": _("Door link switched off"),
        "link_expired": _("Door link expired"),
        "link_not_valid": _("Door link not valid"),
        "all_handed_in": _("All scans made here were handed in"),
        "revoked_scans": _("Made after the switch-off, not counted: %(count)s"),
        "expired_scans": _("Made after the link expired, not counted: %(count)s"),
        **scanner_reason_messages(),
        "wrong_event_for": _("This ticket is for %(event)s on %(date)s."),
        "corrected": _("Corrected by the server"),
        "party_show": _("The others in this party: %(count)s"),
        "child": _("child"),
        "adult": _("adult"),
        "check_in": _("Check in"),
        "done": _("Done"),
        "kiosk_in": _("checked in"),
        "kiosk_not_yet": _("not here yet"),
        "kiosk_ask": _("Please ask a volunteer at the entrance."),
        "kiosk_camera": _("The camera is not working. Please ask a volunteer at the entrance."),
        **door_note_and_pickup_messages(),
    }


def door_note_and_pickup_messages() -> dict[str, str]:
    """What notes.js and pickup.js say."""
    return {
        "note": _("Note:"),
        "pickup_code_give": _("Pick-up code %(code)s: give it to the parent"),
        "pickup_code_offline": _("Offline: the pick-up code is made once this phone is online "
                                 "again, on the parent's ticket page. Their ticket works too."),
        "picked_up": _("It matches: hand %(name)s over"),
        "picked_up_detail": _("Checked out of the workshop."),
        "pickup_mismatch": _("Does not match: do not hand over"),
        "pickup_mismatch_detail": _("%(name)s stays here. Ask for a ticket of the family or "
                                    "the pick-up code again. This was recorded."),
        "no_pickup_code": _("%(name)s holds no pick-up code here"),
        "no_pickup_code_detail": _("Not checked in at this workshop, or already picked up."),
        "pickup_offline": _("No connection: do not hand the child over yet"),
        "pickup_offline_detail": _("Pick-up codes are checked by the server. Wait for the "
                                   "connection, or call an organiser."),
        "pickup_choose_child": _("Choose the child first, or scan the child's ticket."),
        "pickup_child_chosen": _("%(name)s: now scan the parent's ticket or the pick-up "
                                 "code, or type the code."),
        "pickup_not_here": _("This ticket holds no pick-up code at this workshop."),
        "pickup_code_required": _("Do not let this child out"),
        "pickup_code_required_detail": _("Children go out only when picked up, under “Hand "
                                         "a child over (pick-up)”."),
        "pickup_type_code": _("Type the pick-up code."),
    }


@blueprint.get("/<token>/manifest.webmanifest")
def manifest(token: str):
    """The web app manifest that lets a volunteer install this door's scanner."""
    door = door_for_token(db.session, token)
    body = {
        "name": f"{door.name} · {localized(door.event.title)}",
        "short_name": door.name[:12],
        "start_url": url_for(".scanner", token=token),
        "scope": url_for(".scanner", token=token),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#14532d",
        "icons": [
            {"src": url_for("static", filename=f"img/door-icon-{size}.png"),
             "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
            for size in (192, 512)
        ],
    }
    return current_app.response_class(
        json.dumps(body), mimetype="application/manifest+json",
        headers={"Cache-Control": "no-store"},
    )


@blueprint.get("/service-worker.js")
def service_worker():
    """The service worker that keeps the scanner page and its files for offline use."""
    assets = [url_for("static", filename=path) for path in SCANNER_ASSETS]
    script = render_template(
        "checkin/service-worker.js", assets=assets, version=_assets_version(),
    )
    return current_app.response_class(
        script, mimetype="text/javascript", headers={"Cache-Control": "no-cache"},
    )


@cache
def _assets_version() -> str:
    """A digest of the scanner's files: a new version makes phones fetch them again."""
    digest = hashlib.sha256()
    for path in SCANNER_ASSETS:
        digest.update((current_app.static_folder + "/" + path).encode())
        with open(f"{current_app.static_folder}/{path}", "rb") as asset:
            digest.update(asset.read())
    return digest.hexdigest()[:16]
