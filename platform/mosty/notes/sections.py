"""The case notes section of the participant page."""

from ..i18n import lazy_gettext as _l
from ..participants.sections import participant_section
from ..plugins.contributions import Panel
from .forms import NoteForm
from .service import CATEGORY_LABELS, notes_for

MODULE = "notes"


@participant_section
def notes_section(participant, institution_id):
    return Panel(module=MODULE, title=_l("Case notes"), template="notes/_section.html",
                 order=85, context={
                     "participant": participant,
                     "notes": notes_for(participant.id, institution_id),
                     "categories": CATEGORY_LABELS,
                     "form": NoteForm(formdata=None),
                 })
