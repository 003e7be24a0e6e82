"""Record a learner's credences at the start of the course and read them back at the end.

Lesson 00 saves the *start* credences; the synthesis lesson saves the *end* credences and
compares the two. Files are plain JSON in the learner's data folder:
``$ALIGNLESSONS_HOME`` if set, else ``~/.alignlessons``. A saved file is never overwritten
silently: saving again needs ``overwrite=True``, and even then the old file is kept as a
timestamped backup. Writes are atomic (a temporary file renamed into place), so an
interrupted save never leaves half a file.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import numbers
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

__all__ = [
    "QUESTIONS",
    "STAGES",
    "BeliefsExistError",
    "data_dir",
    "folder_for",
    "save",
    "load",
    "compare",
    "compare_records",
    "form",
    "read",
    "brier",
]

#: The questions a learner gives credences (0–100 %) for, at the start and at the end.
QUESTIONS: dict[str, str] = {
    "gradual-deployment": "Deploying increasingly capable AI gradually and publicly makes a safe "
    "transition more likely than developing it more slowly and privately.",
    "ai-aligns-ai": "Using AI systems to help align more capable AI systems is likely to work in time.",
    "racing-raises-risk": "Competition between AI developers substantially raises the risk of catastrophe.",
    "lead-suffices": "A developer that has aligned transformative AI first could reduce the risk from "
    "less careful developers without drastic measures.",
    "commitments-reliable": "AI labs' public safety commitments are a reliable guide to how they will act "
    "under competitive pressure.",
}
STAGES = ("start", "end")


class BeliefsExistError(FileExistsError):
    """Saving would overwrite an earlier record; pass ``overwrite=True`` to replace it."""


def data_dir() -> Path:
    """The learner's data folder (not created until something is saved)."""
    env = os.environ.get("ALIGNLESSONS_HOME")
    return Path(env).expanduser() if env else Path.home() / ".alignlessons"


def folder_for(stage: str, directory: str | os.PathLike | None = None) -> Path:
    """The folder where the credences for ``stage`` ('start' or 'end') are stored: ``directory``
    if given, else :func:`data_dir` (the file itself is ``beliefs-<stage>.json`` in it)."""
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {', '.join(map(repr, STAGES))}; got {stage!r}")
    return Path(directory) if directory is not None else data_dir()


def _file(stage: str, directory) -> Path:
    return folder_for(stage, directory) / f"beliefs-{stage}.json"


def _validate(credences: Mapping[str, float]) -> dict[str, float]:
    if not isinstance(credences, Mapping):
        raise ValueError(f"credences must map question ids to numbers in [0, 100]; got {credences!r}")
    unknown = sorted(set(credences) - set(QUESTIONS))
    if unknown:
        raise ValueError(f"unknown question id(s) {unknown}; known: {sorted(QUESTIONS)}")
    missing = sorted(set(QUESTIONS) - set(credences))
    if missing:
        raise ValueError(f"credences are missing question id(s) {missing}")
    clean = {}
    for key in QUESTIONS:
        value = credences[key]
        if (
            isinstance(value, bool)
            or not isinstance(value, numbers.Real)
            or not math.isfinite(value)
            or not 0 <= value <= 100
        ):
            raise ValueError(f"credence for {key!r} must be a number in [0, 100] (percent); got {value!r}")
        clean[key] = float(value)
    return clean


def save(
    credences: Mapping[str, float],
    stage: str = "start",
    *,
    overwrite: bool = False,
    directory: str | os.PathLike | None = None,
    now: _dt.datetime | None = None,
) -> Path:
    """Save credences (percent, one per question in :data:`QUESTIONS`) and return the file path.

    Raises :class:`BeliefsExistError` if a record for this stage exists and ``overwrite`` is
    false. With ``overwrite=True`` the previous record is kept as
    ``beliefs-<stage>-<timestamp>.json`` beside the new one.
    """
    clean = _validate(credences)
    target = _file(stage, directory)
    now = now or _dt.datetime.now().replace(microsecond=0)
    if target.exists() and not overwrite:
        raise BeliefsExistError(
            f"You already saved your {stage} beliefs in {target}. Nothing was changed. "
            f"To replace them, save again with overwrite=True (the old file is kept as a backup)."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    record = {"stage": stage, "saved_at": now.isoformat(), "credences": clean, "questions": dict(QUESTIONS)}
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        # Write the new record completely before touching the old one: a failed write leaves
        # the earlier record in place and no temporary file behind.
        tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        if target.exists():
            backup = target.with_name(f"beliefs-{stage}-{now:%Y%m%dT%H%M%S}.json")
            n = 1
            while backup.exists():
                backup = target.with_name(f"beliefs-{stage}-{now:%Y%m%dT%H%M%S}-{n}.json")
                n += 1
            os.replace(target, backup)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def load(stage: str = "start", *, directory: str | os.PathLike | None = None) -> dict[str, float] | None:
    """The saved credences for ``stage``, or ``None`` if nothing was saved yet."""
    target = _file(stage, directory)
    if not target.exists():
        return None
    try:
        record = json.loads(target.read_text(encoding="utf-8"))
        credences = record["credences"]
        return {k: float(v) for k, v in credences.items() if k in QUESTIONS}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{target} is not a beliefs record saved by alignlessons ({exc})") from None


def read(stage: str = "start", *, directory: str | os.PathLike | None = None) -> tuple[dict[str, float] | None, str]:
    """Read a record without ever raising for a missing or damaged file.

    Returns ``(credences, message)``: the credences (or ``None``) and a sentence for the learner
    saying what was found, where, and what to do. A damaged file is never changed or deleted.
    """
    target = _file(stage, directory)
    lesson = "lesson 00" if stage == "start" else "the synthesis lesson (06)"
    if not target.exists():
        return None, (
            f"No {stage} beliefs found: there is no file {target}. {lesson.capitalize()} "
            f"saves it when you press Save; you can record it now with "
            f"beliefs.form({stage!r})."
        )
    try:
        credences = load(stage, directory=directory)
        missing = sorted(set(QUESTIONS) - set(credences))
        bad = sorted(k for k, x in credences.items() if not (math.isfinite(x) and 0 <= x <= 100))
        if missing or bad:
            raise ValueError(f"missing question(s) {missing}" if missing else f"credence(s) outside 0-100 for {bad}")
    except ValueError as exc:
        return None, (
            f"Your {stage} beliefs file {target} could not be read ({exc}). It was left "
            f"untouched. Move or rename it if you want to record your {stage} beliefs "
            f"again with beliefs.form({stage!r})."
        )
    return credences, f"Read your {stage} beliefs from {target}."


def brier(credences_percent, outcomes) -> float:
    """The Brier score of credences against outcomes: mean of ``(p - o) ** 2``.

    ``credences_percent`` are credences in percent (0–100) that statements are true;
    ``outcomes`` the same number of answers, each ``True``/``1`` (true) or ``False``/``0``.
    0 is perfect, 0.25 is what always saying 50 % scores, 1 is confidently wrong every time.
    """
    ps = [credences_percent] if isinstance(credences_percent, numbers.Real) else list(credences_percent)
    os_ = [outcomes] if isinstance(outcomes, (bool, numbers.Real)) else list(outcomes)
    if not ps:
        raise ValueError("credences_percent must hold at least one credence; got none")
    if len(ps) != len(os_):
        raise ValueError(f"credences_percent and outcomes must have the same length; got {len(ps)} and {len(os_)}")
    total = 0.0
    for i, (p, o) in enumerate(zip(ps, os_)):
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not math.isfinite(p) or not 0 <= p <= 100:
            raise ValueError(f"credences_percent[{i}] must be a number in [0, 100]; got {p!r}")
        if o not in (0, 1) or not isinstance(o, (bool, numbers.Real)):
            raise ValueError(f"outcomes[{i}] must be True/1 or False/0; got {o!r}")
        total += (p / 100.0 - float(o)) ** 2
    return total / len(ps)


def compare(*, directory: str | os.PathLike | None = None) -> pd.DataFrame:
    """A table of start vs end credences (NaN where a stage was not recorded)."""
    return compare_records(load("start", directory=directory), load("end", directory=directory))


def compare_records(start: Mapping[str, float] | None, end: Mapping[str, float] | None) -> pd.DataFrame:
    """The :func:`compare` table from two credence mappings (either may be ``None``): columns
    ``question, statement, start, end, change``, NaN where a stage or a question is missing."""
    start, end = dict(start or {}), dict(end or {})
    rows = [
        {
            "question": k,
            "statement": text,
            "start": float(start.get(k, float("nan"))),
            "end": float(end.get(k, float("nan"))),
        }
        for k, text in QUESTIONS.items()
    ]
    frame = pd.DataFrame(rows)
    frame["change"] = frame["end"] - frame["start"]
    return frame


def form(stage: str = "start", *, directory: str | os.PathLike | None = None, allow_replace: bool = True):
    """An ipywidgets form: one 0–100 % slider per question and a Save button.

    The form says where the file is saved, refuses to overwrite an earlier record unless the
    learner ticks "Replace my earlier answers", and reports errors inside the form. With
    ``allow_replace=False`` there is no such box: the form only ever creates a record that does
    not exist yet (the synthesis lesson uses this for the starting record).
    """
    import ipywidgets as w

    folder_for(stage, directory)  # validates stage
    target = _file(stage, directory)
    unreadable = None
    try:
        previous = load(stage, directory=directory) if target.exists() else None
    except ValueError as exc:  # a damaged file: show defaults, never touch it
        previous, unreadable = None, str(exc)
    sliders = {}
    rows = []
    for key, text in QUESTIONS.items():
        slider = w.IntSlider(
            value=int(round((previous or {}).get(key, 50))),
            min=0,
            max=100,
            step=5,
            description="Credence (%)",
            style={"description_width": "initial"},
            continuous_update=False,
            layout=w.Layout(width="28em"),
        )
        sliders[key] = slider
        rows.append(w.HTML(f"<p style='margin:0.6em 0 0'><strong>{key}</strong>: {text}</p>"))
        rows.append(slider)
    can_replace = bool(allow_replace)
    replace = w.Checkbox(
        value=False,
        description="Replace my earlier answers",
        indent=False,
        layout=w.Layout(display="" if (previous or unreadable) and can_replace else "none"),
    )
    button = w.Button(description=f"Save my {stage} beliefs", button_style="primary", icon="save")
    status = w.HTML(
        f"<strong>Your earlier {stage} file could not be read</strong> ({unreadable}); it is left as it is."
        if unreadable
        else f"Your answers will be saved to <code>{target}</code>."
        if previous is None
        else f"You saved {stage} beliefs before (in <code>{target}</code>); the sliders show them. "
        + ("Tick the box to replace them." if can_replace else "This form will not replace them.")
    )

    def on_save(_=None):
        try:
            path = save(
                {k: s.value for k, s in sliders.items()},
                stage,
                overwrite=replace.value and can_replace,
                directory=directory,
            )
        except BeliefsExistError as exc:
            if can_replace:
                replace.layout.display = ""
                status.value = f"<strong>Not saved.</strong> {exc}"
            else:
                status.value = (
                    f"<strong>Not saved.</strong> You already have {stage} beliefs in "
                    f"<code>{_file(stage, directory)}</code>; this form never replaces them."
                )
        except (OSError, ValueError) as exc:
            status.value = f"<strong>Not saved.</strong> {exc}"
        else:
            status.value = f"<strong>Saved</strong> to <code>{path}</code>."
            replace.value = False
            replace.layout.display = "" if can_replace else "none"

    button.on_click(on_save)

    class BeliefsForm(w.VBox):
        def __repr__(self) -> str:
            return f"(Beliefs form: run this cell with a kernel to record your {stage} credences.)"

    box = BeliefsForm(rows + [w.HBox([button, replace]), status])
    box._save = on_save
    box._sliders = sliders
    box._replace = replace
    box._status = status
    return box
