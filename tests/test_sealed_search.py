"""Search text is kept out of addresses (QA): a PESEL or a surname typed into a search was put in
the address (``?q=85031422302``), so it stayed in the server's access log, proxies' logs and
the browser's history. The search forms now post the text and are answered with a redirect to
the list with ``s``, the text sealed for the member who searched (mosty.sealed_search)."""

from urllib.parse import parse_qs, urlsplit

import pytest

from mosty.testing.factories import login

PESEL = "85031422302"
SLUG = "krakow-szukaj"


@pytest.fixture
def world(app, factory):
    p = factory.partnership(slug=SLUG)
    ops = factory.institution(p, name="MOPS Kraków")
    w = type("World", (), {})()
    w.app, w.factory, w.ops = app, factory, ops
    w.worker = factory.staff(ops, roles=("caseworker", "partnership_admin"))
    w.other_worker = factory.staff(ops, roles=("caseworker",))
    w.anna = factory.participant(ops, first_name="Anna", last_name="Szukana", pesel=PESEL)
    w.family = factory.family(ops, [(w.anna, "head")], name="Szukanowie", locality="Skawina")
    for n in range(30):
        factory.family(ops, name=f"Rodzina Skawińska {n:02d}", locality="Skawina")
    return w


def client_of(world, user):
    client = login(world.app.test_client(), user)
    with client.session_transaction() as session:
        session["locale"] = "pl"
    return client


def search(client, path, text, **form):
    """Post the search form; the redirect's address and the page it leads to."""
    response = client.post(f"/{SLUG}/{path}", data={"q": text, **form})
    assert response.status_code == 303, response.status_code
    location = response.headers["Location"]
    return location, client.get(location)


@pytest.mark.parametrize("path, text, found", [
    ("participants/", PESEL, "Szukana"),
    ("privacy/", PESEL, "Szukana"),
    ("families/", "Szukanowie", "Szukanowie"),
])
def test_the_text_searched_for_is_not_in_the_address_and_the_result_is_shown(world, path,
                                                                             text, found):
    client = client_of(world, world.worker)
    location, page = search(client, path, text)
    assert text not in location and "q=" not in location
    assert parse_qs(urlsplit(location).query)["s"]
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and found in html
    assert f'value="{text}"' in html  # the search box shows what was typed


def test_paging_and_sorting_links_carry_the_seal_not_the_text(world):
    client = client_of(world, world.worker)
    location, page = search(client, "families/", "Skawina", sort="name")
    html = page.get_data(as_text=True)
    token = parse_qs(urlsplit(location).query)["s"][0]
    assert "Skawina" not in location
    assert 'rel="next"' in html
    links = [part.split('"')[0] for part in html.split('href="')[1:]]
    paging = [link for link in links if "page=" in link or "sort=" in link]
    assert paging and all("q=" not in link for link in paging)

    def sealed(link):
        return parse_qs(urlsplit(link.replace("&amp;", "&")).query).get("s") == [token]

    # The next page and the column headings keep the search; "Show all" drops it.
    assert all(sealed(link) for link in paging if "page=" in link)
    assert sum(1 for link in paging if "sort=" in link and sealed(link)) >= 3
    second = client.get(next(link for link in paging if "page=2" in link).replace("&amp;", "&"))
    assert second.status_code == 200 and "Rodzina Skawińska" in second.get_data(as_text=True)


def test_another_member_cannot_open_someone_else_s_sealed_search(world):
    location, _page = search(client_of(world, world.worker), "participants/", PESEL)
    page = client_of(world, world.other_worker).get(location)
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "To wyszukiwanie wygasło" in html and "Szukana" not in html


@pytest.mark.parametrize("token", ["nonsense", "gAAAAA" + "x" * 80, "x" * 5000, "%00"])
def test_an_altered_or_overlong_seal_gets_a_message_not_an_error(world, token):
    page = client_of(world, world.worker).get(f"/{SLUG}/participants/?s={token}")
    assert page.status_code == 400
    assert "To wyszukiwanie wygasło" in page.get_data(as_text=True)


def test_an_address_with_q_still_works_and_its_links_are_sealed(world):
    page = client_of(world, world.worker).get(f"/{SLUG}/families/?q=Skawina")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Rodzina Skawińska" in html
    links = [part.split('"')[0] for part in html.split('href="')[1:]]
    assert not [link for link in links if "q=" in link]
    assert [link for link in links if "s=" in link]


def test_a_bad_search_text_is_refused_on_the_page_without_a_redirect(world):
    response = client_of(world, world.worker).post(f"/{SLUG}/participants/",
                                                   data={"q": "x" * 500})
    assert response.status_code == 400
    assert "za długi" in response.get_data(as_text=True)


def test_an_empty_search_shows_the_whole_list(world):
    client = client_of(world, world.worker)
    response = client.post(f"/{SLUG}/families/", data={"q": "  ", "sort": "name"})
    assert response.status_code == 303
    assert "s=" not in response.headers["Location"]
    assert "Rodzina Skawińska" in client.get(response.headers["Location"]).get_data(as_text=True)
