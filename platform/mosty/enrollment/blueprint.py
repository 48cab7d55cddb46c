"""URL rules of the enrollment pages (mounted under /<partnership>/enrollment/)."""

from flask import Blueprint

bp = Blueprint("enrollment", __name__, template_folder="templates")
