"""Job offer pages: the list, an offer with its suggestions and candidates, the employer's
answer, and a person's skills. Every member with the module reads offers; only labour clerks
write, and only they see suggestions and candidates (personal data)."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from mosty import toolkit
from mosty.toolkit import gettext

from ..blueprint import KEY, bp
from . import service, transitions
from .forms import ConfirmForm, HireForm, NotHiredForm, OfferForm, ReferCandidateForm, SkillsForm
from .transitions import OfferRefused

CLERK = "labour_clerk"
PER_PAGE = 25


def clerk_institution_id():
    """The clerk's labour office, or None for members who only read offers."""
    membership = g.get("membership")
    if membership is None or not membership.has_role(CLERK):
        return None
    return membership.institution_id


def case_institution_id():
    """The member's institution when they work on cases (caseworkers and clerks)."""
    membership = g.get("membership")
    if membership is None or not membership.has_role("caseworker", CLERK):
        return None
    return membership.institution_id


def require_clerk():
    """Writes are for labour clerks: other members (even with write access) get 403."""
    institution_id = clerk_institution_id()
    if institution_id is None or not toolkit.can_use(KEY, "write"):
        abort(403)
    return institution_id


def owner_institution_id(offer):
    """Changing an offer is for the clerks of the labour office that took it (as instruments
    are their office's): the clerk's office when it took the offer, None for a clerk of
    another office (who knows the offer: it is listed, so ``not_owner`` answers 403); other
    members get 403 from ``require_clerk``."""
    institution_id = require_clerk()
    return institution_id if offer.institution_id == institution_id else None


def not_owner(offer):
    """403 on the offer's page, saying who changes it."""
    return _offer_page(offer, status=403, refusal=gettext(
        "Only the labour office that took the offer can change it."))


@bp.route("/offers/")
def offers():
    status = request.args.get("status", "open")
    status = status if status in service.OFFER_STATUS_LABELS or status == "all" else "open"
    page = toolkit.paginate(service.offers_query(None if status == "all" else status),
                            per_page=PER_PAGE)
    hires = service.hires_by_offer([o.id for o in page.items])
    return render_template("labour/offers/index.html", page=page, status=status, hires=hires,
                           statuses=service.OFFER_STATUS_LABELS, tabs=service.OFFER_TAB_LABELS,
                           units=service.communes(),
                           place_of=service.place_of, clerk=clerk_institution_id() is not None)


@bp.route("/offers/new", methods=["GET", "POST"])
@toolkit.requires_write
def new_offer():
    institution_id = require_clerk()
    form = OfferForm(employers=service.employers(), territory=service.communes())
    refusal = None
    if form.validate_on_submit():
        try:
            offer = transitions.create_offer(institution_id=institution_id,
                                             actor_id=current_user.id, values=form.values())
        except OfferRefused as refused:
            toolkit.db.session.rollback()
            refusal = str(refused)
        else:
            toolkit.db.session.commit()
            flash(gettext("The job offer is saved."), "success")
            return redirect(url_for(".offer", offer_id=offer.id))
    status = 422 if form.is_submitted() else 200
    return render_template("labour/offers/form.html", form=form, offer=None,
                           refusal=refusal), status


@bp.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@toolkit.requires_write
def edit_offer(offer_id):
    offer = service.offer_or_404(offer_id)  # another partnership's offer: 404 before 403
    institution_id = owner_institution_id(offer)
    if institution_id is None:
        return not_owner(offer)
    form = OfferForm.for_offer(offer, service.employers(), service.communes())
    refusal = None
    if form.validate_on_submit():
        try:
            transitions.update_offer(offer, institution_id=institution_id,
                                     actor_id=current_user.id, values=form.values())
        except OfferRefused as refused:
            toolkit.db.session.rollback()
            refusal = str(refused)
        else:
            toolkit.db.session.commit()
            flash(gettext("The job offer is saved."), "success")
            return redirect(url_for(".offer", offer_id=offer.id))
    status = 422 if form.is_submitted() else 200
    return render_template("labour/offers/form.html", form=form, offer=offer,
                           refusal=refusal), status


@bp.route("/offers/<int:offer_id>")
def offer(offer_id):
    return _offer_page(service.offer_or_404(offer_id))


def _offer_page(offer, status=200, refusal=None, **forms):
    institution_id = clerk_institution_id()
    suggestions, candidates = [], []
    if institution_id is not None:
        candidates = service.candidates_of_offer(offer.id, institution_id)
        if offer.status == "open":
            suggestions = service.suggestions(offer, institution_id)
    for candidate in candidates:
        if candidate.status == "referred":
            forms.setdefault(f"hire_{candidate.id}", HireForm(formdata=None, prefix=f"h{candidate.id}"))
            forms.setdefault(f"reject_{candidate.id}",
                             NotHiredForm(formdata=None, prefix=f"n{candidate.id}"))
    clerk = institution_id is not None and toolkit.can_use(KEY, "write")
    html = render_template(
        "labour/offers/detail.html", offer=offer, place=service.place_of(offer),
        suggestions=suggestions, candidates=candidates, forms=forms, refusal=refusal,
        clerk=clerk, owner=clerk and offer.institution_id == institution_id,
        hires=service.hires_of(offer.id), confirm=ConfirmForm(formdata=None),
        refer_form=ReferCandidateForm(formdata=None),
        candidate_labels=service.CANDIDATE_STATUS_LABELS, explain=service.explain,
        statuses=service.OFFER_STATUS_LABELS, contract_labels=toolkit.CONTRACT_LABELS,
    )
    shown = [s.participant.id for s in suggestions] + [c.participant_id for c in candidates]
    if shown:
        toolkit.record_audit("read", object_type="Participant",
                             detail={"ids": shown, "labour_offer_id": offer.id})
    toolkit.db.session.commit()
    return html, status


def _after_change(offer, done_message, change):
    try:
        change()
        toolkit.db.session.commit()
    except OfferRefused as refused:
        toolkit.db.session.rollback()
        return _offer_page(service.offer_or_404(offer.id), status=422, refusal=str(refused))
    except IntegrityError:
        # Another clerk put the same person forward for the offer at the same moment.
        toolkit.db.session.rollback()
        return _offer_page(service.offer_or_404(offer.id), status=409, refusal=gettext(
            "Someone else changed this offer at the same moment. Check it and try again."))
    flash(done_message, "success")
    return redirect(url_for(".offer", offer_id=offer.id))


@bp.route("/offers/<int:offer_id>/close", methods=["POST"])
def close_offer(offer_id):
    offer = service.offer_or_404(offer_id)  # another partnership's offer: 404 before 403
    institution_id = owner_institution_id(offer)
    if institution_id is None:
        return not_owner(offer)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _after_change(offer, gettext("The offer is closed."), lambda: transitions.close_offer(
        offer, actor_id=current_user.id, institution_id=institution_id))


@bp.route("/offers/<int:offer_id>/reopen", methods=["POST"])
def reopen_offer(offer_id):
    offer = service.offer_or_404(offer_id)  # another partnership's offer: 404 before 403
    institution_id = owner_institution_id(offer)
    if institution_id is None:
        return not_owner(offer)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _after_change(offer, gettext("The offer is open again."),
                         lambda: transitions.reopen_offer(offer, actor_id=current_user.id,
                                                          institution_id=institution_id))


@bp.route("/offers/<int:offer_id>/candidates", methods=["POST"])
def refer_candidate(offer_id):
    offer = service.offer_or_404(offer_id)  # another partnership's offer: 404 before 403
    institution_id = require_clerk()
    form = ReferCandidateForm()
    if not form.validate_on_submit():
        return _offer_page(offer, status=422,
                           refusal=gettext("Choose a person from the suggestions."))
    return _after_change(
        offer, gettext("The person is put forward to the employer."),
        lambda: transitions.refer_candidate(offer, form.participant_id,
                                            institution_id=institution_id,
                                            actor_id=current_user.id))


@bp.route("/offers/candidates/<int:candidate_id>/hired", methods=["POST"])
def hire_candidate(candidate_id):
    candidate = service.candidate_or_404(candidate_id, g.membership.institution_id)
    institution_id = require_clerk()
    form = HireForm(prefix=f"h{candidate.id}")
    if not form.validate_on_submit():
        return _offer_page(candidate.offer, status=422, **{f"hire_{candidate.id}": form})
    return _after_change(
        candidate.offer, gettext("The hire is recorded."),
        lambda: transitions.hire_candidate(candidate, start_date=form.start_date.data,
                                           institution_id=institution_id,
                                           actor_id=current_user.id))


@bp.route("/offers/candidates/<int:candidate_id>/not-hired", methods=["POST"])
def reject_candidate(candidate_id):
    candidate = service.candidate_or_404(candidate_id, g.membership.institution_id)
    institution_id = require_clerk()
    form = NotHiredForm(prefix=f"n{candidate.id}")
    if not form.validate_on_submit():
        return _offer_page(candidate.offer, status=422, **{f"reject_{candidate.id}": form})
    return _after_change(
        candidate.offer, gettext("The employer's answer is recorded."),
        lambda: transitions.reject_candidate(candidate, reason=form.reason.data,
                                             institution_id=institution_id,
                                             actor_id=current_user.id))


# --- skills -----------------------------------------------------------------------------------

@bp.route("/skills", methods=["GET", "POST"])
def skills():
    """A person's skills (``?participant=<id>``): read by case staff of institutions that see
    the person, added and removed by labour clerks."""
    institution_id = case_institution_id()
    if institution_id is None:
        abort(404)
    participant = service.visible_participant_or_404(
        request.args.get("participant", type=toolkit.row_id), institution_id)
    form = SkillsForm()
    refusal = None
    status = 200
    if request.method == "POST":
        require_clerk()
        try:
            if "remove" in request.form:  # a skill's "remove" button, not the add form
                message = _remove_skill(participant, institution_id)
            elif form.validate_on_submit():
                message = _add_skills(participant, service.parse_skills(form.skills.data),
                                      institution_id)
            else:
                message = None
        except OfferRefused as refused:
            toolkit.db.session.rollback()
            refusal = str(refused)
            message = None
        if message:
            toolkit.db.session.commit()
            flash(*message)
            return redirect(url_for(".skills", participant=participant.id))
        status = 422
    held = service.skills_of(participant.id)
    html = render_template("labour/offers/skills.html", participant=participant, skills=held,
                           form=form, confirm=ConfirmForm(formdata=None), refusal=refusal,
                           can_write=clerk_institution_id() is not None
                           and toolkit.can_use(KEY, "write"),
                           participant_url=url_for("participants.detail",
                                                   participant_id=participant.id))
    toolkit.record_audit("read", participant, detail={"fields": ["labour_skills"]})
    toolkit.db.session.commit()
    return html, status



def _remove_skill(participant, institution_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    # An id no skill can have ("abc", "-1", beyond the database) is not on the list either.
    skill_id = request.form.get("remove", type=toolkit.row_id)
    if skill_id is None:
        raise OfferRefused(gettext("This skill is not on the person's list."))
    transitions.remove_skill(participant, skill_id, institution_id=institution_id,
                             actor_id=current_user.id)
    return gettext("The skill is removed."), "success"


def _add_skills(participant, names, institution_id):
    """The flash saying what happened: which skills were added, which were on the list."""
    added = transitions.add_skills(participant, names, institution_id=institution_id,
                                   actor_id=current_user.id)
    held = [name for name in names if name not in added]
    if not added:
        return gettext("Nothing is added: the person already has %(skills)s.",
                       skills=", ".join(held)), "info"
    if held:
        return gettext("Added: %(added)s. Already on the list: %(held)s.",
                       added=", ".join(added), held=", ".join(held)), "success"
    return gettext("The skills are saved."), "success"
