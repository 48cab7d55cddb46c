"""The lead form's family list: Polish order, and families of the same name in the same
locality told apart (QA: "Rodzina Grabowskich" came before "Rodzina Głowackich", and two
"Rodzina Adamczyków (Łosośnica)" could not be told apart)."""

import pytest

from test_animator_world import build, client_of


@pytest.fixture
def w(app, factory):
    return build(app, factory)


def options(page):
    start = page.index('id="family_id"')
    select = page[start:page.index("</select>", start)]
    return [part.split(">", 1)[1].split("</option")[0]
            for part in select.split("<option")[2:]]


def test_families_are_offered_in_polish_order_and_namesakes_carry_their_number(w):
    first = w.f.family(w.fundacja, name="Rodzina Adamczyków", locality="Łosośnica")
    second = w.f.family(w.fundacja, name="Rodzina Adamczyków", locality="Łosośnica")
    w.f.family(w.fundacja, name="Rodzina Głowackich", locality="Łobez")
    w.f.family(w.fundacja, name="Rodzina Grabowskich", locality="Łobez")
    w.f.family(w.fundacja, name="Rodzina Adamczyków", locality="Resko")
    page = client_of(w, w.animator).get(f"/{w.p.slug}/animator/leads/new")
    assert page.status_code == 200
    offered = options(page.get_data(as_text=True))
    assert offered[:5] == [
        f"Rodzina Adamczyków (Łosośnica), no. {first.id}",
        f"Rodzina Adamczyków (Łosośnica), no. {second.id}",
        "Rodzina Adamczyków (Resko)",
        "Rodzina Głowackich (Łobez)",
        "Rodzina Grabowskich (Łobez)",
    ]
    assert offered.index("Rodzina Nowaków (Łobez)") < offered.index(
        "Rodzina Wiśniewskich (Łobez)")
