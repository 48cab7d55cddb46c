"""Forms of the exchange pages: API tokens and webhook endpoints."""

from flask import current_app
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from ..consents.forms import CheckboxesField, ChoiceField, choices
from ..forms import Form, whole_number
from ..i18n import lazy_gettext as _l
from . import urls
from .delivery import NOT_PUBLIC, address_refused
from .models import EVENT_KINDS

EVENT_KIND_LABELS = {
    "referral.sent": _l("referral sent"),
    "referral.answered": _l("referral answered (accepted or declined)"),
    "status.changed": _l("status changed (referral completed, step on a programme path)"),
}


def _institution_choices(institutions):
    return choices({i.id: i.name for i in institutions})


class TokenForm(Form):
    institution = ChoiceField(_l("Institution"), coerce=whole_number)
    name = StringField(_l("Name of the token"), validators=[
        DataRequired(message=_l("Name the token, e.g. after the system that will use it.")),
        Length(max=120, message=_l("At most %(max)d characters."))],
        description=_l("For example: case management system of the labour office."))

    def __init__(self, *args, institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.institution.choices = _institution_choices(institutions)


FULL_ADDRESS = _l("Give a full address starting with https://.")
URL_MESSAGES = {
    urls.NOT_A_WEB_ADDRESS: FULL_ADDRESS,
    urls.BAD_CHARACTERS: _l("The address must not contain spaces or control characters."),
    urls.CREDENTIALS: _l("The address must not contain a user name or password: the partner "
                         "system recognises Mosty by the signature of each request."),
    urls.BAD_PORT: _l("The port in the address must be a number from 1 to 65535."),
    urls.BAD_HOST: _l("The server name in the address is not a valid domain name or IP "
                      "address."),
}


def check_url(form, field):
    url = (field.data or "").strip()
    problem = urls.malformed(url)
    if problem:
        raise ValidationError(URL_MESSAGES[problem])
    # Where private addresses are not allowed (production) an address on a loopback, private
    # or reserved network is refused on saving already, not only at each attempt.
    if address_refused(url) == NOT_PUBLIC:
        raise ValidationError(_l("This address is on a loopback, private or reserved network: "
                                 "webhooks reach public addresses only."))
    # Plain http only where local test receivers are allowed (development, tests).
    if not urls.is_https(url) and not current_app.config.get("MOSTY_WEBHOOK_ALLOW_PRIVATE",
                                                             True):
        raise ValidationError(FULL_ADDRESS)


class WebhookForm(Form):
    institution = ChoiceField(_l("Institution"), coerce=whole_number)
    name = StringField(_l("Name"), validators=[
        DataRequired(message=_l("Name the receiving system.")),
        Length(max=120, message=_l("At most %(max)d characters."))])
    url = StringField(_l("Address (URL)"), validators=[
        DataRequired(message=_l("Give the address the events are sent to.")),
        Length(max=500, message=_l("At most %(max)d characters.")), check_url])
    event_kinds = CheckboxesField(
        _l("Events"), choices=choices({k: EVENT_KIND_LABELS[k] for k in EVENT_KINDS}),
        validators=[DataRequired(message=_l("Choose at least one kind of event."))])
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.institution.choices = _institution_choices(institutions)


class WebhookEditForm(Form):
    """Editing an endpoint: the same fields and rules as creating it; the institution stays."""

    name = WebhookForm.name
    url = WebhookForm.url
    event_kinds = WebhookForm.event_kinds


class ExportForm(Form):
    dataset = ChoiceField(_l("Records"), validators=[
        DataRequired(message=_l("Choose what to export."))])
    format = ChoiceField(_l("File format"), choices=choices({
        "xlsx": _l("Excel workbook (XLSX)"),
        "csv": _l("CSV for Excel (semicolons, UTF-8)")}), default="xlsx")

    def __init__(self, *args, datasets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.dataset.choices = choices(dict(datasets))
