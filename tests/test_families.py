"""Families: the household at a glance (generations, who is unemployed and for how long),
members the institution may not see, registering, adding and removing members, and audit."""

from datetime import date
from types import SimpleNamespace

import pytest
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import func, select

from mosty import dates
from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.families.models import Family, FamilyMember
from mosty.participants import sections
from mosty.plugins.contributions import Panel, TimelineEntry
from mosty.tenancy import system_scope
from mosty.testing.factories import RegistryFactory, login


def signed_in(client, user):
    """``user`` signed in on ``client``, reading the pages in English."""
    login(client, user)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def saved(app, model, **filters):
    with app.app_context(), system_scope("test: reading what was saved"):
        return list(db.session.scalars(select(model).filter_by(**filters).order_by(model.id)))


def count(app, model):
    with app.app_context(), system_scope("test: counting rows"):
        return db.session.scalar(select(func.count()).select_from(model))


def audit_entries(app):
    with app.app_context(), system_scope("test: reading the audit log"):
        return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def months_ago(n, today=None):
    """The first day of the month ``n`` months back: exactly ``n`` whole months ago."""
    today = today or dates.today()
    index = today.year * 12 + today.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


@pytest.fixture
def world(app, factory):
    """A post-state-farm village family registered by the commune welfare centre (GOPS):
    grandfather and father unemployed for years, mother employed, and a son registered by
    the county labour office (PUP) that the GOPS may not see."""
    p = factory.partnership(slug="pomorze", territory=(("3215", "powiat koszaliński"),))
    gops = factory.institution(p, name="GOPS Bobolice", teryt="3215012")
    pup = factory.institution(p, name="PUP Koszalin", kind="labour_office")
    ngo = factory.institution(p, name="Stowarzyszenie Animatorów", kind="ngo")
    other = factory.institution(p, name="PCPR Koszalin", kind="pcpr")
    today = dates.today()
    village = dict(registered_teryt="3215012", registered_locality="Dargiń",
                   actual_teryt="3215012", actual_locality="Dargiń", registered_area="rural")
    grandfather = factory.participant(
        gops, first_name="Stanisław", last_name="Kowalski", sex="male",
        birth_date=date(today.year - 64, 1, 10), labour_status="registered_unemployed",
        unemployed_since=months_ago(150), long_term_unemployed=True, **village)
    father = factory.participant(
        gops, first_name="Marek", last_name="Kowalski", sex="male",
        birth_date=date(today.year - 40, 1, 10), labour_status="registered_unemployed",
        unemployed_since=months_ago(30), long_term_unemployed=True, **village)
    mother = factory.participant(
        gops, first_name="Ewa", last_name="Kowalska", birth_date=date(today.year - 38, 1, 10),
        labour_status="employed", contract_type="mandate", **village)
    son = factory.participant(
        pup, first_name="Kacper", last_name="Kowalski", sex="male",
        birth_date=date(today.year - 19, 1, 10), labour_status="registered_unemployed",
        unemployed_since=months_ago(5), **village)
    family = factory.family(gops, name="Rodzina Kowalskich", teryt="3215012", locality="Dargiń",
                            members=[(father, "head"), (mother, "spouse"),
                                     (grandfather, "parent"), (son, "child")])
    b = factory.partnership(slug="krakow")
    b_ops = factory.institution(b, name="MOPS Kraków")
    return SimpleNamespace(
        partnership=p, gops=gops, pup=pup, ngo=ngo, other=other,
        staff=SimpleNamespace(gops=factory.staff(gops), pup=factory.staff(pup),
                              ngo=factory.staff(ngo), other=factory.staff(other)),
        grandfather=grandfather, father=father, mother=mother, son=son, family=family,
        foreign=SimpleNamespace(participant=factory.participant(b_ops),
                                family=factory.family(b_ops, name="Rodzina Obca")),
        factory=factory,
    )


@pytest.fixture
def gops(app, world):
    return signed_in(app.test_client(), world.staff.gops)


def url(world, path=""):
    return f"/{world.partnership.slug}/families/{path}"


def family_page(client, world):
    return client.get(url(world, f"{world.family.id}/")).get_data(as_text=True)


# --- the family page -----------------------------------------------------------------------------


def test_the_family_page_shows_every_members_status_at_a_glance(app, world, gops):
    page = family_page(gops, world)
    for name in ("Stanisław Kowalski", "Marek Kowalski", "Ewa Kowalska"):
        assert name in page
    assert "head of household" in page and "spouse" in page and "parent" in page
    assert "parents" in page and "children" in page and "s generation" in page
    assert "64" in page and "40" in page and "38" in page  # ages
    assert "registered unemployed" in page and "employed" in page
    assert "150 months" in page and "30 months" in page
    assert f'href="/pomorze/participants/{world.father.id}/"' in page


def test_the_summary_counts_unemployment_across_generations(app, world, gops):
    page = family_page(gops, world)
    assert "Unemployment in 2 generations" in page
    assert "2 members unemployed" in page
    assert "1 member without access to the record is not counted." in page


def test_members_are_listed_oldest_generation_first(app, world, gops):
    page = family_page(gops, world)
    assert page.index("Stanisław") < page.index("Marek") < page.index("Ewa Kowalska")


def test_a_member_the_institution_may_not_see_is_shown_without_personal_data(app, world, gops):
    page = family_page(gops, world)
    assert "member registered by PUP Koszalin (no access)" in page
    assert "Kacper" not in page and "5 months" not in page
    assert f"/participants/{world.son.id}/" not in page


def test_the_labour_office_sees_its_own_member_and_the_rest_without_data(app, world):
    page = family_page(signed_in(app.test_client(), world.staff.pup), world)
    assert "Kacper Kowalski" in page and "5 months" in page
    assert "Marek" not in page and "Stanisław" not in page
    assert page.count("member registered by GOPS Bobolice (no access)") == 3
    assert "Unemployment in 1 generation," in page and "1 member unemployed" in page


def test_a_consent_opens_a_members_row(app, world, gops):
    world.factory.consent(world.son, [world.gops])
    page = family_page(gops, world)
    assert "Kacper Kowalski" in page and "5 months" in page
    assert "Unemployment in 3 generations" in page and "3 members unemployed" in page


def test_the_family_page_of_another_partnership_or_without_access_is_404(app, world, gops):
    assert gops.get(url(world, f"{world.foreign.family.id}/")).status_code == 404
    other = signed_in(app.test_client(), world.staff.other)
    assert other.get(url(world, f"{world.family.id}/")).status_code == 404
    assert other.post(url(world, f"{world.family.id}/members"),
                      data={"participant_id": world.father.id, "relation": "child"}
                      ).status_code == 404


def test_only_the_registering_institution_changes_the_members(app, world):
    pup = signed_in(app.test_client(), world.staff.pup)
    page = family_page(pup, world)
    assert "Add a member" not in page and "/remove" not in page
    member = saved(app, FamilyMember, participant_id=world.son.id)[0]
    assert pup.post(url(world, f"{world.family.id}/members/{member.id}/remove")
                    ).status_code == 403
    assert pup.post(url(world, f"{world.family.id}/members"),
                    data={"participant_id": world.son.id, "relation": "child"}
                    ).status_code == 403
    assert count(app, FamilyMember) == 4


@pytest.fixture
def family_section(app):
    app.jinja_loader = ChoiceLoader([
        DictLoader({"testcore/family.html": "<p>plan for {{ family_id }}</p>"}), app.jinja_loader,
    ])

    def section(family, institution_id):
        return Panel(module="core", title="Family plan", template="testcore/family.html",
                     context={"family_id": family.id})

    def timeline(family, institution_id):
        return [TimelineEntry(module="core", at=date(2030, 1, 1), title="Plan agreed")]

    sections.FAMILY_SECTIONS.append(section)
    sections.FAMILY_TIMELINE.append(timeline)
    yield
    sections.FAMILY_SECTIONS.remove(section)
    sections.FAMILY_TIMELINE.remove(timeline)


def test_family_sections_and_timeline_appear_on_the_page(app, world, gops, family_section):
    page = family_page(gops, world)
    assert f"plan for {world.family.id}" in page and "Family plan" in page
    timeline = page[page.index('id="timeline"'):]
    assert timeline.index("Plan agreed") < timeline.index("Family registered")


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_families_the_institution_may_see(app, world):
    world.factory.family(world.other, name="Rodzina Nowaków", locality="Polanów")
    gops_page = signed_in(app.test_client(), world.staff.gops).get(url(world))
    page = gops_page.get_data(as_text=True)
    assert "Rodzina Kowalskich" in page and "Rodzina Nowaków" not in page
    assert 'href="/pomorze/families/new"' in page
    # The labour office sees the family through the son it registered.
    page = signed_in(app.test_client(), world.staff.pup).get(url(world)).get_data(as_text=True)
    assert "Rodzina Kowalskich" in page
    page = signed_in(app.test_client(), world.staff.ngo).get(url(world)).get_data(as_text=True)
    assert "Rodzina Kowalskich" not in page and "No families yet." in page


def test_the_list_searches_by_name_or_locality_and_paginates(make_app):
    app = make_app(MOSTY_PAGE_SIZE=2)
    f = RegistryFactory(app)
    p = f.partnership(slug="wies")
    inst = f.institution(p)
    for i, locality in enumerate(["Dargiń", "Dargiń", "Dargiń", "Polanów"]):
        f.family(inst, name=f"Rodzina {i}", locality=locality)
    client = signed_in(app.test_client(), f.staff(inst))
    page = client.get("/wies/families/?q=dargi").get_data(as_text=True)
    assert "1–2 of 3" in page and 'rel="next"' in page and "Rodzina 3" not in page
    page = client.get("/wies/families/?q=dargi&page=2").get_data(as_text=True)
    assert "3–3 of 3" in page and "Rodzina 2" in page
    page = client.get("/wies/families/?q=Rodzina 3").get_data(as_text=True)
    assert "1–1 of 1" in page and "Polanów" in page
    page = client.get("/wies/families/?sort=-name").get_data(as_text=True)
    assert page.index("Rodzina 3") < page.index("Rodzina 2")
    assert client.get("/wies/families/?q=" + "x" * 10_000).status_code == 400


# --- registering a family ------------------------------------------------------------------------


def new_family(**overrides):
    data = {"name": "Rodzina Wójcików", "teryt": "3215012", "locality": "Dargiń",
            "area": "rural"}
    data.update(overrides)
    return data


def test_a_caseworker_registers_a_family_and_then_adds_members(app, world, gops):
    response = gops.post(url(world, "new"), data=new_family())
    assert response.status_code == 302
    (family,) = saved(app, Family, name="Rodzina Wójcików")
    assert (family.institution_id, family.teryt, family.locality, family.area) == (
        world.gops.id, "3215012", "Dargiń", "rural")
    assert response.headers["Location"].endswith(url(world, f"{family.id}/"))
    entry = audit_entries(app)[-1]
    assert (entry.action, entry.object_type, entry.object_id) == ("create", "Family",
                                                                  str(family.id))
    page = gops.get(response.headers["Location"]).get_data(as_text=True)
    assert "No members yet." in page and "Add a member" in page
    assert f'name="family" value="{family.id}"' in page  # register a new person inline


@pytest.mark.parametrize("overrides, message", [
    ({"name": ""}, "This field is required."),
    ({"name": "R" * 10_000}, "Field cannot be longer than 160 characters."),
    ({"locality": "D" * 10_000}, "Field cannot be longer than 120 characters."),
    ({"teryt": "32150"}, "Enter the 7-digit TERYT code"),
    ({"teryt": "abcdefg"}, "Enter the 7-digit TERYT code"),
    ({"area": "suburban"}, "Not a valid choice."),
    ({"name": "Rodzina\x00"}, "characters that are not allowed"),
])
def test_bad_family_input_gets_a_message_and_saves_nothing(app, world, gops, overrides,
                                                           message):
    before = (count(app, Family), len(audit_entries(app)))
    response = gops.post(url(world, "new"), data=new_family(**overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert (count(app, Family), len(audit_entries(app))) == before


def test_markup_in_a_family_name_is_shown_escaped(app, world, gops):
    response = gops.post(url(world, "new"), data=new_family(name="<script>x()</script>"))
    page = gops.get(response.headers["Location"]).get_data(as_text=True)
    assert "&lt;script&gt;x()&lt;/script&gt;" in page and "<script>x()" not in page


# --- adding and removing members -----------------------------------------------------------------


def test_a_visible_participant_is_found_and_added_with_a_relation(app, world, gops):
    aunt = world.factory.participant(world.gops, first_name="Halina", last_name="Kowalska")
    page = gops.get(url(world, f"{world.family.id}/?member_q=Kowalsk")).get_data(as_text=True)
    search = page[page.index('id="member_q"'):]
    assert "Halina Kowalska" in search
    assert "Marek Kowalski" not in search  # already a member
    assert "Kacper" not in page  # not visible to the GOPS
    response = gops.post(url(world, f"{world.family.id}/members"),
                         data={"participant_id": aunt.id, "relation": "sibling"})
    assert response.status_code == 302
    (member,) = saved(app, FamilyMember, participant_id=aunt.id)
    assert (member.family_id, member.relation) == (world.family.id, "sibling")
    entry = audit_entries(app)[-1]
    assert (entry.action, entry.object_type, entry.detail["added_participant_id"]) == (
        "update", "Family", aunt.id)
    person_page = gops.get(f"/pomorze/participants/{aunt.id}/").get_data(as_text=True)
    assert "Rodzina Kowalskich" in person_page and "sibling" in person_page


@pytest.mark.parametrize("who", ["foreign", "invisible", "already_member", "nobody", "text",
                                 "beyond_an_integer", "huge"])
def test_a_member_that_cannot_be_added_gets_a_message_and_nothing_is_saved(app, world, gops,
                                                                           who):
    participant_id = {
        "foreign": lambda: world.foreign.participant.id,
        "invisible": lambda: world.factory.participant(world.other).id,
        "already_member": lambda: world.father.id,
        "nobody": lambda: 987654,
        "text": lambda: "Marek",
        # Were a 500: no row has such an id, and the database refuses to compare it
        "beyond_an_integer": lambda: 2**31,
        "huge": lambda: 10**20,
    }[who]()
    before = count(app, FamilyMember)
    response = gops.post(url(world, f"{world.family.id}/members"),
                         data={"participant_id": participant_id, "relation": "child"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert ("This person cannot be added" in page or "Not a valid integer value" in page
            or "This number is out of range." in page)
    assert count(app, FamilyMember) == before


def test_an_unknown_relation_is_refused(app, world, gops):
    aunt = world.factory.participant(world.gops)
    response = gops.post(url(world, f"{world.family.id}/members"),
                         data={"participant_id": aunt.id, "relation": "landlord"})
    assert response.status_code == 422
    assert "Not a valid choice." in response.get_data(as_text=True)
    assert not saved(app, FamilyMember, participant_id=aunt.id)


def test_a_member_is_removed_and_a_member_of_another_family_is_left_alone(app, world, gops):
    other_family = world.factory.family(world.gops, members=[(world.mother, "head")])
    (elsewhere,) = saved(app, FamilyMember, family_id=other_family.id)
    refused = gops.post(url(world, f"{world.family.id}/members/{elsewhere.id}/remove"),
                        follow_redirects=True)
    assert "no longer a member of the family: nothing was changed" in refused.get_data(
        as_text=True)
    mother = saved(app, FamilyMember, family_id=world.family.id,
                   participant_id=world.mother.id)[0]
    assert gops.post(url(world, f"{world.family.id}/members/{mother.id}/remove")
                     ).status_code == 302
    assert not saved(app, FamilyMember, family_id=world.family.id,
                     participant_id=world.mother.id)
    assert saved(app, FamilyMember, id=elsewhere.id)
    assert "Member removed from the family" in family_page(gops, world)
    # The same button from a second tab, a moment later: a message, not an error page.
    again = gops.post(url(world, f"{world.family.id}/members/{mother.id}/remove"),
                      follow_redirects=True)
    assert again.status_code == 200
    assert "no longer a member of the family" in again.get_data(as_text=True)


# --- exactly one audit entry per request ---------------------------------------------------------


def test_every_family_route_writes_exactly_one_audit_entry(app, world, gops):
    family = world.family.id

    def one_entry(action, request):
        before = len(audit_entries(app))
        response = request()
        assert response.status_code < 500
        entries = audit_entries(app)[before:]
        assert [e.action for e in entries] == [action], response.request.path
        return entries[0]

    entry = one_entry("read", lambda: gops.get(url(world)))
    assert (entry.object_type, entry.detail["ids"]) == ("Family", [family])
    one_entry("read", lambda: gops.get(url(world, "?q=Dargi")))
    entry = one_entry("read", lambda: gops.get(url(world, f"{family}/")))
    assert sorted(entry.detail["member_ids"]) == sorted(
        [world.father.id, world.mother.id, world.grandfather.id])
    aunt = world.factory.participant(world.gops, last_name="Kowalska")
    entry = one_entry("read", lambda: gops.get(url(world, f"{family}/?member_q=Kowalska")))
    assert aunt.id in entry.detail["candidate_ids"]
    one_entry("create", lambda: gops.post(url(world, "new"), data=new_family()))
    one_entry("read", lambda: gops.post(url(world, f"{family}/members"),
                                        data={"participant_id": "x", "relation": "child"}))
    entry = one_entry("update", lambda: gops.post(url(world, f"{family}/members"),
                                                  data={"participant_id": aunt.id,
                                                        "relation": "sibling"}))
    one_entry("update", lambda: gops.post(
        url(world, f"{family}/members/{entry.detail['member_id']}/remove")))


def test_the_blank_family_form_and_refused_input_write_no_audit_entry(app, world, gops):
    before = len(audit_entries(app))
    assert gops.get(url(world, "new")).status_code == 200
    assert gops.post(url(world, "new"), data=new_family(name="")).status_code == 422
    assert len(audit_entries(app)) == before


def test_the_log_names_a_members_arrival_and_departure_in_words(app):
    """The family's update entries of a member added or removed read as words, not keys."""
    from flask_babel import force_locale

    from mosty.audit.labels import detail_key_label

    with app.test_request_context(), force_locale("pl"):
        labels = [str(detail_key_label(key, "Family")) for key in (
            "added_participant_id", "removed_participant_id", "member_id")]
    assert labels == ["dodana osoba (numer)", "usunięta osoba (numer)",
                      "członkostwo w rodzinie (numer)"]
