"""The hostile-input matrix: every partnership route, the JSON API and every form field get bad
input, and none of it may end in a server error.

The standing rule: bad input anywhere (forms, imports, URLs, API) gets a clear message in the
user's language, never a 500, and nothing already saved is lost. Partnership B's own users
(its caseworker, and its admin where the caseworker is turned away) ask for every route of
``app.url_map`` under ``/<partnership>/`` with the objects the isolation matrix built
(``tests/test_isolation_matrix.py``), on SQLite and on PostgreSQL (which refuses a NUL in text
and numbers beyond its integer columns with server errors SQLite never raises):

- GET with every query parameter any view reads set to each of ``HOSTILE_VALUES``;
- POST with every field of every WTForms form of the app (and every name a view reads from
  ``request.form`` itself) set to each hostile value, file fields carrying the same bytes;
  then each route's form as its page shows it, with one kind of hostile value in the inputs
  of its kind, so the value gets past the other fields to the code that stores it;
- the JSON API under ``/api/v1/`` with malformed JSON, wrong types, huge numbers, NUL bytes.

The test configuration turns CSRF off (``WTF_CSRF_ENABLED: False`` in ``mosty.testing.plugin``),
so the posts reach the forms' validation and the code behind it.

Nothing here is a list to keep up by hand except where the code builds names at run time:
query parameters and form fields are collected from the source (``request.args.get("x")``,
``"x" in request.form``, ``_text("x")`` with a helper that looks up its argument, a form bound
to ``request.args``) and from the form classes, and the app runs with a request class that
notes every name a view looks up, so a view reading a name the matrix did not send fails the
GET or POST test with that name. Names built at run time (``column-<n>``) need an entry in
``RUNTIME_FORM_FIELDS`` / ``RUNTIME_QUERY_ARGS``.
"""
import ast
import importlib
import io
import json
from collections import Counter
from fnmatch import fnmatchcase
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property
from wtforms import FileField, Form
from wtforms.fields import FieldList, FormField
from wtforms.fields.core import UnboundField

from mosty import dates
from mosty.extensions import db
from mosty.testing.factories import login
from mosty.testing.plugin import build_two_partnerships
from test_isolation_matrix import (
    EXTRA_PLUGINS,
    FOREIGN_QUERY_ARGS,
    both_backends,
    build_world,
    changed_tables,
    every_row,
    partnership_routes,
    url_of,
)

ROOT = Path(__file__).resolve().parents[1]
SOURCE_ROOTS = (ROOT / "platform", ROOT / "plugins")

# --- registries: extend these when a view builds a field or parameter name at run time ------

# Form fields whose names a view builds at run time (fnmatch pattern -> the concrete names to
# send, built from the isolation matrix's world).
RUNTIME_FORM_FIELDS = {
    "column-*": lambda world: [f"column-{i}" for i in range(3)],  # the import's column mapping
    "progress_*": lambda world: [f"progress_{world.b.animator_goal_id}"],  # a plan review
    "q-*": lambda world: world.instrument_fields,  # the answers of an instrument form
    # the hire and not-hired forms of each candidate of a job offer, prefixed with its id
    "h[0-9]*-*": lambda world: prefixed(f"h{world.b.labour_candidate_id}", "HireForm"),
    "n[0-9]*-*": lambda world: prefixed(f"n{world.b.labour_candidate_id}", "NotHiredForm"),
}
# Query parameters whose names a view builds at run time (none so far).
RUNTIME_QUERY_ARGS = {}

HOSTILE_VALUES = {
    "empty": "",
    "word": "abc",
    "negative": "-1",
    "zero": "0",
    "beyond-int4": "2147483648",
    "huge": "99999999999999999999",
    "negative-huge": "-99999999999999999999",
    "fraction": "1.5",
    "superscript-digit": "²",
    "not-a-day": "2025-02-30",
    "not-a-date": "9999-99-99",
    "nul": "\x00",
    "nul-inside": "Anna\x00Nowak",
    "control": "a\x01\x1b\x7fb",
    "percent-nul": "%00",
    "long": "Ż" * 5000,
    "markup": "<script>alert(1)</script>",
    "sql": "' OR 1=1 --",
    "unicode": "Żółć🙂",
    "invalid-utf-8": b"\xff\xfe",  # bytes: sent as they are, not as UTF-8
}
REPEATED = ("1", "abc")  # each name twice: a view must cope with .getlist() and .get()
GARBAGE_FILE = b"PK\x03\x04\x00\xff\xfe\x00garbage\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

# Tables a rejected POST may still write to: the append-only audit log notes reads of personal
# data the page shows again with its error messages.
MAY_CHANGE_ON_REJECTION = {"audit_entry"}

# -----------------------------------------------------------------------------------------------


# The isolation matrix's fixtures (``both_backends`` parametrizes ``matrix_app``): one world per
# test, each test sending its many requests against it.
@pytest.fixture
def matrix_app(request, make_app):
    return make_app(backend=request.param, MOSTY_EXTRA_PLUGINS=EXTRA_PLUGINS)


@pytest.fixture
def world(matrix_app):
    return build_world(matrix_app)


def source_files():
    for root in SOURCE_ROOTS:
        for path in sorted(root.rglob("*.py")):
            if "migrations" not in path.parts:
                yield root, path


def module_name(root, path):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def app_form_classes():
    """Every WTForms form class defined in ``platform/`` and ``plugins/``."""
    modules = set()
    for root, path in source_files():
        text = path.read_text(encoding="utf-8")
        if "wtforms" in text or "flask_wtf" in text or "Form)" in text:
            modules.add(module_name(root, path))
    for name in sorted(modules):
        importlib.import_module(name)
    found, pending = [], [Form]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__ in modules:
                found.append(sub)
    return sorted(set(found), key=lambda c: (c.__module__, c.__qualname__))


def form_fields(form_class, prefix=""):
    """{field name: is a file field} of a form class, FieldList and FormField names spelled
    as WTForms spells them (``items-0``, ``address-street``)."""
    fields = {}
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if isinstance(unbound, UnboundField):
            fields.update(unbound_names(unbound, prefix + name))
    return fields


def unbound_names(unbound, name):
    field_class = unbound.field_class
    if issubclass(field_class, FormField):
        return form_fields(unbound.args[0], prefix=name + "-")
    if issubclass(field_class, FieldList):
        return unbound_names(unbound.args[0], name + "-0")
    return {name: issubclass(field_class, FileField)}


def is_request_attr(node, attr):
    return (isinstance(node, ast.Attribute) and node.attr == attr
            and isinstance(node.value, ast.Name) and node.value.id == "request")


def literal(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def name_lookups(tree, attr):
    """(key node, enclosing function) of each lookup in ``request.<attr>``: ``.get(key)``,
    ``.getlist(key)``, ``[key]``, ``key in``."""
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    enclosing = {child: f for f in functions for child in ast.walk(f)}
    for node in ast.walk(tree):
        key = None
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("get", "getlist") and is_request_attr(node.func.value, attr)
                and node.args):
            key = node.args[0]
        elif isinstance(node, ast.Subscript) and is_request_attr(node.value, attr):
            key = node.slice
        elif (isinstance(node, ast.Compare) and len(node.ops) == 1
              and isinstance(node.ops[0], (ast.In, ast.NotIn))
              and is_request_attr(node.comparators[0], attr)):
            key = node.left
        if key is not None:
            yield key, enclosing.get(node)


def request_reads(attr):
    """(names read from ``request.<attr>``, names of the callables given ``request.<attr>``
    itself, e.g. a form bound to the query string). A name counts when it is a literal key, or
    the literal argument of a helper that looks up its parameter (``_text("note")`` with
    ``def _text(name): request.form.get(name)``)."""
    names, receivers, helpers, trees = set(), set(), {}, []
    for _root, path in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        trees.append(tree)
        for key, function in name_lookups(tree, attr):
            names.add(literal(key))
            parameters = [a.arg for a in function.args.args] if function else []
            if isinstance(key, ast.Name) and key.id in parameters:
                helpers[function.name] = parameters.index(key.id)
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if called in helpers and len(node.args) > helpers[called]:
                names.add(literal(node.args[helpers[called]]))
            arguments = list(node.args) + [k.value for k in node.keywords]
            if any(is_request_attr(a, attr) for a in arguments):
                receivers.add(called)
    names.discard(None)  # a name built at run time: the request spy below catches those
    return names, receivers


def collected_names():
    """The names the matrix sends: query parameters and form fields (with whether each form
    field is a file), from the source and the form classes."""
    forms = app_form_classes()
    by_class_name = {}
    for form_class in forms:
        by_class_name.setdefault(form_class.__name__, {}).update(form_fields(form_class))
    query, query_receivers = request_reads("args")
    for receiver in query_receivers:
        query.update(by_class_name.get(receiver, {}))
    form_names, _ = request_reads("form")
    files = {}
    for fields in by_class_name.values():
        files.update(fields)
    for name in form_names:
        files.setdefault(name, False)
    return SimpleNamespace(forms=forms, query=sorted(query), fields=files)


NAMES = collected_names()


# --- the request spy: which names do the views read? ------------------------------------------


class ReadNames:
    """Every name looked up in ``request.args`` and in ``request.form`` / ``request.files``;
    ``request`` holds those of the current request, ``"*"`` when a view walked them all."""

    def __init__(self):
        self.args, self.form = Counter(), Counter()
        self.request = {"args": set(), "form": set()}

    def start(self):
        self.request = {"args": set(), "form": set()}


READ = ReadNames()
EVERY_NAME = "*"


def spying(kind):
    class Spied(ImmutableMultiDict):
        def _note(self, key):
            getattr(READ, kind)[key] += 1
            READ.request[kind].add(key)

        def __getitem__(self, key):
            self._note(key)
            return super().__getitem__(key)

        def get(self, key, default=None, type=None):  # noqa: A002
            self._note(key)
            return super().get(key, default=default, type=type)

        def getlist(self, key, type=None):  # noqa: A002
            self._note(key)
            return super().getlist(key, type=type)

        def __contains__(self, key):
            self._note(key)
            return super().__contains__(key)

        def _walk(name):  # noqa: N805 - builds the methods that read every name
            def walk(self, *args, **kwargs):
                READ.request[kind].add(EVERY_NAME)
                return getattr(ImmutableMultiDict, name)(self, *args, **kwargs)
            return walk

        __iter__, keys, items, values, lists, to_dict = map(
            _walk, ("__iter__", "keys", "items", "values", "lists", "to_dict"))

    return Spied


class SpyingRequest(Request):
    """Notes each name a view looks up in the query string or the form."""

    args_class, form_class = spying("args"), spying("form")

    @cached_property
    def args(self):
        return self.args_class(super().args)

    def _load_form_data(self):
        super()._load_form_data()
        for name in ("form", "files"):
            self.__dict__[name] = self.form_class(self.__dict__[name])


# --- the matrix -------------------------------------------------------------------------------


def make_b_staff_reach_every_page(world):
    """B's own users, with what the pages need of them. The labour module's write pages (job
    offers, activation instruments, registration) are a labour clerk's of the office that owns
    the records, and a received referral is answered by the receiving institution's staff. So
    B's caseworker's institution (which owns the offers and instruments) and B's leader (which
    receives B's referral, and where B's admin works) become labour offices, B's caseworker
    also a labour clerk, and B's admin also a caseworker and clerk of the leader."""
    from mosty.auth.models import Membership
    from mosty.partnerships.models import Institution
    from mosty.tenancy import partnership_scope

    side = world.b
    with world.app.app_context(), partnership_scope(side.partnership.id):
        for institution in (side.other, side.leader):
            db.session.get(Institution, institution.id).kind = "labour_office"
        for user in (side.caseworker, side.admin):
            membership = db.session.get(Membership, user.membership.id)
            membership.roles = sorted({*membership.roles, "caseworker", "labour_clerk"})
        db.session.commit()


def faster_commits(app):
    """SQLite without waiting for the disk at each commit (durability is not under test)."""
    from sqlalchemy import event

    if app.config["MOSTY_TEST_BACKEND"] != "sqlite":
        return
    with app.app_context():
        event.listen(db.engine, "connect", lambda connection, _record: connection.execute(
            "PRAGMA synchronous=OFF"))
        db.engine.dispose()


class Hostile:
    """Sends requests as B's caseworker (or, where the caseworker gets 403/404, as B's admin)
    and notes every answer of 500 or more, with the exception the app raised."""

    def __init__(self, world):
        self.world = world
        app = world.app
        app.request_class = SpyingRequest
        faster_commits(app)
        make_b_staff_reach_every_page(world)
        self.clients = [login(app.test_client(), user)
                        for user in (world.b.caseworker, world.b.admin)]
        self.failures = []
        self.sent = Counter()  # (method, endpoint) -> requests
        self.reached = set()  # (method, endpoint) answered with something else than 403/404
        self.exercised = set()  # (method, endpoint) sent every hostile value
        self.statuses = Counter()
        self.answers = {}  # (endpoint, label) -> status of the last such request

    def send(self, client, method, url, rule, label, kwargs=None):
        self.sent[(method, rule.endpoint)] += 1
        READ.start()
        try:
            response = client.open(url, method=method, **(kwargs or {}))
        except Exception as error:  # noqa: BLE001 - TESTING propagates the view's exception
            self.failures.append(f"{method} {shorten(url)} ({rule.endpoint}) [{label}]: "
                                 f"{type(error).__name__}: {shorten(str(error))}")
            return None
        self.statuses[response.status_code] += 1
        self.answers[(rule.endpoint, label)] = response.status_code
        if response.status_code >= 500:
            self.failures.append(f"{method} {shorten(url)} ({rule.endpoint}) [{label}]: "
                                 f"{response.status_code}")
        elif response.status_code not in (403, 404):
            self.reached.add((method, rule.endpoint))
        return response

    def client_for(self, method, url, rule, label, make=dict):
        """The first of B's users the route does not turn away, and its answer."""
        for client in self.clients:
            response = self.send(client, method, url, rule, label, make())
            if response is None or response.status_code not in (403, 404):
                break
        return client, response, set(READ.request["args" if method == "GET" else "form"])

    def run(self, method, url, rule, requests, make_probe=dict):
        """The probe, then each of ``requests(client)`` ((label, build) pairs; ``build(names)``
        gives the URL and the keyword arguments of the request) as the probe's user.

        The first hostile request carries every name (``names`` is None); later ones only
        the names the route has looked up so far (the spy notes a lookup whether or not the
        name was sent), which is all that can reach the view. A route that looked up no name
        ignores what is sent: its other values are left out. Returns the answers."""
        kind = "args" if method == "GET" else "form"
        client, response, read = self.client_for(method, url, rule, "probe", make_probe)
        answers = [response]
        for index, (label, build) in enumerate(requests(client)):
            request_url, kwargs = build(None if index == 0 or EVERY_NAME in read else read)
            answers.append(self.send(client, method, request_url, rule, label, kwargs))
            read |= READ.request[kind]
            if index == 0 and not read:
                return answers
        self.exercised.add((method, rule.endpoint))
        return answers

    def report(self, what):
        return (f"{len(self.failures)} {what} ended in a server error:\n"
                + "\n".join(self.failures))


def shorten(text, limit=160):
    text = repr(text)[1:-1] if not text.isprintable() else text
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def query_with(names, value):
    return urlencode([(name, v) for name in names
                      for v in (value if isinstance(value, tuple) else (value,))])


def hostile_query_urls(rule, world, names):
    """(label, build) pairs for a GET route: every name with each hostile value; where the
    route names B's objects in the query, also once more with those kept valid."""
    base = url_of(rule, world).split("?")[0]
    valid = FOREIGN_QUERY_ARGS.get(rule.endpoint)

    def build(value, kept, read):
        sent = [name for name in names if (read is None or name in read) and name not in kept]
        return f"{base}?{'&'.join(filter(None, (urlencode(kept), query_with(sent, value))))}", {}

    for label, value in [*HOSTILE_VALUES.items(), ("repeated", REPEATED)]:
        yield label, lambda read, value=value: build(value, {}, read)
        if valid:
            yield (f"{label}, objects valid",
                   lambda read, value=value: build(value, valid(world), read))


def runtime_names(registry, world):
    return sorted({name for build in registry.values() for name in build(world)})


def form_data(fields, value, read=None):
    """The form with each field ``read`` (every field when None) set to ``value``; file fields
    carry its bytes (and make the request multipart) once a view has looked for them."""
    data = {}
    for name, is_file in fields.items():
        if read is not None and name not in read:
            continue
        if is_file and read is not None:
            if isinstance(value, bytes):
                content = value
            else:
                content = "".join(value if isinstance(value, tuple) else (value,)).encode()
            data[name] = (io.BytesIO(content), "dane.xlsx" if value is GARBAGE_FILE
                          else "dane.csv")
        else:
            text = "" if value is GARBAGE_FILE else value
            if isinstance(text, bytes):  # what the app sees of bytes that are not UTF-8
                text = text.decode("utf-8", "replace")
            data[name] = list(text) if isinstance(text, tuple) else text
    return data


def hostile_posts(url, fields):
    for label, value in [*HOSTILE_VALUES.items(), ("repeated", REPEATED),
                         ("garbage file", GARBAGE_FILE)]:
        yield label, lambda read, value=value: (url, {"data": form_data(fields, value, read)})


# --- forms as the pages show them: a baseline a browser would send ----------------------------

# Where each kind of hostile value goes in a page's own form, so that the rest of the form
# stays valid and the value reaches the code that stores it: text into the text boxes, numbers
# also into number and hidden inputs (ids), dates also into date inputs.
TEXT_INPUTS = {"text", "search", "textarea"}
AS_PAGE_SENDS = {
    "nul-inside": TEXT_INPUTS, "control": TEXT_INPUTS, "long": TEXT_INPUTS,
    "unicode": TEXT_INPUTS,
    "negative": TEXT_INPUTS | {"number", "hidden"},
    "beyond-int4": TEXT_INPUTS | {"number", "hidden"},
    "negative-huge": TEXT_INPUTS | {"number", "hidden"},
    "not-a-day": TEXT_INPUTS | {"date"},
}
# What an empty input gets in the baseline, as a person would fill it in: by the input's name
# (fnmatch patterns, first match), else by its type. Inputs named here hold a format (a TERYT
# code, an address), so text values are not put in them: the rest of the form stays valid.
FORMATTED_INPUTS = {
    "*teryt*": "1261011", "*email*": "anna.nowak@ops.krakow.pl", "url": "http://127.0.0.1:9/hook",
    "phone": "600100200", "hours": "2", "pesel": "", "*birth_date": "1985-03-14",
    "*birth_year": "2020",
}
PLAUSIBLE = {"date": lambda: dates.today().isoformat(), "number": lambda: "1"}


def formatted(name):
    return next((value for pattern, value in FORMATTED_INPUTS.items()
                 if fnmatchcase(name, pattern)), None)


def plausible(name, kind, value):
    if value:
        return value
    sample = formatted(name)
    return sample if sample is not None else PLAUSIBLE.get(kind, str)()


class PageForms(HTMLParser):
    """The POST forms of a page: ``{action path: (action URL, [(name, type, value)])}``, each
    field with what a browser sends once a person has filled in the empty inputs (selects on
    their first real option, radio groups and lists of checkboxes on their first choice, the
    first named button)."""

    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_url, self.forms, self.current = page_url, {}, None
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                action = urljoin(self.page_url, a.get("action") or self.page_url)
                self.current = {"action": action, "fields": [], "choices": {},
                                "button": None}
            return
        form = self.current
        if tag == "option" and self.select is not None:
            value = a.get("value", "")
            self.select["options"].append(value)
            if "selected" in a:
                self.select["selected"].append(value)
        if form is None or "name" not in a or "disabled" in a:
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                form["choices"].setdefault(name, []).append(
                    (kind, a.get("value", "on"), "checked" in a))
            elif kind in ("submit", "image", "button", "reset"):
                if kind == "submit" and form["button"] is None:
                    form["button"] = (name, "button", a.get("value", ""))
            elif kind != "file":
                form["fields"].append((name, kind, plausible(name, kind, a.get("value", ""))))
        elif tag == "textarea":
            self.textarea = [name, ""]
        elif tag == "select":
            self.select = {"name": name, "multiple": "multiple" in a, "options": [],
                           "selected": []}
        elif (tag == "button" and (a.get("type") or "submit") == "submit"
              and form["button"] is None):
            form["button"] = (name, "button", a.get("value", ""))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        form = self.current
        if tag == "textarea" and self.textarea is not None and form is not None:
            form["fields"].append((self.textarea[0], "textarea",
                                   plausible(self.textarea[0], "textarea", self.textarea[1])))
            self.textarea = None
        elif tag == "select" and self.select is not None and form is not None:
            chosen = [v for v in self.select["selected"] if v]
            if not chosen and not self.select["multiple"]:
                chosen = [v for v in self.select["options"] if v][:1]
            form["fields"] += [(self.select["name"], "select", v) for v in chosen]
            self.select = None
        elif tag == "form" and form is not None:
            for name, boxes in form["choices"].items():
                chosen = [value for _kind, value, checked in boxes if checked]
                if not chosen and (boxes[0][0] == "radio" or len(boxes) > 1):
                    chosen = [boxes[0][1]]  # a radio group, or a list to choose from
                form["fields"] += [(name, boxes[0][0], value) for value in chosen]
            if form["button"]:
                form["fields"].append(form["button"])
            path = urlsplit(form["action"]).path
            known = self.forms.get(path)
            if known is None or len(form["fields"]) > len(known[1]):
                split = urlsplit(form["action"])
                self.forms[path] = (split.path + (f"?{split.query}" if split.query else ""),
                                    form["fields"])
            self.current = None


class PageFormsOf:
    """The POST forms of every GET page of B as one of B's users sees them, by action path
    (the fullest form of each), read the first time that user's forms are asked for."""

    def __init__(self, matrix, world, rules):
        self.urls = [url_of(rule, world) for rule in rules]
        self.seen = {}

    def of(self, client):
        if id(client) not in self.seen:
            self.seen[id(client)] = forms = {}
            for url in self.urls:
                response = client.get(url)
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                parser = PageForms(url)
                parser.feed(response.get_data(as_text=True))
                for path, found in parser.forms.items():
                    if path not in forms or len(found[1]) > len(forms[path][1]):
                        forms[path] = found
        return self.seen[id(client)]


def as_page_sends(url, fields):
    """(label, build) of the page's own form with each hostile value in the inputs its kind
    goes to; nothing when the form has no such input."""
    for label, kinds in AS_PAGE_SENDS.items():
        value = HOSTILE_VALUES[label]
        targets = {name for name, kind, _value in fields if kind in kinds
                   and not (formatted(name) is not None and kinds == TEXT_INPUTS)}
        if not targets:
            continue
        data = [(name, value if name in targets else v) for name, _kind, v in fields]
        yield (f"{label}, as the page sends",
               lambda _read, data=data: (url, {"data": multidict(data)}))


def multidict(pairs):
    data = {}
    for name, value in pairs:
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        data.setdefault(name, []).append(value)
    return data


def instrument_fields(world):
    from mosty.instruments.forms import field_name
    from mosty.instruments.models import InstrumentVersion
    from mosty.tenancy import partnership_scope

    with world.app.app_context(), partnership_scope(world.b.partnership.id):
        versions = db.session.scalars(db.select(InstrumentVersion)).all()
        return sorted({field_name(item) for v in versions for item in v.spec["items"]})


def prefixed(prefix, form_name):
    """The field names of the app's form class ``form_name`` bound with ``prefix``."""
    return [f"{prefix}-{name}" for form_class in NAMES.forms
            if form_class.__name__ == form_name for name in form_fields(form_class)]


def unknown(read, sent, patterns=()):
    return sorted(name for name in read
                  if name not in sent and not any(fnmatchcase(name, p) for p in patterns))


# --- the names are collected ------------------------------------------------------------------


def test_the_matrix_collects_the_forms_and_names_of_the_app():
    form_names = {form_class.__name__ for form_class in NAMES.forms}
    assert {"ParticipantForm", "ReferralForm", "UploadForm", "DefinitionForm",
            "OfferForm", "InstrumentForm"} <= form_names  # core and both plugins
    assert len(NAMES.forms) >= 40
    assert {"first_name", "pesel", "birth_date", "reason", "note", "step"} <= set(NAMES.fields)
    assert {name for name, is_file in NAMES.fields.items() if is_file} >= {"file", "upload"}
    # literal reads, and the fields of forms bound to the query string (AuditFilterForm)
    assert {"q", "page", "sort", "participant", "status", "from", "to", "day"} <= set(
        NAMES.query)
    assert {"actor", "date_from", "object_type"} <= set(NAMES.query)
    # names read through a helper that receives them: _text("commitment"), _int_arg("per_page")
    assert {"commitment", "strengths", "family_id"} <= set(NAMES.fields)
    assert "per_page" in NAMES.query


def test_every_form_of_the_app_derives_from_the_shared_form():
    """``mosty.forms.Form`` gives every text field the control-character check and every whole
    number the database's range, which PostgreSQL needs and SQLite does not show."""
    from mosty.forms import Form

    stray = sorted(f"{c.__module__}.{c.__qualname__}" for c in NAMES.forms
                   if not issubclass(c, Form))
    assert not stray, (f"derive {stray} from mosty.forms.Form (plugins: mosty.toolkit.Form), "
                       "not from FlaskForm")
    assert len(NAMES.forms) >= 50


@pytest.mark.postgres
def test_a_nul_in_the_sign_in_email_is_refused_not_a_server_error(pg_app):
    world = build_two_partnerships(pg_app)
    response = pg_app.test_client().post("/login", data={
        "email": f"{world.a.caseworker.email}\x00", "password": "x"})
    assert response.status_code == 200  # the form again, with the message at the field


# --- GET: hostile query strings ---------------------------------------------------------------

# Pages whose views read the query string: each must get every hostile value.
READS_THE_QUERY = {"participants.index", "families.index", "referrals.inbox", "audit.index",
                   "reports.index", "services.index", "jobs.index", "outcomes.new_follow_up",
                   "labour.effectiveness", "labour.instrument_attendance", "animator.index",
                   "instruments.definition", "enrollment.new"}


@both_backends
def test_hostile_query_strings_never_cause_a_server_error(world):
    app = world.app
    world.instrument_fields = instrument_fields(world)
    names = sorted(set(NAMES.query) | set(runtime_names(RUNTIME_QUERY_ARGS, world)))
    matrix = Hostile(world)
    READ.args.clear()
    rules = [r for r in partnership_routes(app) if "GET" in r.methods]
    for rule in rules:
        matrix.run("GET", url_of(rule, world), rule,
                   lambda _client, rule=rule: hostile_query_urls(rule, world, names))
    assert not matrix.failures, matrix.report("hostile query strings")
    # the self-check: every GET route was asked for, reached as one of B's users, and the
    # pages that read the query string got every value
    assert len(rules) >= 85 and all(matrix.sent[("GET", r.endpoint)] >= 2 for r in rules)
    unreached = sorted(r.endpoint for r in rules if ("GET", r.endpoint) not in matrix.reached)
    assert not unreached, f"no GET of these reached the view as B's users: {unreached}"
    exercised = {endpoint for _method, endpoint in matrix.exercised}
    assert exercised >= READS_THE_QUERY, sorted(READS_THE_QUERY - exercised)
    assert all(matrix.sent[("GET", e)] > len(HOSTILE_VALUES) for e in exercised)
    not_sent = unknown(READ.args, names, RUNTIME_QUERY_ARGS)
    assert not not_sent, (
        f"views read the query parameters {not_sent}, which the matrix does not send: read "
        "them with a literal name (request.args.get(\"name\")) or add them to "
        "RUNTIME_QUERY_ARGS in tests/test_hostile_input_matrix.py")


# --- POST: hostile form data ------------------------------------------------------------------

# Routes whose forms have fields: each must get every hostile value.
READS_THE_FORM = {"participants.new", "participants.edit", "families.new", "consents.new",
                  "referrals.new", "services.new", "outcomes.new", "notes.new",
                  "imports.index", "instruments.new_definition", "instruments.administration",
                  "exchange.new_webhook", "reports.recipients", "labour.new_offer",
                  "labour.instrument_new", "labour.registration_details", "animator.new_lead",
                  "animator.add_review", "sample.add_note"}


# Routes whose form a page shows (the matrix sends it as the page does, with hostile values in
# it), and those of them that accept it with harmless text.
SENT_AS_THE_PAGE_SENDS = {
    "participants.new", "participants.edit", "participants.add_care", "families.new",
    "referrals.new", "services.new", "services.edit", "services.new_delivery", "outcomes.new",
    "notes.new", "exchange.new_webhook", "exchange.edit_webhook", "reports.recipients",
    "labour.new_offer", "labour.edit_offer", "labour.instrument_new", "labour.skills",
    "animator.new_lead", "animator.add_goal", "animator.add_action", "animator.add_contact",
    "animator.diagnosis_summary", "animator.requests", "privacy.restriction"}
ACCEPTED_AS_THE_PAGE_SENDS = {
    "families.new", "referrals.new", "services.new", "services.edit", "outcomes.new",
    "notes.new", "reports.recipients", "labour.new_offer", "labour.instrument_new",
    "animator.add_goal", "animator.add_action", "animator.add_contact", "animator.requests"}

# Answers that refuse a post: an error page, or the form again with its messages.
REFUSED = (400, 403, 404, 405, 409, 413, 422)


def is_refusal(response):
    return response is not None and not response.is_json and (
        response.status_code in REFUSED
        or response.status_code == 200 and 'role="alert"' in response.get_data(as_text=True))

# Posted last: they restrict or erase B's participant, whom the other routes need.
LAST = ("privacy.",)


@both_backends
@pytest.mark.parametrize("part", [0, 1])  # every other route: two halves, run side by side
def test_hostile_form_data_never_causes_a_server_error_nor_changes_rows(world, part):
    app = world.app
    world.instrument_fields = instrument_fields(world)
    fields = dict(NAMES.fields)
    fields.update((name, False) for name in runtime_names(RUNTIME_FORM_FIELDS, world))
    matrix = Hostile(world)
    READ.form.clear()
    every_post = sorted((r for r in partnership_routes(app) if "POST" in r.methods),
                        key=lambda r: r.endpoint.startswith(LAST))
    rules = every_post[part::2]
    endpoints = {r.endpoint for r in rules}
    forms = PageFormsOf(matrix, world, [r for r in partnership_routes(app)
                                        if "GET" in r.methods])
    changed, as_page, before = [], set(), None
    for rule in rules:
        url = url_of(rule, world)
        before = before or every_row(app)

        def requests(client, url=url, rule=rule):
            yield from hostile_posts(url, fields)
            page_form = forms.of(client).get(urlsplit(url).path)
            if page_form:
                as_page.add(rule.endpoint)
                yield from as_page_sends(*page_form)

        answers = matrix.run("POST", url, rule, requests,
                             lambda: {"data": form_data(fields, "")})  # all fields empty
        if all(map(is_refusal, answers)):
            after = every_row(app)
            lost = [t for t in changed_tables(before, after)
                    if t.split(" ")[0] not in MAY_CHANGE_ON_REJECTION]
            if lost:
                changed.append(f"POST {url} ({rule.endpoint}): {', '.join(lost)}")
            before = after
        else:
            before = None
    assert not matrix.failures, matrix.report("hostile form posts")
    assert not changed, "rejected posts changed rows:\n" + "\n".join(changed)
    # the self-check: every POST route of the half was asked for, reached as one of B's users;
    # those with fields got every value, and the page's own form where a page shows one
    assert len(every_post) >= 70 and len(rules) >= len(every_post) // 2
    assert all(matrix.sent[("POST", r.endpoint)] >= 2 for r in rules)
    unreached = sorted(r.endpoint for r in rules if ("POST", r.endpoint) not in matrix.reached)
    assert not unreached, f"no POST of these reached the view as B's users: {unreached}"
    exercised = {endpoint for _method, endpoint in matrix.exercised}
    assert READS_THE_FORM & endpoints <= exercised, sorted(READS_THE_FORM & endpoints - exercised)
    expected = SENT_AS_THE_PAGE_SENDS & endpoints
    assert expected <= as_page, sorted(expected - as_page)
    # the page's own form with harmless text in it is accepted: the baseline is valid, so
    # the other values of that kind reach the code that stores them
    refused = sorted(e for e in ACCEPTED_AS_THE_PAGE_SENDS & endpoints
                     if matrix.answers.get((e, "unicode, as the page sends")) != 302)
    assert not refused, f"the page's own form was refused by: {refused}"
    not_sent = unknown(READ.form, fields, RUNTIME_FORM_FIELDS)
    assert not not_sent, (
        f"views read the form fields {not_sent}, which the matrix does not send: declare them "
        "on a form class, read them with a literal name (request.form.get(\"name\")) or add "
        "them to RUNTIME_FORM_FIELDS in tests/test_hostile_input_matrix.py")


# --- the JSON API -----------------------------------------------------------------------------


def api_token(world):
    from mosty.exchange import tokens
    from mosty.tenancy import partnership_scope

    side = world.b
    with world.app.app_context(), partnership_scope(side.partnership.id):
        _token, plaintext = tokens.create_token(institution_id=side.leader.id, name="System",
                                                actor_id=side.admin.id,
                                                partnership_id=side.partnership.id)
        db.session.commit()
    return plaintext


API_BODIES = {
    "not json": (b"{'action': 'accept'", "application/json"),
    "truncated": (b'{"action": "decl', "application/json"),
    "not an object": (b'["accept"]', "application/json"),
    "a number": (b"1e999999", "application/json"),
    "null": (b"null", "application/json"),
    "wrong content type": (b'{"action": "accept"}', "text/plain"),
    "not utf-8": (b'{"action": "\xff\xfe"}', "application/json"),
    "nul byte": (b'{"action": "accept\x00"}', "application/json"),
}
API_OBJECTS = [
    {}, {"action": None}, {"action": 1}, {"action": ["accept"]}, {"action": {"a": 1}},
    {"action": "accept", "service_id": 10**30}, {"action": "accept", "service_id": -1},
    {"action": "accept", "service_id": "1"}, {"action": "accept", "service_id": 1.5},
    {"action": "accept", "service_id": True}, {"action": "accept", "service_id": 2**31},
    {"action": "decline", "reason": 10**30}, {"action": "decline", "reason": "\x00"},
    {"action": "decline", "reason": "Brak\x00miejsc"}, {"action": "decline", "reason": ""},
    {"action": "decline", "reason": "x" * 5001}, {"action": "decline", "reason": ["a"]},
    {"action": "decline", "reason": "\udcff"},
    {"action": "complete", "result": "\x00"}, {"action": "complete", "result": 1.5},
    {"action": "accept\x00"},
]


# Tables a refused API answer still writes: the audit log, and the token's last use.
API_MAY_CHANGE = MAY_CHANGE_ON_REJECTION | {"exchange_api_token"}
API_PATH_IDS = ("0", "-1", "99999999999999999999", "2147483648", "abc", "%00", "1.5")


@both_backends
def test_hostile_api_requests_get_json_errors_never_a_server_error(world):
    """Every answer is JSON with a message (the API's promise), none is a 500, and refused
    answers to the referral change nothing."""
    app = world.app
    matrix = Hostile(world)
    READ.args.clear()
    headers = {"Authorization": f"Bearer {api_token(world)}"}
    rules = {r.endpoint: r for r in app.url_map.iter_rules()
             if r.endpoint.startswith("exchange_api.")}
    client = app.test_client()
    answers = []
    for label, value in [*HOSTILE_VALUES.items(), ("repeated", REPEATED)]:
        query = query_with(["status", "page", "per_page"], value)
        answers.append(matrix.send(client, "GET", f"/api/v1/referrals?{query}",
                                   rules["exchange_api.referrals"], label, {"headers": headers}))
    for path_id in API_PATH_IDS:
        answers.append(matrix.send(client, "GET", f"/api/v1/referrals/{path_id}",
                                   rules["exchange_api.referral"], path_id,
                                   {"headers": headers}))
    answer = f"/api/v1/referrals/{world.b.referral.id}/answer"
    before = every_row(app)
    for label, (body, content_type) in API_BODIES.items():
        answers.append(matrix.send(client, "POST", answer, rules["exchange_api.answer"], label,
                                   {"data": body, "content_type": content_type,
                                    "headers": headers}))
    for body in API_OBJECTS:
        answers.append(matrix.send(client, "POST", answer, rules["exchange_api.answer"],
                                   shorten(json.dumps(body)),
                                   {"json": body, "headers": headers}))
    assert not matrix.failures, matrix.report("hostile API requests")
    not_json = [f"{r.request.method} {shorten(r.request.full_path)}: {r.status_code} "
                f"{shorten(r.get_data(as_text=True))}" for r in answers
                if r.status_code >= 400 and not (r.is_json and r.json.get("error"))]
    assert not not_json, "API errors without a JSON message:\n" + "\n".join(not_json)
    accepted = [json.dumps(body) for body, r in zip(API_OBJECTS, answers[-len(API_OBJECTS):],
                                                          strict=True)
                if r.status_code < 400]
    assert not accepted, f"hostile answers accepted: {accepted}"
    lost = [t for t in changed_tables(before, every_row(app))
            if t.split(" ")[0] not in API_MAY_CHANGE]
    assert not lost, f"refused API answers changed rows: {lost}"
    assert len(answers) == (len(HOSTILE_VALUES) + 1 + len(API_PATH_IDS) + len(API_BODIES)
                            + len(API_OBJECTS))
    assert set(READ.args) >= {"status", "page", "per_page"}
