"""The request wall: the partnership comes from the URL and only members get in."""


import pytest


def test_anonymous_user_is_sent_to_login(client, two_partnerships):
    response = client.get("/part-a/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_anonymous_user_is_sent_to_login_even_for_an_unknown_slug(client):
    response = client.get("/no-such-partnership/")
    assert response.status_code == 302


def test_member_reaches_their_dashboard(client, two_partnerships, login_as):
    login_as(client, two_partnerships.a.caseworker)
    response = client.get("/part-a/")
    assert response.status_code == 200
    assert "Lider a" in response.get_data(as_text=True)


def test_member_of_a_gets_404_for_partnership_b(client, two_partnerships, login_as):
    login_as(client, two_partnerships.a.caseworker)
    assert client.get("/part-b/").status_code == 404


def test_unknown_slug_is_404_for_a_signed_in_user(client, two_partnerships, login_as):
    login_as(client, two_partnerships.a.caseworker)
    assert client.get("/no-such-partnership/").status_code == 404


def test_dashboard_never_shows_the_other_partnerships_institutions(client, two_partnerships,
                                                                  login_as):
    login_as(client, two_partnerships.a.admin)
    page = client.get("/part-a/").get_data(as_text=True)
    assert "Lider a" in page and "OPS a" in page
    assert "Lider b" not in page and "OPS b" not in page


def test_inactive_membership_is_404(app, client, factory, login_as):
    p = factory.partnership(slug="gamma")
    inst = factory.institution(p)
    user = factory.user()
    factory.membership(user, inst, active=False)
    login_as(client, user)
    assert client.get("/gamma/").status_code == 404


def test_an_id_beyond_a_database_integer_matches_no_route_on_any_blueprint(app):
    # One converter for every <int:...> (core and plugins): such an id is nobody's row, and
    # PostgreSQL would refuse the query instead of finding nothing.
    from werkzeug.exceptions import MethodNotAllowed, NotFound

    from mosty.ids import MAX_ID

    adapter = app.url_map.bind("localhost")
    int_rules = [rule for rule in app.url_map.iter_rules()
                 if rule.rule.startswith("/<partnership") and "<int:" in rule.rule]
    assert len({rule.endpoint.split(".")[0] for rule in int_rules}) >= 10
    for rule in int_rules:
        values = {arg: MAX_ID for arg in rule.arguments}
        values["partnership"] = "part-a"
        path = rule.build(values, append_unknown=False)[1]
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        assert adapter.match(path, method=method)[0] == rule.endpoint
        too_big = path.replace(str(MAX_ID), str(MAX_ID + 1))
        # Werkzeug answers 405 rather than 404 when a sibling rule takes another method; either
        # way no view runs.
        with pytest.raises((NotFound, MethodNotAllowed)):
            adapter.match(too_big, method=method)


def test_a_row_id_from_a_query_string_or_a_form_is_a_number_a_row_can_have():
    from mosty.ids import MAX_ID, row_id

    assert row_id("1") == 1 and row_id(str(MAX_ID)) == MAX_ID
    for value in ("", "0", "-1", "+1", " 1", "1.5", "abc", "²", "٣", "1_000", str(MAX_ID + 1),
                  "99999999999999999999", "\x00", None):
        with pytest.raises(ValueError):
            row_id(value)


# Pages that take the person or the programme path they are about from the query string.
QUERY_IDS = ["/consents/new?participant={n}", "/outcomes/new?participant={n}",
             "/referrals/new?participant={n}", "/services/deliveries/new?participant={n}",
             "/outcomes/follow-ups/new?enrollment={n}", "/enrollment/new?participant={n}",
             "/enrollment/new?family={n}"]


def test_an_id_in_the_query_string_that_no_row_can_have_is_404_not_a_server_error(any_app):
    # Was a 500: ``type=int`` let 99999999999999999999 through to the query (PostgreSQL:
    # integer out of range; SQLite: OverflowError).
    from mosty.testing.factories import login
    from mosty.testing.plugin import build_two_partnerships

    world = build_two_partnerships(any_app)
    client = login(any_app.test_client(), world.a.caseworker)
    for n in (str(2**31), "99999999999999999999", "-1", "²"):
        for path in QUERY_IDS:
            url = "/part-a" + path.format(n=n)
            assert client.get(url).status_code == 404, url
            assert client.post(url, data={}).status_code == 404, url


def _rename(app, partnership_id, slug):
    from sqlalchemy import update

    from mosty.extensions import db
    from mosty.partnerships.models import Partnership

    with app.app_context():
        db.session.execute(update(Partnership).where(Partnership.id == partnership_id)
                           .values(slug=slug))
        db.session.commit()


def test_a_slug_that_changed_hands_leads_to_its_new_partnership(any_app):
    # The wall remembers which partnership a slug named, so that the next request's first
    # statement already runs under its setting; a slug given to another partnership since
    # must neither keep the old partnership's members in nor the new one's out, and a
    # platform admin (who needs no membership) must see the new partnership's rows only.
    from mosty.testing.factories import Factory, login
    from mosty.testing.plugin import build_two_partnerships

    world = build_two_partnerships(any_app)
    admin = Factory(any_app).user(platform_admin=True)
    member_a = login(any_app.test_client(), world.a.caseworker)
    member_b = login(any_app.test_client(), world.b.caseworker)
    platform_admin = login(any_app.test_client(), admin)
    assert member_a.get("/part-a/").status_code == 200  # part-a -> A remembered
    assert member_b.get("/part-b/").status_code == 200
    _rename(any_app, world.a.partnership.id, "part-old")
    _rename(any_app, world.b.partnership.id, "part-a")
    page = member_b.get("/part-a/")  # the first to meet the stale entry
    assert page.status_code == 200 and "Lider b" in page.get_data(as_text=True)
    assert member_a.get("/part-a/").status_code == 404
    assert "Lider a" in member_a.get("/part-old/").get_data(as_text=True)
    assert member_b.get("/part-b/").status_code == 404  # a slug that is gone

    # part-a -> B is remembered now; part-a goes back to A.
    _rename(any_app, world.b.partnership.id, "part-y")
    _rename(any_app, world.a.partnership.id, "part-a")
    page = platform_admin.get("/part-a/").get_data(as_text=True)
    assert "Lider a" in page and "Lider b" not in page


def test_a_request_to_a_known_partnership_enters_it_in_fewer_statements(any_app):
    # The user, then the partnership with the membership and the module grants in one
    # statement; on PostgreSQL the transaction's setting is made once, for this partnership.
    from sqlalchemy import event

    from mosty.extensions import db
    from mosty.testing.factories import login
    from mosty.testing.plugin import build_two_partnerships

    world = build_two_partnerships(any_app)
    client = login(any_app.test_client(), world.a.caseworker)
    with any_app.app_context():
        engine = db.engine
    counts = []
    for _ in range(3):
        sent, settings = [], []

        def count(*args, sent=sent, settings=settings):
            sent.append(args[2])
            if "set_config" in args[2]:
                settings.append(args[3]["pid"])

        event.listen(engine, "before_cursor_execute", count)
        assert client.get("/part-a/").status_code == 200
        event.remove(engine, "before_cursor_execute", count)
        counts.append(len(sent))
    first, second, third = counts
    setting = 1 if engine.dialect.name == "postgresql" else 0
    assert first - second == 1 + setting  # the slug looked up, and the setting made again
    assert second == third
    if setting:
        assert settings == [str(world.a.partnership.id)]  # one, this partnership's
