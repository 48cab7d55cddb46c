"""The partnership chooser and dashboard."""

from flask import g, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..auth.service import partnerships_of
from . import service


@login_required
def chooser():
    partnerships = partnerships_of(current_user)
    if len(partnerships) == 1 and not current_user.is_platform_admin:
        return redirect(url_for("partnerships.dashboard", partnership=partnerships[0].slug))
    return render_template("partnerships/chooser.html", partnerships=partnerships)


@login_required
def dashboard():
    return render_template(
        "partnerships/dashboard.html",
        partnership=g.partnership,
        institutions=service.institutions(),
        territory=service.territory(),
        agreements=service.agreements(),
    )
