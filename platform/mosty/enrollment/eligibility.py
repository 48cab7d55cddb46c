"""Eligibility as data: a target group's criteria evaluated into a verdict a person can read.

Residence in the partnership's territory (TERYT) always applies; each criterion in
``TargetGroup.criteria`` adds one reason. Rules are plain functions, tested directly.

A reason is stored as a code with its parameters (``REASONS``) and read out in the viewer's
language when shown (``reason_text``); its ``text``, in the language of whoever applied the
rule, stays beside them for older rows, which have only that, and for modules that show it.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from .. import dates
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..partnerships.models import TerritoryUnit

# What each reason says; its parameters are stored as plain data (codes, numbers, names) and
# the codes among them (a labour-market status) are put into words when the reason is shown.
REASONS = {
    "residence_outside": _l("registered residence %(place)s is outside the partnership's "
                            "area: not eligible"),
    "residence_inside": _l("registered residence %(place)s is in %(unit)s: eligible"),
    "carer": _l("cares for %(n)s dependant(s), %(hours)s hours a week"),
    "not_carer": _l("no dependant recorded: not a carer"),
    "labour_status_fits": _l("labour-market status: %(status)s"),
    "labour_status_does_not_fit": _l("labour-market status %(status)s does not fit this "
                                     "target group"),
    "labour_status_not_given": _l("labour-market status not given: the criterion is not met "
                                  "until it is recorded"),
    "age_fits": _l("age %(age)s"),
    "age_outside": _l("age %(age)s is outside %(min)s–%(max)s"),
    "rural": _l("lives in a rural area"),
    "not_rural": _l("does not live in a rural area"),
    "family_unemployed_members": _l("%(count)s unemployed member(s) in the family (needed: "
                                    "%(needed)s)"),
    "family_unemployed_generations": _l("unemployment in %(count)s generation(s) (needed: "
                                        "%(needed)s)"),
    "unknown_rule": _l("criterion \"%(rule)s\" cannot be checked (unknown rule)"),
}


def _words(params):
    """The parameters as the sentence shows them, in the current language."""
    from ..participants.labels import labour_status_label

    shown = dict(params)
    if "status" in shown:
        shown["status"] = labour_status_label(shown["status"])
    if "place" in shown and not shown["place"]:
        shown["place"] = _("unknown")
    return shown


def _render(code, params):
    return str(REASONS[code]) % _words(params)


def reason_text(reason):
    """One stored reason in the current language: from its code and parameters, or, for a row
    recorded before reasons had codes (or with a code this version does not know), its text."""
    code = reason.get("code") if isinstance(reason, dict) else None
    if code in REASONS and isinstance(reason.get("params"), dict):
        try:
            return _render(code, reason["params"])
        except (KeyError, TypeError, ValueError):
            pass
    return reason.get("text", "") if isinstance(reason, dict) else ""


def evaluated_on(recorded):
    """The day a stored verdict was made, as a date (None when missing or unreadable)."""
    value = (recorded or {}).get("evaluated_on")
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


@dataclass
class Verdict:
    eligible: bool = True
    reasons: list = field(default_factory=list)
    # The day the verdict is made for (the assessment's date, which may be an earlier day
    # than the one it is typed in): shown as "assessed on" next to the verdict.
    on: date | None = None

    def add(self, ok, code, **params):
        """One reason: ``code`` names its sentence in ``REASONS``, ``params`` fill it in."""
        self.keep({"ok": ok, "code": code, "params": params, "text": _render(code, params)})

    def keep(self, reason):
        """A reason as stored (from another verdict)."""
        self.eligible = self.eligible and reason["ok"]
        self.reasons.append(dict(reason))

    def as_dict(self):
        return {"eligible": self.eligible, "reasons": self.reasons,
                "evaluated_on": (self.on or dates.today()).isoformat()}


def _age(birth_date, on):
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def check_residence(verdict, teryt, locality, territory):
    unit = next((u for u in territory if teryt and teryt.startswith(u.teryt)), None)
    place = locality or teryt or None
    if unit is None:
        verdict.add(False, "residence_outside", place=place)
    else:
        verdict.add(True, "residence_inside", place=place, unit=unit.name)


def _members(family):
    return [m.participant for m in family.members]


def _unemployed_generations(family):
    return {m.generation for m in family.members if m.participant.is_unemployed}


RULES = {}


def rule(name):
    def register(func):
        RULES[name] = func
        return func
    return register


@rule("is_carer")
def _is_carer(verdict, subject, params, today):
    hours = sum(r.hours_per_week for r in subject.care_relations)
    if subject.care_relations:
        verdict.add(True, "carer", n=len(subject.care_relations), hours=hours)
    else:
        verdict.add(False, "not_carer")


@rule("labour_status_in")
def _labour_status_in(verdict, subject, params, today):
    # Nothing is assumed for a person whose status nobody gave (an import without it).
    if subject.labour_status is None:
        verdict.add(False, "labour_status_not_given")
        return
    ok = subject.labour_status in params["statuses"]
    verdict.add(ok, "labour_status_fits" if ok else "labour_status_does_not_fit",
                status=subject.labour_status)


@rule("age_between")
def _age_between(verdict, subject, params, today):
    age = _age(subject.birth_date, today)
    ok = params.get("min", 0) <= age <= params.get("max", 200)
    if ok:
        verdict.add(ok, "age_fits", age=age)
    else:
        verdict.add(ok, "age_outside", age=age, min=params.get("min", 0),
                    max=params.get("max", "…"))


@rule("rural_residence")
def _rural(verdict, subject, params, today):
    area = subject.area if hasattr(subject, "members") else subject.registered_area
    verdict.add(area == "rural", "rural" if area == "rural" else "not_rural")


@rule("family_unemployed_members_min")
def _family_unemployed(verdict, family, params, today):
    count = sum(1 for p in _members(family) if p.is_unemployed)
    needed = params.get("min", 2)
    verdict.add(count >= needed, "family_unemployed_members", count=count, needed=needed)


@rule("family_unemployed_generations_min")
def _family_generations(verdict, family, params, today):
    count = len(_unemployed_generations(family))
    needed = params.get("min", 2)
    verdict.add(count >= needed, "family_unemployed_generations", count=count, needed=needed)


def criteria_errors(criteria):
    """What is wrong with a target group's criteria (unknown rules, malformed entries), in words.

    Criteria are data an administrator may edit, so a typo must be caught when it is saved,
    not turn into an error on a caseworker's screen.
    """
    errors = []
    if not isinstance(criteria, list):
        return [_("The criteria must be a list.")]
    for position, criterion in enumerate(criteria, start=1):
        alternatives = criterion.get("any_of") if isinstance(criterion, dict) else None
        entries = alternatives if isinstance(alternatives, list) else [criterion]
        for entry in entries:
            name = entry.get("rule") if isinstance(entry, dict) else None
            if name not in RULES:
                errors.append(_("Criterion %(position)s: unknown rule \"%(rule)s\".",
                                position=position, rule=name))
    return errors


def _apply(verdict, criterion, subject, today):
    rule_function = RULES.get(criterion.get("rule"))
    if rule_function is None:
        # Fail closed and say why, instead of an error page: nobody is found eligible by a
        # criterion the platform cannot check.
        verdict.add(False, "unknown_rule", rule=criterion.get("rule"))
        return
    rule_function(verdict, subject, criterion, today)


def evaluate(subject, target_group, today=None):
    """The verdict for a participant or family against a target group, with its reasons."""
    today = today or dates.today()
    territory = db.session.scalars(select(TerritoryUnit)).all()
    verdict = Verdict(on=today)
    if hasattr(subject, "members"):
        check_residence(verdict, subject.teryt, subject.locality, territory)
    else:
        check_residence(verdict, subject.registered_teryt, subject.registered_locality, territory)
    any_of = [c for c in target_group.criteria if c.get("any_of")]
    for criterion in target_group.criteria:
        if criterion.get("any_of"):
            continue
        _apply(verdict, criterion, subject, today)
    for group in any_of:
        # At least one alternative must hold (e.g. two unemployed members OR two generations).
        trial = [Verdict() for _alt in group["any_of"]]
        for alt, sub in zip(group["any_of"], trial, strict=True):
            _apply(sub, alt, subject, today)
        best = next((v for v in trial if v.eligible), trial[0])
        for reason in best.reasons:
            verdict.keep(reason)
    return verdict
