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
from pathlib import Path
from typing import Mapping

import pandas as pd

__all__ = ["QUESTIONS", "STAGES", "BeliefsExistError", "data_dir", "path_for", "save", "load",
           "compare", "form"]

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


def path_for(stage: str, directory: str | os.PathLike | None = None) -> Path:
    """Where the credences for ``stage`` ('start' or 'end') are stored."""
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {', '.join(map(repr, STAGES))}; got {stage!r}")
    return Path(directory) if directory is not None else data_dir()


def _file(stage: str, directory) -> Path:
    return path_for(stage, directory) / f"beliefs-{stage}.json"


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
        if (isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value)
                or not 0 <= value <= 100):
            raise ValueError(f"credence for {key!r} must be a number in [0, 100] (percent); got {value!r}")
        clean[key] = float(value)
    return clean


def save(credences: Mapping[str, float], stage: str = "start", *, overwrite: bool = False,
         directory: str | os.PathLike | None = None, now: _dt.datetime | None = None) -> Path:
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
    record = {"stage": stage, "saved_at": now.isoformat(), "credences": clean,
              "questions": dict(QUESTIONS)}
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


def compare(*, directory: str | os.PathLike | None = None) -> pd.DataFrame:
    """A table of start vs end credences (NaN where a stage was not recorded)."""
    start = load("start", directory=directory) or {}
    end = load("end", directory=directory) or {}
    rows = [{"question": k, "statement": text, "start": start.get(k, float("nan")),
             "end": end.get(k, float("nan"))} for k, text in QUESTIONS.items()]
    frame = pd.DataFrame(rows)
    frame["change"] = frame["end"] - frame["start"]
    return frame


def form(stage: str = "start", *, directory: str | os.PathLike | None = None):
    """An ipywidgets form: one 0–100 % slider per question and a Save button.

    The form says where the file is saved, refuses to overwrite an earlier record unless the
    learner ticks "Replace my earlier answers", and reports errors inside the form.
    """
    import ipywidgets as w

    path_for(stage, directory)  # validates stage
    target = _file(stage, directory)
    previous = load(stage, directory=directory) if target.exists() else None
    sliders = {}
    rows = []
    for key, text in QUESTIONS.items():
        slider = w.IntSlider(value=int(round((previous or {}).get(key, 50))), min=0, max=100, step=5,
                             description="Credence (%)", style={"description_width": "initial"},
                             continuous_update=False, layout=w.Layout(width="28em"))
        sliders[key] = slider
        rows.append(w.HTML(f"<p style='margin:0.6em 0 0'><strong>{key}</strong>: {text}</p>"))
        rows.append(slider)
    replace = w.Checkbox(value=False, description="Replace my earlier answers", indent=False,
                         layout=w.Layout(display="" if previous else "none"))
    button = w.Button(description=f"Save my {stage} beliefs", button_style="primary", icon="save")
    status = w.HTML(
        f"Your answers will be saved to <code>{target}</code>."
        if previous is None else
        f"You saved {stage} beliefs before (in <code>{target}</code>); the sliders show them. "
        "Tick the box to replace them."
    )

    def on_save(_=None):
        try:
            path = save({k: s.value for k, s in sliders.items()}, stage, overwrite=replace.value,
                        directory=directory)
        except BeliefsExistError as exc:
            replace.layout.display = ""
            status.value = f"<strong>Not saved.</strong> {exc}"
        except (OSError, ValueError) as exc:
            status.value = f"<strong>Not saved.</strong> {exc}"
        else:
            status.value = f"<strong>Saved</strong> to <code>{path}</code>."
            replace.value = False
            replace.layout.display = ""

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
