"""URL rules of the audit pages (mounted under /<partnership>/audit/)."""

from flask import Blueprint

bp = Blueprint("audit", __name__, template_folder="templates")
