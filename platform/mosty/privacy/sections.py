"""The data-protection section of the participant page: the restriction, and links to the
privacy page, the access export and the history of corrections."""

from ..i18n import lazy_gettext as _l
from ..participants.sections import participant_section
from ..plugins.contributions import Panel

MODULE = "privacy"


@participant_section
def privacy_section(participant, institution_id):
    return Panel(module=MODULE, title=_l("Data protection"), template="privacy/_section.html",
                 order=90, context={"participant": participant})
