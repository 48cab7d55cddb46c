"""Sign-in and password forms."""

from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..forms import Form
from ..i18n import lazy_gettext as _l
from .passwords import MIN_PASSWORD_LENGTH

# WTForms' own "must be between 10 and 200 characters long" reads badly in Polish.
PASSWORD_LENGTH = Length(min=MIN_PASSWORD_LENGTH, max=200, message=_l(
    "The password must have %(min)d to %(max)d characters.", min=MIN_PASSWORD_LENGTH, max=200))


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class PasswordChangeForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), PASSWORD_LENGTH],
    )

    def validate_new_password(self, field):
        # A "new" password equal to the current one ends the other sessions and changes
        # nothing else: after a suspected leak it would leave the account as open as before.
        if field.data and field.data == self.current_password.data:
            raise ValidationError(_l("The new password must differ from the current one."))
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )
