"""The sales report's chart: revenue per period as bars, drawn on the server as inline SVG
(no script), with the refunds of each period as a darker part of its bar. Every bar carries
its figures as a <title>, and the whole chart a title and a description; the table under it
has the same figures for anyone who cannot see the chart."""

from dataclasses import dataclass
from decimal import Decimal

from apothecary.core.money import ZERO

from .figures import PeriodRow

WIDTH, HEIGHT = 800, 200
TOP, BOTTOM = 4, 1  # the highest bar's head room, and the axis line


@dataclass(frozen=True)
class Bar:
    row: PeriodRow
    x: float
    width: float
    y: float
    height: float
    refund_y: float
    refund_height: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    peak: Decimal
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = HEIGHT - BOTTOM

    @property
    def first_label(self) -> str:
        return self.bars[0].row.period.short_label if self.bars else ""

    @property
    def last_label(self) -> str:
        return self.bars[-1].row.period.short_label if self.bars else ""


def sales_chart(rows: list[PeriodRow]) -> Chart:
    peak = max((row.revenue for row in rows), default=ZERO)
    scale = Decimal(HEIGHT - TOP - BOTTOM) / peak if peak else Decimal(0)
    step = WIDTH / max(len(rows), 1)
    gap = min(4.0, step / 4)
    baseline = HEIGHT - BOTTOM
    bars = []
    for n, row in enumerate(rows):
        height = float(row.revenue * scale)
        refund_height = float(min(row.refunds, row.revenue) * scale)
        bars.append(
            Bar(
                row=row,
                x=round(n * step + gap / 2, 2),
                width=round(step - gap, 2),
                y=round(baseline - height, 2),
                height=round(height, 2),
                refund_y=round(baseline - refund_height, 2),
                refund_height=round(refund_height, 2),
            )
        )
    return Chart(bars=bars, peak=peak)
