"""The core import of participants and their families.

Every row is checked first; nothing is written in a dry run or when any row has a problem.
A person already registered in the partnership (same PESEL, or same first and last name and
date of birth, as the registry's duplicate check) or on an earlier line is merged, not added
again, so importing the same file twice adds nothing. Families are matched by name among
the importing institution's own families.
"""

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from stdnum.pl import pesel as stdnum_pesel

from .. import audit
from ..consents.access import participant_visible_to
from ..extensions import db
from ..families.models import RELATIONS, Family, FamilyMember
from ..i18n import lazy_gettext as _l
from ..participants.models import Participant
from ..participants.pesel import pesel_problems
from ..partnerships.models import Institution
from .contract import ImportField, RowError, RowOutcome, header_key
from .values import CellError, CommuneLookup, area_of, parse_date, parse_sex, text

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Words for the relation to the head of the household, as clerks write them.
RELATION_WORDS = {header_key(word): relation for word, relation in (
    ("głowa rodziny", "head"), ("głowa", "head"), ("wnioskodawca", "head"),
    ("wnioskodawczyni", "head"), ("małżonek", "spouse"), ("małżonka", "spouse"),
    ("żona", "spouse"), ("mąż", "spouse"), ("partner", "partner"), ("partnerka", "partner"),
    ("konkubent", "partner"), ("konkubina", "partner"), ("dziecko", "child"),
    ("syn", "child"), ("córka", "child"), ("rodzic", "parent"), ("matka", "parent"),
    ("ojciec", "parent"), ("teść", "parent_in_law"), ("teściowa", "parent_in_law"),
    ("dziadek", "grandparent"), ("babcia", "grandparent"), ("babka", "grandparent"),
    ("wnuk", "grandchild"), ("wnuczka", "grandchild"), ("zięć", "child_in_law"),
    ("synowa", "child_in_law"), ("brat", "sibling"), ("siostra", "sibling"),
    ("rodzeństwo", "sibling"), ("inny", "other"), ("inna", "other"), ("inne", "other"),
)}
RELATION_WORDS.update({key: key for key in RELATIONS})

FIELDS = (
    ImportField("first_name", _l("First name"), True, ("Imię", "Imiona", "first name")),
    ImportField("last_name", _l("Last name"), True, ("Nazwisko", "last name", "surname")),
    ImportField("pesel", _l("PESEL"), False, ("PESEL", "Nr PESEL", "Numer PESEL")),
    ImportField("birth_date", _l("Date of birth"), False,
                ("Data urodzenia", "Data ur.", "Urodzony", "Urodzona", "date of birth",
                 "birth date")),
    ImportField("sex", _l("Sex"), False, ("Płeć", "sex", "gender")),
    ImportField("commune", _l("Commune (name or TERYT code)"), True,
                ("Gmina", "TERYT", "Kod TERYT", "TERYT gminy", "commune")),
    ImportField("locality", _l("Locality"), False,
                ("Miejscowość", "Miejscowość zamieszkania", "Miasto", "locality")),
    ImportField("phone", _l("Phone"), False,
                ("Telefon", "Tel.", "Nr telefonu", "Numer telefonu", "phone")),
    ImportField("email", _l("E-mail"), False, ("E-mail", "Email", "Adres e-mail", "mail")),
    ImportField("family", _l("Family"), False,
                ("Rodzina", "Nazwa rodziny", "Gospodarstwo domowe", "family")),
    ImportField("relation", _l("Relation to the head of the family"), False,
                ("Pokrewieństwo", "Stopień pokrewieństwa", "Relacja", "Rola w rodzinie",
                 "relation")),
    ImportField("social_assistance_case_no", _l("Social assistance case number"), False,
                ("Nr sprawy", "Numer sprawy", "Sygnatura", "Nr sprawy OPS")),
)
FILLABLE = ("pesel", "phone", "email", "social_assistance_case_no")


@dataclass
class Person:
    """A checked row: the participant's values and where they go."""

    line: int
    values: dict
    family: str = ""
    relation: str = "other"
    match_id: int | None = None
    same_as_line: int | None = None
    errors: list = field(default_factory=list)


def check_row(row, lookup):
    """A ``Person`` from a mapped row, with every problem found (by field key)."""
    v = row.values
    person = Person(line=row.line, values={})
    errors = person.errors

    def take(key, reader, *args):
        try:
            return reader(v.get(key, ""), *args)
        except CellError as error:
            errors.append(RowError(key, error.message))
            return None

    first = take("first_name", text, 80, True, _l("The first name is required."))
    last = take("last_name", text, 120, True, _l("The last name is required."))
    birth = take("birth_date", parse_date)
    sex = take("sex", parse_sex)
    pesel = (v.get("pesel") or "").strip()
    if pesel.isdigit() and len(pesel) == 10:
        pesel = "0" + pesel  # a spreadsheet kept the PESEL as a number and lost its 0
    if pesel:
        problems = pesel_problems(pesel, birth_date=birth, sex=sex)
        if problems:
            errors.append(RowError("pesel", " ".join(str(p) for p in problems)))
            pesel = None
        else:
            pesel = stdnum_pesel.compact(pesel)
            birth = birth or stdnum_pesel.get_birth_date(pesel)
            sex = sex or ("male" if stdnum_pesel.get_gender(pesel) == "M" else "female")
    if birth is None and not any(e.field in ("birth_date", "pesel") for e in errors):
        errors.append(RowError("birth_date", _l("Give the date of birth or the PESEL.")))
    if sex is None and not any(e.field in ("sex", "pesel") for e in errors):
        errors.append(RowError("sex", _l("Give the sex (K or M) or the PESEL.")))
    commune = take("commune", lookup.resolve)
    locality = take("locality", text, 120)
    if commune is not None and not locality:
        locality = commune[1]
        if not locality:
            errors.append(RowError("locality", _l("Give the locality: the commune's name is "
                                                  "not known from its code.")))
    phone = take("phone", text, 40)
    email = take("email", text, 200)
    if email and not EMAIL.match(email):
        errors.append(RowError("email", _l("Enter an e-mail address like name@example.pl.")))
    case_no = take("social_assistance_case_no", text, 40)
    person.family = take("family", text, 160) or ""
    relation = header_key(v.get("relation", ""))
    if relation:
        if relation in RELATION_WORDS:
            person.relation = RELATION_WORDS[relation]
        else:
            errors.append(RowError("relation", _l("Unknown relation: write e.g. głowa rodziny, "
                                                  "małżonek, dziecko, rodzic, wnuk, inny.")))
    if errors:
        return person
    teryt = commune[0]
    person.values = {
        "first_name": first, "last_name": last, "sex": sex, "birth_date": birth,
        "pesel": pesel or None, "phone": phone or "", "email": email or "",
        "registered_teryt": teryt, "registered_locality": locality,
        "registered_area": area_of(teryt), "actual_teryt": teryt, "actual_locality": locality,
        "actual_area": area_of(teryt), "social_assistance_case_no": case_no or "",
    }
    return person


class Registered:
    """Who is already registered in the partnership, loaded once for the whole file."""

    def __init__(self, institution_id):
        self.by_pesel, self.by_name, self.institution_of = {}, {}, {}
        for pid, pesel, first, last, birth, owner in db.session.execute(select(
                Participant.id, Participant.pesel, Participant.first_name,
                Participant.last_name, Participant.birth_date, Participant.institution_id)):
            if pesel:
                self.by_pesel.setdefault(pesel, set()).add(pid)
            self.by_name.setdefault(_natural_key(first, last, birth), set()).add(pid)
            self.institution_of[pid] = owner
        self.visible = set(db.session.scalars(
            select(Participant.id).where(participant_visible_to(institution_id))))
        self.institution_names = {
            i.id: i.name for i in db.session.scalars(select(Institution))}
        self.families = {
            family.name.casefold(): family.id for family in db.session.scalars(
                select(Family).where(Family.institution_id == institution_id)
                .order_by(Family.id.desc()))}

    def matches(self, values):
        """{participant id: [reasons]} of records matching the person."""
        found = {}
        if values["pesel"]:
            for pid in self.by_pesel.get(values["pesel"], ()):
                found.setdefault(pid, []).append(_l("same PESEL"))
        key = _natural_key(values["first_name"], values["last_name"], values["birth_date"])
        for pid in self.by_name.get(key, ()):
            found.setdefault(pid, []).append(_l("same name and date of birth"))
        return found


def _natural_key(first, last, birth):
    return (first.casefold().strip(), last.casefold().strip(), birth)


class ParticipantImport:
    fields = FIELDS

    def __call__(self, rows, context):
        lookup = CommuneLookup()
        registered = Registered(context.institution_id)
        total = len(rows) * (1 if context.dry_run else 2)
        people, outcomes = [], []
        seen_pesel, seen_name = {}, {}
        new_families = {}
        for index, row in enumerate(rows, 1):
            person = check_row(row, lookup)
            outcome = RowOutcome(line=row.line, errors=person.errors)
            if not person.errors:
                self._match(person, outcome, registered, seen_pesel, seen_name)
                self._family_note(person, outcome, registered, new_families)
            if outcome.errors:
                outcome.effect = "error"
            people.append(person)
            outcomes.append(outcome)
            context.report_progress(index, total)
        if context.dry_run or any(o.errors for o in outcomes):
            return outcomes
        self._apply(people, outcomes, registered, context, total)
        return outcomes

    @staticmethod
    def _match(person, outcome, registered, seen_pesel, seen_name):
        values = person.values
        natural = _natural_key(values["first_name"], values["last_name"], values["birth_date"])
        earlier = seen_pesel.get(values["pesel"]) if values["pesel"] else None
        earlier = earlier or seen_name.get(natural)
        if values["pesel"]:
            seen_pesel.setdefault(values["pesel"], person)
        seen_name.setdefault(natural, person)
        if earlier is not None:
            person.same_as_line = earlier.line
            person.match_id = earlier.match_id
            outcome.effect = "merge"
            outcome.note = _l("Same person as line %(line)d: merged, not added twice.",
                              line=earlier.line)
            return
        found = registered.matches(values)
        if len(found) > 1:
            outcome.errors.append(RowError("", _l(
                "This row matches %(count)d registered people: sort the duplicates out in "
                "the registry first.", count=len(found))))
            return
        if found:
            ((pid, reasons),) = found.items()
            person.match_id = pid
            outcome.effect = "merge"
            outcome.object_id = pid
            outcome.visible = pid in registered.visible
            outcome.note = _l("Already registered by %(institution)s (%(reasons)s): merged, "
                              "nothing new is added.",
                              institution=registered.institution_names.get(
                                  registered.institution_of[pid], "?"),
                              reasons=", ".join(str(r) for r in reasons))
            return
        outcome.effect = "create"
        outcome.note = _l("New participant.")

    @staticmethod
    def _family_note(person, outcome, registered, new_families):
        if not person.family:
            return
        key = person.family.casefold()
        if key in registered.families:
            suffix = _l("Joins your institution's existing family of that name.")
        elif key in new_families:
            suffix = _l("Joins the family started on line %(line)d.", line=new_families[key])
        else:
            new_families[key] = person.line
            suffix = _l("Starts a new family.")
        if (outcome.effect == "merge" and outcome.object_id is not None
                and not outcome.visible):
            suffix = _l("Not added to the family: your institution cannot see this person.")
        outcome.note = f"{outcome.note} {suffix}"

    def _apply(self, people, outcomes, registered, context, total):
        created_ids = {}
        families = dict(registered.families)
        for index, (person, outcome) in enumerate(zip(people, outcomes, strict=True), 1):
            pid = person.match_id
            if person.same_as_line is not None:
                pid = pid or created_ids.get(person.same_as_line)
            if outcome.effect == "create":
                participant = Participant(institution_id=context.institution_id,
                                          **person.values)
                db.session.add(participant)
                db.session.flush()
                created_ids[person.line] = pid = participant.id
                registered.visible.add(pid)
                detail = {"fields": sorted(k for k, val in person.values.items()
                                           if val not in ("", None)),
                          "import_id": context.batch_id}
                family = self._family(person, families, context)
                if family is not None:
                    member = FamilyMember(family_id=family.id, participant_id=pid,
                                          relation=person.relation)
                    db.session.add(member)
                    detail["family_id"] = family.id
                audit.record("create", participant, actor_id=context.actor_id,
                             institution_id=context.institution_id, detail=detail)
                outcome.object_id, outcome.visible = pid, True
            elif pid is not None and pid in registered.visible:
                participant = db.session.get(Participant, pid)
                self._fill_blanks(participant, person, context)
                family = self._family(person, families, context)
                if family is not None:
                    self._join(family, participant, person.relation, context)
            context.report_progress(len(people) + index, total)

    @staticmethod
    def _fill_blanks(participant, person, context):
        """Fields the institution's own record lacks are taken from the file; nothing it has
        is overwritten, and a record with restricted processing is left alone."""
        if participant.institution_id != context.institution_id:
            return
        if getattr(participant, "processing_restricted", False):
            return
        changed = sorted(name for name in FILLABLE
                         if person.values.get(name) and not getattr(participant, name))
        for name in changed:
            setattr(participant, name, person.values[name])
        if changed:
            audit.record("update", participant, actor_id=context.actor_id,
                         institution_id=context.institution_id,
                         detail={"fields": changed, "import_id": context.batch_id})

    @staticmethod
    def _family(person, families, context):
        if not person.family:
            return None
        key = person.family.casefold()
        if key in families:
            return db.session.get(Family, families[key])
        values = {"name": person.family, "teryt": person.values["registered_teryt"],
                  "locality": person.values["registered_locality"],
                  "area": person.values["registered_area"]}
        family = Family(institution_id=context.institution_id, **values)
        db.session.add(family)
        db.session.flush()
        families[key] = family.id
        audit.record("create", family, actor_id=context.actor_id,
                     institution_id=context.institution_id,
                     detail={"fields": sorted(k for k, v in values.items() if v),
                             "import_id": context.batch_id})
        return family

    @staticmethod
    def _join(family, participant, relation, context):
        exists = db.session.scalar(select(FamilyMember.id).where(
            FamilyMember.family_id == family.id, FamilyMember.participant_id == participant.id))
        if exists:
            return
        member = FamilyMember(family_id=family.id, participant_id=participant.id,
                              relation=relation)
        db.session.add(member)
        db.session.flush()
        audit.record("update", family, actor_id=context.actor_id,
                     institution_id=context.institution_id,
                     detail={"added_participant_id": participant.id, "member_id": member.id,
                             "import_id": context.batch_id})
