"""Exchange pages: a partnership admin manages API tokens and webhooks of every institution;
a coordinator sees those of their own institution and its delivery log."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..consents.access import require_case_access
from ..extensions import db
from ..i18n import gettext
from ..i18n import lazy_gettext as _l
from ..ids import MAX_ID
from ..jobs import JobRefused, start_job
from ..pagination import paginate
from . import exports as export_jobs
from . import service, tokens
from .delivery import enqueue_resend, resend_key
from .forms import EVENT_KIND_LABELS, ExportForm, TokenForm, WebhookEditForm, WebhookForm
from .models import ApiToken, WebhookEndpoint

# Reasons Mosty itself writes into the delivery log (network errors are shown as they came).
ATTEMPT_ERRORS = {
    "the endpoint is switched off": _l("the webhook is switched off"),
    "held: processing of the person's data is restricted":
        _l("not sent: processing of the person's data is restricted"),
    "the address is not public (loopback, private or reserved network)":
        _l("not sent: the address is not public (loopback, private or reserved network)"),
}


def attempt_error(text):
    return ATTEMPT_ERRORS.get(text, text)


class Access:
    def __init__(self, institution_ids, can_manage):
        self.institution_ids = institution_ids  # None: every institution of the partnership
        self.can_manage = can_manage

    def covers(self, institution_id):
        return self.institution_ids is None or institution_id in self.institution_ids


def exchange_access():
    membership = g.get("membership")
    if membership is not None and membership.has_role("partnership_admin"):
        return Access(None, True)
    if membership is not None and membership.has_role("coordinator"):
        return Access([membership.institution_id], False)
    abort(404)


def _manager():
    access = exchange_access()
    if not access.can_manage:
        abort(403)
    return access


def _managed(model, object_id):
    """A row the member may change: someone else's is not found (404) before a coordinator,
    who sees their own institution's, is refused a change (403)."""
    access = exchange_access()
    row = _own(model, object_id, access)
    if not access.can_manage:
        abort(403)
    return row


def _own(model, object_id, access):
    # Numbers beyond a database integer are nobody's row (PostgreSQL would refuse the query).
    row = db.session.get(model, object_id) if object_id <= MAX_ID else None
    if row is None or not access.covers(row.institution_id):
        abort(404)
    return row


@login_required
def index():
    access = exchange_access()
    return render_template(
        "exchange/index.html", access=access,
        tokens=tokens.institution_tokens(access.institution_ids),
        webhooks=service.webhooks(access.institution_ids),
        pending=service.pending_events(access.institution_ids),
        kind_labels=EVENT_KIND_LABELS,
    )


@login_required
def new_token():
    access = _manager()
    form = TokenForm(institutions=service.institutions())
    if form.validate_on_submit():
        token, plaintext = tokens.create_token(
            institution_id=form.institution.data, name=form.name.data.strip(),
            actor_id=current_user.id, partnership_id=g.partnership.id)
        db.session.commit()
        # Shown once, on this answer only: only its hash is kept.
        return render_template("exchange/token_created.html", token=token, plaintext=plaintext)
    return render_template("exchange/token_form.html", form=form, access=access), \
        (422 if request.method == "POST" else 200)


@login_required
def revoke_token(token_id):
    access = _manager()
    token = _own(ApiToken, token_id, access)
    tokens.revoke_token(token, actor_id=current_user.id)
    db.session.commit()
    flash(gettext("The token has been revoked: it no longer opens the API."), "success")
    return redirect(url_for("exchange.index"))


@login_required
def new_webhook():
    _manager()
    form = WebhookForm(institutions=service.institutions())
    if form.validate_on_submit():
        endpoint = service.create_webhook(
            institution_id=form.institution.data, name=form.name.data, url=form.url.data,
            event_kinds=form.event_kinds.data, active=form.active.data,
            actor_id=current_user.id)
        db.session.commit()
        return render_template("exchange/webhook_created.html", endpoint=endpoint)
    return render_template("exchange/webhook_form.html", form=form), \
        (422 if request.method == "POST" else 200)


@login_required
def webhook(webhook_id):
    access = exchange_access()
    endpoint = _own(WebhookEndpoint, webhook_id, access)
    page = paginate(service.deliveries_query(endpoint.id))
    attempts = service.attempts_of([d.id for d in page.items])
    return render_template("exchange/webhook.html", endpoint=endpoint, page=page,
                           attempts=attempts, access=access, kind_labels=EVENT_KIND_LABELS,
                           attempt_error=attempt_error,
                           list_url=lambda **a: url_for("exchange.webhook",
                                                        webhook_id=endpoint.id, **a))


@login_required
def webhook_active(webhook_id):
    access = _manager()
    endpoint = _own(WebhookEndpoint, webhook_id, access)
    service.set_webhook_active(endpoint, request.form.get("active") == "1",
                               actor_id=current_user.id)
    db.session.commit()
    flash(gettext("The webhook is now active.") if endpoint.active
          else gettext("The webhook has been switched off."), "success")
    return redirect(url_for("exchange.webhook", webhook_id=endpoint.id))


@login_required
def edit_webhook(webhook_id):
    endpoint = _managed(WebhookEndpoint, webhook_id)
    form = WebhookEditForm(obj=endpoint)
    if form.validate_on_submit():
        changed = service.update_webhook(endpoint, name=form.name.data, url=form.url.data,
                                         event_kinds=form.event_kinds.data,
                                         actor_id=current_user.id)
        db.session.commit()
        flash(gettext("The webhook has been saved.") if changed
              else gettext("Nothing has changed."), "success")
        return redirect(url_for("exchange.webhook", webhook_id=endpoint.id))
    return render_template("exchange/webhook_edit.html", form=form, endpoint=endpoint), \
        (422 if request.method == "POST" else 200)


@login_required
def rotate_secret(webhook_id):
    endpoint = _managed(WebhookEndpoint, webhook_id)
    service.rotate_secret(endpoint, actor_id=current_user.id)
    db.session.commit()
    # Shown once, on this answer only (like the secret of a new webhook).
    return render_template("exchange/webhook_created.html", endpoint=endpoint, rotated=True)


@login_required
def resend(webhook_id, delivery_id):
    """Send again a delivery that has given up: the partnership admin or the coordinator of
    the endpoint's institution."""
    access = exchange_access()
    endpoint = _own(WebhookEndpoint, webhook_id, access)
    delivery = service.delivery_of(endpoint, delivery_id)
    if delivery is None:
        abort(404)
    back = redirect(url_for("exchange.webhook", webhook_id=endpoint.id))
    try:
        resent = service.resend_delivery(delivery, actor_id=current_user.id)
    except service.ResendRefused as refused:
        flash(str(refused), "error")
        return back
    if not resent:
        flash(gettext("This delivery has not given up, so it is not sent again."), "info")
        return back
    key = resend_key(delivery)
    db.session.commit()
    if enqueue_resend(g.partnership.id, current_user.id, delivery.id, key):
        flash(gettext("The delivery is being sent again with the same delivery id."),
              "success")
    else:
        flash(gettext("The delivery could not be queued. Try again in a moment."), "error")
    return back


@login_required
def exports():
    """Exports of the member's institution's own records, run as a job."""
    require_case_access()
    form = ExportForm(datasets=list(export_jobs.DATASETS.items()))
    refusal = None
    if form.validate_on_submit():
        title = gettext("Export: %(what)s", what=export_jobs.DATASETS[form.dataset.data])
        try:
            job = start_job(export_jobs.JOB_KIND, title,
                            {"dataset": form.dataset.data, "format": form.format.data},
                            return_url=url_for("exchange.exports"))
        except JobRefused as refused:
            refusal = str(refused)
        else:
            return redirect(url_for("jobs.detail", job_id=job.id))
    return render_template("exchange/exports.html", form=form, refusal=refusal), \
        (422 if request.method == "POST" else 200)
