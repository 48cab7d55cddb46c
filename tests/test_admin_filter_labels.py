"""A yes/no filter of the administration offers words of the user's language, not True/False."""

import json
import re

import pytest

import sample_module
from mosty.testing.factories import login
from test_admin import build_world

FILTER_GROUPS = re.compile(r'id="filter-groups-data"[^>]*>(.*?)</div>', re.S)


@pytest.fixture
def app(make_app):
    return make_app(MOSTY_EXTRA_PLUGINS=[sample_module])


def filter_options(client, view):
    html = client.get(f"/admin/{view}/").get_data(as_text=True)
    groups = json.loads(FILTER_GROUPS.search(html).group(1))
    return {label: [option for entry in entries for option in entry["options"]]
            for label, entries in groups.items()}


def test_the_active_filter_offers_yes_and_no_in_the_users_language(app, client):
    world = build_world(app)
    login(client, world.a.admin)
    assert set(map(tuple, filter_options(client, "memberships")["Aktywny"])) == {
        ("1", "Tak"), ("0", "Nie")}
    with client.session_transaction() as session:
        session["locale"] = "en"
    assert set(map(tuple, filter_options(client, "memberships")["Active"])) == {
        ("1", "Yes"), ("0", "No")}
