"""Family pages: the list, registration, and the family page with every member at a glance."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import login_required

from .. import audit
from ..consents.access import require_case_access
from ..db import commit_keeping_loaded
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..pagination import paginate_audited, sort_order
from ..participants import service as participants
from ..participants.sections import FAMILY_SECTIONS, FAMILY_TIMELINE, sections_for, timeline_for
from ..participants.views import LABELS, rendered_panels, search_text
from ..plugins.access import collect
from ..privacy.restriction import ProcessingRestricted
from ..sealed_search import read_search
from . import service
from .forms import AddMemberForm, FamilyForm


@login_required
def index():
    institution_id = require_case_access()
    search = read_search(search_text)
    if search.redirect is not None:
        return search.redirect
    q, error = search.text, search.error
    order, sort = sort_order(service.SORT_COLUMNS, "name")
    page = None
    if error is None:
        page = paginate_audited(service.search(institution_id, q, order), "Family",
                                search=bool(q))
    return render_template("families/index.html", page=page, q=q, sort=sort, error=error,
                           search_args=search.link_args,
                           labels=LABELS), (200 if error is None else 400)


@login_required
def new():
    institution_id = require_case_access()
    form = FamilyForm()
    if form.validate_on_submit():
        try:
            family = service.register(institution_id, form.values())
        except service.DuplicateFamily as resent:
            # The first submit registered it: its page, where that one would have led.
            family_id = resent.existing.id
            db.session.rollback()
            flash(str(resent), "info")
            return redirect(url_for("families.detail", family_id=family_id))
        db.session.commit()
        flash(_("The family is registered. Now add its members."), "success")
        return redirect(url_for("families.detail", family_id=family.id))
    return render_template("families/new.html", form=form,
                           labels=LABELS), (422 if form.is_submitted() else 200)


@login_required
def detail(family_id):
    institution_id = require_case_access()
    family = service.get_visible(family_id, institution_id)
    return _family_page(family, institution_id, AddMemberForm(formdata=None))


def _family_page(family, institution_id, member_form, status=200):
    membership = g.membership
    can_edit = family.institution_id == institution_id
    q, search_error = search_text(request.args.get("member_q"))
    candidates = service.candidates(family, institution_id, q) if can_edit and q else []
    rows = service.member_rows(family, institution_id)
    panels = rendered_panels(
        sections_for(FAMILY_SECTIONS, family, institution_id),
        collect("mosty_family_panels", family=family, membership=membership),
    )
    timeline = participants.merge_timeline(
        timeline_for(FAMILY_TIMELINE, family, institution_id),
        collect("mosty_timeline_entries", subject=family, membership=membership),
        participants.record_events(family, _l("Family registered")),
    )
    detail = {"member_ids": [row.participant.id for row in rows if row.participant]}
    if candidates:
        detail["candidate_ids"] = [p.id for p in candidates]
    audit.record("read", family, detail=detail)
    commit_keeping_loaded(db.session)  # no reload per member
    return render_template(
        "families/detail.html", family=family, rows=rows,
        summary=service.unemployment_summary(rows), panels=panels, timeline=timeline,
        can_edit=can_edit, member_form=member_form, member_q=q, search_error=search_error,
        candidates=candidates, labels=LABELS,
        has_head=any(row.relation == "head" for row in rows),
    ), status


@login_required
def add_member(family_id):
    institution_id = require_case_access()
    family = service.get_editable(family_id, institution_id)
    form = AddMemberForm()
    if form.validate_on_submit():
        participant = service.joinable_participant(family, form.participant_id.data,
                                                   institution_id)
        if participant is None:
            form.participant_id.errors.append(_(
                "This person cannot be added: choose someone from the search results who is "
                "not a member yet."))
        else:
            try:
                service.add_member(family, participant, form.relation.data)
            except service.MembershipRefused as refused:
                db.session.rollback()
                form.relation.errors.append(str(refused))
            except ProcessingRestricted as refused:
                db.session.rollback()
                form.participant_id.errors.append(str(refused))
            else:
                db.session.commit()
                flash(_("The member is added."), "success")
                return redirect(url_for("families.detail", family_id=family.id))
    return _family_page(family, institution_id, form, status=422)


@login_required
def remove_member(family_id, member_id):
    institution_id = require_case_access()
    family = service.get_editable(family_id, institution_id)
    if not service.remove_member(family, member_id):
        flash(_("This person is no longer a member of the family: nothing was changed."),
              "info")
        return redirect(url_for("families.detail", family_id=family.id))
    db.session.commit()
    flash(_("The member is removed from the family."), "success")
    return redirect(url_for("families.detail", family_id=family.id))
