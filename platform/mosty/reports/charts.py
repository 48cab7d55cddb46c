"""Bar charts as server-rendered SVG: no script, no inline style (the CSP allows neither).

Colours and sizes are SVG presentation attributes, which the Content-Security-Policy does
not treat as styles. Labels are escaped: they come from the database.
"""

from markupsafe import Markup, escape

from .tables import display

BAR_HEIGHT = 24
GAP = 8
LABEL_WIDTH = 200
BAR_AREA = 220
VALUE_WIDTH = 60
# Labels longer than this are cut (the full label is in the bar's tooltip).
LABEL_CHARACTERS = 24
COLOURS = ("#2f6f8f", "#d08c2f", "#5b8f3a", "#8f4b6f", "#6f6f6f", "#3a6fb0")


def bar_chart_svg(chart, chart_id):
    """An accessible horizontal bar chart: a title, one labelled bar per item."""
    bars = [(str(label), value or 0) for label, value in chart.bars]
    top = max((value for _label, value in bars), default=0) or 1
    height = max(len(bars), 1) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    title_id = f"{chart_id}-title"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{title_id}">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
    ]
    for index, (label, value) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = round(BAR_AREA * value / top, 1)
        short = label if len(label) <= LABEL_CHARACTERS else label[:LABEL_CHARACTERS - 1] + "…"
        parts.append(
            f'<g><title>{escape(label)}: {escape(display(value))}</title>'
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT * 0.7}" text-anchor="end" '
            f'font-size="14" fill="#222">{escape(short)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" '
            f'fill="{COLOURS[index % len(COLOURS)]}"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + BAR_HEIGHT * 0.7}" font-size="14" '
            f'fill="#222">{escape(display(value))}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
