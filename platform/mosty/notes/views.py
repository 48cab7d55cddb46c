"""Adding a case note to a participant (the notes are read on the participant page)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import audit
from ..consents.access import require_case_access
from ..extensions import db
from ..i18n import gettext as _
from ..participants import service as participants
from ..privacy.restriction import ProcessingRestricted
from .forms import NoteForm
from .service import DuplicateNote, add_note


@login_required
def new(participant_id):
    institution_id = require_case_access()
    participant = participants.get_visible(participant_id, institution_id)
    form = NoteForm()
    refusal = None
    if form.validate_on_submit():
        try:
            add_note(participant, institution_id=institution_id, author_id=current_user.id,
                     category=form.category.data, text=form.text.data,
                     sensitive=form.sensitive.data)
        except ProcessingRestricted as restricted:
            db.session.rollback()
            refusal = str(restricted)
        except DuplicateNote as resent:
            # The first submit saved it: the member lands where that one would have taken them.
            db.session.rollback()
            flash(str(resent), "info")
            return redirect(url_for("participants.detail", participant_id=participant.id,
                                    _anchor="notes"))
        else:
            db.session.commit()
            flash(_("The note is saved."), "success")
            return redirect(url_for("participants.detail", participant_id=participant.id,
                                    _anchor="notes"))
    html = render_template("notes/new.html", form=form, participant=participant,
                           refusal=refusal)
    audit.record("read", participant, detail={"fields": ["first_name", "last_name"],
                                              "form": "case_note"})
    db.session.commit()
    return html, (422 if form.is_submitted() else 200)
