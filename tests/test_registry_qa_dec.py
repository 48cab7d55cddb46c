"""QA findings (December): a PESEL already in the registry is never registered a second time
(form, rectification, import), and a follow-up is checked no sooner than 3 or 6 calendar months
after the programme path ended."""

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from flask_babel import format_date as babel_format_date
from sqlalchemy import select

import test_participants
from mosty import dates
from mosty.extensions import db
from mosty.families.models import FamilyMember
from mosty.outcomes import service as outcomes
from mosty.outcomes.models import FollowUp
from mosty.participants.models import Participant
from mosty.tenancy import partnership_scope
from test_imports import HEADER, csv_bytes, dry_run
from test_imports import batch_id_of as import_batch_id_of
from test_imports import batch_of as import_batch_of
from test_imports import build_world as build_import_world
from test_imports import client_of as import_client_of
from test_imports import commit as import_commit
from test_imports import counts as import_counts
from test_imports import pesel as import_pesel
from test_imports import upload as import_upload
from test_outcomes import add_months, count, ended_path, follow_up
from test_outcomes import login as outcomes_login
from test_participants import ANNA_PESEL, anna_again, person, saved, signed_in, url
from test_pesel import make_pesel

# The participants' tests' fixtures: Anna registered by MOPS Kraków, shared with some.
world = test_participants.world
owner = test_participants.owner

TODAY = dates.today()
TAKEN_VISIBLE = "A person with this PESEL is already in the registry. Open their record"
TAKEN_HIDDEN = "A person with this PESEL is already in the registry, registered by MOPS Kraków"


def pesel_field_errors(page):
    """The error paragraphs under the PESEL field."""
    match = re.search(r'<div class="field has-error">\s*<label for="pesel".*?</div>', page, re.S)
    assert match, "the PESEL field is not marked"
    return re.findall(r'<p class="error"[^>]*>(.*?)</p>', match.group(0), re.S)


# --- registering a PESEL already in the registry ------------------------------------------------


def test_a_pesel_in_the_registry_is_refused_even_when_confirmed_a_different_person(
        app, world, owner):
    form = anna_again(first_name="Annа-Maria", last_name="Kowalczyk", phone="600 999 888",
                      confirm_different_person="y")
    response = owner.post(url(world, "new"), data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    [error] = pesel_field_errors(page)
    assert TAKEN_VISIBLE in error
    assert "This PESEL is already in the registry" in page
    assert 'name="confirm_different_person"' not in page  # nothing to confirm
    assert "Open the existing record" in page
    assert f'href="{url(world, f"{world.anna.id}/")}"' in page
    # What was typed stays in the form.
    assert 'value="Kowalczyk"' in page and 'value="600 999 888"' in page
    assert f'value="{ANNA_PESEL}"' in page
    assert len(saved(app, Participant, pesel=ANNA_PESEL)) == 1
    assert not saved(app, Participant, last_name="Kowalczyk")


def test_an_invisible_record_with_the_pesel_names_only_its_institution(app, world):
    client = signed_in(app.test_client(), world.staff.other)
    response = client.post(url(world, "new"), data=anna_again(
        first_name="Zofia", last_name="Zielińska", confirm_different_person="y"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    [error] = pesel_field_errors(page)
    assert TAKEN_HIDDEN in error
    assert "consent naming your institution, or a referral" in error
    assert "Nowak" not in page and "501502503" not in page
    assert f"/participants/{world.anna.id}/" not in page
    assert len(saved(app, Participant, pesel=ANNA_PESEL)) == 1


def test_the_refusal_reads_in_polish(app, world):
    client = signed_in(app.test_client(), world.staff.other)
    with client.session_transaction() as session:
        session["locale"] = "pl"
    page = client.post(url(world, "new"), data=anna_again(
        first_name="Zofia", last_name="Zielińska",
        confirm_different_person="y")).get_data(as_text=True)
    assert "Osoba o tym numerze PESEL jest już w rejestrze" in page
    assert "zgoda osoby obejmująca Twoją instytucję albo skierowanie" in page


def test_a_namesake_with_another_pesel_may_still_be_confirmed(app, world, owner):
    other_pesel = make_pesel(date(1985, 3, 14), "female", serial="777")
    form = anna_again(pesel=other_pesel)
    first = owner.post(url(world, "new"), data=form)
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert "same name and date of birth" in page and "same PESEL" not in page
    assert 'name="confirm_different_person"' in page
    response = owner.post(url(world, "new"), data={**form, "confirm_different_person": "y"})
    assert response.status_code == 302
    assert len(saved(app, Participant, first_name="Anna", last_name="Nowak")) == 2


def test_changing_the_pesel_to_anothers_is_refused_even_when_confirmed(app, world, owner):
    lis = world.factory.participant(world.inst.owner, first_name="Piotr", last_name="Lis",
                                    sex="male", birth_date=date(1985, 3, 14),
                                    pesel=make_pesel(date(1985, 3, 14), "male", serial="555"))
    response = owner.post(url(world, f"{lis.id}/edit"), data=person(
        first_name="Piotr", last_name="Lis", birth_date="1985-03-14", sex="female",
        pesel=ANNA_PESEL, phone="600 111 222", confirm_different_person="y"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert TAKEN_VISIBLE in " ".join(pesel_field_errors(page))
    assert 'value="600 111 222"' in page
    (stored,) = saved(app, Participant, id=lis.id)
    assert stored.pesel != ANNA_PESEL and stored.phone != "600 111 222"


def test_two_records_already_sharing_a_pesel_can_still_be_rectified(app, world, owner):
    """Existing data is not changed by the rule: such a pair keeps the namesakes' warning."""
    twin = world.factory.participant(world.inst.owner, first_name="Anna", last_name="Nowak",
                                     birth_date=date(1985, 3, 14), pesel=ANNA_PESEL)
    form = anna_again(last_name="Nowak-Kowalska", confirm_different_person="y")
    response = owner.post(url(world, f"{twin.id}/edit"), data=form)
    assert response.status_code == 302
    (stored,) = saved(app, Participant, id=twin.id)
    assert stored.last_name == "Nowak-Kowalska" and stored.pesel == ANNA_PESEL


# --- the import ---------------------------------------------------------------------------------


@pytest.fixture
def imports(app, factory):
    return build_import_world(app, factory)


def import_report(imports, rows):
    client = import_client_of(imports, imports.clerk)
    batch_id = import_batch_id_of(import_upload(
        client, csv_bytes(rows, header=HEADER + ";Płeć")))
    dry_run(client, batch_id)
    return client, batch_id, import_batch_of(imports, batch_id).report


def test_an_imported_pesel_already_registered_is_merged_not_added(imports):
    taken = import_pesel(date(1979, 11, 8), serial=456)
    imports.f.participant(imports.gup, first_name="Łucja", last_name="Żółkiewska",
                          birth_date=date(1979, 11, 8), pesel=taken)
    client, batch_id, report = import_report(
        imports, [f"Lucyna;Kowal;{taken};08.11.1979;Kraków;;;;K"])
    [row] = report["rows"]
    assert row["effect"] == "merge" and "same PESEL" in row["note"]
    import_commit(client, batch_id)
    assert import_counts(imports).people == 1


def test_a_pesel_of_someone_registered_on_a_line_merged_with_another_is_refused(imports):
    """Line 3 would merge into line 2's new record (same name and birth) and fill in its
    blank PESEL with the one already registered for Łucja: a second record with it."""
    taken = import_pesel(date(1979, 11, 8), serial=456)
    imports.f.participant(imports.gup, first_name="Łucja", last_name="Żółkiewska",
                          birth_date=date(1979, 11, 8), pesel=taken)
    _client, _batch_id, report = import_report(imports, [
        "Ewa;Mazur;;08.11.1979;Kraków;;;;K",
        f"ewa;MAZUR;{taken};08.11.1979;Kraków;;;;K",
    ])
    errors = [e for e in report["errors"] if e["line"] == 3]
    assert errors and errors[0]["column"] == "PESEL"
    assert "already registered by GUP Kraków" in errors[0]["message"]
    assert "line 2" in errors[0]["message"]
    assert import_counts(imports).people == 1


def test_a_third_line_of_one_person_joins_the_first_lines_record(imports):
    new_pesel = import_pesel(date(1990, 1, 2), serial=321)
    client, batch_id, report = import_report(imports, [
        "Ewa;Mazur;;02.01.1990;Kraków;;;;K",
        f"Ewa;Mazur;{new_pesel};02.01.1990;Kraków;;;;K",
        f"Ewa;Mazur-Nowak;{new_pesel};02.01.1990;Kraków;;Rodzina Mazurów;głowa rodziny;K",
    ])
    assert report["errors"] == []
    import_commit(client, batch_id)
    assert import_counts(imports).people == 1
    with imports.app.app_context(), partnership_scope(imports.p.id):
        (ewa,) = db_rows(select(Participant))
        assert ewa.pesel == new_pesel
        assert [m.participant_id for m in db_rows(select(FamilyMember))] == [ewa.id]


def db_rows(query):
    return list(db.session.scalars(query))


# --- follow-ups no sooner than their months -----------------------------------------------------


@pytest.mark.parametrize("ended_on, months, earliest", [
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2026, 8, 31), 3, date(2026, 11, 30)),
    (date(2027, 8, 31), 6, date(2028, 2, 29)),
    (date(2026, 1, 15), 3, date(2026, 4, 15)),
])
def test_the_earliest_check_is_that_many_calendar_months_after_the_end(ended_on, months,
                                                                       earliest):
    assert outcomes.earliest_check(SimpleNamespace(ended_on=ended_on), months) == earliest


@pytest.fixture
def path(two_partnerships):
    w = two_partnerships
    w.slug = w.a.partnership.slug
    w.participant = w.factory.participant(w.a.other, first_name="Maria", last_name="Nowak")
    w.ended_on = add_months(TODAY, -7)
    w.path = ended_path(w.factory, w.participant, w.a.other, w.ended_on)
    w.url = f"/{w.slug}/outcomes/follow-ups/new?enrollment={w.path.id}"
    return w


def shown_date(app, day, locale="en"):
    with app.test_request_context(), force_locale(locale):
        return babel_format_date(day)


@pytest.mark.parametrize("months", [3, 6])
def test_a_follow_up_checked_before_its_months_is_refused_on_the_date(app, client, path,
                                                                      months):
    outcomes_login(client, path.a.caseworker)
    earliest = add_months(path.ended_on, months)
    for checked_on in (path.ended_on + timedelta(days=1), earliest - timedelta(days=1)):
        response = client.post(f"{path.url}&months={months}", data={
            "months": str(months), "status": "employed", "checked_on": checked_on.isoformat(),
            "note": "za wcześnie"})
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        field = re.search(r'<div class="field has-error">\s*<label for="checked_on".*?</div>',
                          page, re.S)
        assert field, "the date field is not marked"
        assert (f"The follow-up after {months} months can be checked on "
                f"{shown_date(app, earliest)} at the earliest") in field.group(0)
        assert 'value="za wcześnie"' in page or "za wcześnie</textarea>" in page
    assert count(app, FollowUp) == 0
    response = client.post(f"{path.url}&months={months}", data={
        "months": str(months), "status": "employed", "checked_on": earliest.isoformat()})
    assert response.status_code == 302
    assert count(app, FollowUp) == 1


def test_the_refusal_of_an_early_follow_up_reads_in_polish(app, client, path):
    outcomes_login(client, path.a.caseworker)
    with client.session_transaction() as session:
        session["locale"] = "pl"
    page = client.post(f"{path.url}&months=6", data={
        "months": "6", "status": "employed",
        "checked_on": (path.ended_on + timedelta(days=1)).isoformat()}).get_data(as_text=True)
    earliest = shown_date(app, add_months(path.ended_on, 6), "pl")
    assert f"Monitoring po 6 miesiącach można przeprowadzić najwcześniej {earliest}" in page


def checked_on_input(page):
    return re.search(r'<input[^>]*name="checked_on"[^>]*>', page).group(0)


def test_the_form_proposes_today_only_for_a_follow_up_that_is_due(app, client, path):
    outcomes_login(client, path.a.caseworker)
    due = client.get(f"{path.url}&months=6").get_data(as_text=True)
    assert f'value="{TODAY.isoformat()}"' in checked_on_input(due)
    recent = ended_path(path.factory, path.participant, path.a.other, add_months(TODAY, -4))
    url = f"/{path.slug}/outcomes/follow-ups/new?enrollment={recent.id}"
    not_yet = checked_on_input(client.get(f"{url}&months=6").get_data(as_text=True))
    assert not re.search(r'value="\d', not_yet)  # today would be refused: no date proposed
    # Without the months in the address, the first one due and not recorded is chosen.
    page = client.get(url).get_data(as_text=True)
    assert '<option selected value="3">' in page
    assert f'value="{TODAY.isoformat()}"' in checked_on_input(page)
    follow_up(path.factory, path.a.partnership.id, path.path, 3)
    page = client.get(path.url).get_data(as_text=True)
    assert '<option selected value="6">' in page
