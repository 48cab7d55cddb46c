"""Loading the demo partnerships; running it again updates instead of duplicating."""

from sqlalchemy import select

from ..auth.models import Membership, User
from ..exchange.demo import load_exchange_demo
from ..extensions import db
from ..instruments.demo import load_instruments_demo
from ..notes.demo import load_notes_demo
from ..partnerships.models import (
    Agreement,
    AgreementParty,
    Institution,
    Partnership,
    TerritoryUnit,
    teryt_level,
)
from ..reports.demo import load_reports_demo
from ..tenancy import partnership_scope, system_scope
from .partnerships import PARTNERSHIPS, PLATFORM_ADMIN, USERS
from .registry import load_registry_demo

DEFAULT_PASSWORD = "mosty-demo-2026"


def _upsert(model, lookup, **values):
    obj = db.session.scalar(select(model).filter_by(**lookup))
    if obj is None:
        obj = model(**lookup)
        db.session.add(obj)
    for key, value in values.items():
        setattr(obj, key, value)
    return obj


def _load_partnership(data):
    with system_scope("demo data: creating the partnership row"):
        partnership = _upsert(
            Partnership, {"slug": data["slug"]}, name=data["name"], region=data["region"],
            programme=data["programme"], default_locale="pl",
        )
        db.session.flush()
    with partnership_scope(partnership.id):
        for code, name in data["territory"]:
            _upsert(TerritoryUnit, {"teryt": code}, name=name, level=teryt_level(code))
        institutions = {}
        for key, name, short, kind, role, teryt, locality, address in data["institutions"]:
            institutions[key] = _upsert(
                Institution, {"name": name}, short_name=short, kind=kind, role=role,
                teryt=teryt, locality=locality, address=address,
                email=f"kontakt@{key.replace('_', '-')}.example.pl",
            )
        spec = data["agreement"]
        agreement = _upsert(
            Agreement, {"title": spec["title"]}, signed_on=spec["signed_on"],
            valid_from=spec["valid_from"], valid_to=spec["valid_to"], purpose=spec["purpose"],
        )
        db.session.flush()
        for key, contribution in spec["contributions"].items():
            _upsert(AgreementParty, {"agreement_id": agreement.id,
                                     "institution_id": institutions[key].id},
                    contribution=contribution)
        db.session.flush()
    return partnership, institutions


def _load_user(email, name, password, platform_admin=False):
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name)
        db.session.add(user)
    user.name = name
    user.active = True
    user.is_platform_admin = platform_admin
    if not user.password_hash or not user.check_password(password):
        user.set_password(password)
    return user


def load_demo(password=DEFAULT_PASSWORD, extra_loaders=()):
    """Create or refresh the demo partnerships and logins; returns the logins created."""
    loaded = {}
    for data in PARTNERSHIPS:
        loaded[data["slug"]] = _load_partnership(data)
    admin = _load_user(*PLATFORM_ADMIN, password=password, platform_admin=True)
    logins = [(admin.email, "*", "platform_admin")]
    for email, name, slug, institution_key, roles in USERS:
        user = _load_user(email, name, password)
        db.session.flush()
        partnership, institutions = loaded[slug]
        with partnership_scope(partnership.id):
            _upsert(Membership, {"user_id": user.id},
                    institution_id=institutions[institution_key].id, roles=list(roles),
                    active=True)
            db.session.flush()
        logins.append((email, slug, ", ".join(roles)))
    partnerships = {slug: p for slug, (p, _i) in loaded.items()}
    # The case registry first: module loaders may build on its participants and families.
    load_registry_demo(partnerships)
    load_instruments_demo(partnerships)
    load_notes_demo(partnerships)
    load_exchange_demo(partnerships)
    load_reports_demo(partnerships)
    for loader in extra_loaders:
        loader(partnerships)
    db.session.commit()
    return logins
