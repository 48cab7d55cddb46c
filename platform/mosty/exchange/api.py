"""The JSON API for partner systems: referrals addressed to the token's institution.

``Authorization: Bearer mosty_<partnership>_<secret>``. The token decides the partnership and
the institution; the API then sees exactly what that institution's caseworkers see in the
referral inbox, and answers through the same transitions. Every error is JSON with a message in
the partnership's language (Polish by default) and a fitting status code; a referral the
institution does not receive is 404, whoever it belongs to.
"""

import functools

from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from .. import audit
from ..db import utcnow
from ..extensions import csrf, db
from ..forms import has_control_characters
from ..i18n import gettext
from ..ids import MAX_ID
from ..partnerships.models import Partnership
from ..referrals import service as referral_service
from ..referrals.models import STATUSES, Referral
from ..referrals.privacy import STATUS_LABELS
from ..referrals.transitions import (
    ReferralRefused,
    accept_referral,
    complete_referral,
    decline_referral,
)
from ..tenancy.context import clear_request_partnership
from . import tokens
from .delivery import is_restricted
from .moments import iso_moment

bp = Blueprint("exchange_api", __name__, url_prefix="/api/v1")
# Only a bearer token authenticates here, never the session cookie, so a forged cross-site
# request carries no credentials: CSRF tokens are not needed for this blueprint alone.
csrf.exempt(bp)

MAX_PER_PAGE = 100

ACTIONS = ("accept", "decline", "complete")
TEXT_LIMIT = 5000


class ApiError(Exception):
    def __init__(self, status, message, **extra):
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


@bp.errorhandler(ApiError)
def api_error(error):
    db.session.rollback()
    return jsonify({"error": str(error.message), "status": error.status, **error.extra}), \
        error.status


@bp.errorhandler(HTTPException)
def http_error(error):
    messages = {
        400: gettext("The request could not be understood."),
        401: gettext("A valid API token is required."),
        404: gettext("Not found."),
        405: gettext("This address does not accept this method."),
        409: gettext("The request conflicts with the record's current state."),
        413: gettext("The request is too large."),
    }
    return jsonify({"error": messages.get(error.code, error.name), "status": error.code}), \
        error.code


@bp.errorhandler(Exception)
def unexpected(error):
    # The API promises JSON even when something breaks; nothing half-done is kept.
    if current_app.testing and not current_app.config.get("MOSTY_API_CATCH_ERRORS"):
        raise error
    db.session.rollback()
    current_app.logger.exception("API error on %s %s", request.method, request.path)
    return jsonify({"error": gettext("An unexpected error occurred. Nothing was saved."),
                    "status": 500}), 500


# An answer is a few short fields (texts of at most TEXT_LIMIT characters): a larger body is
# refused with 413 before it is read into memory.
MAX_BODY_BYTES = 64 * 1024


@bp.before_request
def limit_body():
    request.max_content_length = MAX_BODY_BYTES


@bp.teardown_request
def leave(exc):
    clear_request_partnership()


def token_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, plaintext = header.partition(" ")
        token = None
        if scheme.lower() == "bearer" and plaintext.strip():
            token = tokens.authenticate(plaintext.strip())
        if token is None:
            raise ApiError(401, gettext("A valid API token is required."))
        g.partnership = db.session.get(Partnership, token.partnership_id)
        g.api_token = token
        g.api_token_user_id = token.user_id
        token.last_used_at = utcnow()
        return view(token, *args, **kwargs)

    return wrapped


def _summary(referral):
    return {
        "id": referral.id,
        "status": referral.status,
        "from_institution": {"id": referral.from_institution_id,
                             "name": referral.from_institution.name},
        "to_institution_id": referral.to_institution_id,
        "service": ({"id": referral.service.id, "name": referral.service.name}
                    if referral.service else None),
        "sent_at": iso_moment(referral.sent_at),
        "due_on": iso_moment(referral.due_on),
        "answered_at": iso_moment(referral.answered_at),
        "completed_at": iso_moment(referral.completed_at),
        "overdue": referral.is_overdue(),
    }


def _detail(referral):
    """What the receiving institution's referral page shows: the name, the reason and the
    fields the sender chose to share. A person whose processing is restricted is not shared
    with outside systems: only the numbers and statuses remain. Nor, once the consent it was
    sent on is withdrawn, is the data of a referral still waiting for an answer: the name and
    the reason stay, as on the page."""
    participant = referral.participant
    body = {**_summary(referral), "processing_restricted": is_restricted(participant),
            "consent_withdrawn": referral_service.consent_withdrawn(referral),
            "participant": {"id": participant.id}, "reason": None, "shared": [],
            "shared_fields": [], "decline_reason": None, "result": None}
    if body["processing_restricted"]:
        return body
    body.update({
        "participant": {"id": participant.id, "first_name": participant.first_name,
                        "last_name": participant.last_name},
        "reason": referral.reason,
        "decline_reason": referral.decline_reason or None,
        "result": referral.result or None,
    })
    if not body["consent_withdrawn"]:
        body.update({
            "shared": [{"label": str(label), "lines": [str(line) for line in lines]}
                       for label, lines in referral_service.shared_data(referral)],
            "shared_fields": list(referral.shared_fields or []),
        })
    return body


def _int_arg(name, default, low, high):
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    # isascii: "²" is a digit to str.isdigit, but not to int().
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise ApiError(400, gettext("The parameter %(name)s must be a whole number from "
                                    "%(low)d to %(high)d.", name=name, low=low, high=high),
                       field=name)
    return int(raw)


def _received(token, referral_id):
    """A referral addressed to the token's institution, or 404 (whoever else it belongs to)."""
    if referral_id > MAX_ID:
        referral = None
    else:
        referral = db.session.scalar(referral_service._with_parties(select(Referral).where(
            Referral.id == referral_id, Referral.to_institution_id == token.institution_id)))
    if referral is None:
        raise ApiError(404, gettext("There is no referral with this number addressed to your "
                                    "institution."))
    return referral


@bp.get("/referrals")
@token_required
def referrals(token):
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise ApiError(400, gettext("Unknown status. Use one of: %(statuses)s.",
                                    statuses=", ".join(STATUSES)), field="status")
    page = _int_arg("page", 1, 1, 100_000)
    per_page = _int_arg("per_page", 25, 1, MAX_PER_PAGE)
    query = referral_service.box_query(token.institution_id, "inbox", status=status)
    total = db.session.scalar(select(func.count()).select_from(
        query.with_only_columns(Referral.id).order_by(None).subquery()))
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique().all()
    audit.record("read", object_type="Referral", actor_id=token.user_id,
                 institution_id=token.institution_id,
                 detail={"ids": [r.id for r in items], "box": "inbox", "api_token": token.id})
    db.session.commit()
    return jsonify({"items": [_summary(r) for r in items], "page": page, "per_page": per_page,
                    "total": total, "pages": (total + per_page - 1) // per_page})


@bp.get("/referrals/<int:referral_id>")
@token_required
def referral(token, referral_id):
    found = _received(token, referral_id)
    body = _detail(found)
    audit.record("read", found, actor_id=token.user_id, institution_id=token.institution_id,
                 detail={"participant_id": found.participant_id,
                         "fields": body["shared_fields"], "api_token": token.id})
    db.session.commit()
    return jsonify(body)


def _json_object():
    if not request.is_json:
        raise ApiError(400, gettext("Send a JSON object with the header "
                                    "Content-Type: application/json."))
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        # Nesting deeper than the decoder's recursion limit (a few KB of "[[[["): not a
        # ValueError, so silent=True lets it through.
        data = None
    if not isinstance(data, dict):
        raise ApiError(400, gettext("The request body is not a valid JSON object."))
    return data


def _text(data, name, required):
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ApiError(422, gettext("The field %(name)s must be text.", name=name), field=name)
    if has_control_characters(value):  # a NUL PostgreSQL refuses, a lone surrogate
        raise ApiError(422, gettext("The field %(name)s contains characters that are not "
                                    "allowed.", name=name), field=name)
    value = value.strip()
    if required and not value:
        raise ApiError(422, gettext("The field %(name)s is required.", name=name), field=name)
    if len(value) > TEXT_LIMIT:
        raise ApiError(422, gettext("The field %(name)s is too long (at most %(limit)d "
                                    "characters).", name=name, limit=TEXT_LIMIT), field=name)
    return value


@bp.post("/referrals/<int:referral_id>/answer")
@token_required
def answer(token, referral_id):
    data = _json_object()
    found = _received(token, referral_id)
    action = data.get("action")
    if action not in ACTIONS:
        raise ApiError(422, gettext("The field action must be one of: %(actions)s.",
                                    actions=", ".join(ACTIONS)), field="action")
    needed = "accepted" if action == "complete" else "sent"
    if found.status != needed:
        raise ApiError(409, gettext("The referral's status is “%(status)s”; it cannot be "
                                    "answered with %(action)s now.",
                                    status=STATUS_LABELS.get(found.status, found.status),
                                    action=action),
                       referral_status=found.status)
    common = {"institution_id": token.institution_id, "actor_id": token.user_id}
    try:
        if action == "accept":
            service_id = data.get("service_id")
            if service_id is not None and (not isinstance(service_id, int)
                                           or isinstance(service_id, bool)
                                           or not 0 < service_id <= MAX_ID):
                raise ApiError(422, gettext("The field service_id must be a number."),
                               field="service_id")
            accept_referral(found, service_id=service_id, **common)
        elif action == "decline":
            decline_referral(found, reason=_text(data, "reason", required=True), **common)
        else:
            complete_referral(found, result=_text(data, "result", required=False), **common)
    except ReferralRefused as refused:
        raise ApiError(422, str(refused)) from None
    db.session.commit()
    return jsonify(_summary(found))
