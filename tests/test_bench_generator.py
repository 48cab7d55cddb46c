"""The volume generator (``bench/generate.py``) at a tiny scale on SQLite: every row sits in its
parents' partnership (the walls hold), PESELs are valid, and the pages open on its output."""

import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import create_engine, text

from mosty import create_app
from mosty.participants.pesel import pesel_problems
from mosty.testing.factories import RegistryFactory, login
from mosty.testing.plugin import BASE_CONFIG

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.generate import generate  # noqa: E402

WALLS = {
    "participant vs institution": "SELECT count(*) FROM participant p JOIN institution i "
                                  "ON i.id = p.institution_id WHERE i.partnership_id != p.partnership_id",
    "member vs family": "SELECT count(*) FROM family_member m JOIN family f ON f.id = m.family_id "
                        "WHERE f.partnership_id != m.partnership_id",
    "member vs person": "SELECT count(*) FROM family_member m JOIN participant p "
                        "ON p.id = m.participant_id WHERE p.partnership_id != m.partnership_id",
    "delivery vs service": "SELECT count(*) FROM service_delivery d JOIN service s "
                           "ON s.id = d.service_id WHERE s.partnership_id != d.partnership_id",
    "delivery vs person": "SELECT count(*) FROM service_delivery d JOIN participant p "
                          "ON p.id = d.participant_id WHERE p.partnership_id != d.partnership_id",
    "referral vs person": "SELECT count(*) FROM referral r JOIN participant p "
                          "ON p.id = r.participant_id WHERE p.partnership_id != r.partnership_id",
    "referral vs institutions": "SELECT count(*) FROM referral r JOIN institution a "
                                "ON a.id = r.from_institution_id JOIN institution b "
                                "ON b.id = r.to_institution_id WHERE a.partnership_id != "
                                "r.partnership_id OR b.partnership_id != r.partnership_id",
}


def test_tiny_volume_respects_the_walls_and_the_pages_open(sqlite_template, tmp_path):
    path = tmp_path / "bench.sqlite"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    written, _seconds = generate(url, scale=0.0005, log=lambda *a: None)
    assert written["participant"] == 100 and written["service_delivery"] == 1000
    assert written["referral"] == 150 and written["audit_entry"] == 500
    engine = create_engine(url)
    with engine.connect() as conn:
        for wall, sql in WALLS.items():
            assert conn.scalar(text(sql)) == 0, wall
        sizes = [n for (n,) in conn.execute(text(
            "SELECT count(*) FROM participant GROUP BY partnership_id ORDER BY 1 DESC"))]
        assert len(sizes) == 2 and sizes[0] > sizes[1]  # skewed
        pesels = [p for (p,) in conn.execute(text("SELECT pesel FROM participant"))]
        assert len(set(pesels)) == len(pesels)
        assert all(not pesel_problems(p) for p in pesels[:50])
        pid, slug, ops = conn.execute(text(
            "SELECT p.id, p.slug, i.id FROM partnership p JOIN institution i "
            "ON i.partnership_id = p.id WHERE i.kind = 'ops' ORDER BY p.id LIMIT 1")).one()
        person = conn.scalar(text("SELECT min(id) FROM participant WHERE institution_id = :i"),
                             {"i": ops})
        family = conn.scalar(text("SELECT min(id) FROM family WHERE institution_id = :i"),
                             {"i": ops})
    engine.dispose()
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url,
                      "MOSTY_MIGRATION_DATABASE_URL": url})
    f = RegistryFactory(app)
    user = f.user()
    f.membership(user, SimpleNamespace(id=ops, partnership_id=pid), roles=("caseworker",))
    client = login(app.test_client(), user)
    pages = {f"/{slug}/": None, f"/{slug}/participants/": None,
             f"/{slug}/participants/{person}/": None, f"/{slug}/families/{family}/": "Rodzina",
             f"/{slug}/referrals/": None}
    for url_, marker in pages.items():
        response = client.get(url_)
        assert response.status_code == 200, url_
        if marker:
            assert marker in response.get_data(as_text=True)


PROBE_ROWS = ("SELECT (SELECT count(*) FROM family_member WHERE family_id = :f), "
              "(SELECT count(*) FROM service_delivery WHERE participant_id = :p), "
              "(SELECT count(*) FROM referral WHERE participant_id = :p), "
              "(SELECT count(*) FROM audit_entry WHERE object_id = CAST(:p AS VARCHAR)), "
              "(SELECT first_name || ' ' || last_name FROM participant WHERE id = :p)")


def test_the_probe_family_is_the_same_in_databases_of_any_shape(sqlite_template, tmp_path):
    """The 1 vs 100 partnerships benchmark measures the detail pages on these rows."""
    from bench.generate import plant_probe

    seen = []
    for count in (1, 3):
        path = tmp_path / f"probe{count}.sqlite"
        shutil.copyfile(sqlite_template, path)
        url = f"sqlite:///{path}"
        generate(url, scale=0.0005, partnerships=count, even=True, log=lambda *a: None)
        pid, family, person = plant_probe(url)
        assert plant_probe(url) == (pid, family, person)  # idempotent
        engine = create_engine(url)
        with engine.connect() as conn:
            seen.append(tuple(conn.execute(text(PROBE_ROWS), {"f": family, "p": person}).one()))
            for wall, sql in WALLS.items():
                assert conn.scalar(text(sql)) == 0, wall
        engine.dispose()
    assert seen[0] == seen[1] == (3, 12, 4, 10, "Sonda Próbna")
