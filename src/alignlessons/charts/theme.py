"""The course's one altair theme: colour-blind-safe, readable, consistent sizes.

The palette is Okabe & Ito's (2008) colour-blind-safe set, ordered so the first colours
stay distinguishable in greyscale print as well.
"""

from __future__ import annotations

import altair as alt

THEME_NAME = "alignlessons"

#: Okabe–Ito palette (blue, vermillion, bluish green, reddish purple, orange, sky blue,
#: yellow, black).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
FONT = "'Source Sans 3', 'Source Sans Pro', 'Segoe UI', Helvetica, Arial, sans-serif"
WIDTH = 480
HEIGHT = 280


def theme() -> dict:
    """The theme's Vega-Lite config (also usable directly with ``chart.configure(**...)``)."""
    return {
        "config": {
            "view": {"continuousWidth": WIDTH, "continuousHeight": HEIGHT, "stroke": None},
            "font": FONT,
            "title": {
                "fontSize": 16,
                "fontWeight": 600,
                "anchor": "start",
                "subtitleFontSize": 13,
                "subtitleColor": "#444444",
                "offset": 10,
            },
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 13,
                "titleFontWeight": 500,
                "gridColor": "#e6e6e6",
                "domainColor": "#666666",
                "tickColor": "#666666",
                "labelColor": "#333333",
                "titleColor": "#222222",
            },
            "legend": {
                "labelFontSize": 12,
                "titleFontSize": 13,
                "orient": "bottom",
                "direction": "horizontal",
                "titleOrient": "left",
            },
            "header": {"labelFontSize": 13, "titleFontSize": 13},
            "range": {"category": PALETTE, "ordinal": {"scheme": "viridis"}, "ramp": {"scheme": "viridis"}},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 70, "filled": True},
            "text": {"fontSize": 12, "font": FONT},
        }
    }


def register() -> None:
    """Register and enable the theme (idempotent)."""
    if THEME_NAME not in alt.theme.names():
        alt.theme.register(THEME_NAME, enable=False)(theme)
    alt.theme.enable(THEME_NAME)
