"""Uploading a file, and confirming the import after the dry run."""

from flask_wtf.file import FileField
from wtforms import SelectField
from wtforms.validators import InputRequired

from ..forms import Form
from ..i18n import lazy_gettext as _l


class UploadForm(Form):
    format = SelectField(_l("What the file contains"),
                         validators=[InputRequired(message=_l("Please choose one."))])
    file = FileField(_l("File (CSV or XLSX)"),
                     description=_l("The first line names the columns. CSV may be separated "
                                    "by semicolons or commas, in UTF-8 or Windows-1250."))

    def __init__(self, *args, formats=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.format.choices = [(f.key, f.name) for f in formats]


class ConfirmForm(Form):
    """The mapping form and the import button carry only the CSRF token as a form field;
    the column choices are read from ``column-<n>`` selects."""
