"""Scoring an administration by the rules of its instrument version.

Plain functions over the normalised spec (``definitions.parse_definition``) and the answers
({item id: value}); the rules are documented in ``docs/instruments.md``:

- an item's score is its answer (scale point, the option's ``score``, ``yes_score`` /
  ``no_score``, the number), reversed as ``min + max - score`` when the item is reverse-scored;
- a domain (and the total) is scored only when at least ``min_answered`` of its items are
  answered, otherwise it is "not scored";
- ``mean`` and ``weighted_mean`` use the answered items; ``sum`` and ``weighted_sum`` are
  prorated to all the items (the answered items' sum times all items over the answered ones),
  so a missing answer counts as the person's average, not as zero;
- the band is the last one whose ``from`` is not above the score.
"""

EPSILON = 1e-9


def score_range(item):
    """(lowest, highest) score the item can give, or None when it is not scored."""
    if not item.get("scored"):
        return None
    kind = item["type"]
    if kind == "scale":
        return item["min"], item["max"]
    if kind == "choice":
        scores = [option["score"] for option in item["options"]]
        return min(scores), max(scores)
    if kind == "yes_no":
        return min(item["yes_score"], item["no_score"]), max(item["yes_score"], item["no_score"])
    if kind == "number":
        return item.get("min"), item.get("max")
    return None


def item_score(item, value):
    """The item's score for an answer, or None (no answer, or an item that is not scored)."""
    if value is None or value == "" or not item.get("scored"):
        return None
    kind = item["type"]
    if kind == "scale":
        raw = value
    elif kind == "choice":
        raw = next((o["score"] for o in item["options"] if o["value"] == str(value)), None)
    elif kind == "yes_no":
        raw = {"yes": item["yes_score"], "no": item["no_score"]}.get(value)
    elif kind == "number":
        raw = value
    else:
        return None
    if raw is None:
        return None
    if item.get("reverse"):
        low, high = score_range(item)
        raw = low + high - raw
    return raw


def aggregate(scores, weights, rule, expected, min_answered):
    """Combine answered scores (with their weights) out of ``expected`` by ``rule``; None when
    too few are answered. ``expected`` is the list of the weights of every member."""
    count = len(expected)
    if not scores or not count or len(scores) / count < min_answered - EPSILON:
        return None
    if rule == "sum":
        value = sum(scores) * count / len(scores)
    elif rule == "mean":
        value = sum(scores) / len(scores)
    elif rule == "weighted_sum":
        value = sum(s * w for s, w in zip(scores, weights, strict=True)) * sum(expected) / sum(
            weights)
    elif rule == "weighted_mean":
        value = sum(s * w for s, w in zip(scores, weights, strict=True)) / sum(weights)
    else:
        raise ValueError(f"unknown rule {rule!r}")
    return round(value, 2)


def band_for(bands, score):
    """The band the score falls in: the last whose ``from`` is not above it (or None)."""
    if score is None:
        return None
    found = None
    for band in bands:
        if band["from"] <= score + EPSILON:
            found = band
    return {"label": found["label"], "text": found["text"]} if found else None


def _result(owner, score, answered, count, title):
    return {"id": owner.get("id"), "title": title, "score": score, "answered": answered,
            "items": count, "band": band_for(owner.get("bands", []), score)}


def score_answers(spec, answers):
    """Domain and total scores of the answers, as stored with a finished administration."""
    items = spec["items"]
    item_scores = {item_id: item_score(items[item_id], answers.get(item_id))
                   for item_id in items}
    domains = []
    for domain in spec["domains"]:
        members = [items[i] for i in domain["items"]]
        answered = [m for m in members if item_scores[m["id"]] is not None]
        score = aggregate([item_scores[m["id"]] for m in answered],
                          [m["weight"] for m in answered], domain["rule"],
                          [m["weight"] for m in members], domain["min_answered"])
        domains.append(_result(domain, score, len(answered), len(members), domain["title"]))
    total = None
    rule = spec.get("total")
    if rule:
        if rule["from"] == "domains":
            weights = {d["id"]: d.get("weight", 1) for d in spec["domains"]}
            scored = [d for d in domains if d["score"] is not None]
            score = aggregate([d["score"] for d in scored], [weights[d["id"]] for d in scored],
                              rule["rule"], list(weights.values()), rule["min_answered"])
            total = _result(rule, score, len(scored), len(domains), rule["title"])
        else:
            members = [items[i] for i in rule["items"]]
            answered = [m for m in members if item_scores[m["id"]] is not None]
            score = aggregate([item_scores[m["id"]] for m in answered],
                              [m["weight"] for m in answered], rule["rule"],
                              [m["weight"] for m in members], rule["min_answered"])
            total = _result(rule, score, len(answered), len(members), rule["title"])
    return {"domains": domains, "total": total}
