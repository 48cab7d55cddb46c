"""Reading an instrument definition from YAML and checking it.

``parse_definition(text)`` returns the normalised spec (plain JSON: what the scoring and the
forms read) or raises ``InvalidDefinition`` with every fault found, each naming the line of
the YAML and the item, section or domain at fault, so a partnership admin who is not a
programmer can correct the file. The format is described in ``docs/instruments.md``.
"""

import math
import re
from dataclasses import dataclass

import yaml

from ..i18n import gettext

ITEM_TYPES = ("scale", "choice", "number", "text", "yes_no")
RULES = ("sum", "mean", "weighted_sum", "weighted_mean")
WEIGHTED_RULES = ("weighted_sum", "weighted_mean")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
MAX_SOURCE = 200_000
MAX_SCALE_POINTS = 11
DEFAULT_MIN_ANSWERED = 0.75
MAX_ITEMS = 500
MAX_DEPTH = 20

TOP_KEYS = {"key", "title", "description", "example", "required_by_default", "sections",
            "domains", "total"}
SECTION_KEYS = {"id", "title", "description", "items"}
ITEM_KEYS = {
    "scale": {"min", "max", "labels"},
    "choice": {"options"},
    "number": {"min", "max", "unit"},
    "text": set(),
    "yes_no": {"yes_score", "no_score"},
}
COMMON_ITEM_KEYS = {"id", "text", "help", "type", "domain", "weight", "reverse", "required"}
OPTION_KEYS = {"value", "label", "score"}
DOMAIN_KEYS = {"id", "title", "description", "rule", "min_answered", "weight", "bands"}
TOTAL_KEYS = {"title", "rule", "from", "min_answered", "bands"}
BAND_KEYS = {"from", "label", "text"}


@dataclass(frozen=True)
class Fault:
    line: int | None
    where: str
    message: str

    def __str__(self):
        if self.line and self.where:
            return gettext("Line %(line)d, %(where)s: %(message)s", line=self.line,
                           where=self.where, message=self.message)
        if self.line:
            return gettext("Line %(line)d: %(message)s", line=self.line, message=self.message)
        if self.where:
            return gettext("%(where)s: %(message)s", where=self.where, message=self.message)
        return self.message


class InvalidDefinition(Exception):
    """The definition cannot be used; ``faults`` lists what to correct."""

    def __init__(self, faults):
        self.faults = list(faults)
        super().__init__("; ".join(str(f) for f in self.faults))


# --- YAML with line numbers ----------------------------------------------------------------------

class Located(dict):
    """A YAML mapping that remembers its line and the line of each of its keys."""

    line = None
    key_lines = None
    duplicates = ()


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node):
    data = Located()
    data.line = node.start_mark.line + 1
    yield data
    loader.flatten_mapping(node)
    key_lines, duplicates = {}, []
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, list | dict):
            raise yaml.constructor.ConstructorError(
                None, None, "a key cannot be a list or a mapping", key_node.start_mark)
        if key in key_lines:
            duplicates.append((key, key_node.start_mark.line + 1))
        key_lines[key] = key_node.start_mark.line + 1
    data.update(loader.construct_mapping(node, deep=True))
    data.key_lines = key_lines
    data.duplicates = tuple(duplicates)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# YAML 1.1 reads yes, no, on and off as true and false, which turns a label such as
# "1: no" into a boolean; as in YAML 1.2, only true and false are booleans here.
# Nor does a definition hold dates: "2025-02-30" is text here, not a timestamp PyYAML cannot
# build (a ValueError, not a YAML error).
BOOL_TAG = "tag:yaml.org,2002:bool"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in (BOOL_TAG, TIMESTAMP_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                  list("tTfF"))
YES_WORDS, NO_WORDS = {"yes", "tak", "y"}, {"no", "nie", "n"}


def load_yaml(text):
    """The YAML document as Python data with ``Located`` mappings; faults for bad syntax."""
    if len(text) > MAX_SOURCE:
        raise InvalidDefinition([Fault(None, "", gettext(
            "The definition is too long: at most %(n)d characters.", n=MAX_SOURCE))])
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_LineLoader):
            # An alias repeats a whole part of the file: a few lines could stand for millions
            # of items, and nobody writing a questionnaire needs one.
            if isinstance(event, yaml.AliasEvent):
                raise InvalidDefinition([Fault(event.start_mark.line + 1, "", gettext(
                    "references (\"*name\") are not allowed: write the part out in full."))])
            # PyYAML builds nested parts recursively: a few thousand brackets would exhaust
            # Python's stack (a 500). A definition nests about eight levels.
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InvalidDefinition([Fault(event.start_mark.line + 1, "", gettext(
                        "the parts are nested too deeply (at most %(n)d levels).",
                        n=MAX_DEPTH))])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        documents = list(yaml.load_all(text, Loader=_LineLoader))  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(filter(None, (error.context, error.problem)))
        raise InvalidDefinition([Fault(line, "", gettext(
            "this is not valid YAML (%(problem)s). Check the indentation and the colons.",
            problem=problem))]) from None
    except (yaml.YAMLError, ValueError) as error:
        # ValueError: a value its explicit tag cannot read ("!!int abc", "!!timestamp 2025-02-30")
        raise InvalidDefinition([Fault(None, "", gettext(
            "This is not valid YAML (%(problem)s).", problem=str(error)))]) from None
    if len(documents) != 1:
        raise InvalidDefinition([Fault(None, "", gettext(
            "The file must hold exactly one definition (one YAML document)."))])
    return documents[0]


# --- checking ------------------------------------------------------------------------------------

class _Checker:
    def __init__(self):
        self.faults = []

    def fault(self, line, where, message):
        self.faults.append(Fault(line, where, message))

    # small readers: each returns the value or None after recording a fault

    def mapping(self, value, line, where, what):
        if not isinstance(value, Located):
            self.fault(line, where, gettext("%(what)s must be a mapping of fields "
                                            "(\"name: value\" lines).", what=what))
            return None
        for key, key_line in value.duplicates:
            self.fault(key_line, where, gettext("the field \"%(key)s\" is given twice.",
                                                key=key))
        return value

    def unknown_keys(self, data, allowed, where):
        for key in data:
            if key not in allowed:
                self.fault(data.key_lines.get(key), where, gettext(
                    "unknown field \"%(key)s\" (allowed here: %(allowed)s).",
                    key=key, allowed=", ".join(sorted(allowed))))

    def text(self, data, key, where, required=True, max_length=2000):
        value = data.get(key)
        line = data.key_lines.get(key, data.line)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fault(line, where, gettext("the field \"%(key)s\" is required.", key=key))
            return None if required else ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fault(line, where, gettext("the field \"%(key)s\" must be text.", key=key))
            return None
        value = str(value).strip()
        if len(value) > max_length:
            self.fault(line, where, gettext("the field \"%(key)s\" is too long: at most "
                                            "%(n)d characters.", key=key, n=max_length))
            return None
        return value

    def identifier(self, data, key, where):
        value = data.get(key)
        line = data.key_lines.get(key, data.line)
        if value is None:
            self.fault(line, where, gettext("the field \"%(key)s\" is required.", key=key))
            return None
        if not isinstance(value, str) or not IDENTIFIER.match(value):
            self.fault(line, where, gettext(
                "\"%(value)s\" cannot be used as %(key)s: use lower-case letters, digits and _ "
                "only, starting with a letter (at most 60 characters).", value=value, key=key))
            return None
        return value

    def number(self, data, key, where, default=None, positive=False, integer=False):
        if key not in data:
            return default
        value = data[key]
        line = data.key_lines.get(key, data.line)
        ok = (not isinstance(value, bool) and isinstance(value, int | float)
              and math.isfinite(value))
        if ok and integer and not float(value).is_integer():
            ok = False
        if not ok:
            message = (gettext("the field \"%(key)s\" must be a whole number.", key=key)
                       if integer else
                       gettext("the field \"%(key)s\" must be a number.", key=key))
            self.fault(line, where, message)
            return None
        if positive and value <= 0:
            self.fault(line, where, gettext("the field \"%(key)s\" must be greater than 0.",
                                            key=key))
            return None
        return int(value) if integer else value

    def boolean(self, data, key, where, default):
        if key not in data:
            return default
        value = data[key]
        if isinstance(value, str) and value.strip().lower() in YES_WORDS | NO_WORDS:
            return value.strip().lower() in YES_WORDS
        if not isinstance(value, bool):
            self.fault(data.key_lines.get(key), where, gettext(
                "the field \"%(key)s\" must be yes or no (true or false).", key=key))
            return default
        return value

    def sequence(self, data, key, where, required=True):
        value = data.get(key)
        line = data.key_lines.get(key, data.line)
        if value is None:
            if required:
                self.fault(line, where, gettext("the field \"%(key)s\" is required (a list).",
                                                key=key))
            return []
        if not isinstance(value, list) or (required and not value):
            self.fault(line, where, gettext(
                "the field \"%(key)s\" must be a list with at least one entry (lines starting "
                "with \"- \").", key=key))
            return []
        return value


def _where_item(item_id):
    return gettext("item \"%(id)s\"", id=item_id)


def _where_section(section_id):
    return gettext("section \"%(id)s\"", id=section_id)


def _where_domain(domain_id):
    return gettext("domain \"%(id)s\"", id=domain_id)


def parse_definition(text):
    """The normalised spec of a YAML definition, or ``InvalidDefinition`` with every fault."""
    data = load_yaml(text)
    check = _Checker()
    root = check.mapping(data, 1, "", gettext("The definition"))
    if root is None:
        raise InvalidDefinition(check.faults)
    check.unknown_keys(root, TOP_KEYS, "")
    spec = {
        "key": check.identifier(root, "key", ""),
        "title": check.text(root, "title", "", max_length=200),
        "description": check.text(root, "description", "", required=False),
        "example": check.boolean(root, "example", "", False),
    }
    required_default = check.boolean(root, "required_by_default", "", False)
    domain_ids = _domain_ids(check, root)
    items, sections = _sections(check, root, required_default, domain_ids)
    if len(items) > MAX_ITEMS:
        check.fault(None, "", gettext("An instrument can have at most %(n)d items.", n=MAX_ITEMS))
    spec["sections"], spec["items"] = sections, items
    spec["domains"] = _domains(check, root, items)
    spec["total"] = _total(check, root, items, spec["domains"])
    if check.faults:
        raise InvalidDefinition(check.faults)
    return spec


def _domain_ids(check, root):
    ids = set()
    for entry in root.get("domains") or []:
        if isinstance(entry, Located) and isinstance(entry.get("id"), str):
            ids.add(entry["id"])
    return ids


def _sections(check, root, required_default, domain_ids):
    items, sections, seen_sections = {}, [], set()
    for entry in check.sequence(root, "sections", ""):
        section = check.mapping(entry, root.key_lines.get("sections"), "",
                                gettext("Each section"))
        if section is None:
            continue
        section_id = check.identifier(section, "id", gettext("a section"))
        where = _where_section(section_id or "?")
        if section_id in seen_sections:
            check.fault(section.line, where, gettext("two sections have this id."))
        seen_sections.add(section_id)
        check.unknown_keys(section, SECTION_KEYS, where)
        item_ids = []
        for raw in check.sequence(section, "items", where):
            item = _item(check, raw, section, section_id, required_default, domain_ids)
            if item is None:
                continue
            if item["id"] in items:
                check.fault(raw.line, _where_item(item["id"]), gettext(
                    "two items have this id: every item needs its own."))
                continue
            items[item["id"]] = item
            item_ids.append(item["id"])
        sections.append({
            "id": section_id, "title": check.text(section, "title", where, max_length=200),
            "description": check.text(section, "description", where, required=False),
            "items": item_ids,
        })
    return items, sections


def _item(check, raw, section, section_id, required_default, domain_ids):
    data = check.mapping(raw, section.key_lines.get("items"), _where_section(section_id or "?"),
                         gettext("Each item"))
    if data is None:
        return None
    item_id = check.identifier(data, "id", gettext("an item"))
    if item_id is None:
        return None
    where = _where_item(item_id)
    kind = data.get("type")
    if kind not in ITEM_TYPES:
        check.fault(data.key_lines.get("type", data.line), where, gettext(
            "unknown type \"%(type)s\" (allowed: %(allowed)s).", type=kind,
            allowed=", ".join(ITEM_TYPES)))
        return None
    check.unknown_keys(data, COMMON_ITEM_KEYS | ITEM_KEYS[kind], where)
    item = {
        "id": item_id, "type": kind, "section": section_id,
        "text": check.text(data, "text", where),
        "help": check.text(data, "help", where, required=False),
        "required": check.boolean(data, "required", where, required_default),
        "domain": data.get("domain"),
        "weight": check.number(data, "weight", where, default=1, positive=True),
        "reverse": check.boolean(data, "reverse", where, False),
        "scored": kind != "text",
    }
    if kind == "text":
        for key in ("domain", "weight", "reverse"):
            if key in data:
                check.fault(data.key_lines.get(key), where, gettext(
                    "a text answer is not scored, so it cannot have \"%(key)s\".", key=key))
        item["domain"], item["weight"], item["reverse"] = None, 1, False
    elif item["domain"] is not None and item["domain"] not in domain_ids:
        check.fault(data.key_lines.get("domain"), where, gettext(
            "the domain \"%(domain)s\" is not declared under \"domains\".",
            domain=item["domain"]))
    if kind == "scale":
        _scale(check, data, where, item)
    elif kind == "choice":
        _choice(check, data, where, item)
    elif kind == "number":
        _number(check, data, where, item)
    elif kind == "yes_no":
        item["yes_score"] = check.number(data, "yes_score", where, default=1)
        item["no_score"] = check.number(data, "no_score", where, default=0)
    return item


def _scale(check, data, where, item):
    low = check.number(data, "min", where, integer=True)
    high = check.number(data, "max", where, integer=True)
    if low is None or high is None:
        if "min" not in data or "max" not in data:
            check.fault(data.line, where, gettext("a scale needs \"min\" and \"max\"."))
        return
    if high <= low:
        check.fault(data.key_lines.get("max"), where, gettext(
            "\"max\" must be greater than \"min\"."))
        return
    if high - low + 1 > MAX_SCALE_POINTS:
        check.fault(data.key_lines.get("max"), where, gettext(
            "a scale can have at most %(n)d points.", n=MAX_SCALE_POINTS))
        return
    item["min"], item["max"] = low, high
    labels = {}
    raw = data.get("labels")
    if raw is not None:
        if not isinstance(raw, Located):
            check.fault(data.key_lines.get("labels"), where, gettext(
                "\"labels\" must map scale points to their text (\"1: never\")."))
        else:
            for point, label in raw.items():
                if (isinstance(point, bool) or not isinstance(point, int)
                        or not low <= point <= high):
                    check.fault(raw.key_lines.get(point), where, gettext(
                        "the label for \"%(point)s\" is not a point of the scale "
                        "%(low)d–%(high)d.", point=point, low=low, high=high))
                elif not isinstance(label, str) or not label.strip():
                    check.fault(raw.key_lines.get(point), where, gettext(
                        "the label for %(point)d must be text.", point=point))
                else:
                    labels[str(point)] = label.strip()
    item["labels"] = labels


def _choice(check, data, where, item):
    options, values = [], set()
    raw_options = check.sequence(data, "options", where)
    if raw_options and len(raw_options) < 2:
        check.fault(data.key_lines.get("options"), where, gettext(
            "a choice needs at least two options."))
    for raw in raw_options:
        option = check.mapping(raw, data.key_lines.get("options"), where, gettext("Each option"))
        if option is None:
            continue
        check.unknown_keys(option, OPTION_KEYS, where)
        value = option.get("value")
        if isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
            check.fault(option.line, where, gettext(
                "each option needs a \"value\" (a short word or number)."))
            continue
        value = str(value)
        if value in values:
            check.fault(option.line, where, gettext(
                "two options have the value \"%(value)s\".", value=value))
        values.add(value)
        options.append({"value": value, "label": check.text(option, "label", where),
                        "score": check.number(option, "score", where)})
    item["options"] = options
    scored = [o for o in options if o["score"] is not None]
    # A choice without any score only describes (e.g. "how did you hear of us"); a choice
    # with some scores missing is a slip the scoring could not interpret.
    item["scored"] = bool(options) and len(scored) == len(options)
    if item["domain"] and not item["scored"]:
        check.fault(data.key_lines.get("options", data.line), where, gettext(
            "the item counts in a domain, so every option needs a \"score\"."))
    elif scored and not item["scored"]:
        check.fault(data.key_lines.get("options", data.line), where, gettext(
            "give a \"score\" to every option or to none."))


def _number(check, data, where, item):
    item["min"] = check.number(data, "min", where)
    item["max"] = check.number(data, "max", where)
    item["unit"] = check.text(data, "unit", where, required=False, max_length=20)
    if item["min"] is not None and item["max"] is not None and item["max"] <= item["min"]:
        check.fault(data.key_lines.get("max"), where, gettext(
            "\"max\" must be greater than \"min\"."))
    if item["reverse"] and (item["min"] is None or item["max"] is None):
        check.fault(data.key_lines.get("reverse"), where, gettext(
            "a reverse-scored number needs \"min\" and \"max\"."))


def _bands(check, owner, where):
    bands, previous = [], None
    for raw in check.sequence(owner, "bands", where, required=False):
        band = check.mapping(raw, owner.key_lines.get("bands"), where, gettext("Each band"))
        if band is None:
            continue
        check.unknown_keys(band, BAND_KEYS, where)
        start = check.number(band, "from", where)
        if "from" not in band:
            check.fault(band.line, where, gettext("each band needs \"from\" (its lowest score)."))
        entry = {"from": start, "label": check.text(band, "label", where, max_length=120),
                 "text": check.text(band, "text", where)}
        if start is not None and previous is not None and start <= previous:
            check.fault(band.key_lines.get("from", band.line), where, gettext(
                "bands must be listed from the lowest score up: %(start)s is not above "
                "%(previous)s.", start=start, previous=previous))
        if start is not None:
            previous = start
        bands.append(entry)
    return bands


def _rule(check, owner, where, default="mean"):
    rule = owner.get("rule", default)
    if rule not in RULES:
        check.fault(owner.key_lines.get("rule", owner.line), where, gettext(
            "unknown scoring rule \"%(rule)s\" (allowed: %(allowed)s).", rule=rule,
            allowed=", ".join(RULES)))
        return None
    return rule


def _share(check, owner, where):
    share = check.number(owner, "min_answered", where, default=DEFAULT_MIN_ANSWERED)
    if share is not None and not 0 < share <= 1:
        check.fault(owner.key_lines.get("min_answered"), where, gettext(
            "\"min_answered\" is a share of the items between 0 and 1 (0.75 means three "
            "quarters)."))
        return None
    return share


def _domains(check, root, items):
    domains, seen = [], set()
    for raw in check.sequence(root, "domains", "", required=False):
        data = check.mapping(raw, root.key_lines.get("domains"), "", gettext("Each domain"))
        if data is None:
            continue
        domain_id = check.identifier(data, "id", gettext("a domain"))
        where = _where_domain(domain_id or "?")
        if domain_id in seen:
            check.fault(data.line, where, gettext("two domains have this id."))
        seen.add(domain_id)
        check.unknown_keys(data, DOMAIN_KEYS, where)
        members = [i for i in items.values() if i["domain"] == domain_id]
        if domain_id and not members:
            check.fault(data.line, where, gettext("no item counts in this domain."))
        domains.append({
            "id": domain_id, "title": check.text(data, "title", where, max_length=200),
            "description": check.text(data, "description", where, required=False),
            "rule": _rule(check, data, where), "min_answered": _share(check, data, where),
            "weight": check.number(data, "weight", where, default=1, positive=True),
            "bands": _bands(check, data, where), "items": [i["id"] for i in members],
        })
    return domains


def _total(check, root, items, domains):
    if "total" not in root:
        return None
    where = gettext("total")
    data = check.mapping(root["total"], root.key_lines.get("total"), where, gettext("\"total\""))
    if data is None:
        return None
    check.unknown_keys(data, TOTAL_KEYS, where)
    source = data.get("from", "items")
    if source not in ("items", "domains"):
        check.fault(data.key_lines.get("from"), where, gettext(
            "\"from\" is either items or domains."))
    if source == "domains" and not domains:
        check.fault(data.key_lines.get("from"), where, gettext(
            "the total is computed from domains, but none is declared."))
    scored = [i["id"] for i in items.values() if i["scored"]]
    if source == "items" and items and not scored:
        check.fault(data.line, where, gettext("no item is scored, so there is no total."))
    return {
        "title": check.text(data, "title", where, required=False, max_length=200),
        "rule": _rule(check, data, where), "from": source,
        "min_answered": _share(check, data, where), "bands": _bands(check, data, where),
        "items": scored if source == "items" else [],
    }
