"""The change-over-time chart: server-rendered SVG (no scripts, no inline styles, so the
Content-Security-Policy holds), one line for the total and one per domain."""

from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
# Colours that stay apart for people with the common colour-vision deficiencies.
PALETTE = ("#1f5f8b", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#6b6b6b")


@dataclass
class Series:
    key: str
    title: str
    colour: str
    points: list = field(default_factory=list)  # (x, y, score, label)
    path: str = ""


@dataclass
class Chart:
    width: int
    height: int
    series: list
    ticks: list  # (y, label)
    columns: list  # (x, label)
    baseline: float
    left: int
    right: int


def _series_of(administrations):
    """{key: (title, [score or None per administration])}: total first, then the domains in
    the order of the newest version."""
    order, titles = [], {}
    for administration in reversed(administrations):
        scores = administration.scores or {}
        if scores.get("total") and "total" not in titles:
            titles["total"] = scores["total"].get("title") or ""
            order.insert(0, "total")
        for domain in scores.get("domains", []):
            if domain["id"] not in titles:
                titles[domain["id"]] = domain["title"]
                order.append(domain["id"])
    values = {key: [] for key in order}
    for administration in administrations:
        scores = administration.scores or {}
        by_id = {d["id"]: d["score"] for d in scores.get("domains", [])}
        if scores.get("total"):
            by_id["total"] = scores["total"]["score"]
        for key in order:
            values[key].append(by_id.get(key))
    return [(key, titles[key], values[key]) for key in order]


def _nice_range(numbers):
    low, high = min(numbers), max(numbers)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.1
    low = 0 if low >= 0 and low - pad < 0 else low - pad
    return low, high + pad


def change_chart(administrations, date_label, total_title):
    """Chart geometry for finished administrations (oldest first); None for fewer than two."""
    if len(administrations) < 2:
        return None
    raw = _series_of(administrations)
    numbers = [v for _k, _t, values in raw for v in values if v is not None]
    if not numbers:
        return None
    low, high = _nice_range(numbers)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / (len(administrations) - 1)

    def y_of(value):
        return round(TOP + plot_h - (value - low) / (high - low) * plot_h, 1)

    columns = [(round(LEFT + i * step, 1), date_label(a)) for i, a in enumerate(administrations)]
    series = []
    for index, (key, title, values) in enumerate(raw):
        line = Series(key=key, title=title or total_title if key == "total" else title,
                      colour=PALETTE[index % len(PALETTE)])
        segments, pen_down = [], False
        for (x, label), value in zip(columns, values, strict=True):
            if value is None:
                pen_down = False  # "not scored" leaves a gap rather than a false line
                continue
            y = y_of(value)
            line.points.append((x, y, value, label))
            segments.append(f"{'L' if pen_down else 'M'}{x},{y}")
            pen_down = True
        line.path = " ".join(segments)
        series.append(line)
    ticks = [(y_of(low + (high - low) * i / 4), round(low + (high - low) * i / 4, 1))
             for i in range(5)]
    return Chart(width=WIDTH, height=HEIGHT, series=series, ticks=ticks, columns=columns,
                 baseline=TOP + plot_h, left=LEFT, right=WIDTH - RIGHT)
