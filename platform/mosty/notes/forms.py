"""Writing a case note."""

from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..consents.forms import ChoiceField, choices
from ..forms import Form
from ..i18n import lazy_gettext as _l
from .service import CATEGORY_LABELS

MAX_TEXT = 10000


class NoteForm(Form):
    category = ChoiceField(_l("Category"), choices=choices(CATEGORY_LABELS), default="general")
    text = TextAreaField(
        _l("Note"), render_kw={"rows": 5},
        validators=[DataRequired(message=_l("Write the note.")),
                    Length(max=MAX_TEXT, message=_l("At most %(max)d characters."))])
    sensitive = BooleanField(
        _l("Sensitive: only my institution may read it"),
        description=_l("Health and disability notes are always sensitive."))
