"""An offer's place: checking its TERYT commune code and naming it for people.

The partnership's territory (``TerritoryUnit`` rows) holds counties, sometimes whole
voivodeships or single communes, but no list of every commune in them. So a commune code is
accepted when it lies under one of those units and is shaped like a real commune code
(``mosty.teryt``, as the registry's own forms check it).
"""

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l


def commune_problem(code, territory):
    """Why ``code`` cannot be the commune of an offer, or None.

    ``territory`` is ``{TERYT: name}`` of the partnership's units; empty, only the code's
    structure is checked (a partnership without a territory yet must still post offers).
    """
    problem = toolkit.teryt_code_problem(code)
    if problem is not None:
        return problem
    if territory and not any(code.startswith(unit) for unit in territory):
        return _l("The commune %(code)s is outside the partnership's territory: %(units)s.",
                  code=code, units=", ".join(
                      f"{name} ({unit})" for unit, name in sorted(territory.items())))
    return None


def place_label(locality, unit_name, code):
    """The place as people read it, each name once.

    A county may already be named after its town ("Kraków (miasto na prawach powiatu)"): with
    the locality "Kraków" that name alone says it all, and nesting it ("Kraków (Kraków (…))")
    repeats the town. Otherwise the locality comes first, then the unit after a comma.
    """
    locality = (locality or "").strip()
    if not unit_name:
        return locality or code
    if not locality:
        return unit_name
    if _base_name(unit_name).casefold() == locality.casefold():
        return unit_name
    return f"{locality}, {unit_name}"


def _base_name(unit_name):
    """The name before any parenthesised qualifier: "Kraków (miasto…)" -> "Kraków"."""
    return unit_name.split(" (", 1)[0].strip()
