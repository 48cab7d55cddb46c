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
