"""Participants: registration with PESEL checks and duplicate detection, search, the
participant page, rectification and care relations, institution-level access and audit."""

from datetime import date
from types import SimpleNamespace

import pytest
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import func, select

from mosty import dates
from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.families.models import FamilyMember
from mosty.hookspecs import hookimpl
from mosty.participants import sections
from mosty.participants.models import CareRelation, Dependant, Participant
from mosty.plugins.contributions import Module, Panel, TimelineEntry
from mosty.plugins.models import ModuleGrant, PartnershipModule
from mosty.tenancy import partnership_scope, system_scope
from mosty.testing.factories import login
from test_pesel import make_pesel

ANNA_PESEL = make_pesel(date(1985, 3, 14), "female")


# --- helpers ------------------------------------------------------------------------------------


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


def person(**overrides):
    """A complete registration form; ``None`` leaves a field (or an unticked box) out."""
    data = {
        "first_name": "Beata", "last_name": "Wiśniewska", "sex": "female",
        "birth_date": "1990-07-21", "pesel": make_pesel(date(1990, 7, 21), "female"),
        "phone": "+48 600 100 200", "email": "beata@example.pl",
        "registered_teryt": "1206052", "registered_locality": "Wieliczka",
        "registered_area": "urban", "actual_same": "y",
        "actual_teryt": "", "actual_locality": "", "actual_area": "urban",
        "education": "vocational", "labour_status": "registered_unemployed",
        "unemployed_since": "2022-05-01", "long_term_unemployed": "y", "contract_type": "",
        "disability_level": "light", "labour_office_case_no": "GUP/123/2022",
        "social_assistance_case_no": "MOPS-77",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def world(app, factory):
    """Kraków: Anna is registered by the welfare centre (owner); the labour office sees her
    through a consent, the NGO through an accepted referral; the county centre has no access
    and the school's consent was withdrawn. Partnership B (Pomorze) has its own records."""
    p = factory.partnership(slug="krakow")
    inst = SimpleNamespace(
        owner=factory.institution(p, name="MOPS Kraków"),
        consented=factory.institution(p, name="Grodzki Urząd Pracy", kind="labour_office"),
        referred=factory.institution(p, name="Fundacja Równowaga", kind="ngo"),
        other=factory.institution(p, name="PCPR Kraków", kind="pcpr"),
        withdrawn=factory.institution(p, name="Szkoła Podstawowa 7", kind="school"),
    )
    staff = SimpleNamespace(**{key: factory.staff(value) for key, value in vars(inst).items()})
    admin = factory.staff(factory.institution(p, name="Biuro partnerstwa"),
                          roles=("partnership_admin", "coordinator"))
    anna = factory.participant(inst.owner, first_name="Anna", last_name="Nowak",
                               pesel=ANNA_PESEL, birth_date=date(1985, 3, 14), phone="501502503",
                               registered_locality="Kraków")
    factory.consent(anna, [inst.consented])
    factory.referral(anna, inst.owner, inst.referred, status="accepted")
    factory.consent(anna, [inst.withdrawn], withdrawn_on=date(2024, 6, 1))
    family = factory.family(inst.owner, members=[(anna, "head")], name="Rodzina Nowaków")
    b = factory.partnership(slug="pomorze")
    b_ops = factory.institution(b, name="GOPS Bobolice")
    foreign = SimpleNamespace(
        partnership=b, staff=factory.staff(b_ops),
        participant=factory.participant(b_ops, first_name="Jan", last_name="Obcy"),
        family=factory.family(b_ops, name="Rodzina Obcych"),
    )
    return SimpleNamespace(partnership=p, inst=inst, staff=staff, admin=admin, anna=anna,
                           family=family, foreign=foreign, factory=factory)


@pytest.fixture
def owner(app, world):
    return signed_in(app.test_client(), world.staff.owner)


def url(world, path=""):
    return f"/{world.partnership.slug}/participants/{path}"


# --- registration --------------------------------------------------------------------------------


def test_caseworker_registers_a_participant_with_every_field(app, world, owner):
    response = owner.post(url(world, "new"), data=person())
    assert response.status_code == 302
    (beata,) = saved(app, Participant, last_name="Wiśniewska")
    assert response.headers["Location"].endswith(url(world, f"{beata.id}/"))
    assert beata.institution_id == world.inst.owner.id
    assert (beata.sex, beata.birth_date, beata.pesel) == ("female", date(1990, 7, 21),
                                                          make_pesel(date(1990, 7, 21), "female"))
    assert (beata.registered_teryt, beata.registered_locality) == ("1206052", "Wieliczka")
    assert (beata.actual_teryt, beata.actual_locality) == ("1206052", "Wieliczka")
    assert (beata.labour_status, beata.unemployed_since, beata.long_term_unemployed) == (
        "registered_unemployed", date(2022, 5, 1), True)
    assert beata.contract_type is None
    assert (beata.disability_level, beata.labour_office_case_no,
            beata.social_assistance_case_no) == ("light", "GUP/123/2022", "MOPS-77")

    page = owner.get(response.headers["Location"]).get_data(as_text=True)
    assert "Beata Wiśniewska" in page
    assert "registered unemployed" in page and "basic vocational" in page
    assert "Registered by MOPS Kraków" in page


def test_registration_is_audited_with_field_names_and_no_values(app, world, owner):
    owner.post(url(world, "new"), data=person())
    entry = audit_entries(app)[-1]
    (beata,) = saved(app, Participant, last_name="Wiśniewska")
    assert (entry.action, entry.object_type, entry.object_id) == ("create", "Participant",
                                                                  str(beata.id))
    assert entry.institution_id == world.inst.owner.id
    assert "pesel" in entry.detail["fields"]
    assert "Wiśniewska" not in str(entry.detail) and beata.pesel not in str(entry.detail)


def test_a_participant_may_be_registered_without_pesel(app, world, owner):
    assert owner.post(url(world, "new"), data=person(pesel="")).status_code == 302
    (beata,) = saved(app, Participant, last_name="Wiśniewska")
    assert beata.pesel is None


def test_the_actual_address_is_asked_for_when_it_differs(app, world, owner):
    form = person(actual_same=None)
    response = owner.post(url(world, "new"), data=form)
    assert response.status_code == 422
    assert "Enter the actual address" in response.get_data(as_text=True)
    form.update(actual_teryt="1206011", actual_locality="Bochnia", actual_area="rural")
    assert owner.post(url(world, "new"), data=form).status_code == 302
    (beata,) = saved(app, Participant, last_name="Wiśniewska")
    assert (beata.actual_teryt, beata.actual_locality, beata.actual_area) == (
        "1206011", "Bochnia", "rural")


def test_an_employed_person_needs_a_contract_type_and_loses_unemployment_fields(app, world,
                                                                                owner):
    form = person(labour_status="employed")
    response = owner.post(url(world, "new"), data=form)
    assert response.status_code == 422
    assert "Choose the type of contract" in response.get_data(as_text=True)
    assert owner.post(url(world, "new"), data={**form, "contract_type": "fixed_term"}
                      ).status_code == 302
    (beata,) = saved(app, Participant, last_name="Wiśniewska")
    assert (beata.contract_type, beata.unemployed_since, beata.long_term_unemployed) == (
        "fixed_term", None, False)


def test_registered_unemployed_needs_the_registration_date(app, world, owner):
    response = owner.post(url(world, "new"), data=person(unemployed_since=""))
    assert response.status_code == 422
    assert "Enter the date of registration as unemployed." in response.get_data(as_text=True)
    assert not saved(app, Participant, last_name="Wiśniewska")


@pytest.mark.parametrize("pesel, message", [
    ("90072101232", "PESEL check digit is wrong"),
    ("9007210123", "PESEL must have 11 digits."),
    ("9007210123x", "PESEL may contain digits only."),
    (ANNA_PESEL, "PESEL does not match the date of birth."),
    (make_pesel(date(1990, 7, 21), "male"), "PESEL does not match the sex."),
])
def test_a_pesel_that_cannot_be_the_persons_is_refused_on_the_field(app, world, owner, pesel,
                                                                    message):
    response = owner.post(url(world, "new"), data=person(pesel=pesel))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'class="field has-error"' in page and 'name="pesel"' in page
    assert not saved(app, Participant, last_name="Wiśniewska")


# --- duplicates ----------------------------------------------------------------------------------


def anna_again(**overrides):
    return person(**{"first_name": "Anna", "last_name": "Nowak", "birth_date": "1985-03-14",
                     "pesel": ANNA_PESEL, **overrides})


def test_the_same_pesel_is_offered_as_a_match_and_nothing_is_saved(app, world, owner):
    response = owner.post(url(world, "new"),
                          data=anna_again(first_name="Annа-Maria", last_name="Kowalczyk"))
    assert response.status_code == 422  # a PESEL is one person: no "a different person"
    page = response.get_data(as_text=True)
    assert "This PESEL is already in the registry" in page
    assert "same PESEL" in page
    assert f'href="{url(world, f"{world.anna.id}/")}"' in page
    assert "Open the existing record" in page
    assert count(app, Participant) == 2


def test_the_same_name_in_other_letter_case_and_birth_date_is_a_match(app, world, owner):
    response = owner.post(url(world, "new"),
                          data=anna_again(first_name="ANNA", last_name="nowak", pesel=""))
    page = response.get_data(as_text=True)
    assert "same name and date of birth" in page
    assert "Open the existing record" in page
    assert count(app, Participant) == 2


def test_the_same_name_with_another_birth_date_is_no_match(app, world, owner):
    response = owner.post(url(world, "new"),
                          data=anna_again(pesel="", birth_date="1985-03-15"))
    assert response.status_code == 302


def test_confirming_a_different_person_registers_a_second_record(app, world, owner):
    form = anna_again(pesel="")
    assert owner.post(url(world, "new"), data=form).status_code == 200
    response = owner.post(url(world, "new"), data={**form, "confirm_different_person": "y"})
    assert response.status_code == 302
    assert len(saved(app, Participant, first_name="Anna", last_name="Nowak")) == 2


def test_a_duplicate_at_an_institution_without_access_is_named_without_personal_data(
        app, world):
    client = signed_in(app.test_client(), world.staff.other)
    response = client.post(url(world, "new"),
                           data=anna_again(first_name="Zofia", last_name="Zielińska",
                                           birth_date="1985-03-14"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "registered by MOPS Kraków" in page
    assert "Ask that institution for consent" in page
    assert "same PESEL" in page
    # Neither the stored name, nor the phone, nor a link to the record.
    assert "Nowak" not in page and "501502503" not in page
    assert f"/participants/{world.anna.id}/" not in page
    assert "Open the existing record</a>" not in page
    assert count(app, Participant) == 2


def test_a_duplicate_the_member_sees_through_consent_is_offered_with_a_link(app, world):
    client = signed_in(app.test_client(), world.staff.consented)
    page = client.post(url(world, "new"), data=anna_again()).get_data(as_text=True)
    assert f'href="{url(world, f"{world.anna.id}/")}"' in page


def test_duplicates_are_looked_for_in_the_own_partnership_only(app, world):
    client = signed_in(app.test_client(), world.foreign.staff)
    response = client.post("/pomorze/participants/new", data=anna_again())
    assert response.status_code == 302


# --- search and the list -------------------------------------------------------------------------


@pytest.fixture
def many(world):
    """Six more participants of the owner, one of them in Nowa Huta."""
    f = world.factory
    made = [f.participant(world.inst.owner, first_name=f"Ewa{i}", last_name="Mazur",
                          birth_date=date(1970 + i, 1, 1), registered_locality="Kraków")
            for i in range(5)]
    made.append(f.participant(world.inst.owner, first_name="Piotr", last_name="Lis",
                              registered_locality="Nowa Huta",
                              pesel=make_pesel(date(1985, 3, 14), "male", serial="555")))
    return made


def test_the_list_shows_only_participants_the_institution_may_see(app, world):
    world.factory.participant(world.inst.other, first_name="Tajna", last_name="Osoba")
    page = signed_in(app.test_client(), world.staff.owner).get(url(world)).get_data(
        as_text=True)
    assert "Nowak Anna" in page and "Osoba" not in page
    page = signed_in(app.test_client(), world.staff.consented).get(url(world)).get_data(
        as_text=True)
    assert "Nowak Anna" in page and "Osoba" not in page
    page = signed_in(app.test_client(), world.staff.other).get(url(world)).get_data(
        as_text=True)
    assert "Nowak" not in page and "Osoba Tajna" in page
    assert 'href="/krakow/participants/new"' in page


def test_search_by_name_part_is_case_insensitive(app, world, owner, many):
    page = owner.get(url(world, "?q=mazur")).get_data(as_text=True)
    assert page.count("Mazur Ewa") == 5 and "Nowak" not in page


def test_search_by_first_and_last_name_together(app, world, owner, many):
    page = owner.get(url(world, "?q=Ewa3 Mazur")).get_data(as_text=True)
    assert "Mazur Ewa3" in page and "Mazur Ewa2" not in page


def test_search_by_pesel_or_its_beginning(app, world, owner, many):
    page = owner.get(url(world, f"?q={ANNA_PESEL}")).get_data(as_text=True)
    assert "Nowak Anna" in page and "Lis Piotr" not in page
    page = owner.get(url(world, "?q=850314")).get_data(as_text=True)
    assert "Nowak Anna" in page and "Lis Piotr" in page and "Mazur" not in page


def test_search_by_locality(app, world, owner, many):
    page = owner.get(url(world, "?q=Nowa Huta")).get_data(as_text=True)
    assert "Lis Piotr" in page and "Mazur" not in page and "Nowak" not in page


def test_search_looks_in_the_actual_locality_and_never_across_two_fields(app, world, owner,
                                                                          many):
    world.factory.participant(world.inst.owner, first_name="Jan", last_name="Bury",
                              registered_locality="Kraków", actual_locality="Wieliczka")
    page = owner.get(url(world, "?q=wielicz")).get_data(as_text=True)
    assert "Bury Jan" in page and "Mazur" not in page
    # Searched as one text, the fields are kept apart: "Piotr" + "Lis" is no "rLis".
    page = owner.get(url(world, "?q=rLis")).get_data(as_text=True)
    assert "Lis Piotr" not in page and "No participant matches" in page


def test_search_finds_nobody_outside_the_institutions_reach(app, world, many):
    client = signed_in(app.test_client(), world.staff.other)
    page = client.get(url(world, f"?q={ANNA_PESEL}")).get_data(as_text=True)
    assert "Nowak" not in page and "No participant matches" in page


def test_search_wildcards_are_taken_literally(app, world, owner, many):
    page = owner.get(url(world, "?q=%25")).get_data(as_text=True)
    assert "Mazur" not in page and "No participant matches" in page


def test_the_list_is_paginated_with_x_to_y_of_n(make_app, factory_for_small_pages):
    app, world = factory_for_small_pages
    client = signed_in(app.test_client(), world.staff)
    first = client.get("/mini/participants/?q=Mazur").get_data(as_text=True)
    assert "1–2 of 5" in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert "page=2" in first and "Mazur Ewa0" in first and "Mazur Ewa2" not in first
    last = client.get("/mini/participants/?q=Mazur&page=3").get_data(as_text=True)
    assert "5–5 of 5" in last and 'rel="prev"' in last and 'rel="next"' not in last


@pytest.fixture
def factory_for_small_pages(make_app):
    from mosty.testing.factories import RegistryFactory

    app = make_app(MOSTY_PAGE_SIZE=2)
    f = RegistryFactory(app)
    p = f.partnership(slug="mini")
    inst = f.institution(p)
    for i in range(5):
        f.participant(inst, first_name=f"Ewa{i}", last_name="Mazur",
                      birth_date=date(1970 + i, 1, 1))
    return app, SimpleNamespace(staff=f.staff(inst))


def test_the_list_sorts_by_birth_date_both_ways(app, world, owner, many):
    page = owner.get(url(world, "?q=Mazur&sort=birth_date")).get_data(as_text=True)
    assert page.index("Ewa0") < page.index("Ewa4")
    page = owner.get(url(world, "?q=Mazur&sort=-birth_date")).get_data(as_text=True)
    assert page.index("Ewa4") < page.index("Ewa0")


def test_an_unknown_sort_key_falls_back_to_the_name(app, world, owner, many):
    assert owner.get(url(world, "?sort=pesel")).status_code == 200


def test_a_bad_page_number_is_404_not_500(app, world, owner):
    assert owner.get(url(world, "?page=abc")).status_code == 404
    assert owner.get(url(world, "?page=-1")).status_code == 404


def test_too_long_or_binary_search_text_gets_a_message(app, world, owner):
    response = owner.get(url(world, "?q=" + "a" * 10_000))
    assert response.status_code == 400
    assert "The search text is too long" in response.get_data(as_text=True)
    response = owner.get(url(world, "?q=An%00na"))
    assert response.status_code == 400
    assert "not allowed" in response.get_data(as_text=True)


# --- access: owner / consented / referred / other / withdrawn ------------------------------------

ACCESS = {
    # persona: (participant page, edit page, family page)
    "owner": (200, 200, 200),
    "consented": (200, 403, 200),
    "referred": (200, 403, 200),
    "other": (404, 404, 404),
    "withdrawn": (404, 404, 404),
}


@pytest.mark.parametrize("persona", ACCESS)
def test_participant_page_edit_and_family_page_follow_the_institution_rules(app, world,
                                                                            persona):
    client = signed_in(app.test_client(), getattr(world.staff, persona))
    page, edit, family = ACCESS[persona]
    assert client.get(url(world, f"{world.anna.id}/")).status_code == page
    assert client.get(url(world, f"{world.anna.id}/edit")).status_code == edit
    saving = client.post(url(world, f"{world.anna.id}/edit"), data=anna_again())
    assert saving.status_code == (302 if edit == 200 else edit)
    assert client.get(f"/krakow/families/{world.family.id}/").status_code == family


@pytest.mark.parametrize("persona", ["consented", "referred", "other", "withdrawn"])
def test_only_the_registering_institution_changes_care_relations(app, world, persona):
    client = signed_in(app.test_client(), getattr(world.staff, persona))
    expected = 403 if ACCESS[persona][0] == 200 else 404
    response = client.post(url(world, f"{world.anna.id}/care"), data=care())
    assert response.status_code == expected
    assert count(app, CareRelation) == 0


def test_the_edit_button_is_shown_to_the_registering_institution_only(app, world):
    edit_link = url(world, f"{world.anna.id}/edit")
    own = signed_in(app.test_client(), world.staff.owner).get(url(world, f"{world.anna.id}/"))
    shared = signed_in(app.test_client(), world.staff.consented).get(
        url(world, f"{world.anna.id}/"))
    assert edit_link in own.get_data(as_text=True)
    assert edit_link not in shared.get_data(as_text=True)


def test_a_withdrawn_consent_removes_access_at_once(app, world):
    client = signed_in(app.test_client(), world.staff.consented)
    assert client.get(url(world, f"{world.anna.id}/")).status_code == 200
    with app.app_context(), partnership_scope(world.partnership.id):
        from mosty.consents.models import Consent

        for consent in db.session.scalars(select(Consent)):
            if consent.withdrawn_on is None:
                consent.withdrawn_on = dates.today()
        db.session.commit()
    assert client.get(url(world, f"{world.anna.id}/")).status_code == 404


def test_members_without_the_caseworker_role_see_no_case_pages(app, world):
    client = signed_in(app.test_client(), world.admin)
    assert client.get(url(world)).status_code == 404
    assert client.get(url(world, "new")).status_code == 404
    assert client.get(url(world, f"{world.anna.id}/")).status_code == 404


def test_a_participant_of_another_partnership_is_404_under_the_own_slug(app, world, owner):
    foreign = world.foreign.participant.id
    assert owner.get(url(world, f"{foreign}/")).status_code == 404
    assert owner.get(url(world, f"{foreign}/edit")).status_code == 404
    assert owner.post(url(world, f"{foreign}/care"), data=care()).status_code == 404
    assert owner.get(url(world, "999999/")).status_code == 404


# --- the participant page ------------------------------------------------------------------------


def test_the_page_shows_core_data_with_translated_labels(app, world, owner):
    page = owner.get(url(world, f"{world.anna.id}/")).get_data(as_text=True)
    assert "Anna Nowak" in page and ANNA_PESEL in page and "501502503" in page
    assert "woman" in page and "registered unemployed" in page
    assert f'href="/krakow/families/{world.family.id}/"' in page and "Rodzina Nowaków" in page
    assert "head of household" in page


def test_the_timeline_shows_the_registration_and_later_updates_without_values(app, world,
                                                                            owner):
    page = owner.get(url(world, f"{world.anna.id}/")).get_data(as_text=True)
    assert "Registered" in page and "Record updated" not in page
    owner.post(url(world, f"{world.anna.id}/edit"), data=anna_again(phone="600700800"))
    page = owner.get(url(world, f"{world.anna.id}/")).get_data(as_text=True)
    assert "Record updated" in page


@pytest.fixture
def core_section(app):
    """A section and a timeline source as a core package would register them."""
    app.jinja_loader = ChoiceLoader([
        DictLoader({"testcore/section.html": "<p class='core-section'>{{ note }}</p>"}),
        app.jinja_loader,
    ])

    def section(subject, institution_id):
        return Panel(module="core", title="Core section", template="testcore/section.html",
                     context={"note": f"core for {subject.id} seen by {institution_id}"})

    def timeline(subject, institution_id):
        return [TimelineEntry(module="core", at=date(2030, 1, 1), title="Core event")]

    sections.PARTICIPANT_SECTIONS.append(section)
    sections.PARTICIPANT_TIMELINE.append(timeline)
    yield
    sections.PARTICIPANT_SECTIONS.remove(section)
    sections.PARTICIPANT_TIMELINE.remove(timeline)


class PanelModule:
    """A role module contributing a panel and a timeline entry."""

    @hookimpl
    def mosty_modules(self):
        return Module(key="testpanels", name="Test panels")

    @hookimpl
    def mosty_participant_panels(self, participant, membership):
        return Panel(module="testpanels", title="Module panel",
                     template="testpanels/panel.html", context={"pid": participant.id})

    @hookimpl
    def mosty_timeline_entries(self, subject, membership):
        return [TimelineEntry(module="testpanels", at=date(2031, 1, 1), title="Module event")]


@pytest.fixture
def panel_app(make_app):
    app = make_app(MOSTY_EXTRA_PLUGINS=[PanelModule()])
    app.jinja_loader = ChoiceLoader([
        DictLoader({"testpanels/panel.html": "<p class='module-panel'>panel {{ pid }}</p>"}),
        app.jinja_loader,
    ])
    return app


def enable_module(app, partnership, access="read"):
    with app.app_context(), partnership_scope(partnership.id):
        db.session.add(PartnershipModule(module_key="testpanels", enabled=True))
        db.session.add(ModuleGrant(module_key="testpanels", role="caseworker", access=access))
        db.session.commit()


def test_core_sections_and_timeline_entries_appear_on_the_page(app, world, owner, core_section):
    page = owner.get(url(world, f"{world.anna.id}/")).get_data(as_text=True)
    assert f"core for {world.anna.id} seen by {world.inst.owner.id}" in page
    timeline = page[page.index('id="timeline"'):]
    assert timeline.index("Core event") < timeline.index("Registered")  # newest first


def test_module_panels_and_timeline_entries_appear_only_where_the_module_is_granted(panel_app):
    from mosty.testing.factories import RegistryFactory

    f = RegistryFactory(panel_app)
    p = f.partnership(slug="panels")
    inst = f.institution(p)
    anna = f.participant(inst)
    client = signed_in(panel_app.test_client(), f.staff(inst))
    page = client.get(f"/panels/participants/{anna.id}/").get_data(as_text=True)
    assert "Module panel" not in page and "Module event" not in page
    enable_module(panel_app, p)
    page = client.get(f"/panels/participants/{anna.id}/").get_data(as_text=True)
    assert f"panel {anna.id}" in page and "Module event" in page


def test_markup_in_a_name_is_stored_as_typed_and_shown_escaped(app, world, owner):
    response = owner.post(url(world, "new"),
                          data=person(first_name="<script>alert(1)</script>", pesel=""))
    assert response.status_code == 302
    (stored,) = saved(app, Participant, last_name="Wiśniewska")
    assert stored.first_name == "<script>alert(1)</script>"
    page = owner.get(response.headers["Location"]).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


# --- rectification -------------------------------------------------------------------------------


def test_the_edit_form_is_filled_with_the_record(app, world, owner):
    page = owner.get(url(world, f"{world.anna.id}/edit")).get_data(as_text=True)
    assert 'value="Nowak"' in page and f'value="{ANNA_PESEL}"' in page
    assert 'checked id="actual_same"' in page


def test_rectification_saves_and_audits_the_changed_field_names(app, world, owner):
    response = owner.post(url(world, f"{world.anna.id}/edit"),
                          data=anna_again(phone="600700800", registered_locality="Kraków",
                                          education="higher"))
    assert response.status_code == 302
    (anna,) = saved(app, Participant, id=world.anna.id)
    assert (anna.phone, anna.education) == ("600700800", "higher")
    entry = audit_entries(app)[-1]
    assert (entry.action, entry.object_id) == ("update", str(world.anna.id))
    assert "phone" in entry.detail["fields"] and "education" in entry.detail["fields"]
    assert "first_name" not in entry.detail["fields"]
    assert "600700800" not in str(entry.detail)


def test_changing_the_pesel_to_anothers_is_offered_as_a_duplicate(app, world, owner, many):
    lis = many[-1]
    response = owner.post(url(world, f"{lis.id}/edit"),
                          data=person(first_name="Piotr", last_name="Lis",
                                      birth_date="1985-03-14", sex="female",
                                      pesel=ANNA_PESEL))
    assert response.status_code == 422
    assert "same PESEL" in response.get_data(as_text=True)
    (stored,) = saved(app, Participant, id=lis.id)
    assert stored.pesel != ANNA_PESEL


def test_an_invalid_edit_changes_nothing(app, world, owner):
    response = owner.post(url(world, f"{world.anna.id}/edit"),
                          data=anna_again(birth_date="2023-02-30", phone="600700800"))
    assert response.status_code == 422
    assert "Enter a valid date as YYYY-MM-DD" in response.get_data(as_text=True)
    (anna,) = saved(app, Participant, id=world.anna.id)
    assert anna.phone == "501502503"


# --- care relations ------------------------------------------------------------------------------


def care(**overrides):
    data = {"dependant_first_name": "Zosia", "dependant_birth_year": "2021",
            "dependant_type": "child_under_7", "hours_per_week": "40",
            "care_services": ["nursery", "nanny"], "note": ""}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_registering_institution_adds_and_removes_a_dependant(app, world, owner):
    response = owner.post(url(world, f"{world.anna.id}/care"), data=care())
    assert response.status_code == 302
    (relation,) = saved(app, CareRelation)
    (zosia,) = saved(app, Dependant)
    assert (relation.carer_id, relation.hours_per_week, relation.care_services) == (
        world.anna.id, 40, ["nursery", "nanny"])
    assert (zosia.first_name, zosia.birth_year, zosia.dependant_type) == (
        "Zosia", 2021, "child_under_7")
    page = owner.get(url(world, f"{world.anna.id}/")).get_data(as_text=True)
    assert "Zosia" in page and "child under 7" in page and "nursery or children" in page
    remove = url(world, f"{world.anna.id}/care/{relation.id}/remove")
    assert remove in page
    assert owner.post(remove).status_code == 302
    assert count(app, CareRelation) == 0 and count(app, Dependant) == 0


def test_a_care_relation_of_another_participant_cannot_be_removed_here(app, world, owner):
    other = world.factory.participant(world.inst.owner)
    owner.post(url(world, f"{other.id}/care"), data=care())
    (relation,) = saved(app, CareRelation)
    response = owner.post(url(world, f"{world.anna.id}/care/{relation.id}/remove"))
    assert response.status_code == 404
    assert count(app, CareRelation) == 1


@pytest.mark.parametrize("overrides, message", [
    ({"dependant_first_name": ""}, "This field is required."),
    ({"dependant_first_name": "Z" * 10_000}, "Field cannot be longer than 80 characters."),
    ({"dependant_birth_year": "last year"}, "Not a valid integer value."),
    ({"dependant_birth_year": "1800"}, "Enter a year between 1900 and this year."),
    ({"dependant_type": "pet"}, "Not a valid choice."),
    ({"hours_per_week": ""}, "This field is required."),
    ({"hours_per_week": "200"}, "Enter the number of hours, from 0 to 168"),
    ({"care_services": ["teleportation"]}, "is not a valid choice"),
    ({"note": "x" * 10_000}, "Field cannot be longer than 2000 characters."),
])
def test_bad_care_input_gets_a_message_and_saves_nothing(app, world, owner, overrides, message):
    response = owner.post(url(world, f"{world.anna.id}/care"), data=care(**overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(app, CareRelation) == 0 and count(app, Dependant) == 0


# --- bad input on the registration form ----------------------------------------------------------


@pytest.mark.parametrize("overrides, message", [
    ({"first_name": ""}, "This field is required."),
    ({"last_name": "   "}, "This field is required."),
    ({"first_name": "A" * 10_000}, "Field cannot be longer than 80 characters."),
    ({"last_name": "N" * 10_000}, "Field cannot be longer than 120 characters."),
    ({"registered_locality": "K" * 10_000}, "Field cannot be longer than 120 characters."),
    ({"labour_office_case_no": "1" * 10_000}, "Field cannot be longer than 40 characters."),
    ({"sex": "unicorn"}, "Not a valid choice."),
    ({"sex": ""}, "Please choose one."),
    ({"labour_status": "boss"}, "Not a valid choice."),
    ({"birth_date": "2023-02-30"}, "Enter a valid date as YYYY-MM-DD."),
    ({"birth_date": "yesterday"}, "Enter a valid date as YYYY-MM-DD."),
    ({"birth_date": ""}, "This field is required."),
    ({"birth_date": "2999-01-01", "pesel": ""}, "This date is in the future."),
    ({"birth_date": "1850-01-01", "pesel": ""}, "Please check the year of birth."),
    ({"unemployed_since": "2023-02-30"}, "Enter a valid date as YYYY-MM-DD."),
    ({"unemployed_since": "1980-01-01"}, "This date is before the date of birth."),
    ({"registered_teryt": "12ab"}, "Enter the 7-digit TERYT code"),
    ({"registered_teryt": "12610111"}, "Enter the 7-digit TERYT code"),
    ({"email": "not an address"}, "Enter an e-mail address like"),
    ({"first_name": "An\x00na"}, "characters that are not allowed"),
    ({"pesel": "9" * 10_000}, "Field cannot be longer than 20 characters."),
])
def test_bad_registration_input_gets_a_message_no_500_and_saves_nothing(app, world, owner,
                                                                        overrides, message):
    before = (count(app, Participant), len(audit_entries(app)))
    response = owner.post(url(world, "new"), data=person(**overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Please correct the marked fields." in page
    if message:
        assert message in page
    assert (count(app, Participant), len(audit_entries(app))) == before


def test_a_family_of_another_partnership_or_institution_cannot_be_joined(app, world):
    own_family_elsewhere = world.factory.family(world.inst.other, name="Rodzina PCPR")
    client = signed_in(app.test_client(), world.staff.owner)
    # "²" is a digit to str.isdigit() but not to int(): it was a 500
    for family_id in (world.foreign.family.id, own_family_elsewhere.id, "abc", "99999999999",
                      "²"):
        form_page = client.get(url(world, f"new?family={family_id}&relation=child"))
        assert form_page.status_code == 200
        assert "cannot be added to that family" in form_page.get_data(as_text=True)
        response = client.post(url(world, "new"),
                               data=person(family=str(family_id), relation="child"))
        assert response.status_code == 422
        assert "cannot be added to that family" in response.get_data(as_text=True)
    assert not saved(app, Participant, last_name="Wiśniewska")
    assert "Rodzina Obcych" not in form_page.get_data(as_text=True)


def test_an_unknown_relation_cannot_be_used_to_join_a_family(app, world, owner):
    response = owner.post(url(world, "new"),
                          data=person(family=str(world.family.id), relation="landlord"))
    assert response.status_code == 422
    assert not saved(app, Participant, last_name="Wiśniewska")


def test_registering_from_a_family_page_adds_the_person_to_the_family(app, world, owner):
    form_page = owner.get(url(world, f"new?family={world.family.id}&relation=child"))
    assert "The person will be added to the family Rodzina Nowaków as: child" in \
        form_page.get_data(as_text=True)
    response = owner.post(url(world, "new"),
                          data=person(family=str(world.family.id), relation="child"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/krakow/families/{world.family.id}/")
    (beata,) = saved(app, Participant, last_name="Wiśniewska")
    (member,) = saved(app, FamilyMember, participant_id=beata.id)
    assert (member.family_id, member.relation) == (world.family.id, "child")
    assert audit_entries(app)[-1].detail["family_id"] == world.family.id


# --- exactly one audit entry per request ---------------------------------------------------------


def test_every_participant_route_writes_exactly_one_audit_entry(app, world, owner):
    anna = world.anna.id

    def one_entry(action, request):
        before = len(audit_entries(app))
        response = request()
        assert response.status_code < 500
        entries = audit_entries(app)[before:]
        assert [e.action for e in entries] == [action], response.request.path
        return entries[0], response

    entry, _ = one_entry("read", lambda: owner.get(url(world)))
    assert entry.object_type == "Participant" and anna in entry.detail["ids"]
    entry, _ = one_entry("read", lambda: owner.get(url(world, "?q=Nowak")))
    assert entry.detail["ids"] == [anna] and "Nowak" not in str(entry.detail)
    one_entry("read", lambda: owner.get(url(world, f"{anna}/")))
    one_entry("read", lambda: owner.get(url(world, f"{anna}/edit")))
    one_entry("read", lambda: owner.post(url(world, f"{anna}/edit"),
                                         data=anna_again(birth_date="")))
    one_entry("update", lambda: owner.post(url(world, f"{anna}/edit"),
                                           data=anna_again(phone="600 700 800")))
    entry, _ = one_entry("read", lambda: owner.post(url(world, "new"), data=anna_again()))
    assert entry.detail == {"ids": [anna], "purpose": "duplicate_check"}
    one_entry("create", lambda: owner.post(url(world, "new"), data=person()))
    one_entry("read", lambda: owner.get(url(world, f"new?family={world.family.id}"
                                              "&relation=child")))
    one_entry("read", lambda: owner.post(url(world, f"{anna}/care"),
                                         data=care(hours_per_week="x")))
    entry, _ = one_entry("create", lambda: owner.post(url(world, f"{anna}/care"), data=care()))
    one_entry("delete", lambda: owner.post(
        url(world, f"{anna}/care/{entry.object_id}/remove")))


def test_a_blank_registration_form_reads_no_personal_data_and_is_not_audited(app, world, owner):
    before = len(audit_entries(app))
    assert owner.get(url(world, "new")).status_code == 200
    assert len(audit_entries(app)) == before


def test_refused_requests_write_no_audit_entry(app, world):
    client = signed_in(app.test_client(), world.staff.other)
    before = len(audit_entries(app))
    assert client.get(url(world, f"{world.anna.id}/")).status_code == 404
    assert client.get(url(world, f"{world.anna.id}/edit")).status_code == 404
    assert len(audit_entries(app)) == before
