"""URL rules of the outcomes pages (mounted under /<partnership>/outcomes/)."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__, template_folder="templates")
