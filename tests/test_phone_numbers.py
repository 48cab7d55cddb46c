"""A phone number is digits (QA: "abc<b>" was saved as a participant's phone). The form and
the people import ask the same (mosty.forms.phone_problem), so an imported record is never
refused later, on a field nobody touched, by the form that edits it."""

from mosty.participants.models import Participant
from test_imports import (
    ANNA,
    HEADER,
    JAN,
    batch_id_of,
    batch_of,
    build_world,
    client_of,
    dry_run,
    upload,
)
from test_participants import anna_again, count, owner, url, world  # noqa: F401

MESSAGE = "Write the phone number in digits, e.g. 601 234 567 or +48 12 345 67 89."


def test_the_participant_form_refuses_a_phone_that_is_not_a_number(app, world, owner):  # noqa: F811
    before = count(app, Participant)
    response = owner.post(url(world, "new"),
                          data=anna_again(pesel="", first_name="Ola", phone="abc<b>"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert MESSAGE in page and 'value="abc&lt;b&gt;"' in page
    assert count(app, Participant) == before


def test_the_import_refuses_the_same_phone_under_its_column(app, factory):
    w = build_world(app, factory)
    client = client_of(w, w.clerk)
    data = (f"{HEADER}\n"
            f"Ola;Nowa;{ANNA};;1261011;601 234 567;;\n"
            f"Jan;Stary;{JAN};;1261011;abc<b>;;\n").encode()
    batch_id = batch_id_of(upload(client, data))
    dry_run(client, batch_id)
    report = batch_of(w, batch_id).report
    assert [(e["line"], e["message"]) for e in report["errors"]] == [(3, MESSAGE)]
