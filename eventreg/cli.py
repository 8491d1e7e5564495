"""Command-line commands: `flask create-organiser`, `create-api-token`, `create-door-access`,
`deliver-messages`, `send-reminders`, `purge-personal-data`, `load-demo`."""

import time
from datetime import timedelta

import click
from flask import Flask, current_app
from sqlalchemy import select

from eventreg.accounts import service as accounts
from eventreg.checkin.doors import create_door_access, door_expires_at
from eventreg.checkin.everyone_out import apply_scheduled_check_out, due_check_outs
from eventreg.database import unit_of_work, utcnow
from eventreg.demo import DEMO_EMAIL, DEMO_PASSWORD, REFUGEE_DAY_SLUG, load_demo_data
from eventreg.errors import DomainError
from eventreg.events.models import Event
from eventreg.events.service import get_published_event
from eventreg.extensions import db
from eventreg.messages.service import deliver_due
from eventreg.privacy.purge import BATCH_SIZE, purge_personal_data
from eventreg.registrations.notifications import queue_reminders


def _fail(error: DomainError) -> None:
    details = "".join(f"\n  {field}: {message}" for field, message in error.fields.items())
    raise click.ClickException(f"{error.message}{details}")


@click.command("create-organiser")
@click.argument("email")
@click.option("--name", prompt=True, help="The organiser's full name.")
@click.option("--organisation", prompt=True, help="Organisation name; made if it is new.")
@click.option("--role", type=click.Choice(["admin", "organiser"]), default="organiser",
              show_default=True)
@click.password_option(envvar="EVENTREG_PASSWORD",
                       help="Asked for when not given (or set EVENTREG_PASSWORD).")
def create_organiser_command(email, name, organisation, role, password):
    """Create an organiser account that can sign in at /login."""
    try:
        with unit_of_work(db.session):
            org = accounts.get_or_create_organisation(db.session, organisation)
            organiser = accounts.create_organiser(
                db.session, org, email=email, name=name, password=password, role=role,
                password_hash_method=current_app.config["PASSWORD_HASH_METHOD"],
            )
    except DomainError as error:
        _fail(error)
    click.echo(f"Created {organiser.role} {organiser.email} in {org.name}.")


@click.command("create-api-token")
@click.argument("email")
@click.option("--name", default="command line", show_default=True, help="What it is for.")
def create_api_token_command(email, name):
    """Print a new API token for the organiser with EMAIL (shown only this once)."""
    try:
        organiser = accounts.find_organiser(db.session, email)
    except DomainError as error:
        _fail(error)
    with unit_of_work(db.session):
        _row, token = accounts.create_api_token(db.session, organiser, name)
    click.echo(token)


@click.command("create-door-access")
@click.argument("event_slug")
@click.argument("name")
@click.option("--activity", "activity_ids", type=int, multiple=True,
              help="Only for this activity's door (its id); repeat for several.")
@click.option("--records-exits", is_flag=True, help="The door also records people going out.")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True,
              help="Where volunteers reach the app, for the printed link.")
def create_door_access_command(event_slug, name, activity_ids, records_exits, base_url):
    """Make a door link for EVENT_SLUG named NAME; print the link and its token."""

    event = db.session.scalar(select(Event).where(Event.slug == event_slug))
    if event is None:
        raise click.ClickException(f"No event with the slug {event_slug!r}.")
    try:
        with unit_of_work(db.session):
            door, token = create_door_access(
                db.session, event, name, activity_ids=list(activity_ids),
                records_exits=records_exits,
            )
    except DomainError as error:
        _fail(error)
    click.echo(f"Door: {door.name} (works until {door_expires_at(door):%Y-%m-%d %H:%M} UTC)")
    click.echo(f"Link: {base_url.rstrip('/')}/door/{token}")
    click.echo(f"Token: {token}")


@click.command("deliver-messages")
@click.option("--loop", is_flag=True, help="Keep going: a worker, instead of one pass for cron.")
@click.option("--every", default=30, show_default=True, help="Seconds between passes with --loop.")
def deliver_messages_command(loop, every):
    """Send the queued messages that are due, retrying failed ones with growing pauses."""


    last_purge = None
    while True:
        report = deliver_due(db.session)
        if report.sent or report.retried or report.failed or not loop:
            click.echo(f"sent {len(report.sent)}, to retry {len(report.retried)}, "
                       f"failed for good {len(report.failed)}")
        if not loop:
            return
        # The worker also applies "everyone out" at the times organisers set.
        _apply_check_outs()
        # The worker also deletes personal data that is due, once a day, so a deployment
        # that runs it needs no cron line for that.
        if last_purge is None or time.monotonic() - last_purge >= PURGE_EVERY.total_seconds():
            _purge()
            last_purge = time.monotonic()
        time.sleep(every)


@click.command("apply-scheduled-check-outs")
def apply_scheduled_check_outs_command():
    """Check everyone still inside out where an organiser set a time that has come (run
    every minute from cron, unless the mail worker's loop runs)."""
    if not _apply_check_outs():
        click.echo("no set time is due")


def _apply_check_outs() -> int:
    """Apply each set time that is due, each in its own unit of work; how many it applied."""
    applied = 0
    for schedule_id in due_check_outs(db.session, utcnow()):
        with unit_of_work(db.session):
            done = apply_scheduled_check_out(db.session, schedule_id)
        if done is not None:
            applied += 1
            click.echo(f"everyone out at set time {schedule_id}: {done.checked_out} checked "
                       f"out, {done.kept_for_pickup} children kept for their pick-up")
    return applied


#: How often the mail worker's loop runs the purge.
PURGE_EVERY = timedelta(days=1)


@click.command("purge-personal-data")
@click.option("--batch-size", default=BATCH_SIZE, show_default=True,
              help="Registrations anonymised per transaction.")
def purge_personal_data_command(batch_size):
    """Anonymise the personal data whose retention has passed (run daily from cron)."""
    _purge(batch_size)


def _purge(batch_size: int = BATCH_SIZE) -> None:
    report = purge_personal_data(db.session, batch_size=batch_size)
    for line in report.lines():
        click.echo(line)


@click.command("send-reminders")
def send_reminders_command():
    """Remind everyone registered for an event tomorrow (run daily from cron), then send."""

    with unit_of_work(db.session):
        queued = queue_reminders(db.session)
    report = deliver_due(db.session)
    click.echo(f"queued {queued} reminders; sent {len(report.sent)}, "
               f"to retry {len(report.retried)}, failed for good {len(report.failed)}")


@click.command("load-demo")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True)
def load_demo_command(base_url):
    """Load the demo organisation and events when the database has no events yet."""

    with unit_of_work(db.session):
        created = load_demo_data(db.session,
                                 password_hash_method=current_app.config["PASSWORD_HASH_METHOD"])
    click.echo("Demo data loaded." if created else "The database already has events; "
               "demo data was not loaded again.")
    click.echo(f"Open {base_url}/  -  organiser pages at {base_url}/manage/")
    if created:
        event = get_published_event(db.session, REFUGEE_DAY_SLUG)
        with unit_of_work(db.session):
            _door, token = create_door_access(db.session, event, "Main gate")
        click.echo(f"Door scanner for the demo event: {base_url}/door/{token}")
    if created or accounts.find_organiser_or_none(db.session, DEMO_EMAIL):
        click.echo(f"Demo organiser: {DEMO_EMAIL}  password: {DEMO_PASSWORD}")


def init_app(app: Flask) -> None:
    for command in (create_organiser_command, create_api_token_command,
                    create_door_access_command, deliver_messages_command,
                    send_reminders_command, purge_personal_data_command, load_demo_command,
                    apply_scheduled_check_outs_command):
        app.cli.add_command(command)
