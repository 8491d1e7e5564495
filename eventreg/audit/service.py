"""Recording and reading the audit log.

Services record their actions with `record`, in the same transaction as the change, so a
change and its entry are kept or lost together. The door's own actions (check-ins, exits,
undos) are already logged one by one in `checkins`; the admins' page shows both.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from eventreg.audit.models import AuditEntry
from eventreg.errors import PermissionDenied
from eventreg.events.models import Event

PARTICIPANT = "participant"


def record(session: Session, *, organisation_id: int, action: str, by,
           event_id: int | None = None, target: str = "", details: dict | None = None,
           actor: str = PARTICIPANT, now: datetime | None = None) -> AuditEntry:
    """Add an entry to the caller's transaction. `by` is the organiser who acted (anything
    with an `id` and a `name`); without one, the actor is `actor` (a participant through
    their link, or the command line)."""
    entry = AuditEntry(
        organisation_id=organisation_id, event_id=event_id,
        organiser_id=by.id if by is not None else None,
        actor=by.name if by is not None else actor,
        action=action, target=target[:300], details=details or {},
    )
    if now is not None:
        entry.at = now
    session.add(entry)
    return entry


#: Other logs shown with this one, each (session, organisation_id, LogQuery) -> [LogLine],
#: newest first, at most `query.offset + query.limit` lines that match the query: a feature
#: that keeps its own log (the doors' scans) adds its reader here, so the audit log depends
#: on no feature.
LOG_SOURCES: list = []

#: Lines on one page of the audit log.
PAGE_SIZE = 100


@dataclass(frozen=True)
class LogLine:
    at: datetime
    #: As stored: an organiser's name, "participant", ...; a door's name when `by_door`.
    actor: str
    action: str
    target: str
    details: dict
    #: The event's time zone, or None for actions outside any event.
    timezone: str | None = None
    #: The event's title (per language), or None.
    event_title: dict | None = None
    by_door: bool = False


@dataclass(frozen=True)
class LogQuery:
    """Which lines: of one kind (the action's part before the dot, e.g. "event" or
    "checkin"), about one person (a part of who acted or of what it happened to, in any
    case), and which of them (skip `offset`, then at most `limit`; None for all)."""

    kind: str | None = None
    person: str | None = None
    offset: int = 0
    limit: int | None = PAGE_SIZE

    @property
    def wanted(self) -> int | None:
        """How many lines each source gives: enough to fill the page after merging."""
        return None if self.limit is None else self.offset + self.limit + 1

    def person_pattern(self) -> str | None:
        if not self.person:
            return None
        escaped = self.person.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"%{escaped}%"


@dataclass(frozen=True)
class LogPage:
    lines: list[LogLine]
    #: Whether lines follow this page's last one.
    has_more: bool


def audit_log(session: Session, admin, query: LogQuery = LogQuery()) -> LogPage:
    """The organisation's organiser and door actions that match `query`, newest first
    (admins only)."""
    if not admin.is_admin:
        raise PermissionDenied(_l("Only the organisation's admins see the audit log."),
                               reason="admin_only")
    statement = (
        select(AuditEntry, Event.timezone, Event.title)
        .outerjoin(Event, Event.id == AuditEntry.event_id)
        .where(AuditEntry.organisation_id == admin.organisation_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    if query.kind:
        statement = statement.where(AuditEntry.action.startswith(f"{query.kind}.",
                                                                 autoescape=True))
    if pattern := query.person_pattern():
        statement = statement.where(or_(AuditEntry.actor.ilike(pattern, escape="\\"),
                                        AuditEntry.target.ilike(pattern, escape="\\")))
    if query.wanted is not None:
        statement = statement.limit(query.wanted)
    lines = [
        LogLine(entry.at, entry.actor, entry.action, entry.target, entry.details,
                timezone, title)
        for entry, timezone, title in session.execute(statement)
    ]
    for source in LOG_SOURCES:
        lines += source(session, admin.organisation_id, query)
    lines.sort(key=lambda line: line.at, reverse=True)
    end = None if query.limit is None else query.offset + query.limit
    return LogPage(lines[query.offset:end], has_more=end is not None and len(lines) > end)
