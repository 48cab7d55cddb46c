"""The commit of a participant import writes in chunks (one multi-row INSERT per table and
chunk), and still writes exactly what a row-by-row commit wrote: the same people, families,
memberships, rectification history and audit entries, on SQLite and on PostgreSQL."""

from collections import Counter
from datetime import date
from types import SimpleNamespace

import pytest
from flask import g
from sqlalchemy import event, func, select

from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.families.models import Family, FamilyMember
from mosty.imports import people as people_import
from mosty.imports.contract import ImportContext, ImportRow
from mosty.imports.models import ImportBatch
from mosty.participants.models import Participant
from mosty.privacy.models import Rectification
from mosty.tenancy import partnership_scope
from mosty.testing.factories import RegistryFactory
from test_imports import (
    ANNA,
    JAN,
    LUCJA,
    ZOSIA,
    batch_id_of,
    client_of,
    commit,
    csv_bytes,
    dry_run,
    import_file,
    pesel,
    upload,
)

SLUG = "import-test"
HEADER = "Imię;Nazwisko;PESEL;Data urodzenia;Płeć;Gmina;Telefon;Rodzina;Pokrewieństwo"
MAREK = pesel(date(1970, 1, 20), female=False, serial=321)
TERESA = pesel(date(1950, 6, 1), serial=654)
OLGA = pesel(date(1991, 9, 9), serial=987)
ADAM = pesel(date(2001, 4, 4), female=False, serial=111)


@pytest.fixture
def world(any_app):
    f = RegistryFactory(any_app)
    p = f.partnership(slug=SLUG, territory=(
        ("1261", "Kraków (miasto na prawach powiatu)"), ("1206", "powiat krakowski"),
        ("1206032", "Igołomia-Wawrzeńczyce")))
    w = SimpleNamespace(app=any_app, f=f, p=p)
    w.mops = f.institution(p, name="MOPS Kraków", teryt="1261011")
    w.gup = f.institution(p, name="GUP Kraków", kind="labour_office", teryt="1261011")
    w.clerk = f.staff(w.mops)
    # Marek: the institution's own, no phone yet, already in its family "Rodzina Nowaków".
    w.marek = f.participant(w.mops, first_name="Marek", last_name="Nowak", sex="male",
                            birth_date=date(1970, 1, 20), pesel=MAREK, phone="")
    w.nowakow = f.family(w.mops, name="Rodzina Nowaków", members=[(w.marek, "head")])
    # Teresa: the institution's own, in no family. Olga: another institution's, unseen.
    w.teresa = f.participant(w.mops, first_name="Teresa", last_name="Nowak",
                             birth_date=date(1950, 6, 1), pesel=TERESA)
    w.olga = f.participant(w.gup, first_name="Olga", last_name="Lis",
                           birth_date=date(1991, 9, 9), pesel=OLGA)
    return w


def mixed_rows():
    return [
        f"Anna;Wiśniewska;{ANNA};;;Kraków;;Rodzina Wiśniewskich;głowa rodziny",  # 2 new
        f"Jan;Wiśniewski;{JAN};;;Kraków;;Rodzina Wiśniewskich;małżonek",         # 3 new
        f"Marek;Nowak;{MAREK};;;Kraków;600100200;Rodzina Nowaków;głowa",         # 4 merge
        f"Teresa;Nowak;{TERESA};;;Kraków;;rodzina nowaków;matka",                # 5 merge, joins
        f"Olga;Lis;{OLGA};;;Kraków;;Rodzina Lisów;głowa",                        # 6 unseen
        f"Zofia;Wiśniewska;{ZOSIA};;;Kraków;;RODZINA NOWAKÓW;wnuczka",           # 7 new, existing
        "anna;WIŚNIEWSKA;;14.03.1985;K;Kraków;600300400;Rodzina Wiśniewskich;głowa",  # 8 = 2
        f"Zofia;Wiśniewska;{ZOSIA};;;Kraków;;Rodzina Zielińskich;dziecko",       # 9 = 7, new fam.
        f"Łucja;Żółkiewska;{LUCJA};;;Igołomia-Wawrzeńczyce;;;",                  # 10 new alone
        f"Teresa;Nowak;{TERESA};;;Kraków;;;",                                    # 11 = 5
    ]


def snapshot(world):
    """What the registry holds, with ids replaced by names so two runs compare."""
    with world.app.app_context(), partnership_scope(world.p.id):
        people = {p.id: p for p in db.session.scalars(select(Participant))}
        families = {f.id: f for f in db.session.scalars(select(Family))}
        members = {m.id: m for m in db.session.scalars(select(FamilyMember))}
        name = {pid: p.first_name for pid, p in people.items()}
        family = {fid: f.name for fid, f in families.items()}

        def readable(detail):
            detail = dict(detail)
            detail.pop("import_id", None)
            if "family_id" in detail:
                detail["family_id"] = family[detail["family_id"]]
            if "added_participant_id" in detail:
                detail["added_participant_id"] = name[detail["added_participant_id"]]
            if "member_id" in detail:
                member = members[detail["member_id"]]
                detail["member_id"] = (family[member.family_id], name[member.participant_id])
            return tuple(sorted((k, str(v)) for k, v in detail.items()))

        def label(entry):
            if entry.object_type == "Participant":
                return name[int(entry.object_id)]
            if entry.object_type == "Family":
                return family[int(entry.object_id)]
            return entry.object_type

        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.object_type.in_(("Participant", "Family")))).all()
        return SimpleNamespace(
            people=sorted((p.first_name, p.last_name, p.pesel, p.birth_date, p.sex, p.phone,
                           p.institution_id, p.registered_teryt) for p in people.values()),
            families=sorted((f.name, f.institution_id, f.teryt, f.locality, f.area)
                            for f in families.values()),
            members=sorted((family[m.family_id], name[m.participant_id], m.relation)
                           for m in members.values()),
            audit=Counter((e.action, e.object_type, label(e), readable(e.detail),
                           e.actor_id, e.institution_id) for e in entries),
            history=sorted((name[r.participant_id], r.field, r.old_value, r.new_value)
                           for r in db.session.scalars(select(Rectification))),
        )


def test_a_mixed_file_writes_what_a_row_by_row_commit_wrote(world):
    client = client_of(world, world.clerk)
    import_file(world, client, csv_bytes(mixed_rows(), header=HEADER))
    after = snapshot(world)
    mops, gup = world.mops.id, world.gup.id
    assert after.people == [
        ("Anna", "Wiśniewska", ANNA, date(1985, 3, 14), "female", "600300400", mops, "1261011"),
        ("Jan", "Wiśniewski", JAN, date(1982, 7, 2), "male", "", mops, "1261011"),
        ("Marek", "Nowak", MAREK, date(1970, 1, 20), "male", "600100200", mops, "1261011"),
        ("Olga", "Lis", OLGA, date(1991, 9, 9), "female", "", gup, "1261011"),
        ("Teresa", "Nowak", TERESA, date(1950, 6, 1), "female", "", mops, "1261011"),
        ("Zofia", "Wiśniewska", ZOSIA, date(2012, 5, 30), "female", "", mops, "1261011"),
        ("Łucja", "Żółkiewska", LUCJA, date(1979, 11, 8), "female", "", mops, "1206032"),
    ]
    # "Rodzina Lisów" is named only by a person the institution cannot see: not created.
    assert after.families == [
        ("Rodzina Nowaków", mops, "1261011", "Kraków", "rural"),  # the factory's
        ("Rodzina Wiśniewskich", mops, "1261011", "Kraków", "urban"),
        ("Rodzina Zielińskich", mops, "1261011", "Kraków", "urban"),
    ]
    assert after.members == [
        ("Rodzina Nowaków", "Marek", "head"),
        ("Rodzina Nowaków", "Teresa", "parent"),
        ("Rodzina Nowaków", "Zofia", "grandchild"),
        ("Rodzina Wiśniewskich", "Anna", "head"),
        ("Rodzina Wiśniewskich", "Jan", "spouse"),
        ("Rodzina Zielińskich", "Zofia", "child"),
    ]
    # Filling a blank of a person created on an earlier line keeps its history, as any edit.
    assert after.history == [("Anna", "phone", "", "600300400"),
                             ("Marek", "phone", "", "600100200")]
    fields = ("actual_area", "actual_locality", "actual_teryt", "birth_date", "first_name",
              "last_name", "pesel", "registered_area", "registered_locality",
              "registered_teryt", "sex")
    place = str(["area", "locality", "name", "teryt"])

    def created(who, family=None):
        detail = [("fields", str(list(fields)))] + ([("family_id", family)] if family else [])
        return ("create", "Participant", who, tuple(sorted(detail)), world.clerk.id, mops)

    def update(kind, what, detail):
        return ("update", kind, what, tuple(sorted(detail)), world.clerk.id, mops)

    assert after.audit == Counter([
        created("Anna", "Rodzina Wiśniewskich"), created("Jan", "Rodzina Wiśniewskich"),
        created("Zofia", "Rodzina Nowaków"), created("Łucja"),
        ("create", "Family", "Rodzina Wiśniewskich", (("fields", place),), world.clerk.id,
         mops),
        ("create", "Family", "Rodzina Zielińskich", (("fields", place),), world.clerk.id,
         mops),
        update("Participant", "Marek", [("fields", "['phone']")]),
        update("Participant", "Anna", [("fields", "['phone']")]),
        update("Family", "Rodzina Nowaków", [
            ("added_participant_id", "Teresa"),
            ("member_id", str(("Rodzina Nowaków", "Teresa")))]),
        update("Family", "Rodzina Zielińskich", [
            ("added_participant_id", "Zofia"),
            ("member_id", str(("Rodzina Zielińskich", "Zofia")))]),
    ])
    # The same file again adds nothing at all.
    import_file(world, client, csv_bytes(list(reversed(mixed_rows())), header=HEADER))
    assert snapshot(world) == after


def test_a_file_longer_than_a_chunk_is_written_whole(world, monkeypatch):
    monkeypatch.setattr(people_import, "CHUNK", 3)
    client = client_of(world, world.clerk)
    import_file(world, client, csv_bytes(mixed_rows(), header=HEADER))
    after = snapshot(world)
    assert len(after.people) == 7 and len(after.members) == 6
    assert sum(after.audit.values()) == 10


def test_a_problem_in_a_later_chunk_keeps_nothing_of_the_chunks_written_before(world,
                                                                               monkeypatch):
    monkeypatch.setattr(people_import, "CHUNK", 3)
    before = snapshot(world)
    client = client_of(world, world.clerk)
    rows = [*mixed_rows(), "Ewa;Nowak;;;;Kraków;;;"]  # line 12: no date of birth, no sex
    batch_id = batch_id_of(upload(client, csv_bytes(rows, header=HEADER)))
    dry_run(client, batch_id)
    # As if the registry had changed since the dry run: the commit checks every row again
    # and, with one failing in its last chunk, writes nothing of the chunks before.
    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.get(ImportBatch, batch_id).report = {"counts": {}, "errors": [], "rows": []}
        db.session.commit()
    page = commit(client, batch_id).get_data(as_text=True)
    assert "Nothing was imported" in page
    assert snapshot(world) == before


def test_a_write_the_database_refuses_in_the_last_chunk_keeps_nothing(world, monkeypatch):
    # On PostgreSQL the chunks are sent without waiting for each (pipelined), so the refusal
    # surfaces only when the block ends: the job must still fail whole and say so.
    monkeypatch.setattr(people_import, "CHUNK", 3)
    real_entry_rows = people_import.entry_rows
    calls = []

    def third_chunk_breaks(action, object_type, entries, **kwargs):
        rows = real_entry_rows(action, object_type, entries, **kwargs)
        calls.append(object_type)
        if object_type == "Participant" and calls.count("Participant") == 2:
            rows[0]["action"] = None  # NOT NULL: refused by the database itself
        return rows

    monkeypatch.setattr(people_import, "entry_rows", third_chunk_breaks)
    before = snapshot(world)
    client = client_of(world, world.clerk)
    batch_id = batch_id_of(upload(client, csv_bytes(mixed_rows(), header=HEADER)))
    dry_run(client, batch_id)
    page = commit(client, batch_id).get_data(as_text=True)
    assert "unexpected error, and nothing it did was saved" in page  # failed whole, says so
    assert calls.count("Participant") == 2  # the refused chunk was not the first
    assert snapshot(world) == before
    with world.app.app_context(), partnership_scope(world.p.id):
        batch = db.session.get(ImportBatch, batch_id)
        assert batch.state != "committed" and batch.data is not None


def test_reserved_ids_are_new_rising_and_handed_out_once(world):
    from mosty.imports.bulk import reserve_ids

    with world.app.app_context(), partnership_scope(world.p.id):
        reserved = reserve_ids(Participant, 5)
        if world.app.config["MOSTY_TEST_BACKEND"] == "sqlite":
            assert reserved is None  # no sequence: insert_new reads the ids back
            return
        first, rest = reserved.take(2), reserved.take(3)
        existing = set(db.session.scalars(select(Participant.id)))
        assert first + rest == sorted(first + rest) and not existing & set(first + rest)
        with pytest.raises(ValueError):
            reserved.take(1)
        assert reserve_ids(Participant, 1).take(1)[0] > rest[-1]
        db.session.rollback()


def test_the_pipelined_block_flushes_pending_changes_first_and_none_inside(world):
    from mosty.imports.bulk import insert_all, pipelined

    with world.app.test_request_context(), partnership_scope(world.p.id):
        teresa = db.session.get(Participant, world.teresa.id)
        teresa.phone = "600700800"
        with pipelined():
            assert teresa not in db.session.dirty  # written before the first pipelined INSERT
            teresa.email = "teresa@example.pl"
            insert_all(AuditEntry, [{"partnership_id": world.p.id, "action": "read",
                                     "object_type": "Participant",
                                     "object_id": str(teresa.id), "detail": {}}])
            assert teresa in db.session.dirty  # the INSERT did not flush the change
        db.session.commit()
        db.session.expire_all()
        teresa = db.session.get(Participant, world.teresa.id)
        assert (teresa.phone, teresa.email) == ("600700800", "teresa@example.pl")
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "read", AuditEntry.object_id == str(teresa.id))) == 1


def generated_rows(n):
    """``n`` new people, every other one in a family of three."""
    rows = []
    for k in range(n):
        born = date(1960, 1, 1).replace(year=1960 + k % 40, day=1 + k % 28)
        family = f"Rodzina {k // 6}" if k % 2 else ""
        rows.append(ImportRow(line=k + 2, columns={}, values={
            "first_name": f"Imię{k}", "last_name": f"Nazwisko{k}",
            "pesel": pesel(born, female=k % 3 == 0, serial=k % 1000), "birth_date": "",
            "sex": "", "commune": "1261011", "locality": "", "phone": "", "email": "",
            "family": family, "relation": "dziecko" if family else "",
            "social_assistance_case_no": ""}))
    return rows


def statements_of_commit(world, n):
    """Statements sent to the database by the handler's commit of ``n`` new people."""
    count = 0

    def counted(*args):
        nonlocal count
        count += 1

    with world.app.test_request_context(), partnership_scope(world.p.id):
        g.membership = SimpleNamespace(roles=["caseworker"], institution_id=world.mops.id)
        context = ImportContext(partnership_id=world.p.id, institution_id=world.mops.id,
                                actor_id=world.clerk.id, batch_id=n, dry_run=False,
                                report_progress=lambda done, total: None)
        rows = generated_rows(n)
        engine = db.engine
        event.listen(engine, "before_cursor_execute", counted)
        try:
            outcomes = people_import.ParticipantImport()(rows, context)
        finally:
            event.remove(engine, "before_cursor_execute", counted)
        db.session.rollback()
    assert [o.errors for o in outcomes if o.errors] == []
    assert Counter(o.effect for o in outcomes) == {"create": n}
    return count


def test_the_statements_of_a_commit_grow_with_chunks_not_rows(world, monkeypatch):
    if world.app.config["MOSTY_TEST_BACKEND"] == "sqlite":
        # SQLite has no INSERT whose RETURNING follows the order of the rows, so SQLAlchemy
        # sends one INSERT per object there; the batching is PostgreSQL's.
        pytest.skip("SQLite inserts ORM objects one statement per row")
    monkeypatch.setattr(people_import, "CHUNK", 200)
    small, large = statements_of_commit(world, 50), statements_of_commit(world, 500)
    # 50 rows are one chunk, 500 rows three. A chunk costs the same three statements
    # whatever its number of rows: one INSERT each of participants, their family memberships
    # and their audit entries (the files' new families, fewer than a chunk, one INSERT each
    # of families and their audit entries).
    assert large - small <= 3 * (3 - 1), (small, large)
