"""Recording and reading the audit log.

Services record their actions with `record`, in the same transaction as the change, so a
change and its entry are kept or lost together. The door's own actions (check-ins, exits,
undos) are already logged one by one in `checkins`; the admins' page shows both.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from eventreg.audit.models import AuditEntry
from eventreg.errors import PermissionDenied

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


#: Other logs shown with this one, each (session, organisation_id, limit) -> [LogLine],
#: newest first: a feature that keeps its own log (the doors' scans) adds its reader here,
#: so the audit log depends on no feature.
LOG_SOURCES: list = []


@dataclass(frozen=True)
class LogLine:
    at: datetime
    actor: str
    action: str
    target: str
    details: dict


def audit_log(session: Session, admin, *, limit: int = 300) -> list[LogLine]:
    """The organisation's latest organiser and door actions, newest first (admins only)."""
    if not admin.is_admin:
        raise PermissionDenied(_l("Only the organisation's admins see the audit log."),
                               reason="admin_only")
    lines = [
        LogLine(entry.at, entry.actor, entry.action, entry.target, entry.details)
        for entry in session.scalars(
            select(AuditEntry).where(AuditEntry.organisation_id == admin.organisation_id)
            .order_by(AuditEntry.at.desc()).limit(limit))
    ]
    for source in LOG_SOURCES:
        lines += source(session, admin.organisation_id, limit)
    lines.sort(key=lambda line: line.at, reverse=True)
    return lines[:limit]
