"""Imports of participants and families: files in the encodings and separators clerks have
(UTF-8 with or without BOM, Windows-1250; ``;`` or ``,``; XLSX), Polish headers recognised,
a dry run that reports every malformed row by line and column and every duplicate it would
merge, an all-or-nothing commit, and the same file twice adding nothing."""

import io
from datetime import date, datetime
from types import SimpleNamespace

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.families.models import Family, FamilyMember
from mosty.imports.models import ImportBatch, ImportMapping
from mosty.jobs.models import Job
from mosty.participants.models import Participant
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login

SLUG = "import-test"
HEADER = "Imię;Nazwisko;PESEL;Data urodzenia;Gmina;Telefon;Rodzina;Pokrewieństwo"


def pesel(born, female=True, serial=123):
    """A valid PESEL for the date of birth and sex."""
    month = born.month + {1800: 80, 1900: 0, 2000: 20}[born.year // 100 * 100]
    digits = f"{born.year % 100:02d}{month:02d}{born.day:02d}{serial:03d}"
    digits += "2" if female else "1"  # the tenth digit: even for women, odd for men
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    check = (10 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 10) % 10
    return digits + str(check)


ANNA = pesel(date(1985, 3, 14))
JAN = pesel(date(1982, 7, 2), female=False)
ZOSIA = pesel(date(2012, 5, 30))
LUCJA = pesel(date(1979, 11, 8), serial=456)


def good_rows():
    return [
        f"Anna;Wiśniewska;{ANNA};14.03.1985;Kraków;600100200;Rodzina Wiśniewskich;głowa rodziny",
        f"Jan;Wiśniewski;{JAN};;1261011;;Rodzina Wiśniewskich;małżonek",
        f"Zofia;Wiśniewska;{ZOSIA};2012-05-30;Kraków;;Rodzina Wiśniewskich;córka",
        f"Łucja;Żółkiewska;{LUCJA};08.11.1979;Igołomia-Wawrzeńczyce;;;",
    ]


def csv_bytes(rows, header=HEADER, separator=";", encoding="utf-8"):
    text = "\r\n".join([header, *rows]) + "\r\n"
    return text.replace(";", separator).encode(encoding)


@pytest.fixture
def world(app, factory):
    return build_world(app, factory)


def build_world(app, factory):
    """A partnership with a welfare centre and a labour office in Kraków, a clerk in each."""
    p = factory.partnership(slug=SLUG, territory=(
        ("1261", "Kraków (miasto na prawach powiatu)"), ("1206", "powiat krakowski"),
        ("1206032", "Igołomia-Wawrzeńczyce")))
    w = SimpleNamespace(app=app, f=factory, p=p)
    w.mops = factory.institution(p, name="MOPS Kraków", teryt="1261011")
    w.gup = factory.institution(p, name="GUP Kraków", kind="labour_office", teryt="1261011")
    w.clerk = factory.staff(w.mops)
    w.gup_clerk = factory.staff(w.gup)
    return w


def client_of(world, user):
    client = login(world.app.test_client(), user)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def upload(client, data, filename="lista.csv", fmt="participants"):
    return client.post(f"/{SLUG}/imports/", data={"format": fmt, "file": (
        io.BytesIO(data), filename)}, content_type="multipart/form-data")


def batch_id_of(response):
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").split("/")[-2])


def batch_of(world, batch_id):
    with world.app.app_context(), partnership_scope(world.p.id):
        batch = db.session.get(ImportBatch, batch_id)
        return SimpleNamespace(state=batch.state, report=batch.report, mapping=batch.mapping,
                               encoding=batch.encoding, separator=batch.separator,
                               headers=batch.headers, data=batch.data)


def dry_run(client, batch_id, columns=None):
    """Confirm the suggested columns (or ``columns``) and run the dry run; the job's page."""
    page = client.get(f"/{SLUG}/imports/{batch_id}/mapping")
    assert page.status_code == 200
    form = columns if columns is not None else suggested(page.get_data(as_text=True))
    response = client.post(f"/{SLUG}/imports/{batch_id}/mapping", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert "/jobs/" in response.headers["Location"]
    return client.get(response.headers["Location"])


def suggested(html):
    """The ``column-<n>`` choices preselected on the mapping page."""
    import re

    form = {}
    for index, body in re.findall(r'<select id="column-(\d+)" name="column-\d+">(.*?)</select>',
                                  html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        form[f"column-{index}"] = chosen.group(1) if chosen else ""
    return form


def commit(client, batch_id):
    response = client.post(f"/{SLUG}/imports/{batch_id}/commit")
    assert response.status_code == 302
    return client.get(response.headers["Location"])


def counts(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        return SimpleNamespace(
            people=db.session.scalar(select(func.count(Participant.id))),
            families=db.session.scalar(select(func.count(Family.id))),
            members=db.session.scalar(select(func.count(FamilyMember.id))),
        )


def import_file(world, client, data, filename="lista.csv"):
    batch_id = batch_id_of(upload(client, data, filename))
    dry_run(client, batch_id)
    assert batch_of(world, batch_id).report["errors"] == []
    job_page = commit(client, batch_id)
    assert job_page.status_code == 200
    return batch_id


# --- the dry run ---------------------------------------------------------------------------------


def test_polish_headers_are_recognised_and_the_dry_run_saves_nothing(world):
    client = client_of(world, world.clerk)
    batch_id = batch_id_of(upload(client, csv_bytes(good_rows())))
    batch = batch_of(world, batch_id)
    assert batch.mapping == {"0": "first_name", "1": "last_name", "2": "pesel",
                             "3": "birth_date", "4": "commune", "5": "phone", "6": "family",
                             "7": "relation"}
    job_page = dry_run(client, batch_id).get_data(as_text=True)
    assert "4 rows read." in job_page and 'id="job-continue"' in job_page
    report = batch_of(world, batch_id).report
    assert report["errors"] == []
    assert report["counts"] == {"rows": 4, "create": 4, "rows_with_errors": 0}
    assert counts(world).people == 0 and counts(world).families == 0
    detail = client.get(f"/{SLUG}/imports/{batch_id}/").get_data(as_text=True)
    assert 'id="import-commit"' in detail


def test_every_malformed_row_is_reported_with_its_line_and_column(world):
    client = client_of(world, world.clerk)
    wrong_check = ANNA[:-1] + str((int(ANNA[-1]) + 1) % 10)
    rows = [
        *good_rows()[:1],
        f"Ewa;Nowak;{wrong_check};;Kraków;;;",                      # line 3: PESEL
        "Piotr;;;01.02.1970;Kraków;;;",                              # line 4: last name, sex
        "Maria;Lis;;31.02.1990;Kraków;;;",                           # line 5: date, sex
        f"Ola;Kot;{LUCJA};08.11.1979;Gdańsk;;;",                     # line 6: commune
        f"Ida;Sowa;{pesel(date(1990, 1, 1), serial=9)};;9999999;;Rodzina X;kuzyn",  # 7: 2
    ]
    batch_id = batch_id_of(upload(client, csv_bytes(rows)))
    dry_run(client, batch_id)
    report = batch_of(world, batch_id).report
    found = sorted((e["line"], e["column"]) for e in report["errors"])
    # The file has no sex column: that problem names the field (in the clerk's language).
    assert found == [(3, "PESEL"), (4, "Nazwisko"), (4, "Sex"), (5, "Data urodzenia"),
                     (5, "Sex"), (6, "Gmina"), (7, "Gmina"), (7, "Pokrewieństwo")]
    messages = {(e["line"], e["column"]): e["message"] for e in report["errors"]}
    assert "check digit" in messages[(3, "PESEL")]
    assert "Gdańsk" in messages[(6, "Gmina")]
    assert "outside the partnership" in messages[(7, "Gmina")]
    assert report["counts"]["rows_with_errors"] == 5
    detail = client.get(f"/{SLUG}/imports/{batch_id}/").get_data(as_text=True)
    assert 'id="import-commit"' not in detail and 'id="import-blocked"' in detail
    assert detail.count('class="import-error"') == 8
    # The import button is not there, and posting it anyway changes nothing.
    response = client.post(f"/{SLUG}/imports/{batch_id}/commit")
    assert response.status_code == 302 and "/imports/" in response.headers["Location"]
    assert counts(world).people == 0
    # No personal values in the stored report (only lines, headers and messages).
    assert "Nowak" not in str(report["errors"]) and wrong_check not in str(report["errors"])


def test_nothing_is_committed_when_any_row_fails_at_commit_time(world):
    client = client_of(world, world.clerk)
    rows = [*good_rows(), "Ewa;Nowak;;;Kraków;;;"]  # no date of birth, no sex
    batch_id = batch_id_of(upload(client, csv_bytes(rows)))
    dry_run(client, batch_id)
    # Pretend the dry run had passed (e.g. the registry changed in between): the commit
    # checks every row again and, with one failing, saves none of them.
    with world.app.app_context(), partnership_scope(world.p.id):
        batch = db.session.get(ImportBatch, batch_id)
        batch.report = {"counts": {"rows": 5}, "errors": [], "rows": []}
        db.session.commit()
    job_page = commit(client, batch_id).get_data(as_text=True)
    assert "Nothing was imported" in job_page
    assert "Data urodzenia" in job_page
    assert counts(world).people == 0 and counts(world).families == 0
    assert batch_of(world, batch_id).state == "checked"
    assert batch_of(world, batch_id).data  # the file is still there to try again


# --- commit, audit and idempotency --------------------------------------------------------------


def test_a_commit_registers_people_and_families_for_the_institution_with_audit(world):
    client = client_of(world, world.clerk)
    batch_id = import_file(world, client, csv_bytes(good_rows()))
    assert (counts(world).people, counts(world).families, counts(world).members) == (4, 1, 3)
    with world.app.app_context(), partnership_scope(world.p.id):
        people = db.session.scalars(select(Participant).order_by(Participant.id)).all()
        assert {p.institution_id for p in people} == {world.mops.id}
        anna, jan, zofia, lucja = people
        assert (anna.first_name, anna.birth_date, anna.sex) == ("Anna", date(1985, 3, 14),
                                                                "female")
        assert (jan.birth_date, jan.sex) == (date(1982, 7, 2), "male")  # from the PESEL
        assert (lucja.last_name, lucja.registered_teryt, lucja.registered_area) == (
            "Żółkiewska", "1206032", "rural")
        assert (anna.registered_teryt, anna.registered_locality, anna.registered_area) == (
            "1261011", "Kraków", "urban")
        relations = dict(db.session.execute(select(FamilyMember.participant_id,
                                                   FamilyMember.relation)).all())
        assert relations == {anna.id: "head", jan.id: "spouse", zofia.id: "child"}
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "create")).all()
        by_type = {}
        for entry in entries:
            by_type.setdefault(entry.object_type, []).append(entry)
        assert len(by_type["Participant"]) == 4 and len(by_type["Family"]) == 1
        (summary,) = by_type["ImportBatch"]
        assert summary.detail["create"] == 4 and summary.detail["rows"] == 4
        assert {(e.actor_id, e.institution_id) for e in entries} == {
            (world.clerk.id, world.mops.id)}
        assert all("Wiśniewska" not in str(e.detail) for e in entries)
        batch = db.session.get(ImportBatch, batch_id)
        assert batch.state == "committed" and batch.data is None


def test_the_same_file_twice_adds_nothing(world):
    client = client_of(world, world.clerk)
    data = csv_bytes(good_rows())
    import_file(world, client, data)
    before = counts(world)
    second = batch_id_of(upload(client, data))
    dry_run(client, second)
    report = batch_of(world, second).report
    assert report["counts"] == {"rows": 4, "merge": 4, "rows_with_errors": 0}
    detail = client.get(f"/{SLUG}/imports/{second}/").get_data(as_text=True)
    assert 'id="import-earlier"' in detail
    assert detail.count('class="import-match"') == 4
    commit(client, second)
    assert counts(world) == before
    # A changed file with the same people (another order, another separator) adds nothing too.
    third = batch_id_of(upload(client, csv_bytes(list(reversed(good_rows())), separator=",")))
    dry_run(client, third)
    commit(client, third)
    assert counts(world) == before


def test_duplicates_in_the_registry_and_in_the_file_are_merged_not_added(world):
    other = world.f.participant(world.gup, first_name="Łucja", last_name="Żółkiewska",
                                birth_date=date(1979, 11, 8), pesel=LUCJA)
    client = client_of(world, world.clerk)
    rows = [f"{row};" for row in good_rows()] + ["anna;WIŚNIEWSKA;;1985-03-14;Kraków;;;;K"]
    batch_id = batch_id_of(upload(client, csv_bytes(rows, header=HEADER + ";Płeć")))
    dry_run(client, batch_id)
    merged = {row["line"]: row for row in batch_of(world, batch_id).report["rows"]
              if row["effect"] == "merge"}
    assert sorted(merged) == [5, 6]
    assert "GUP Kraków" in merged[5]["note"] and "same PESEL" in merged[5]["note"]
    assert merged[5]["object_id"] is None  # registered by another institution: no link
    assert "line 2" in merged[6]["note"]
    page = client.get(f"/{SLUG}/imports/{batch_id}/").get_data(as_text=True)
    assert f"/participants/{other.id}/" not in page
    commit(client, batch_id)
    assert counts(world).people == 4  # three new, Łucja already there, Anna once


# --- files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding, separator, bom", [
    ("cp1250", ";", False), ("utf-8", ",", True), ("utf-8", ";", False), ("cp1250", ",", False),
])
def test_encodings_and_separators_are_detected(world, encoding, separator, bom):
    client = client_of(world, world.clerk)
    data = csv_bytes(good_rows(), separator=separator, encoding=encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    batch_id = batch_id_of(upload(client, data))
    batch = batch_of(world, batch_id)
    assert batch.separator == separator
    assert batch.encoding == {"cp1250": "Windows-1250", "utf-8": "UTF-8 (BOM)" if bom
                              else "UTF-8"}[encoding]
    assert batch.headers[0] == "Imię" and batch.mapping["0"] == "first_name"
    dry_run(client, batch_id)
    commit(client, batch_id)
    with world.app.app_context(), partnership_scope(world.p.id):
        names = set(db.session.scalars(select(Participant.last_name)))
    assert names == {"Wiśniewska", "Wiśniewski", "Żółkiewska"}


def test_quoted_values_with_separators_inside_are_kept_whole(world):
    client = client_of(world, world.clerk)
    rows = [f'Anna;"Wiśniewska; z d. Kos";{ANNA};;Kraków;;;']
    batch_id = import_file(world, client, csv_bytes(rows))
    assert batch_of(world, batch_id).state == "committed"
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalar(select(Participant.last_name)) == "Wiśniewska; z d. Kos"


def test_an_xlsx_workbook_imports_with_date_cells_and_numeric_pesel(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Imię", "Nazwisko", "PESEL", "Data urodzenia", "Gmina", "Płeć"])
    sheet.append(["Anna", "Wiśniewska", int(ANNA), datetime(1985, 3, 14), "Kraków", "K"])
    sheet.append(["Zofia", "Wiśniewska", int(ZOSIA), datetime(2012, 5, 30), "1261011", "k"])
    stream = io.BytesIO()
    workbook.save(stream)
    client = client_of(world, world.clerk)
    batch_id = import_file(world, client, stream.getvalue(), "lista.xlsx")
    assert batch_of(world, batch_id).encoding == "XLSX"
    with world.app.app_context(), partnership_scope(world.p.id):
        pesels = set(db.session.scalars(select(Participant.pesel)))
    assert pesels == {ANNA, ZOSIA}


def test_an_xlsx_import_reads_the_first_visible_sheet(world):
    # A hidden first sheet (lookup lists of a template) was imported instead of the data.
    workbook = Workbook()
    hidden = workbook.active
    hidden.title = "słowniki"
    hidden.append(["Kod", "Nazwa"])
    hidden.append(["1261011", "Kraków"])
    hidden.sheet_state = "hidden"
    data = workbook.create_sheet("lista")
    data.append(["Imię", "Nazwisko", "PESEL", "Gmina"])
    data.append(["Anna", "Wiśniewska", int(ANNA), "Kraków"])
    stream = io.BytesIO()
    workbook.save(stream)
    import_file(world, client_of(world, world.clerk), stream.getvalue(), "lista.xlsx")
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalar(select(Participant.last_name)) == "Wiśniewska"


def test_the_institutions_saved_mapping_is_used_for_its_next_file(world):
    client = client_of(world, world.clerk)
    header = "Pierwsze imię;Nazwisko rodowe;Nr ewid.;Kod gminy"
    rows = [f"Anna;Wiśniewska;{ANNA};1261011"]
    first = batch_id_of(upload(client, csv_bytes(rows, header=header)))
    assert batch_of(world, first).mapping == {}  # nothing recognised
    columns = {"column-0": "first_name", "column-1": "last_name", "column-2": "pesel",
               "column-3": "commune"}
    dry_run(client, first, columns)
    assert batch_of(world, first).report["errors"] == []
    second = batch_id_of(upload(client, csv_bytes(rows, header=header.replace(";", ","),
                                                  separator=",")))
    assert batch_of(world, second).mapping == {"0": "first_name", "1": "last_name",
                                               "2": "pesel", "3": "commune"}
    page = client.get(f"/{SLUG}/imports/{second}/mapping").get_data(as_text=True)
    assert suggested(page) == columns
    # Another institution does not inherit it.
    other = client_of(world, world.gup_clerk)
    assert batch_of(world, batch_id_of(upload(other, csv_bytes(
        rows, header=header)))).mapping == {}


def test_a_mapping_without_a_required_column_is_refused_with_a_message(world):
    client = client_of(world, world.clerk)
    batch_id = batch_id_of(upload(client, csv_bytes(good_rows())))
    response = client.post(f"/{SLUG}/imports/{batch_id}/mapping",
                           data={"column-0": "first_name", "column-1": "first_name"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose the column with: Last name." in page
    assert "Only one column can hold: First name." in page


@pytest.mark.parametrize("data, filename, message", [
    (b"", "pusty.csv", "The file is empty."),
    (b"\r\n  \r\n", "pusty.csv", "The file is empty."),
    (bytes(range(256)) * 20, "dane.csv", "does not look like a CSV or XLSX file"),
    (b"PK\x03\x04" + b"\x00garbage" * 50, "lista.xlsx", "cannot be opened"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "zdjecie.xlsx", "cannot be opened"),
    ("Imię;Nazwisko\r\n".encode(), "naglowek.csv", "no data rows"),
])
def test_bad_files_get_a_clear_message_never_a_500(world, data, filename, message):
    client = client_of(world, world.clerk)
    response = upload(client, data, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalar(select(func.count(ImportBatch.id))) == 0


def test_a_huge_file_is_refused_with_a_clear_message(world):
    world.app.config["MOSTY_IMPORT_MAX_BYTES"] = 2 * 1024 * 1024
    client = client_of(world, world.clerk)
    huge = csv_bytes(good_rows() * 40000)
    assert len(huge) > 3 * 1024 * 1024
    response = upload(client, huge)
    assert response.status_code == 422
    assert "too large" in response.get_data(as_text=True)


def test_a_file_with_too_many_rows_is_refused(world):
    world.app.config["MOSTY_IMPORT_MAX_ROWS"] = 10
    client = client_of(world, world.clerk)
    response = upload(client, csv_bytes(good_rows() * 5))
    assert response.status_code == 422
    assert "more than 10 rows" in response.get_data(as_text=True)


def test_an_upload_without_a_file_asks_for_one(world):
    client = client_of(world, world.clerk)
    response = client.post(f"/{SLUG}/imports/", data={"format": "participants"},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose the file to import." in response.get_data(as_text=True)


# --- access ---------------------------------------------------------------------------------


def test_another_institutions_member_gets_404_on_an_import_and_its_jobs(world):
    client = client_of(world, world.clerk)
    batch_id = batch_id_of(upload(client, csv_bytes(good_rows())))
    dry_run(client, batch_id)
    with world.app.app_context(), partnership_scope(world.p.id):
        job_id = db.session.scalar(select(Job.id))
    other = client_of(world, world.gup_clerk)
    assert other.get(f"/{SLUG}/imports/{batch_id}/").status_code == 404
    assert other.get(f"/{SLUG}/imports/{batch_id}/mapping").status_code == 404
    assert other.post(f"/{SLUG}/imports/{batch_id}/commit").status_code == 404
    assert other.get(f"/{SLUG}/jobs/{job_id}").status_code == 404
    assert "lista.csv" not in other.get(f"/{SLUG}/imports/").get_data(as_text=True)
    assert counts(world).people == 0


def test_members_without_case_work_have_no_import_pages(world):
    coordinator = world.f.staff(world.mops, roles=("coordinator",))
    client = client_of(world, coordinator)
    assert client.get(f"/{SLUG}/imports/").status_code == 404


def test_saved_mappings_belong_to_the_institution(world):
    client = client_of(world, world.clerk)
    batch_id = batch_id_of(upload(client, csv_bytes(good_rows())))
    dry_run(client, batch_id)
    with world.app.app_context(), partnership_scope(world.p.id):
        (mapping,) = db.session.scalars(select(ImportMapping)).all()
        assert (mapping.institution_id, mapping.format_key) == (world.mops.id, "participants")
        assert mapping.columns["imie"] == "first_name"


# --- case numbers, module formats, PostgreSQL ------------------------------------------------


def test_case_numbers_from_the_social_assistance_system_are_matched_by_pesel(world):
    anna = world.f.participant(world.mops, first_name="Anna", last_name="Wiśniewska",
                               birth_date=date(1985, 3, 14), pesel=ANNA)
    hidden = world.f.participant(world.gup, first_name="Jan", last_name="Wiśniewski",
                                 birth_date=date(1982, 7, 2), pesel=JAN, sex="male")
    client = client_of(world, world.clerk)
    data = csv_bytes([f"{ANNA};OPS/2024/117", f"{JAN};OPS/2024/118",
                      f"{LUCJA};OPS/2023/5", "12345678901;OPS/1"], header="PESEL;Nr sprawy")
    batch_id = batch_id_of(upload(client, data, fmt="social_assistance_cases"))
    assert batch_of(world, batch_id).mapping == {"0": "pesel", "1": "case_no"}
    dry_run(client, batch_id)
    report = batch_of(world, batch_id).report
    assert [(e["line"], e["column"]) for e in report["errors"]] == [(5, "PESEL")]
    fixed = batch_id_of(upload(client, data.rsplit(b"\r\n", 2)[0] + b"\r\n",
                               fmt="social_assistance_cases"))
    dry_run(client, fixed)
    rows = {row["line"]: row for row in batch_of(world, fixed).report["rows"]}
    assert rows[2]["effect"] == "update" and rows[2]["object_id"] == anna.id
    assert rows[3]["effect"] == "skip" and rows[4]["effect"] == "skip"  # not visible; unknown
    commit(client, fixed)
    with world.app.app_context(), partnership_scope(world.p.id):
        numbers = dict(db.session.execute(select(Participant.id,
                                                 Participant.social_assistance_case_no)).all())
        assert numbers == {anna.id: "OPS/2024/117", hidden.id: ""}
        (entry,) = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "update", AuditEntry.object_type == "Participant")).all()
        assert entry.object_id == str(anna.id) and entry.actor_id == world.clerk.id
        assert entry.detail["fields"] == ["social_assistance_case_no"]
    again = batch_id_of(upload(client, data.rsplit(b"\r\n", 2)[0] + b"\r\n",
                               fmt="social_assistance_cases"))
    dry_run(client, again)
    assert batch_of(world, again).report["counts"].get("update", 0) == 0


class LabourStatuses:
    """A module's format written against the contract with plain dicts (as a module that
    imports only the toolkit would)."""

    fields = [{"key": "pesel", "label": "PESEL", "required": True, "headers": ["PESEL"]},
              {"key": "case", "label": "Case", "required": True, "headers": ["Nr akt"]}]

    def __call__(self, rows, context):
        outcomes = []
        for row in rows:
            if not row.values["case"].startswith("PUP"):
                outcomes.append({"line": row.line, "errors": [
                    {"field": "case", "message": "A labour office file number starts with PUP."}]})
                continue
            person = db.session.scalar(select(Participant).where(
                Participant.pesel == row.values["pesel"]))
            if person is None:
                outcomes.append({"line": row.line, "effect": "skip", "note": "Unknown."})
                continue
            if not context.dry_run:
                person.labour_office_case_no = row.values["case"]
            context.report_progress(row.line, len(rows) + 1)
            outcomes.append({"line": row.line, "effect": "update", "object_id": person.id,
                             "visible": True, "note": "Updated."})
        return outcomes


def test_a_module_adds_an_import_format_through_the_contract(world, monkeypatch):
    from mosty.imports import formats

    module_format = formats.ImportFormat("labour.statuses", "Statusy PUP", LabourStatuses(),
                                         module="labour")
    monkeypatch.setattr(formats, "module_formats", lambda: [module_format])
    monkeypatch.setattr("mosty.plugins.access.can_use", lambda module, access="read": True)
    anna = world.f.participant(world.mops, pesel=ANNA, birth_date=date(1985, 3, 14))
    client = client_of(world, world.clerk)
    assert "Statusy PUP" in client.get(f"/{SLUG}/imports/").get_data(as_text=True)
    bad = csv_bytes([f"{ANNA};PUP/1", f"{JAN};X/2"], header="PESEL;Nr akt")
    batch_id = batch_id_of(upload(client, bad, fmt="labour.statuses"))
    dry_run(client, batch_id)
    assert batch_of(world, batch_id).report["errors"] == [
        {"line": 3, "column": "Nr akt", "message": "A labour office file number starts with PUP."}]
    good = batch_id_of(upload(client, csv_bytes([f"{ANNA};PUP/1"], header="PESEL;Nr akt"),
                              fmt="labour.statuses"))
    dry_run(client, good)
    commit(client, good)
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.get(Participant, anna.id).labour_office_case_no == "PUP/1"
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.object_type == "ImportBatch")) == 1


@pytest.mark.postgres
def test_an_import_commits_behind_row_level_security_on_postgresql(make_app):
    from mosty.testing.factories import RegistryFactory

    app = make_app(backend="postgresql")
    f = RegistryFactory(app)
    p = f.partnership(slug=SLUG, territory=(("1261", "Kraków"), ("1206032", "Igołomia-Wawrzeńczyce")))
    mops = f.institution(p, name="MOPS Kraków", teryt="1261011")
    world = SimpleNamespace(app=app, f=f, p=p, mops=mops, clerk=f.staff(mops))
    client = client_of(world, world.clerk)
    batch_id = import_file(world, client, csv_bytes(good_rows()))
    assert batch_of(world, batch_id).state == "committed"
    assert (counts(world).people, counts(world).families) == (4, 1)
    second = batch_id_of(upload(client, csv_bytes(good_rows())))
    dry_run(client, second)
    commit(client, second)
    assert (counts(world).people, counts(world).families) == (4, 1)


def test_files_never_imported_are_forgotten_after_a_week(world):
    from datetime import timedelta

    from mosty.db import utcnow

    client = client_of(world, world.clerk)
    old = batch_id_of(upload(client, csv_bytes(good_rows())))
    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.get(ImportBatch, old).created_at = utcnow() - timedelta(days=8)
        db.session.commit()
    fresh = batch_id_of(upload(client, csv_bytes(good_rows()[:1])))
    assert batch_of(world, old).data is None and batch_of(world, fresh).data
    job_page = dry_run(client, old).get_data(as_text=True)
    assert "no longer kept" in job_page
    assert counts(world).people == 0


def test_an_empty_file_with_the_recognised_headers_can_be_downloaded_and_imported(world):
    client = client_of(world, world.clerk)
    response = client.get(f"/{SLUG}/imports/template?format=participants")
    assert response.status_code == 200
    text = response.data.decode("utf-8-sig")
    assert text.startswith("Imię;Nazwisko;PESEL;Data urodzenia;Płeć;Gmina")
    filled = text + f"Anna;Wiśniewska;{ANNA};;;Kraków;;;;;;\r\n"
    batch_id = import_file(world, client, b"\xef\xbb\xbf" + filled.encode("utf-8"))
    assert batch_of(world, batch_id).state == "committed"
    assert client.get(f"/{SLUG}/imports/template?format=nothing").status_code == 404
