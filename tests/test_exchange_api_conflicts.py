"""Every 409 of the API is a readable message in the user's language, never the bare word
"Conflict" (the referral's own conflicts are in tests/test_exchange_api.py)."""

from werkzeug.exceptions import Conflict


def test_a_conflict_raised_anywhere_under_the_api_is_a_readable_message(make_app):
    app = make_app()

    def clash():
        raise Conflict()

    # An endpoint of the API's blueprint, so its error handlers answer.
    app.add_url_rule("/api/v1/_test_conflict", endpoint="exchange_api.test_conflict",
                     view_func=clash)
    response = app.test_client().get("/api/v1/_test_conflict")
    assert response.status_code == 409
    assert response.get_json() == {
        "error": "Żądanie jest sprzeczne z obecnym stanem rekordu.", "status": 409}
