"""The explorer pattern: labelled controls, presets, a live sentence and a chart updated in place.

An explorer subclass declares its controls and implements three methods:

* ``compute(values)`` — call the model (raises ``ValueError`` for a bad combination);
* ``sentence(values, result)`` — one plain sentence saying what the current setting means;
* ``datasets(values, result)`` — the chart's named datasets for this setting;

plus ``build_chart(values, result)``, called once, returning an altair chart whose data are the
named datasets. When a control changes, the explorer recomputes, replaces the chart's datasets
in the live view (no re-render, no flicker) and rewrites the sentence. A bad value never
raises: the message line explains it and the last good chart and sentence stay in place.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from ._vega import VegaChart

__all__ = ["Number", "Choice", "Explorer"]

_WIDE = {"description_width": "18em"}


class Number(w.HBox):
    """A labelled numeric control: a keyboard-operable slider plus a box to type an exact value.

    Typed values are checked against the range; a value outside it is refused with a message
    (via the explorer) and the box returns to the last good value.
    """

    def __init__(
        self,
        label: str,
        *,
        min: float,
        max: float,
        step: float,
        value: float,
        integer: bool = False,
        unit: str = "",
        help: str = "",
    ):
        self.integer = integer
        self.min, self.max, self.label, self.unit = min, max, label, unit
        slider_cls = w.IntSlider if integer else w.FloatSlider
        text_cls = w.IntText if integer else w.FloatText
        desc = f"{label} ({unit})" if unit else label
        self.help = help
        self.slider = slider_cls(
            value=value,
            min=min,
            max=max,
            step=step,
            description=desc,
            readout=False,
            continuous_update=True,
            style=_WIDE,
            layout=w.Layout(width="34em"),
            description_allow_html=False,
            tooltip=help or desc,
        )
        self.text = text_cls(value=value, layout=w.Layout(width="6.5em"), tooltip=f"Type an exact value for {label}")
        self._syncing = False
        self._on_bad = None
        super().__init__([self.slider, self.text])
        self.slider.observe(self._from_slider, names="value")
        self.text.observe(self._from_text, names="value")

    @property
    def value(self):
        return self.slider.value

    @value.setter
    def value(self, v):
        self.slider.value = v

    def _from_slider(self, change):
        if not self._syncing:
            self._syncing = True
            self.text.value = change["new"]
            self._syncing = False

    def _from_text(self, change):
        if self._syncing:
            return
        v = change["new"]
        ok = v is not None and math.isfinite(v) and self.min <= v <= self.max
        if ok and self.integer and v != int(v):
            ok = False
        if not ok:
            if self._on_bad:
                unit = f" {self.unit}" if self.unit else ""
                self._on_bad(
                    f"{self.label} must be between {self.min:g} and {self.max:g}{unit}; got {v!r}. Kept the last value."
                )
            self._syncing = True
            self.text.value = self.slider.value
            self._syncing = False
            return
        self.slider.value = v


class Choice(w.ToggleButtons):
    """A labelled choice among a few named options (keyboard-operable buttons)."""

    def __init__(self, label: str, options: Mapping[str, str] | list, value: str, help: str = ""):
        super().__init__(
            options=options,
            value=value,
            description=label,
            style={**_WIDE, "button_width": "auto"},
            tooltip=help or label,
        )


class Explorer(w.VBox):
    """Base class for the course's explorers (see the module docstring)."""

    title: str = ""
    presets: dict[str, dict[str, Any]] = {}

    def __init__(self, controls: Mapping[str, w.Widget], **initial):
        self.controls = dict(controls)
        for key in initial:
            if key not in self.controls:
                raise ValueError(f"unknown setting {key!r}; known: {', '.join(self.controls)}")
        self._hold = False
        self.sentence_html = w.HTML(layout=w.Layout(margin="0.4em 0"))
        self.message_html = w.HTML(layout=w.Layout(margin="0 0 0.4em 0"))
        self.updates = 0
        for control in self.controls.values():
            if isinstance(control, Number):
                control._on_bad = self._show_message
        children: list[w.Widget] = []
        if self.title:
            children.append(w.HTML(f"<h4 style='margin:0.2em 0'>{html.escape(self.title)}</h4>"))
        if self.presets:
            self.preset = w.Dropdown(
                options=["(choose a preset)"] + list(self.presets),
                value="(choose a preset)",
                description="Preset",
                style=_WIDE,
                layout=w.Layout(width="34em"),
            )
            self.preset.observe(self._apply_preset, names="value")
            children.append(self.preset)
        children += list(self.controls.values())
        for key, value in initial.items():
            self.controls[key].value = value
        values = self.values()
        result = self.compute(values)  # the initial setting must be valid
        self._last = (values, result)
        self.chart = VegaChart(self.build_chart(values, result))
        self.sentence_html.value = self._sentence_html(values, result)
        children += [self.sentence_html, self.message_html, self.chart]
        super().__init__(children, layout=w.Layout(border="1px solid #ddd", padding="0.6em", width="auto"))
        for control in self.controls.values():
            (control.slider if isinstance(control, Number) else control).observe(self._changed, names="value")

    # --- subclass API ----------------------------------------------------------------------
    def compute(self, values: dict):  # pragma: no cover - abstract
        raise NotImplementedError

    def sentence(self, values: dict, result) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def datasets(self, values: dict, result) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def build_chart(self, values: dict, result):  # pragma: no cover - abstract
        raise NotImplementedError

    # --- behaviour -------------------------------------------------------------------------
    def values(self) -> dict:
        return {k: c.value for k, c in self.controls.items()}

    def set(self, **values) -> None:
        """Set several controls at once and update once (also what presets do)."""
        unknown = [k for k in values if k not in self.controls]
        if unknown:
            self._show_message(f"Unknown setting(s) {', '.join(unknown)}.")
            return
        self._hold = True
        try:
            for key, value in values.items():
                self.controls[key].value = value
        finally:
            self._hold = False
        self.refresh()

    def refresh(self) -> bool:
        """Recompute for the current controls; returns False (and explains) if the setting is invalid."""
        values = self.values()
        try:
            result = self.compute(values)
            data = self.datasets(values, result)
            text = self._sentence_html(values, result)
        except ValueError as exc:
            self._show_message(str(exc) + " The chart shows the last valid setting.")
            return False
        self.chart.update(**data)
        self.sentence_html.value = text
        self.message_html.value = ""
        self._last = (values, result)
        self.updates += 1
        return True

    def _sentence_html(self, values, result) -> str:
        return (
            f"<p aria-live='polite' style='font-size:1.05em;margin:0'>{html.escape(self.sentence(values, result))}</p>"
        )

    def _show_message(self, text: str) -> None:
        self.message_html.value = f"<p role='alert' style='color:#a33;margin:0'>&#9888; {html.escape(text)}</p>"

    def _changed(self, _change=None) -> None:
        if not self._hold:
            self.refresh()

    def _apply_preset(self, change) -> None:
        name = change["new"]
        if name in self.presets:
            self.set(**self.presets[name])

    def __repr__(self) -> str:
        # Plain-text form, shown where widgets cannot render (no kernel): say what it is and what to do.
        return (
            f"({self.title or type(self).__name__}: an interactive explorer; run this cell with a kernel "
            f"to use it. Setting: {', '.join(f'{k}={v}' for k, v in self.values().items())})"
        )
