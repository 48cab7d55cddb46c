"""The effectiveness page: tables by instrument, sex, age band and county, and a bar chart."""

from datetime import date

from flask import render_template, request

from mosty import toolkit
from mosty.toolkit import gettext

from ..blueprint import bp
from . import service


def _period():
    """The period from ``?from=&to=`` (ISO dates); bad or missing values fall back to the last
    twelve months, with a message instead of an error."""
    today = toolkit.today()
    default = (toolkit.add_months(today, -12), today)
    raw_from, raw_to = request.args.get("from", ""), request.args.get("to", "")
    if not raw_from and not raw_to:
        return default, None
    try:
        start = date.fromisoformat(raw_from) if raw_from else default[0]
        end = date.fromisoformat(raw_to) if raw_to else default[1]
    except ValueError:
        return default, gettext("Enter the dates as YYYY-MM-DD; showing the last twelve months.")
    if start > end:
        return default, gettext("The start of the period is after its end; showing the last "
                                "twelve months.")
    return (start, end), None


@bp.route("/effectiveness/")
def effectiveness():
    (start, end), problem = _period()
    found = service.report(start, end)
    return render_template(
        "labour/effectiveness/index.html", start=start, end=end, problem=problem,
        found=found, dimensions=service.DIMENSIONS,
        chart=service.chart(found["instrument"][0]), windows=service.WINDOWS,
    ), (422 if problem else 200)
