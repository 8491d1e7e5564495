"""The scan history through the API, for organiser tokens: every scan of an event, in
pages, filtered by person, door and answer, and the same as CSV
(eventreg/checkin/history.py)."""

from zoneinfo import ZoneInfo

from flask import g, jsonify

from eventreg.api import blueprint, organiser_required, query_args
from eventreg.checkin import history
from eventreg.events.service import get_organiser_event
from eventreg.exports.views import CSV_TYPE, download
from eventreg.extensions import db
from eventreg.i18n import localized


def _time(value) -> str | None:
    return value.isoformat() if value else None


def _query(*, paged: bool) -> history.ScanQuery:
    """The filters and page the query asks for (checked against the document first)."""
    args = query_args()
    page = int(args.get("page", 1))
    per_page = int(args.get("per_page", history.PAGE_SIZE))
    return history.ScanQuery(
        person=args.get("person") or None,
        door_id=int(args["door"]) if "door" in args else None,
        status=args.get("status") or None,
        offset=(page - 1) * per_page if paged else 0,
        limit=per_page if paged else None,
    )


def scan_json(line: history.ScanLine) -> dict:
    return {
        "id": line.id, "scanned_at": _time(line.scanned_at),
        "received_at": _time(line.received_at),
        "door": {"id": line.door_id, "name": line.door},
        "activity": line.activity_id, "action": line.action, "status": line.status,
        "outcome": line.outcome, "flag": line.flag, "overrode": line.overrode,
        "reason": line.reason,
        "attendee": None if line.attendee_id is None else {
            "id": line.attendee_id, "name": line.name, "ticket_code": line.ticket_code},
    }


@blueprint.get("/events/<slug>/scans")
@organiser_required
def list_scans(slug: str):
    """List the event's scans, newest first, a page at a time."""
    event = get_organiser_event(db.session, g.api_organiser, slug)
    query = _query(paged=True)
    found = history.scan_history(db.session, event, query)
    return jsonify(scans=[scan_json(line) for line in found.lines], total=found.total,
                   page=query.offset // query.limit + 1, per_page=query.limit,
                   has_more=found.has_more)


@blueprint.get("/events/<slug>/scans.csv")
@organiser_required
def export_scans_csv(slug: str):
    """Every scan the filters choose, as CSV."""
    event = get_organiser_event(db.session, g.api_organiser, slug)
    found = history.scan_history(db.session, event, _query(paged=False))
    return download(history.scan_history_csv(found.lines, ZoneInfo(event.timezone), localized),
                    CSV_TYPE, f"scans-{event.slug}.csv")
