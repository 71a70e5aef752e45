"""A test's shapes as one SVG picture: a panel per variant, a column per lane, a row per step.

Drawn from the shape alone (``shape.py``): rows, not milliseconds, so the same
code draws the same bytes on every run and CI can compare the file. Plain SVG:
no script, no external font or image, so GitHub shows it inline in a README.
"""

import textwrap
from xml.sax.saxutils import escape, quoteattr

from kata.timelines.shape import Shape

FONT = "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"
CHAR = 6.7  # px per character at 11px
LINE = 14
PAD = 6
MARGIN = 16
TITLE = 30
LANE_HEADER = 26
STYLE = {  # fill, stroke
    "read": ("#e7f0fb", "#5b8fc9"),
    "lock": ("#eee7fb", "#7b5bc9"),
    "wait": ("#ffffff", "#d35400"),
    "granted": ("#eee7fb", "#7b5bc9"),
    "write": ("#fdf0df", "#c98a3b"),
    "commit": ("#e2f4e2", "#3d8b3d"),
    "rollback": ("#eeeeee", "#7a7a7a"),
    "error": ("#fde2e0", "#c0392b"),
    "hold": ("#fff6d5", "#b8961e"),
}


def render(test: str, panels: list[tuple[str, str, Shape]]) -> str:
    """``panels``: (variant, outcome, shape) in the order drawn."""
    drawn = [Panel(variant, outcome, shape) for variant, outcome, shape in panels]
    width = max(*(p.width for p in drawn), round(len(test) * CHAR * 13 / 11)) + 2 * MARGIN
    height = TITLE + sum(p.height + MARGIN for p in drawn) + MARGIN
    body, y = [], TITLE
    for panel in drawn:
        body += panel.draw(MARGIN, y)
        y += panel.height + MARGIN
    desc = "\n\n".join(f"{p.variant} {p.outcome}\n{p.shape.text()}" for p in drawn)
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11">',
            f"<title>{escape(test)}: what each thread did, in the order the test forces</title>",
            f"<desc>{escape(desc)}</desc>",
            '<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" '
            'markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#555"/></marker></defs>',
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
            f'<text x="{MARGIN}" y="20" font-size="13" font-weight="bold">{escape(test)}</text>',
            *body,
            "</svg>",
            "",
        ]
    )


class Panel:
    def __init__(self, variant: str, outcome: str, shape: Shape) -> None:
        self.variant, self.outcome, self.shape = variant, outcome, shape
        lanes = max(len(shape.lanes), 1)
        self.chars = max(12, min(30, 110 // lanes))
        self.column = round(self.chars * CHAR + 2 * PAD + 8)
        self.width = self.column * lanes
        self.lines = [
            max((len(self.wrap(c.label)) for c in row if c.lane is not None), default=1)
            for row in shape.rows
        ]
        self.row_heights = [n * LINE + 2 * PAD + 6 for n in self.lines]
        self.height = LANE_HEADER + 22 + sum(self.row_heights)

    def wrap(self, label: str) -> list[str]:
        return textwrap.wrap(label, self.chars, break_long_words=True) or [""]

    def draw(self, x0: int, y0: int) -> list[str]:
        shape = self.shape
        out = [
            f'<g transform="translate({x0},{y0})">',
            f'<text x="0" y="14" font-size="12" font-weight="bold">{escape(self.variant)}'
            f'<tspan font-weight="normal" fill="#555"> · {escape(self.outcome)} this test'
            "</tspan></text>",
        ]
        top = 22
        tops = []
        for h in self.row_heights:
            tops.append(top + LANE_HEADER)
            top += h
        bottom = top + LANE_HEADER
        for i, lane in enumerate(shape.lanes):
            cx = self.centre(i)
            out.append(
                f'<line x1="{cx}" y1="{22 + LANE_HEADER - 4}" x2="{cx}" y2="{bottom}" '
                'stroke="#cccccc" stroke-width="1"/>'
            )
            out.append(
                f'<text x="{cx}" y="{22 + 16}" text-anchor="middle" font-weight="bold">'
                f"{escape(lane)}</text>"
            )
        for lane, first, last in shape.waits:
            cx = self.centre(lane)
            y1, y2 = tops[first] + self.row_heights[first] - PAD, tops[last] + PAD
            out.append(
                f'<line x1="{cx}" y1="{y1}" x2="{cx}" y2="{y2}" stroke="#d35400" '
                'stroke-width="4" stroke-dasharray="2,3"/>'
            )
        for r, row in enumerate(shape.rows):
            y = tops[r]
            for cell in row:
                if cell.lane is None:
                    out.append(
                        f'<line x1="0" y1="{y + self.row_heights[r] // 2}" x2="{self.width}" '
                        f'y2="{y + self.row_heights[r] // 2}" stroke="#b8961e" '
                        'stroke-width="1.5" stroke-dasharray="6,4"/>'
                    )
                    middle = y + self.row_heights[r] // 2
                    out.append(
                        f'<rect x="2" y="{middle - 15}" width="{round(len(cell.label) * CHAR + 6)}" '
                        'height="13" fill="#ffffff"/>'
                    )
                    out.append(
                        f'<text x="5" y="{middle - 5}" fill="#8a6d0b">{escape(cell.label)}</text>'
                    )
                    continue
                out += self.box(cell.lane, y, self.row_heights[r], cell.kind, cell.label)
        for from_row, from_lane, to_row, to_lane in shape.arrows:
            x1, y1 = self.centre(from_lane), tops[from_row] + self.row_heights[from_row] - PAD
            x2, y2 = self.centre(to_lane), tops[to_row] + PAD
            out.append(
                f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#555" '
                'stroke-width="1.2" marker-end="url(#arrow)"/>'
            )
        out.append("</g>")
        return out

    def centre(self, lane: int) -> int:
        return lane * self.column + self.column // 2

    def box(self, lane: int, y: int, height: int, kind: str, label: str) -> list[str]:
        fill, stroke = STYLE.get(kind, STYLE["read"])
        lines = self.wrap(label)
        w = round(max(len(line) for line in lines) * CHAR + 2 * PAD)
        h = len(lines) * LINE + 2 * PAD - 2
        x = self.centre(lane) - w // 2
        top = y + (height - h) // 2
        dash = ' stroke-dasharray="4,2"' if kind == "wait" else ""
        weight = ' font-weight="bold"' if kind in ("commit", "rollback", "error") else ""
        out = [
            f'<rect x="{x}" y="{top}" width="{w}" height="{h}" rx="4" fill="{fill}" '
            f'stroke="{stroke}"{dash}/>'
        ]
        for n, line in enumerate(lines):
            out.append(
                f'<text x="{self.centre(lane)}" y="{top + PAD + 9 + n * LINE}" '
                f'text-anchor="middle"{weight}>{escape(line)}</text>'
            )
        return out


def alt_text(test: str, variants: list[str]) -> str:
    return quoteattr(f"Timeline of {test}: {', then '.join(variants)}")[1:-1]
