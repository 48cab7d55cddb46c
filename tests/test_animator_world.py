"""The world the animator tests share (no tests here): partnership A in two West Pomeranian
counties with a foundation employing the animator, a county labour office, a peer advisor, an
information operator; two families (A and B) of unemployed people across two generations; a
family target group; the module switched on and granted. Partnership B mirrors a family."""

from datetime import date
from types import SimpleNamespace

from sqlalchemy import func, select

from mosty.audit.models import AuditEntry
from mosty.enrollment.models import TargetGroup
from mosty.extensions import db
from mosty.plugins.models import ModuleGrant, PartnershipModule
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login

GRANTS = {"animator": "write", "peer_advisor": "read", "information_operator": "write",
          "coordinator": "read"}


def switch_on(app, partnership_id, grants=GRANTS, enabled=True):
    with app.app_context(), partnership_scope(partnership_id):
        db.session.add(PartnershipModule(module_key="animator", enabled=enabled))
        for role, access in grants.items():
            db.session.add(ModuleGrant(module_key="animator", role=role, access=access))
        db.session.commit()


def family_with_two_generations(f, institution, name, teryt="3215011", locality="Łobez"):
    parent = f.participant(institution, first_name="Stanisław", last_name=name, sex="male",
                           birth_date=date(1962, 5, 1), registered_teryt=teryt,
                           registered_locality=locality, registered_area="rural",
                           labour_status="registered_unemployed")
    child = f.participant(institution, first_name="Kamila", last_name=name, sex="female",
                          birth_date=date(1996, 8, 9), registered_teryt=teryt,
                          registered_locality=locality, registered_area="rural",
                          labour_status="registered_unemployed")
    family = f.family(institution, members=[(parent, "head"), (child, "child")],
                      name=f"Rodzina {name}", teryt=teryt, locality=locality, area="rural")
    return family, parent, child


def build(app, factory):
    f = factory
    p = f.partnership(slug="pomorze-t", territory=(("3215", "powiat łobeski"),
                                                   ("3215011", "Łobez"),
                                                   ("3201", "powiat białogardzki")))
    w = SimpleNamespace(app=app, f=f, p=p)
    w.fundacja = f.institution(p, name="Fundacja Animacji", kind="ngo", teryt="3215011")
    w.pup = f.institution(p, name="PUP Łobez", kind="labour_office", teryt="3215011")
    w.other_club = f.institution(p, name="Klub Białogard", kind="ngo", teryt="3201011")
    w.animator = f.staff(w.fundacja, roles=("caseworker", "animator"), name="Beata Animatorka")
    w.clerk = f.staff(w.pup, roles=("caseworker", "labour_clerk"))
    w.advisor = f.staff(w.fundacja, roles=("peer_advisor",), name="Jan Doradca")
    w.far_advisor = f.staff(w.other_club, roles=("peer_advisor",), name="Daleki Doradca")
    w.operator = f.staff(w.pup, roles=("information_operator",), name="Ewa Operatorka")
    w.family, w.parent, w.child = family_with_two_generations(f, w.fundacja, "Nowaków")
    w.family_b, w.parent_b, _ = family_with_two_generations(f, w.fundacja, "Wiśniewskich")
    f.consent(w.parent, [w.pup])
    with app.app_context(), partnership_scope(p.id):
        group = TargetGroup(code="R", name="Rodziny z bezrobociem pokoleniowym",
                            applies_to="family",
                            criteria=[{"rule": "family_unemployed_generations_min", "min": 2}])
        db.session.add(group)
        db.session.commit()
        w.group_id = group.id
    switch_on(app, p.id)
    return w


def client_of(w, user):
    client = login(w.app.test_client(), user)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def audit_count(w, **where):
    with w.app.app_context(), partnership_scope(w.p.id):
        query = select(func.count(AuditEntry.id))
        for name, value in where.items():
            query = query.where(getattr(AuditEntry, name) == value)
        return db.session.scalar(query)


def entries(w, object_type):
    with w.app.app_context(), partnership_scope(w.p.id):
        return [(e.action, e.object_id, e.detail) for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == object_type)
            .order_by(AuditEntry.id))]
