"""Progress charts as PNG bytes, drawn with matplotlib's object API (no pyplot, no global
state), so charts can be rendered in worker threads without touching a GUI backend."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.patches import Patch

FIGSIZE_IN = (8.0, 5.0)
DPI = 110  # 880 × 550 px: sharp on a phone, small to send
AXES_BOX = (0.1, 0.22, 0.86, 0.66)  # left, bottom, width, height: the legend goes below
LEGEND_COLUMNS = 4
LABEL_PX_PER_CHAR = 7.5  # 10 pt text at 110 dpi, roughly
LINE = "#1f6feb"
PR = "#d1242f"
# Light fills, one per phase, so neighbouring phases stay distinguishable.
PHASE_COLOURS = {
    "base": "#eef2f7",
    "anatomical_adaptation": "#e8f5e9",
    "strength": "#fff3e0",
    "power": "#fce4ec",
    "maintenance": "#ede7f6",
    "taper": "#e0f7fa",
    "race_week": "#fffde7",
    "deload": "#f1f8e9",
}


def _x(day: dt.date) -> float:
    """Matplotlib's date number for a day."""
    return float(date2num(day))  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class Point:
    day: dt.date
    value: float
    pr: bool = False


@dataclass(frozen=True)
class PhaseBand:
    """A phase from `start` up to (not including) `end`."""

    start: dt.date
    end: dt.date
    name: str
    label: str


def render_progress(
    points: Sequence[Point],
    *,
    title: str,
    ylabel: str,
    bands: Sequence[PhaseBand] = (),
) -> bytes:
    """One exercise over time as PNG bytes (see `progress_figure`)."""
    figure = progress_figure(points, title=title, ylabel=ylabel, bands=bands)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def progress_figure(
    points: Sequence[Point],
    *,
    title: str,
    ylabel: str,
    bands: Sequence[PhaseBand] = (),
) -> Figure:
    """The line, PRs as red stars, phases shaded behind and named in a legend under the
    plot (and on the band itself where the label fits)."""
    figure = Figure(figsize=FIGSIZE_IN, dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes(AXES_BOX)
    xs = [_x(p.day) for p in points]
    ys = [p.value for p in points]
    legend: dict[str, Artist] = {}
    for band in bands:
        colour = PHASE_COLOURS.get(band.name, "#f2f2f2")
        axes.axvspan(_x(band.start), _x(band.end), color=colour, zorder=0, linewidth=0)
        legend.setdefault(band.label, Patch(facecolor=colour, edgecolor="#bbbbbb"))
    axes.plot(xs, ys, color=LINE, linewidth=2.2, marker="o", markersize=4 if len(ys) < 60 else 0)
    prs = [(x, y) for x, y, p in zip(xs, ys, points, strict=True) if p.pr]
    if prs:
        stars = axes.scatter(
            [x for x, _ in prs], [y for _, y in prs], marker="*", s=180, color=PR, zorder=5
        )
        legend["Personal record"] = stars
    if legend:
        figure.legend(
            list(legend.values()), list(legend), loc="lower center", bbox_to_anchor=(0.5, 0.0),
            ncols=min(len(legend), LEGEND_COLUMNS), fontsize=10, frameon=False,
        )  # fmt: skip
    low, high = min(ys), max(ys)
    pad = max((high - low) * 0.12, abs(high) * 0.05, 1.0)
    axes.set_ylim(max(0.0, low - pad), high + pad * 1.6)
    if len(xs) == 1:
        axes.set_xlim(xs[0] - 7, xs[0] + 7)
    else:
        margin = max((xs[-1] - xs[0]) * 0.02, 1.0)
        axes.set_xlim(xs[0] - margin, xs[-1] + margin)
    left, right = axes.get_xlim()
    top = high + pad * 1.45
    for band in bands:
        start, end = max(_x(band.start), left), min(_x(band.end), right)
        width_px = (end - start) / (right - left) * AXES_BOX[2] * FIGSIZE_IN[0] * DPI
        if len(band.label) * LABEL_PX_PER_CHAR < width_px:  # only labels that fit
            axes.text((start + end) / 2, top, band.label, ha="center", va="top", fontsize=10,
                      color="#555555", clip_on=True)  # fmt: skip
    locator = AutoDateLocator(maxticks=7)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.tick_params(labelsize=12)
    axes.set_ylabel(ylabel, fontsize=13)
    axes.set_title(title, fontsize=16, fontweight="bold", loc="left")
    axes.grid(axis="y", color="#dddddd", linewidth=0.8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure


BARS = "#9ecae1"


def render_running(
    weeks: Sequence[Point],
    lift: Sequence[Point],
    *,
    distance_label: str,
    lift_label: str,
) -> bytes:
    """Weekly running distance as bars with a main lift's estimated max as a line on a
    second axis, as PNG bytes: does the lifting hold up while the running builds?"""
    figure = Figure(figsize=FIGSIZE_IN, dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes(AXES_BOX)
    bars = axes.bar(
        [_x(w.day) + 3 for w in weeks], [w.value for w in weeks], width=5.5, color=BARS, zorder=2
    )
    axes.set_ylabel(distance_label, fontsize=13)
    axes.set_ylim(0, max([w.value for w in weeks] + [1.0]) * 1.25)
    legend: dict[str, Artist] = {"Running per week": bars.patches[0]} if bars.patches else {}
    if lift:
        second = axes.twinx()
        (line,) = second.plot(
            [_x(p.day) for p in lift], [p.value for p in lift], color=LINE, linewidth=2.2,
            marker="o", markersize=4, zorder=3,
        )  # fmt: skip
        low, high = min(p.value for p in lift), max(p.value for p in lift)
        pad = max((high - low) * 0.15, high * 0.05, 1.0)
        second.set_ylim(max(0.0, low - pad), high + pad * 1.6)
        second.set_ylabel(lift_label, fontsize=13, color=LINE)
        second.spines["top"].set_visible(False)
        legend[lift_label] = line
    figure.legend(
        list(legend.values()), list(legend), loc="lower center", bbox_to_anchor=(0.5, 0.0),
        ncols=len(legend), fontsize=10, frameon=False,
    )  # fmt: skip
    locator = AutoDateLocator(maxticks=7)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.tick_params(labelsize=12)
    axes.set_title("Running and strength", fontsize=16, fontweight="bold", loc="left")
    axes.grid(axis="y", color="#dddddd", linewidth=0.8, zorder=0)
    axes.spines["top"].set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
