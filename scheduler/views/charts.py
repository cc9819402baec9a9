"""Server-rendered SVG line charts: no JavaScript, no CDN. Pure geometry for the templates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 720
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28


@dataclass(frozen=True)
class Series:
    label: str
    points: str  # SVG polyline points; empty when the series has no values
    color: str
    dashed: bool = False
    step: bool = False


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    series: list[Series]
    x_ticks: list[Tick]
    y_ticks: list[Tick]


def line_chart(
    *,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None], str, bool, bool]],
    every: int = 4,
) -> Chart:
    """Lines over a shared x axis: each series is (label, values, color, dashed, step);
    None values break nothing, they are simply skipped."""
    count = max(len(x_labels), 1)
    values = [v for _l, vs, _c, _d, _s in series for v in vs if v is not None]
    top_value = max(values) if values else 1.0
    top_value = _nice(top_value if top_value > 0 else 1.0)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def x(index: float) -> float:
        return LEFT + plot_width * index / count

    def y(value: float) -> float:
        return TOP + plot_height * (1 - value / top_value)

    drawn = []
    for label, vs, color, dashed, step in series:
        points: list[str] = []
        for index, value in enumerate(vs):
            if value is None:
                continue
            if step:
                points.append(f"{x(index):.1f},{y(value):.1f}")
                points.append(f"{x(index + 1):.1f},{y(value):.1f}")
            else:
                points.append(f"{x(index + 0.5):.1f},{y(value):.1f}")
        drawn.append(Series(label, " ".join(points), color, dashed, step))
    x_ticks = [Tick(x(i), x_labels[i]) for i in range(0, len(x_labels), every)]
    y_ticks = [Tick(y(top_value * k / 4), _format(top_value * k / 4)) for k in range(5)]
    return Chart(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM, drawn, x_ticks, y_ticks)


def _nice(value: float) -> float:
    """A round axis maximum at or above `value`."""
    magnitude = 10 ** max(len(str(int(value))) - 1, 0)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def _format(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
