"""ChartSpec -> an SVG string for the PDF: vector shapes and real <text>, laid out by hand.

Written as strings rather than through matplotlib: a chart costs about a millisecond, the bytes depend
only on the spec (no renderer version, no clip-path ids, no timestamps), and every label is one <text>
element in the report's font, so WeasyPrint draws it as selectable text with the bundled Liberation
Serif and pypdf reads it back. Units are points (the viewBox is the size in pt), so font sizes are the
printed sizes. Numbers are written the Vietnamese way by `ChartSpec.fmt` (1.234; 92,11%).

The root <svg> carries the spec as JSON in `data-chart`, so the DOCX writer, walking the same HTML,
can make the native Word chart from the very same declaration.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from reports.charts.metrics import text_width, wrap
from reports.charts.scale import Scale, nice_scale
from reports.charts.spec import ChartSpec
from reports.charts.style import FALLBACK_FAMILIES, FONT_FAMILY, GRID, INK, SeriesStyle, series_style
from reports.vietnamese import fmt_decimal, fmt_int, fmt_pct, pct

PT_PER_MM = 72 / 25.4
PAD = 4.0
TITLE_SIZE = 12.0
LABEL_SIZE = 10.0
VALUE_SIZE = 9.0
SOURCE_SIZE = 10.0
LINE_GAP = 1.2  # line height as a multiple of the font size


def chart_svg(
    spec: ChartSpec,
    font_family: str = FONT_FAMILY,
    width_mm: float = 160,
    height_mm: float = 90,
    captions: bool = True,
) -> str:
    """The chart as a standalone <svg> element (inline it in the HTML; WeasyPrint renders it as vector).

    `captions=False` leaves out the title and the source line, for a template that sets them as HTML text.
    """
    canvas = _Canvas(width_mm * PT_PER_MM, height_mm * PT_PER_MM, _uid(spec))
    box = _Box(PAD, PAD, canvas.width - PAD, canvas.height - PAD)
    if captions and spec.title:
        box = _title(canvas, spec.title, box)
    if captions and spec.source:
        box = _source(canvas, spec.source, box)
    if spec.kind == "pie":
        _pie(canvas, spec, _legend(canvas, spec.categories, box, "fill"))
    else:
        legend_kind = "line" if spec.kind == "line" else "fill"
        names = [s.name for s in spec.series]
        plot_box = _legend(canvas, names, box, legend_kind) if len(names) > 1 else box
        if spec.kind == "bar":
            _bar(canvas, spec, plot_box)
        else:
            _vertical(canvas, spec, plot_box)
    family = f"'{font_family}', {FALLBACK_FAMILIES}" if font_family != "serif" else "serif"
    return canvas.render(family, spec)


# --- drawing surface ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


class _Canvas:
    def __init__(self, width: float, height: float, uid: str) -> None:
        self.width = width
        self.height = height
        self.uid = uid
        self.defs: dict[str, str] = {}
        self.items: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, style: SeriesStyle) -> None:
        fill = self.fill(style)
        self.items.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}" '
            f'stroke="{INK}" stroke-width="0.5"/>'
        )

    def fill(self, style: SeriesStyle) -> str:
        """The fill attribute of a series, defining its hatching pattern on first use."""
        if not style.hatch:
            return style.fill
        pattern_id = f"h{self.uid}-{style.hatch[1:]}"
        self.defs[pattern_id] = (
            f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="5" height="5">'
            f'<rect width="5" height="5" fill="{style.fill}"/>'
            f'<path d="M-1,1 L1,-1 M0,5 L5,0 M4,6 L6,4" stroke="{style.hatch}" stroke-width="1"/></pattern>'
        )
        return f"url(#{pattern_id})"

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str = INK, width: float = 0.75) -> None:
        self.items.append(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{colour}" stroke-width="{width}"/>'
        )

    def text(
        self,
        x: float,
        y: float,
        content: str,
        size: float = LABEL_SIZE,
        anchor: str = "middle",
        bold: bool = False,
        italic: bool = False,
        colour: str = INK,
        rotate: int = 0,
    ) -> None:
        attrs = f'x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}"'
        if anchor != "start":
            attrs += f' text-anchor="{anchor}"'
        if bold:
            attrs += ' font-weight="bold"'
        if italic:
            attrs += ' font-style="italic"'
        if colour != INK:
            attrs += f' fill="{colour}"'
        if rotate:
            attrs += f' transform="rotate({rotate} {_n(x)} {_n(y)})"'
        self.items.append(f"<text {attrs}>{escape(content, quote=False)}</text>")

    def lines(self, x: float, top: float, lines: list[str], size: float = LABEL_SIZE, **kw: object) -> float:
        """Stacked lines whose first line's top is at `top`; returns the bottom."""
        step = size * LINE_GAP
        for i, content in enumerate(lines):
            self.text(x, top + size * 0.9 + i * step, content, size, **kw)  # type: ignore[arg-type]
        return top + step * len(lines)

    def raw(self, element: str) -> None:
        self.items.append(element)

    def render(self, family: str, spec: ChartSpec) -> str:
        defs = "<defs>" + "".join(self.defs[k] for k in sorted(self.defs)) + "</defs>" if self.defs else ""
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="bieu-do" width="{_n(self.width / PT_PER_MM)}mm" '
            f'height="{_n(self.height / PT_PER_MM)}mm" viewBox="0 0 {_n(self.width)} {_n(self.height)}" '
            f'font-family="{escape(family)}" data-chart="{escape(spec.to_json())}" role="img" '
            f'aria-label="{escape(spec.title)}">'
        )
        return head + defs + "".join(self.items) + "</svg>"


def _n(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros (stable, short output)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _uid(spec: ChartSpec) -> str:
    """A short id from the spec, so two charts inlined in one HTML page never share pattern ids by accident."""
    return hashlib.sha1(spec.to_json().encode("utf-8")).hexdigest()[:8]


# --- captions and legend -------------------------------------------------------------------------------


def _title(canvas: _Canvas, title: str, box: _Box) -> _Box:
    lines = wrap(title, box.width, TITLE_SIZE, bold=True, max_lines=2)
    bottom = canvas.lines(canvas.width / 2, box.top, lines, TITLE_SIZE, bold=True)
    return _Box(box.left, bottom + 6, box.right, box.bottom)


def _source(canvas: _Canvas, source: str, box: _Box) -> _Box:
    lines = wrap(source, box.width, SOURCE_SIZE, max_lines=2)
    top = box.bottom - len(lines) * SOURCE_SIZE * LINE_GAP
    canvas.lines(box.left, top, lines, SOURCE_SIZE, anchor="start", italic=True)
    return _Box(box.left, box.top, box.right, top - 4)


def _legend(canvas: _Canvas, names: Iterable[str], box: _Box, kind: str) -> _Box:
    """Legend rows centred at the bottom of `box`; returns the box left above it."""
    key_w, gap = (22.0, 12.0) if kind == "line" else (10.0, 12.0)
    items = [(i, name, key_w + 4 + text_width(name, LABEL_SIZE)) for i, name in enumerate(names)]
    rows: list[list[tuple[int, str, float]]] = [[]]
    used = 0.0
    for item in items:
        if rows[-1] and used + gap + item[2] > box.width:
            rows.append([])
            used = 0.0
        used += (gap if rows[-1] else 0) + item[2]
        rows[-1].append(item)
    row_h = LABEL_SIZE * 1.4
    top = box.bottom - row_h * len(rows)
    for r, row in enumerate(rows):
        total = sum(w for _, _, w in row) + gap * (len(row) - 1)
        x = box.left + (box.width - total) / 2
        y = top + r * row_h + row_h / 2
        for index, name, w in row:
            style = series_style(index)
            if kind == "line":
                _line_key(canvas, x, y, key_w, style)
            else:
                canvas.rect(x, y - 4.5, key_w, 9, style)
            canvas.text(x + key_w + 4, y + LABEL_SIZE * 0.35, name, anchor="start")
            x += w + gap
    return _Box(box.left, box.top, box.right, top - 4)


def _line_key(canvas: _Canvas, x: float, y: float, width: float, style: SeriesStyle) -> None:
    dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
    canvas.raw(
        f'<path d="M{_n(x)},{_n(y)} H{_n(x + width)}" fill="none" stroke="{style.line}" stroke-width="1.5"{dash}/>'
    )
    _marker(canvas, x + width / 2, y, style)


# --- axes ----------------------------------------------------------------------------------------------


def _tick_label(spec: ChartSpec, tick: Decimal) -> str:
    if spec.value_format == "pct":
        return fmt_pct(tick, spec.decimals)
    return fmt_int(int(tick)) if tick == int(tick) else fmt_decimal(tick, spec.decimals)


def _values(spec: ChartSpec) -> list[float]:
    if spec.kind == "stacked_column":
        return [sum(s.values[i] or 0 for s in spec.series) for i in range(len(spec.categories))]
    return [v for s in spec.series for v in s.values if v is not None]


def _scale(spec: ChartSpec) -> Scale:
    whole = spec.value_format == "int" and all(isinstance(v, int) for v in _values(spec))
    return nice_scale(_values(spec), whole=whole)


# --- column, stacked column, line ---------------------------------------------------------------------


def _vertical(canvas: _Canvas, spec: ChartSpec, box: _Box) -> None:
    scale = _scale(spec)
    tick_labels = [_tick_label(spec, t) for t in scale.ticks]
    left = box.left + max(text_width(t, LABEL_SIZE) for t in tick_labels) + 5
    if spec.value_axis_title:
        left += LABEL_SIZE * LINE_GAP + 2
    count = len(spec.categories)
    band = (box.right - left) / count
    wrapped = [wrap(c, band - 4, LABEL_SIZE) for c in spec.categories]
    labels_h = max(len(w) for w in wrapped) * LABEL_SIZE * LINE_GAP
    bottom = box.bottom - labels_h - 4
    if spec.category_axis_title:
        bottom -= LABEL_SIZE * LINE_GAP + 2
        canvas.text((left + box.right) / 2, box.bottom - 2, spec.category_axis_title)
    plot = _Box(left, box.top + VALUE_SIZE, box.right, bottom)
    _value_grid(canvas, scale, tick_labels, plot)
    if spec.value_axis_title:
        y = (plot.top + plot.bottom) / 2
        canvas.text(box.left + LABEL_SIZE, y, spec.value_axis_title, rotate=-90)
    for i, lines in enumerate(wrapped):
        canvas.lines(plot.left + band * (i + 0.5), plot.bottom + 3, lines)
    if spec.kind == "column":
        _columns(canvas, spec, scale, plot, band)
    elif spec.kind == "stacked_column":
        _stacks(canvas, spec, scale, plot, band)
    else:
        _lines(canvas, spec, scale, plot, band)
    zero = plot.bottom - scale.frac(0) * plot.height
    canvas.line(plot.left, zero, plot.right, zero)


def _value_grid(canvas: _Canvas, scale: Scale, labels: list[str], plot: _Box) -> None:
    for tick, label in zip(scale.ticks, labels, strict=True):
        y = plot.bottom - scale.frac(float(tick)) * plot.height
        canvas.line(plot.left, y, plot.right, y, GRID, 0.5)
        canvas.text(plot.left - 4, y + LABEL_SIZE * 0.35, label, anchor="end")
    canvas.line(plot.left, plot.top - VALUE_SIZE * 0.5, plot.left, plot.bottom)


def _columns(canvas: _Canvas, spec: ChartSpec, scale: Scale, plot: _Box, band: float) -> None:
    count = len(spec.series)
    bar_w = band * 0.75 / count
    size = VALUE_SIZE if bar_w >= 16 else VALUE_SIZE - 1
    zero = plot.bottom - scale.frac(0) * plot.height
    for s_index, series in enumerate(spec.series):
        style = series_style(s_index)
        for i, value in enumerate(series.values):
            if value is None:
                continue
            x = plot.left + band * i + band * 0.125 + bar_w * s_index
            y = plot.bottom - scale.frac(value) * plot.height
            canvas.rect(x, min(y, zero), bar_w, abs(zero - y), style)
            label_y = y - 2 if value >= 0 else y + size
            canvas.text(x + bar_w / 2, label_y, spec.fmt(value), size)


def _stacks(canvas: _Canvas, spec: ChartSpec, scale: Scale, plot: _Box, band: float) -> None:
    """Segments labelled inside when the label fits, else beside the bar (pushed apart so none overlap)."""
    bar_w = band * 0.55
    for i in range(len(spec.categories)):
        x = plot.left + band * i + (band - bar_w) / 2
        running = 0.0
        beside: list[tuple[float, str]] = []
        for s_index, series in enumerate(spec.series):
            value = series.values[i]
            if not value:
                continue
            style = series_style(s_index)
            y_low = plot.bottom - scale.frac(running) * plot.height
            running += value
            y_high = plot.bottom - scale.frac(running) * plot.height
            canvas.rect(x, y_high, bar_w, y_low - y_high, style)
            label, middle = spec.fmt(value), (y_low + y_high) / 2 + VALUE_SIZE * 0.35
            if y_low - y_high >= VALUE_SIZE + 2 and text_width(label, VALUE_SIZE) <= bar_w - 2:
                canvas.text(x + bar_w / 2, middle, label, VALUE_SIZE, colour=style.text)
            else:
                beside.append((middle, label))
        _beside_labels(canvas, x + bar_w + 3, beside)
        if any(s.values[i] is not None for s in spec.series):
            top = plot.bottom - scale.frac(running) * plot.height
            canvas.text(x + bar_w / 2, top - 2, spec.fmt(running), VALUE_SIZE, bold=True)


def _beside_labels(canvas: _Canvas, x: float, labels: list[tuple[float, str]]) -> None:
    """Labels listed bottom-up at their wished baselines, each moved up until it clears the one below."""
    floor = math.inf
    for wished, label in labels:
        y = min(wished, floor - VALUE_SIZE)
        canvas.text(x, y, label, VALUE_SIZE, anchor="start")
        floor = y


def _lines(canvas: _Canvas, spec: ChartSpec, scale: Scale, plot: _Box, band: float) -> None:
    for s_index, series in enumerate(spec.series):
        style = series_style(s_index)
        points = [
            None if v is None else (plot.left + band * (i + 0.5), plot.bottom - scale.frac(v) * plot.height)
            for i, v in enumerate(series.values)
        ]
        dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
        for run in _runs(points):
            if len(run) > 1:
                d = "M" + " L".join(f"{_n(x)},{_n(y)}" for x, y in run)
                canvas.raw(f'<path d="{d}" fill="none" stroke="{style.line}" stroke-width="1.5"{dash}/>')
        for i, (point, value) in enumerate(zip(points, series.values, strict=True)):
            if point is None or value is None:
                continue
            _marker(canvas, point[0], point[1], style)
            others = [s.values[i] for s in spec.series if s is not series and s.values[i] is not None]
            room_below = plot.bottom - point[1] > VALUE_SIZE + 6
            below = room_below and any(other > value for other in others)  # type: ignore[operator]
            label_y = point[1] + VALUE_SIZE + 4 if below else point[1] - 5
            canvas.text(point[0], label_y, spec.fmt(value), VALUE_SIZE)


def _runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """The unbroken stretches of a line: a None (no data that year) breaks it."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [r for r in runs if r]


def _marker(canvas: _Canvas, x: float, y: float, style: SeriesStyle) -> None:
    fill = style.line
    r = 3.0
    if style.marker == "square":
        shape = f'<rect x="{_n(x - r)}" y="{_n(y - r)}" width="{_n(2 * r)}" height="{_n(2 * r)}"'
    elif style.marker in ("triangle", "diamond"):
        corners = (
            ((0, -1.2), (1, 0.8), (-1, 0.8)) if style.marker == "triangle" else ((0, -1.3), (1, 0), (0, 1.3), (-1, 0))
        )
        d = " L".join(f"{_n(x + dx * r)},{_n(y + dy * r)}" for dx, dy in corners)
        shape = f'<path d="M{d} Z"'
    else:
        shape = f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}"'
    canvas.raw(f'{shape} fill="{fill}" stroke="{INK}" stroke-width="0.5"/>')


# --- horizontal bars -----------------------------------------------------------------------------------


def _bar(canvas: _Canvas, spec: ChartSpec, box: _Box) -> None:
    """Horizontal bars, the first category at the bottom and each group's first series lowest (as Word draws)."""
    scale = _scale(spec)
    tick_labels = [_tick_label(spec, t) for t in scale.ticks]
    wrapped = [wrap(c, box.width * 0.3, LABEL_SIZE) for c in spec.categories]
    label_w = max(text_width(line, LABEL_SIZE) for lines in wrapped for line in lines)
    left = box.left + label_w + 6
    right = box.right - max((text_width(spec.fmt(v), VALUE_SIZE) for v in _values(spec)), default=0) - 4
    right = min(right, box.right - text_width(tick_labels[-1], LABEL_SIZE) / 2)
    bottom = box.bottom - LABEL_SIZE * LINE_GAP - 2
    if spec.value_axis_title:
        canvas.text((left + right) / 2, box.bottom - 2, spec.value_axis_title)
        bottom -= LABEL_SIZE * LINE_GAP + 2
    top = box.top
    if spec.category_axis_title:
        canvas.text(box.left, top + LABEL_SIZE, spec.category_axis_title, anchor="start", italic=True)
        top += LABEL_SIZE * LINE_GAP + 2
    plot = _Box(left, top, right, bottom)
    for tick, label in zip(scale.ticks, tick_labels, strict=True):
        x = plot.left + scale.frac(float(tick)) * plot.width
        canvas.line(x, plot.top, x, plot.bottom, GRID, 0.5)
        canvas.text(x, plot.bottom + LABEL_SIZE + 2, label)
    count, band = len(spec.categories), plot.height / len(spec.categories)
    for i, lines in enumerate(wrapped):
        first_top = plot.top + band * (count - i - 0.5) - len(lines) * LABEL_SIZE * LINE_GAP / 2
        canvas.lines(plot.left - 5, first_top, lines, anchor="end")
    bar_h = band * 0.75 / len(spec.series)
    zero = plot.left + scale.frac(0) * plot.width
    for s_index, series in enumerate(spec.series):
        style = series_style(s_index)
        for i, value in enumerate(series.values):
            if value is None:
                continue
            y = plot.top + band * (count - 1 - i) + band * 0.125 + bar_h * (len(spec.series) - 1 - s_index)
            x = plot.left + scale.frac(value) * plot.width
            canvas.rect(min(x, zero), y, abs(x - zero), bar_h, style)
            anchor, label_x = ("start", x + 3) if value >= 0 else ("end", x - 3)
            canvas.text(label_x, y + bar_h / 2 + VALUE_SIZE * 0.35, spec.fmt(value), VALUE_SIZE, anchor=anchor)
    canvas.line(zero, plot.top, zero, plot.bottom)


# --- pie -----------------------------------------------------------------------------------------------


def _pie(canvas: _Canvas, spec: ChartSpec, box: _Box) -> None:
    """Slices clockwise from twelve o'clock (as Word draws them), each labelled "value (share%)"."""
    values = spec.series[0].values
    total = sum(v for v in values if v)
    label_room = max(text_width(_pie_label(spec, v, total), VALUE_SIZE) for v in values) + 6
    radius = max(10.0, min(box.height / 2 - VALUE_SIZE - 4, box.width / 2 - label_room))
    cx, cy = (box.left + box.right) / 2, (box.top + box.bottom) / 2
    if not total:
        canvas.raw(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(radius)}" fill="none" stroke="{INK}"/>')
        return
    angle = 0.0
    for i, value in enumerate(values):
        if not value:
            continue
        sweep = 2 * math.pi * value / total
        style = series_style(i)
        canvas.raw(_slice_path(cx, cy, radius, angle, sweep, canvas.fill(style)))
        middle = angle + sweep / 2
        lx, ly = cx + (radius + 6) * math.sin(middle), cy - (radius + 6) * math.cos(middle)
        anchor = "start" if math.sin(middle) > 0.1 else "end" if math.sin(middle) < -0.1 else "middle"
        ly += VALUE_SIZE * (0.35 + 0.5 * -math.cos(middle))
        canvas.text(lx, ly, _pie_label(spec, value, total), VALUE_SIZE, anchor=anchor)
        angle += sweep


def _pie_label(spec: ChartSpec, value: float | None, total: float) -> str:
    if value is None:
        return ""
    share = pct(value, total) if total else None
    return spec.fmt(value) if share is None or spec.value_format == "pct" else f"{spec.fmt(value)} ({fmt_pct(share)})"


def _slice_path(cx: float, cy: float, r: float, start: float, sweep: float, fill: str) -> str:
    stroke = f'fill="{fill}" stroke="{INK}" stroke-width="0.5"'
    if sweep >= 2 * math.pi - 1e-9:
        return f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" {stroke}/>'
    x1, y1 = cx + r * math.sin(start), cy - r * math.cos(start)
    x2, y2 = cx + r * math.sin(start + sweep), cy - r * math.cos(start + sweep)
    large = 1 if sweep > math.pi else 0
    return (
        f'<path d="M{_n(cx)},{_n(cy)} L{_n(x1)},{_n(y1)} A{_n(r)},{_n(r)} 0 {large} 1 {_n(x2)},{_n(y2)} Z" {stroke}/>'
    )
