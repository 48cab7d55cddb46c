"""Factories that build data through the models and hand back plain records (ids, slugs).

Records instead of ORM objects: a test holds no session state between requests, just as a
browser holds none.
"""

import itertools
from functools import cache
from types import SimpleNamespace

from .. import dates
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
                                   password=password or DEFAULT_PASSWORD)

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
    """Sign ``user`` in on ``client`` without going through the form (the form has its tests):
    a sign-in recorded as the form records it, and its session id in the cookie."""
    from ..auth import sign_ins

    with client.application.app_context():
        account = db.session.get(User, user.id)
        sign_ins.start(account)
        session_id = account.get_id()
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    return client


class RegistryFactory(Factory):
    """Participants, families, consents, services and referrals for registry tests."""

    def _in(self, partnership_id):
        return _Scoped(self.app, partnership_id)

    def participant(self, institution, **fields):
        from datetime import date

        from ..participants.models import Participant

        n = next(_counter)
        values = dict(first_name=f"Anna{n}", last_name=f"Kowalska{n}", sex="female",
                      birth_date=date(1985, 3, 14), registered_teryt="1261011",
                      registered_locality="Kraków", actual_teryt="1261011",
                      actual_locality="Kraków", labour_status="registered_unemployed",
                      education="secondary")
        values.update(fields)
        with self._in(institution.partnership_id):
            participant = Participant(institution_id=institution.id, **values)
            db.session.add(participant)
            db.session.commit()
            return SimpleNamespace(id=participant.id, partnership_id=institution.partnership_id,
                                   institution_id=institution.id,
                                   full_name=participant.full_name)

    def family(self, institution, members=(), **fields):
        from ..families.models import Family, FamilyMember

        n = next(_counter)
        with self._in(institution.partnership_id):
            family = Family(institution_id=institution.id, name=fields.pop("name", f"Rodzina {n}"),
                            teryt=fields.pop("teryt", "1261011"),
                            locality=fields.pop("locality", "Kraków"), **fields)
            db.session.add(family)
            db.session.flush()
            for participant, relation in members:
                db.session.add(FamilyMember(family_id=family.id, participant_id=participant.id,
                                            relation=relation))
            db.session.commit()
            return SimpleNamespace(id=family.id, partnership_id=institution.partnership_id,
                                   institution_id=institution.id, name=family.name)

    def consent(self, participant, institutions, purposes=("support", "referral"),
                recorded_by=None, withdrawn_on=None):
        from datetime import date

        from ..consents.models import Consent, ConsentInstitution

        with self._in(participant.partnership_id):
            consent = Consent(participant_id=participant.id,
                              institution_id=participant.institution_id,
                              lawful_basis="consent", purposes=list(purposes),
                              given_on=date(2024, 1, 1), withdrawn_on=withdrawn_on,
                              recorded_by_id=recorded_by.id if recorded_by else None)
            db.session.add(consent)
            db.session.flush()
            for institution in institutions:
                db.session.add(ConsentInstitution(consent_id=consent.id,
                                                  institution_id=institution.id))
            db.session.commit()
            return SimpleNamespace(id=consent.id, partnership_id=participant.partnership_id)

    def service(self, institution, name=None, kind="advisory", capacity=None):
        from ..services.models import Service

        n = next(_counter)
        with self._in(institution.partnership_id):
            service = Service(institution_id=institution.id, name=name or f"Usługa {n}",
                              kind=kind, capacity=capacity)
            db.session.add(service)
            db.session.commit()
            return SimpleNamespace(id=service.id, partnership_id=institution.partnership_id,
                                   institution_id=institution.id, name=service.name)

    def referral(self, participant, from_institution, to_institution, status="sent",
                 reason="Doradztwo zawodowe"):
        from datetime import timedelta

        from ..db import utcnow
        from ..referrals.models import Referral

        with self._in(participant.partnership_id):
            referral = Referral(participant_id=participant.id,
                                from_institution_id=from_institution.id,
                                to_institution_id=to_institution.id, reason=reason,
                                status=status, sent_at=utcnow(),
                                due_on=dates.today() + timedelta(days=14))
            db.session.add(referral)
            db.session.commit()
            return SimpleNamespace(id=referral.id, partnership_id=participant.partnership_id)


class _Scoped:
    """An app context working for one partnership."""

    def __init__(self, app, partnership_id):
        self.app = app
        self.partnership_id = partnership_id

    def __enter__(self):
        self._ctx = self.app.app_context()
        self._ctx.push()
        self._scope = partnership_scope(self.partnership_id)
        self._scope.__enter__()

    def __exit__(self, *exc):
        self._scope.__exit__(*exc)
        self._ctx.pop()
