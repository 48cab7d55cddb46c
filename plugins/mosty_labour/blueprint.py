"""The module's one blueprint, named after its key; every part adds its routes to it."""

from flask import Blueprint

KEY = "labour"

bp = Blueprint(KEY, __name__, template_folder="templates")
