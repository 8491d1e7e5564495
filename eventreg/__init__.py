"""eventreg: event registration and door check-in for community and humanitarian events."""

from pathlib import Path

from flask import Flask

from eventreg.config import ASSETS_ROOT, instance_path, load_settings


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints and command-line commands."""
    app = Flask(
        __name__,
        instance_path=str(instance_path()),
        template_folder=str(ASSETS_ROOT / "templates"),
        static_folder=str(ASSETS_ROOT / "static"),
    )
    app.config.from_mapping(load_settings(config))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from eventreg import (
        models,  # noqa: F401  (every model, registered in one place)
        outages,
        site,
    )

    # How features react to one another's changes (eventreg/hooks.py).
    from eventreg.checkin import receivers as _doors  # noqa: F401
    from eventreg.extensions import babel, csrf, db, limiter, login_manager, migrate
    from eventreg.i18n import select_locale
    from eventreg.registrations import receivers as _registrations  # noqa: F401
    from eventreg.tickets import receivers as _tickets  # noqa: F401
    from eventreg.waitlist import receivers as _waitlist  # noqa: F401

    db.init_app(app)
    _refuse_uncommitted_writes_at_the_end(app)
    migrate.init_app(app, db, directory=str(ASSETS_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    site.init_app(app)
    outages.init_app(app)

    from eventreg.messages import web as message_delivery

    message_delivery.init_app(app)

    from eventreg import health, openapi  # noqa: F401  (openapi: the API's document)
    from eventreg.accounts import views as account_views
    from eventreg.api import blueprint as api_blueprint
    from eventreg.audit import views as audit_views
    from eventreg.checkin import api as checkin_api  # noqa: F401  (each api adds routes to api_blueprint)
    from eventreg.checkin import history_api  # noqa: F401
    from eventreg.checkin import manage as checkin_manage
    from eventreg.checkin import views as checkin_views
    from eventreg.events import api as event_api  # noqa: F401
    from eventreg.events import manage as event_manage
    from eventreg.events import views as event_views
    from eventreg.exports import api as export_api  # noqa: F401
    from eventreg.exports import views as export_views
    from eventreg.privacy import api as privacy_api  # noqa: F401
    from eventreg.privacy import manage as privacy_manage
    from eventreg.privacy import organisation as privacy_settings
    from eventreg.privacy import views as privacy_views
    from eventreg.registrations import api as registration_api  # noqa: F401
    from eventreg.registrations import manage as registration_manage
    from eventreg.registrations import ticket_page
    from eventreg.registrations import views as registration_views
    from eventreg.reports import views as report_views
    from eventreg.waitlist import views as waitlist_views

    app.register_blueprint(health.blueprint)
    app.register_blueprint(account_views.blueprint)
    app.register_blueprint(event_views.blueprint)
    app.register_blueprint(event_manage.blueprint)
    app.register_blueprint(registration_views.blueprint)
    app.register_blueprint(registration_manage.blueprint)
    app.register_blueprint(privacy_manage.blueprint)
    app.register_blueprint(privacy_views.blueprint)
    app.register_blueprint(privacy_settings.blueprint)
    app.register_blueprint(ticket_page.blueprint)
    app.register_blueprint(checkin_views.blueprint)
    app.register_blueprint(checkin_manage.blueprint)
    app.register_blueprint(export_views.blueprint)
    app.register_blueprint(waitlist_views.blueprint)
    app.register_blueprint(audit_views.blueprint)
    app.register_blueprint(report_views.blueprint)
    app.register_blueprint(api_blueprint)
    csrf.exempt(api_blueprint)

    from eventreg import cli

    cli.init_app(app)
    return app


def _refuse_uncommitted_writes_at_the_end(app: Flask) -> None:
    from eventreg.database import refuse_uncommitted_writes
    from eventreg.extensions import db

    @app.teardown_appcontext
    def _check(error):
        if error is None:
            refuse_uncommitted_writes(db.session)
