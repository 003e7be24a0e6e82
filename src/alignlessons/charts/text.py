"""Numbers in words for chart labels and explorer sentences: percentages, ratios, quantities.

One place for the course's number formatting, so a label in a chart and the sentence beside it
say a number the same way. Charts and widgets import it; models never format numbers.
"""

from __future__ import annotations

import math

__all__ = ["percent", "ratio", "quantity"]


def _unit(digits: int) -> float:
    """One unit of the last shown digit of a percentage, as a probability (digits=1: 0.001)."""
    return 10.0 ** -(digits + 2)


def percent(
    p: float,
    digits: int = 0,
    *,
    more_digits: int = 0,
    margin: float | None = None,
    bound: float | None = None,
    below: str = "under {}",
    above: str = "over {}",
    share: bool = False,
    plain: bool = False,
) -> str:
    """A probability or share ``p`` as a percentage that never reads 0% or 100% unless it is.

    * ``p`` exactly 0 or 1 (or outside [0, 1]): ``0%``, ``100%``.
    * ``margin``: a ``p`` within ``margin`` of 0 or of 1 (but not equal) reads ``below`` /
      ``above`` the bound, e.g. ``under 1%``, ``over 99%``.
    * otherwise ``digits`` decimals, adding up to ``more_digits`` more until the text reads
      neither 0% nor 100%; if even that fails, the ``below`` / ``above`` wording again.

    ``bound`` is the probability named in that wording (default: one unit of the last digit
    tried, e.g. 1% for ``digits=0``); ``above`` names ``1 - bound``. With ``share=True`` the
    number is a share that is only told apart from all of it: a small value may read 0%, and
    1 itself (a model's "all but a vanishing amount") reads with the ``above`` wording. With
    ``plain=True`` it is plain rounding to ``digits`` decimals (which may read 0% or 100%).
    """
    if p <= 0 or (p >= 1 and not share):
        return f"{p:.0%}"
    if plain:
        return f"{p:.{digits}%}"
    if margin is not None:
        step = _unit(digits) if bound is None else bound
        if p < margin and not share:
            return below.format(f"{step:.{digits}%}" if bound is None else _bound(step))
        if p > 1 - margin:
            return above.format(f"{1 - step:.{digits}%}" if bound is None else _bound(1 - step))
    for d in range(digits, digits + more_digits + 1):
        text = f"{p:.{d}%}"
        value = float(text.rstrip("%"))
        if (share or value > 0) and value < 100:
            return text
    step = _unit(digits + more_digits) if bound is None else bound
    if p < 0.5:
        return below.format(_bound(step))
    return above.format(_bound(1 - step))


def _bound(p: float) -> str:
    """A bound like 0.0001 or 0.9999 as the shortest exact percentage (0.01%, 99.99%)."""
    for d in range(0, 10):
        text = f"{p:.{d}%}"
        if math.isclose(float(text.rstrip("%")), 100 * p, rel_tol=0, abs_tol=1e-9):
            return text
    return f"{p:%}"


def ratio(r: float, significant: int | None = None) -> str:
    """A ratio ``r`` as ``r:1``: ``3:1``, ``2.5:1``, ``12:1``, ``1,500:1``, ``over 1,000,000:1``.

    By default small ratios keep three significant figures, ratios from 10 none after the
    point and from 100 a thousands separator; with ``significant`` always that many
    significant figures (``ratio(12.5, 3)`` is ``12.5:1``).
    """
    if significant is not None:
        return f"{r:.{significant}g}:1"
    if not math.isfinite(r) or r >= 1e6:
        return "over 1,000,000:1"
    if r >= 100:
        return f"{r:,.0f}:1"
    if r >= 10:
        return f"{r:.0f}:1"
    return f"{r:.3g}:1"


def quantity(x: float, unit: str, spec: str = "g") -> str:
    """``x`` with its unit, plural unless ``x`` is 1: ``1 year``, ``2.5 years``, ``3.0 months``."""
    return f"{x:{spec}} {unit}" + ("" if x == 1 else "s")
