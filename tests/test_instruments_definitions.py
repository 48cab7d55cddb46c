"""Instrument definitions are YAML a partnership admin writes: a good one becomes a spec the
forms and the scoring read; a bad one is refused with every fault named by its line and the
item, section or domain at fault (in the user's language)."""

import textwrap

import pytest
from flask_babel import force_locale

from mosty.instruments.definitions import InvalidDefinition, parse_definition
from mosty.instruments.service import EXAMPLE_KEYS, example_source

GOOD = """\
key: readiness
title: Readiness check
required_by_default: true
sections:
  - id: work
    title: Work
    items:
      - id: want
        text: I want to work.
        type: scale
        min: 1
        max: 5
        labels: {1: no, 5: yes}
        domain: drive
        weight: 2
      - id: fear
        text: I am afraid of losing benefits.
        type: scale
        min: 1
        max: 5
        domain: drive
        reverse: true
      - id: licence
        text: Driving licence?
        type: yes_no
        domain: drive
        required: false
      - id: hours
        text: Hours you can work
        type: number
        min: 0
        max: 60
        unit: h
      - id: source
        text: How did you hear of us?
        type: choice
        options:
          - {value: friend, label: a friend}
          - {value: office, label: the labour office}
      - id: notes
        text: Notes
        type: text
domains:
  - id: drive
    title: Drive
    rule: weighted_mean
    min_answered: 0.5
    bands:
      - {from: 1, label: low, text: Talk first.}
      - {from: 3.5, label: high, text: Plan the job search now.}
total:
  rule: sum
  from: items
"""


def faults_of(app, text, locale="en"):
    with app.app_context(), force_locale(locale):
        with pytest.raises(InvalidDefinition) as raised:
            parse_definition(textwrap.dedent(text))
        return [str(fault) for fault in raised.value.faults]


def spec_of(app, text):
    with app.app_context(), force_locale("en"):
        return parse_definition(textwrap.dedent(text))


def test_a_good_definition_becomes_a_spec_with_sections_items_domains_and_bands(app):
    spec = spec_of(app, GOOD)
    assert spec["key"] == "readiness" and spec["title"] == "Readiness check"
    assert [s["id"] for s in spec["sections"]] == ["work"]
    assert spec["sections"][0]["items"] == ["want", "fear", "licence", "hours", "source", "notes"]
    want = spec["items"]["want"]
    assert (want["type"], want["min"], want["max"], want["weight"], want["domain"]) == (
        "scale", 1, 5, 2, "drive")
    assert want["labels"] == {"1": "no", "5": "yes"}
    assert spec["items"]["fear"]["reverse"] is True
    # required_by_default applies unless the item says otherwise
    assert spec["items"]["want"]["required"] is True
    assert spec["items"]["licence"]["required"] is False
    assert (spec["items"]["licence"]["yes_score"], spec["items"]["licence"]["no_score"]) == (1, 0)
    # a choice without scores only describes; text is never scored
    assert spec["items"]["source"]["scored"] is False
    assert spec["items"]["notes"]["scored"] is False
    drive = spec["domains"][0]
    assert drive["items"] == ["want", "fear", "licence"]
    assert drive["rule"] == "weighted_mean" and drive["min_answered"] == 0.5
    assert [b["label"] for b in drive["bands"]] == ["low", "high"]
    assert spec["total"]["items"] == ["want", "fear", "licence", "hours"]


@pytest.mark.parametrize("key", EXAMPLE_KEYS)
def test_every_shipped_example_is_valid_and_marked_as_an_example(app, key):
    spec = spec_of(app, example_source(key))
    assert spec["key"] == key
    assert spec["example"] is True
    assert "przykład" in spec["title"]


def test_a_yaml_syntax_error_names_the_line(app):
    faults = faults_of(app, """\
        key: broken
        title: Broken
        sections:
          - id: a
            title: A
             items: []
        """)
    assert len(faults) == 1
    assert faults[0].startswith("Line 6")
    assert "not valid YAML" in faults[0]


def test_an_unknown_item_type_names_the_line_and_the_item(app):
    text = GOOD.replace("type: number", "type: slider")
    faults = faults_of(app, text)
    line = text.splitlines().index("        type: slider") + 1
    assert faults == [f'Line {line}, item "hours": unknown type "slider" '
                      '(allowed: scale, choice, number, text, yes_no).']


def test_a_misspelt_field_is_named_not_ignored(app):
    text = GOOD.replace("        weight: 2", "        wieght: 2")
    faults = faults_of(app, text)
    line = text.splitlines().index("        wieght: 2") + 1
    assert len(faults) == 1
    assert faults[0].startswith(f'Line {line}, item "want": unknown field "wieght"')


def test_an_item_in_an_undeclared_domain_is_refused(app):
    faults = faults_of(app, GOOD.replace("        domain: drive\n        reverse", "        domain: driev\n        reverse"))
    assert any('item "fear": the domain "driev" is not declared' in f for f in faults)


def test_two_items_with_the_same_id_are_refused(app):
    faults = faults_of(app, GOOD.replace("id: fear", "id: want"))
    assert any('item "want": two items have this id' in f for f in faults)


def test_bands_must_go_up(app):
    text = GOOD.replace("{from: 3.5, label: high", "{from: 0.5, label: high")
    faults = faults_of(app, text)
    assert any('domain "drive": bands must be listed from the lowest score up' in f
               for f in faults)


def test_several_faults_are_reported_together(app):
    text = (GOOD.replace("rule: weighted_mean", "rule: median")
            .replace("max: 60", "max: -1")
            .replace("min_answered: 0.5", "min_answered: 75"))
    faults = faults_of(app, text)
    assert any('unknown scoring rule "median"' in f for f in faults)
    assert any('item "hours": "max" must be greater than "min"' in f for f in faults)
    assert any('"min_answered" is a share of the items between 0 and 1' in f for f in faults)
    assert len(faults) == 3


def test_a_scored_choice_needs_a_score_on_every_option(app):
    text = GOOD.replace("{value: friend, label: a friend}", "{value: friend, label: a friend, score: 1}")
    faults = faults_of(app, text)
    assert any('item "source": give a "score" to every option or to none' in f for f in faults)


def test_a_text_item_cannot_be_scored(app):
    text = GOOD.replace("        type: text", "        type: text\n        domain: drive")
    faults = faults_of(app, text)
    assert any('item "notes": a text answer is not scored, so it cannot have "domain"' in f
               for f in faults)


def test_a_scale_without_bounds_and_a_duplicate_field_are_refused(app):
    text = GOOD.replace("        min: 1\n        max: 5\n        domain: drive\n        reverse",
                        "        min: 1\n        domain: drive\n        reverse")
    text = text.replace("title: Readiness check", "title: Readiness check\ntitle: Again")
    faults = faults_of(app, text)
    assert any('item "fear": a scale needs "min" and "max"' in f for f in faults)
    assert any('the field "title" is given twice' in f for f in faults)


def test_a_missing_key_and_a_bad_key_are_refused(app):
    assert any('the field "key" is required' in f
               for f in faults_of(app, GOOD.replace("key: readiness\n", "")))
    assert any('"Readiness Check!" cannot be used as key' in f
               for f in faults_of(app, GOOD.replace("key: readiness", "key: Readiness Check!")))


def test_a_document_that_is_not_a_mapping_is_refused(app):
    assert faults_of(app, "- just\n- a list\n") == [
        "Line 1: The definition must be a mapping of fields (\"name: value\" lines)."]
    assert "exactly one definition" in faults_of(app, "key: a\n---\nkey: b\n")[0]


def test_the_messages_are_in_polish_for_polish_users(app):
    faults = faults_of(app, GOOD.replace("type: number", "type: slider"), locale="pl")
    assert faults[0].startswith("Wiersz ")
    assert "pozycja „hours”" in faults[0] or "pozycja \"hours\"" in faults[0]


def test_the_complete_example_in_the_documentation_is_valid(app):
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "instruments.md").read_text()
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    spec = spec_of(app, example)
    assert spec["key"] == "readiness_check"
    assert spec["items"]["skad"]["scored"] is False
    assert spec["total"]["from"] == "domains"


def test_references_are_refused_so_a_few_lines_cannot_stand_for_millions_of_items(app):
    bomb = GOOD.replace("      - id: want\n", "      - &q\n        id: want\n", 1).replace(
        "      - id: fear\n", "      - *q\n      - id: fear\n", 1)
    faults = faults_of(app, bomb)
    assert len(faults) == 1 and "references" in faults[0] and faults[0].startswith("Line ")


def test_the_check_command_lists_the_faults_of_a_file_before_it_is_uploaded(app, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("type: number", "type: slider"), encoding="utf-8")
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["instruments", "check", str(good)])
    assert ok.exit_code == 0 and "OK (readiness, 6 items, 1 domains)" in ok.output
    refused = runner.invoke(args=["instruments", "check", "--locale", "en", str(good), str(bad)])
    assert refused.exit_code == 1
    assert f'{bad}: Line 30, item "hours": unknown type "slider"' in refused.output


def test_a_date_like_value_is_text_and_a_value_its_tag_cannot_read_is_a_fault(app):
    # Were 500s: PyYAML read "2025-02-30" as a timestamp and raised ValueError (not a YAML
    # error), as it does for "!!int abc".
    spec = spec_of(app, GOOD.replace("title: Readiness check", "title: 2025-02-30"))
    assert spec["title"] == "2025-02-30"
    for value in ("!!timestamp 2025-02-30", "!!int abc", "!!float x"):
        faults = faults_of(app, GOOD.replace("title: Readiness check", f"title: {value}"))
        assert len(faults) == 1 and "not valid YAML" in faults[0]
