"""Ungraded self-checks for lessons: multiple choice and numeric answers, with feedback.

Each self-check displays two outputs:

1. a static card (HTML) with the question, the lettered options and, folded inside a
   ``<details>`` element, the answer with feedback for every option. It needs no kernel, so a
   notebook read without one (a reopened file, an HTML export, a shared screen) still shows
   the question and its options;
2. an ipywidgets answer box (keyboard-operable buttons or a number field, a *Check* button and
   a feedback line) for learners with a running kernel.

Self-checks are never graded; graded work lives in the nbgrader assignments.

Example::

    from alignlessons import quiz
    quiz.multiple_choice(
        "Who wrote the deployment-problem nearcast?",
        {"Sam Altman": "No: he signed OpenAI's plan.",
         "Holden Karnofsky": "Yes: it is his Cold Takes post.",
         "Jacob Hilton": "No: he wrote the misconceptions post."},
        answer="Holden Karnofsky",
    )
"""

from __future__ import annotations

import html
import math
import numbers
import string
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["MultipleChoice", "Numeric", "multiple_choice", "numeric"]


def _answer_box(children):
    """The interactive part of a self-check; its plain-text form is what readers without a kernel see."""
    import ipywidgets as w

    class AnswerBox(w.VBox):
        def __repr__(self) -> str:
            return "(Answer box: run this cell with a kernel to check your answer; the answers are folded above.)"

    return AnswerBox(children, layout=w.Layout(margin="0 0 1em 0"))


LETTERS = string.ascii_uppercase

_CARD_STYLE = (
    "border-left: 4px solid #0072B2; padding: 0.4em 0.9em; margin: 0.5em 0; background: rgba(0, 114, 178, 0.06)"
)


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def _require_text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string; got {value!r}")
    return value.strip()


@dataclass(frozen=True)
class MultipleChoice:
    """A multiple-choice self-check. Use :func:`multiple_choice` to make one."""

    question: str
    options: tuple[str, ...]
    feedback: tuple[str, ...]
    answer: int  # index into options

    # --- checking -------------------------------------------------------------------------
    def check(self, choice: int | str) -> tuple[bool, str]:
        """Return (correct?, feedback) for a choice given as index, letter or option text."""
        index = self._index(choice)
        return index == self.answer, self.feedback[index]

    def _index(self, choice: int | str) -> int:
        if isinstance(choice, numbers.Integral) and not isinstance(choice, bool):
            if 0 <= int(choice) < len(self.options):
                return int(choice)
        elif isinstance(choice, str):
            text = choice.strip()
            if len(text) == 1 and text.upper() in LETTERS[: len(self.options)]:
                return LETTERS.index(text.upper())
            for i, option in enumerate(self.options):
                if option.strip().lower() == text.lower():
                    return i
        letters = ", ".join(LETTERS[: len(self.options)])
        raise ValueError(f"choice must be one of the letters {letters} (or an option's text); got {choice!r}")

    # --- rendering ------------------------------------------------------------------------
    def static_html(self) -> str:
        items = "".join(f"<li>{_esc(o)}</li>" for o in self.options)
        notes = "".join(
            f"<li><strong>{LETTERS[i]}</strong> {'✔ correct' if i == self.answer else '✘'}: {_esc(f)}</li>"
            for i, f in enumerate(self.feedback)
        )
        return (
            f'<div class="alignlessons-quiz" style="{_CARD_STYLE}">'
            f"<p><strong>Self-check.</strong> {_esc(self.question)}</p>"
            f'<ol type="A" style="list-style-type: upper-alpha">{items}</ol>'
            f"<details><summary>Answer and feedback for every option</summary><ul>{notes}</ul></details>"
            "</div>"
        )

    def static_text(self) -> str:
        lines = [f"Self-check. {self.question}"]
        lines += [f"  {LETTERS[i]}. {o}" for i, o in enumerate(self.options)]
        return "\n".join(lines)

    def widget(self):
        import ipywidgets as w

        letters = list(LETTERS[: len(self.options)])
        choice = w.ToggleButtons(
            options=letters,
            value=None,
            description="Your answer:",
            tooltips=list(self.options),
            style={"description_width": "initial", "button_width": "3em"},
        )
        button = w.Button(description="Check", button_style="primary", tooltip="Check your answer")
        out = w.HTML(value="")

        def on_click(_=None):
            if choice.value is None:
                out.value = "<em>Pick a letter first.</em>"
                return
            ok, note = self.check(choice.value)
            verdict = "<strong>Correct.</strong>" if ok else "<strong>Not quite.</strong>"
            out.value = f"{verdict} {_esc(note)}"

        button.on_click(on_click)
        choice.observe(lambda change: setattr(out, "value", ""), names="value")
        box = _answer_box([w.HBox([choice, button]), out])
        box._check = on_click  # for tests: press the button without a front end
        box._choice = choice
        box._feedback = out
        return box

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display({"text/html": self.static_html(), "text/plain": self.static_text()}, raw=True)
        display(self.widget())


@dataclass(frozen=True)
class Numeric:
    """A numeric self-check with a tolerance. Use :func:`numeric` to make one."""

    question: str
    answer: float
    tolerance: float
    explanation: str
    unit: str = ""
    too_low: str = ""
    too_high: str = ""

    def check(self, value: float) -> tuple[bool, str]:
        """Return (correct?, feedback) for a numeric answer."""
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ValueError(f"value must be a finite number; got {value!r}")
        if abs(value - self.answer) <= self.tolerance:
            return True, self.explanation
        if value < self.answer:
            return False, self.too_low or "Too low. " + self.explanation
        return False, self.too_high or "Too high. " + self.explanation

    def _answer_text(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.answer:g}{unit} (answers within ±{self.tolerance:g} count)"

    def static_html(self) -> str:
        unit = f" (in {_esc(self.unit)})" if self.unit else ""
        return (
            f'<div class="alignlessons-quiz" style="{_CARD_STYLE}">'
            f"<p><strong>Self-check.</strong> {_esc(self.question)}{unit}</p>"
            f"<details><summary>Answer</summary><p>{_esc(self._answer_text())}. "
            f"{_esc(self.explanation)}</p></details></div>"
        )

    def static_text(self) -> str:
        unit = f" (in {self.unit})" if self.unit else ""
        return f"Self-check. {self.question}{unit}"

    def widget(self):
        import ipywidgets as w

        field = w.Text(
            value="",
            placeholder="a number",
            description="Your answer:",
            style={"description_width": "initial"},
            layout=w.Layout(width="16em"),
        )
        button = w.Button(description="Check", button_style="primary", tooltip="Check your answer")
        out = w.HTML(value="")

        def on_click(_=None):
            text = field.value.strip().replace(",", "")
            try:
                value = float(text.rstrip("%")) if text else None
            except ValueError:
                value = None
            if value is None or not math.isfinite(value):
                out.value = "<em>Type a number first (for example 0.25).</em>"
                return
            ok, note = self.check(value)
            verdict = "<strong>Correct.</strong>" if ok else "<strong>Not quite.</strong>"
            out.value = f"{verdict} {_esc(note)}"

        button.on_click(on_click)
        box = _answer_box([w.HBox([field, button]), out])
        box._check = on_click
        box._field = field
        box._feedback = out
        return box

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display({"text/html": self.static_html(), "text/plain": self.static_text()}, raw=True)
        display(self.widget())


def multiple_choice(question: str, options: Mapping[str, str], *, answer: str | int) -> MultipleChoice:
    """A multiple-choice self-check.

    ``options`` maps each option's text to the feedback shown when it is chosen (every option
    needs feedback, including the right one). ``answer`` is the right option's text or index.
    """
    question = _require_text("question", question)
    if not isinstance(options, Mapping) or not 2 <= len(options) <= len(LETTERS):
        raise ValueError(f"options must map 2 to {len(LETTERS)} option texts to feedback; got {options!r}")
    texts, notes = [], []
    for text, note in options.items():
        texts.append(_require_text("each option", text))
        notes.append(_require_text(f"the feedback for option {text!r}", note))
    q = MultipleChoice(question, tuple(texts), tuple(notes), 0)
    if isinstance(answer, str):
        if answer.strip() not in texts:
            raise ValueError(f"answer must be one of the options {texts}; got {answer!r}")
        # By its text, not through _index: an option text such as "B" is not the letter B.
        return MultipleChoice(question, tuple(texts), tuple(notes), texts.index(answer.strip()))
    try:
        index = q._index(answer)
    except ValueError:
        raise ValueError(f"answer must be one of the options {texts} or an index; got {answer!r}") from None
    return MultipleChoice(question, tuple(texts), tuple(notes), index)


def numeric(
    question: str,
    *,
    answer: float,
    tolerance: float,
    explanation: str,
    unit: str = "",
    too_low: str = "",
    too_high: str = "",
) -> Numeric:
    """A numeric self-check: answers within ``tolerance`` of ``answer`` count as correct."""
    question = _require_text("question", question)
    explanation = _require_text("explanation", explanation)
    for name, value in (("answer", answer), ("tolerance", tolerance)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number; got {value!r}")
    if tolerance < 0:
        raise ValueError(f"tolerance must be in [0, inf); got {tolerance!r}")
    return Numeric(question, float(answer), float(tolerance), explanation, unit, too_low, too_high)
