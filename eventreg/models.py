"""Every feature's models, registered in one place (create_app and the migrations import
this), so that no feature imports another's models only to have them registered."""

from sqlalchemy.orm import configure_mappers

from eventreg.accounts import models as accounts  # noqa: F401
from eventreg.audit import models as audit  # noqa: F401
from eventreg.checkin import everyone_out_models as everyone_out  # noqa: F401
from eventreg.checkin import models as checkin  # noqa: F401
from eventreg.consents import models as consents  # noqa: F401
from eventreg.events import models as events  # noqa: F401
from eventreg.messages import models as messages  # noqa: F401
from eventreg.registrations import models as registrations  # noqa: F401
from eventreg.reports import models as reports  # noqa: F401
from eventreg.tickets import models as tickets  # noqa: F401
from eventreg.waitlist import models as waitlist  # noqa: F401

# Every model is imported by now: relate them once, when the app is built, not in the first
# request of each worker (about 60 ms of CPU there; gunicorn's workers, forked from a master
# that built the app, start with it done).
configure_mappers()
