"""The module's one blueprint, named after its key."""

from flask import Blueprint

KEY = "animator"

bp = Blueprint(KEY, __name__, template_folder="templates")
