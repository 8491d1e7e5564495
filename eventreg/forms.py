"""Form helpers shared by every feature's pages."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from eventreg.errors import DomainError


class ActionForm(FlaskForm):
    """Only a CSRF token, for buttons that change state (publish, cancel, revoke, remove)."""


class ConfirmForm(ActionForm):
    """The button of an action that cannot be undone. Its confirmation page (templates/
    confirm.html) sends `confirmed=yes`; a view that gets no such field shows that page
    instead of acting, so the action always takes two steps, with or without JavaScript."""

    confirmed = HiddenField()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed.data == "yes"


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def show_service_errors(
    form: FlaskForm, error: DomainError, aliases: dict[str, str] | None = None
) -> None:
    """Put the service's field errors on the form's inputs (or the form's top)."""
    for field_name, message in error.fields.items():
        target = (aliases or {}).get(field_name, field_name)
        if target in form:
            form[target].errors = [*form[target].errors, str(message)]
        else:
            form.form_errors.append(str(message))
    if not error.fields:
        form.form_errors.append(str(error.message))

