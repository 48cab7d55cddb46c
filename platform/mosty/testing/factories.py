"""Factories that build data through the models and hand back plain records (ids, slugs).

Records instead of ORM objects: a test holds no session state between requests, just as a
browser holds none.
"""

import itertools
from functools import cache
from types import SimpleNamespace

from ..auth.models import Membership, User
from ..auth.passwords import hash_password
from ..extensions import db
from ..partnerships.models import Institution, Partnership, TerritoryUnit, teryt_level
from ..tenancy import partnership_scope, system_scope

DEFAULT_PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


@cache
def _default_hash():
    return hash_password(DEFAULT_PASSWORD)


class Factory:
    def __init__(self, app):
        self.app = app

    def partnership(self, slug=None, name=None, territory=(("1261", "Kraków"),)):
        n = next(_counter)
        slug = slug or f"p{n}"
        with self.app.app_context(), system_scope("test factory"):
            partnership = Partnership(slug=slug, name=name or f"Partnerstwo {slug}",
                                      region="test", programme="test")
            db.session.add(partnership)
            db.session.flush()
            for code, unit_name in territory:
                db.session.add(TerritoryUnit(partnership_id=partnership.id, teryt=code,
                                             name=unit_name, level=teryt_level(code)))
            db.session.commit()
            return SimpleNamespace(id=partnership.id, slug=slug, name=partnership.name)

    def institution(self, partnership, name=None, kind="ops", role="partner", teryt="1261011"):
        n = next(_counter)
        with self.app.app_context(), partnership_scope(partnership.id):
            institution = Institution(name=name or f"Instytucja {n}", short_name=f"I{n}",
                                      kind=kind, role=role, teryt=teryt, locality="Kraków")
            db.session.add(institution)
            db.session.commit()
            return SimpleNamespace(id=institution.id, partnership_id=partnership.id,
                                   name=institution.name)

    def user(self, email=None, name=None, password=None, platform_admin=False, active=True):
        n = next(_counter)
        with self.app.app_context():
            user = User(email=email or f"user{n}@example.test", name=name or f"Użytkownik {n}",
                        is_platform_admin=platform_admin, active=active,
                        password_hash=hash_password(password) if password else _default_hash())
            db.session.add(user)
            db.session.commit()
            return SimpleNamespace(id=user.id, email=user.email,
                                   password=password or DEFAULT_PASSWORD,
                                   session_id=user.get_id())

    def membership(self, user, institution, roles=("caseworker",), active=True):
        with self.app.app_context(), partnership_scope(institution.partnership_id):
            membership = Membership(user_id=user.id, institution_id=institution.id,
                                    roles=list(roles), active=active)
            db.session.add(membership)
            db.session.commit()
            return SimpleNamespace(id=membership.id, user_id=user.id,
                                   institution_id=institution.id,
                                   partnership_id=institution.partnership_id)

    def staff(self, institution, roles=("caseworker",), **user_kwargs):
        """A user who works for ``institution`` with ``roles``."""
        user = self.user(**user_kwargs)
        user.membership = self.membership(user, institution, roles=roles)
        user.institution = institution
        return user


def login(client, user):
    """Sign ``user`` in on ``client`` without going through the form (the form has its tests)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.session_id
        session["_fresh"] = True
    return client
