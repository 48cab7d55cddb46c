"""mosty.i18n remembers the request's catalogue next to its locale: the language still follows
force_locale, refresh and each new request, in Python and in templates."""

from flask import render_template_string
from flask_babel import force_locale, refresh

from mosty.i18n import gettext, lazy_gettext, ngettext


def test_python_strings_follow_force_locale_inside_a_request(app):
    with app.test_request_context("/"):
        assert gettext("Saved.") == "Zapisano."
        with force_locale("en"):
            assert gettext("Saved.") == "Saved."
            assert ngettext("%(num)d row read.", "%(num)d rows read.", 5) == "5 rows read."
        assert gettext("Saved.") == "Zapisano."
        assert ngettext("%(num)d row read.", "%(num)d rows read.", 5) == "Odczytano 5 wierszy."
        assert ngettext("%(num)d row read.", "%(num)d rows read.", 2) == "Odczytano 2 wiersze."


def test_refresh_after_a_language_change_is_obeyed(app):
    with app.test_request_context("/") as ctx:
        assert gettext("Saved.") == "Zapisano."
        ctx.session["locale"] = "en"
        assert gettext("Saved.") == "Zapisano."  # the request's locale until refreshed
        refresh()
        assert gettext("Saved.") == "Saved."


def test_templates_and_lazy_strings_use_the_same_catalogue(app):
    saved = lazy_gettext("Saved.")
    template = "{{ _('Saved.') }}|{{ ngettext('%(num)d row read.', '%(num)d rows read.', 1) }}"
    with app.test_request_context("/"):
        assert render_template_string(template) == "Zapisano.|Odczytano 1 wiersz."
        assert str(saved) == "Zapisano."
        with force_locale("en"):
            assert render_template_string(template) == "Saved.|1 row read."
            assert str(saved) == "Saved."


def test_variables_are_filled_in_and_escaped_in_templates(app):
    with app.test_request_context("/"):
        assert gettext("This period is recorded as ended on %(day)s.", day="1 maja") \
            .endswith("1 maja.")
        html = render_template_string("{{ _('Hello %(name)s', name=name) }}", name="<b>")
        assert "&lt;b&gt;" in html and "<b>" not in html


def test_outside_a_request_the_source_text_is_given(app):
    with app.app_context():
        assert gettext("Saved.") == "Zapisano."  # the default locale, Polish
    assert gettext("Saved.") == "Saved."
