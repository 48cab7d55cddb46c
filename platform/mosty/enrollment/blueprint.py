"""URL rules of the enrollment pages (mounted under /<partnership>/enrollment/)."""

from flask import Blueprint

from . import eligibility, sections, views  # noqa: F401 - sections registers the page parts

bp = Blueprint("enrollment", __name__, template_folder="templates")
# A stored verdict read out in the viewer's language (enrollment/_macros.html).
bp.add_app_template_global(eligibility.reason_text, "eligibility_reason_text")
bp.add_app_template_global(eligibility.evaluated_on, "eligibility_evaluated_on")

bp.add_url_rule("/new", "new", views.new, methods=("GET", "POST"))
bp.add_url_rule("/<int:enrollment_id>/", "detail", views.detail)
# Each next step of the programme path is a POST of its own (TransitionRefused: a message).
bp.add_url_rule("/<int:enrollment_id>/assess", "assess", views.step, methods=("POST",),
                defaults={"step": "assess"})
bp.add_url_rule("/<int:enrollment_id>/start", "start", views.step, methods=("POST",),
                defaults={"step": "start"})
bp.add_url_rule("/<int:enrollment_id>/complete", "complete", views.step, methods=("POST",),
                defaults={"step": "complete"})
bp.add_url_rule("/<int:enrollment_id>/exit", "exit", views.step, methods=("POST",),
                defaults={"step": "exit"})
bp.add_url_rule("/<int:enrollment_id>/retention", "retention", views.retention,
                methods=("POST",))
