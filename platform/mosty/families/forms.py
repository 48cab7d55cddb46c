"""Registering a family and adding its members."""

from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired

from ..forms import Form
from ..i18n import lazy_gettext as _l
from ..participants.forms import choice, choices, teryt, text
from ..participants.labels import AREA_LABELS, RELATION_LABELS


class FamilyForm(Form):
    name = text(_l("Family name"), 160, required=True,
                description=_l("How the household is known, e.g. “Nowak family, Bobolice”."))
    teryt = teryt(_l("TERYT commune code"), required=True)
    locality = text(_l("Locality"), 120, required=True)
    area = choice(_l("Urban or rural"), AREA_LABELS, placeholder=False)

    def values(self):
        return {"name": self.name.data, "teryt": self.teryt.data,
                "locality": self.locality.data, "area": self.area.data}


class AddMemberForm(Form):
    """An existing participant joins the family; the view checks the id against the
    participants the member's institution may see."""

    participant_id = IntegerField(_l("Participant"), validators=[InputRequired(
        message=_l("Choose a person from the search results."))])
    relation = SelectField(_l("Relation to the head of household"),
                           choices=choices(RELATION_LABELS),
                           validators=[InputRequired()])
