"""Tests for alignlessons.beliefs: saving, loading, comparing and the form."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from pathlib import Path

import pandas as pd
import pytest

from alignlessons import beliefs
from alignlessons.beliefs import QUESTIONS, BeliefsExistError

IDS = list(QUESTIONS)
START = {k: 10.0 + 15 * i for i, k in enumerate(IDS)}  # 10, 25, 40, 55, 70
END = {k: 95.0 - 20 * i for i, k in enumerate(IDS)}  # 95, 75, 55, 35, 15
NOW = dt.datetime(2024, 1, 2, 3, 4, 5)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- round trips -----------------------------------------------------------------------------
def test_save_and_load_round_trip_in_a_given_directory(tmp_path):
    path = beliefs.save(START, "start", directory=tmp_path)
    assert path == tmp_path / "beliefs-start.json"
    assert beliefs.load("start", directory=tmp_path) == START
    assert beliefs.load("end", directory=tmp_path) is None
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["stage"] == "start"
    assert record["credences"] == START
    assert listing(tmp_path) == ["beliefs-start.json"]  # atomic write: no temporary file left


def test_integers_are_stored_as_numbers(tmp_path):
    ints = {k: int(v) for k, v in START.items()}
    beliefs.save(ints, "end", directory=tmp_path)
    loaded = beliefs.load("end", directory=tmp_path)
    assert loaded == START and all(isinstance(v, float) for v in loaded.values())


def test_round_trip_through_alignlessons_home(tmp_path, monkeypatch):
    home = tmp_path / "learner" / "data"
    monkeypatch.setenv("ALIGNLESSONS_HOME", str(home))
    assert beliefs.data_dir() == home
    assert not home.exists()  # not created until something is saved
    path = beliefs.save(END, "end")
    assert path == home / "beliefs-end.json"
    assert beliefs.load("end") == END
    assert beliefs.load("end", directory=home) == END


def test_default_folder_is_in_the_home_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("ALIGNLESSONS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert beliefs.data_dir() == tmp_path / ".alignlessons"


@pytest.mark.parametrize("stage", ["middle", "", "START", None])
def test_unknown_stage_is_rejected(tmp_path, stage):
    with pytest.raises(ValueError, match="stage"):
        beliefs.save(START, stage, directory=tmp_path)
    with pytest.raises(ValueError, match="stage"):
        beliefs.load(stage, directory=tmp_path)
    assert listing(tmp_path) == []


# --- never overwrite silently ----------------------------------------------------------------
def test_refuses_to_overwrite(tmp_path):
    path = beliefs.save(START, "start", directory=tmp_path)
    before = path.read_bytes()
    with pytest.raises(BeliefsExistError) as info:
        beliefs.save(END, "start", directory=tmp_path)
    assert isinstance(info.value, FileExistsError)
    assert str(path) in str(info.value)
    assert "overwrite=True" in str(info.value)
    assert path.read_bytes() == before
    assert listing(tmp_path) == ["beliefs-start.json"]


def test_stages_are_independent(tmp_path):
    beliefs.save(START, "start", directory=tmp_path)
    beliefs.save(END, "end", directory=tmp_path)  # no error: a different file
    assert beliefs.load("start", directory=tmp_path) == START
    assert beliefs.load("end", directory=tmp_path) == END


def test_overwrite_keeps_a_timestamped_backup(tmp_path):
    path = beliefs.save(START, "start", directory=tmp_path)
    old = path.read_bytes()
    again = beliefs.save(END, "start", directory=tmp_path, overwrite=True, now=NOW)
    assert again == path
    assert beliefs.load("start", directory=tmp_path) == END
    backup = tmp_path / "beliefs-start-20240102T030405.json"
    assert backup.read_bytes() == old
    assert listing(tmp_path) == sorted(["beliefs-start.json", backup.name])


def test_backups_in_the_same_second_do_not_clobber_each_other(tmp_path):
    third = {k: 50.0 for k in IDS}
    path = beliefs.save(START, "start", directory=tmp_path, now=NOW)
    first_bytes = path.read_bytes()
    beliefs.save(END, "start", directory=tmp_path, overwrite=True, now=NOW)
    second_bytes = path.read_bytes()
    beliefs.save(third, "start", directory=tmp_path, overwrite=True, now=NOW)
    backups = sorted(p for p in tmp_path.glob("beliefs-start-*.json"))
    assert len(backups) == 2
    assert {b.read_bytes() for b in backups} == {first_bytes, second_bytes}
    assert beliefs.load("start", directory=tmp_path) == third


def test_failed_write_keeps_the_earlier_record(tmp_path, monkeypatch):
    path = beliefs.save(START, "start", directory=tmp_path)
    before = path.read_bytes()

    def disk_full(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", disk_full)
    with pytest.raises(OSError):
        beliefs.save(END, "start", directory=tmp_path, overwrite=True, now=NOW)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert beliefs.load("start", directory=tmp_path) == START
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())


def test_interrupted_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    real_write_text = Path.write_text

    def half_then_fail(self, data, *args, **kwargs):
        real_write_text(self, data[: len(data) // 2], *args, **kwargs)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(Path, "write_text", half_then_fail)
    with pytest.raises(OSError):
        beliefs.save(START, "start", directory=tmp_path)
    monkeypatch.undo()
    assert listing(tmp_path) == []  # neither half a record nor a temporary file
    assert beliefs.load("start", directory=tmp_path) is None


# --- validation ----------------------------------------------------------------------------
BAD = {
    "unknown id": {**START, "no-such-question": 50},
    "missing id": {k: v for k, v in START.items() if k != IDS[2]},
    "empty": {},
    "101": {**START, IDS[0]: 101},
    "-1": {**START, IDS[1]: -1},
    "100.0001": {**START, IDS[1]: 100.0001},
    "nan": {**START, IDS[3]: math.nan},
    "inf": {**START, IDS[3]: math.inf},
    "bool": {**START, IDS[4]: True},
    "string": {**START, IDS[4]: "50"},
    "none": {**START, IDS[4]: None},
    "list": [(k, v) for k, v in START.items()],
    "not a mapping": 50,
}


@pytest.mark.parametrize("credences", BAD.values(), ids=BAD.keys())
def test_invalid_credences_are_rejected_and_leave_no_file(tmp_path, credences):
    folder = tmp_path / "data"
    with pytest.raises(ValueError):
        beliefs.save(credences, "start", directory=folder)
    assert listing(folder) == []


@pytest.mark.parametrize("credences", [BAD["unknown id"], BAD["101"], BAD["nan"]], ids=["unknown id", "101", "nan"])
def test_invalid_credences_do_not_touch_an_existing_record(tmp_path, credences):
    path = beliefs.save(START, "start", directory=tmp_path)
    before = path.read_bytes()
    with pytest.raises(ValueError):
        beliefs.save(credences, "start", directory=tmp_path, overwrite=True)
    assert path.read_bytes() == before
    assert listing(tmp_path) == ["beliefs-start.json"]  # and no backup was made


def test_validation_messages_name_the_problem(tmp_path):
    with pytest.raises(ValueError, match="no-such-question"):
        beliefs.save(BAD["unknown id"], directory=tmp_path)
    with pytest.raises(ValueError, match=IDS[2]):
        beliefs.save(BAD["missing id"], directory=tmp_path)
    with pytest.raises(ValueError, match=IDS[0]):
        beliefs.save(BAD["101"], directory=tmp_path)


@pytest.mark.parametrize("value", [0, 100, 0.0, 100.0, 37.5])
def test_bounds_are_inclusive(tmp_path, value):
    beliefs.save({**START, IDS[0]: value}, "start", directory=tmp_path)
    assert beliefs.load("start", directory=tmp_path)[IDS[0]] == float(value)


# --- loading corrupt files ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "content",
    [
        "",
        "not json{",
        "[]",
        "null",
        "42",
        '{"stage": "start"}',
        '{"credences": [1, 2]}',
        '{"credences": "abc"}',
        '{"credences": {"gradual-deployment": "high"}}',
    ],
)
def test_load_of_a_corrupt_file_names_the_file(tmp_path, content):
    path = tmp_path / "beliefs-start.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        beliefs.load("start", directory=tmp_path)
    assert str(path) in str(info.value)


# --- compare ----------------------------------------------------------------------------------
def test_compare_with_nothing_saved_is_all_nan(tmp_path):
    table = beliefs.compare(directory=tmp_path)
    assert list(table["question"]) == IDS
    assert list(table["statement"]) == [QUESTIONS[k] for k in IDS]
    assert table[["start", "end", "change"]].isna().all().all()


def test_compare_with_only_start_has_nan_end_and_change(tmp_path):
    beliefs.save(START, "start", directory=tmp_path)
    table = beliefs.compare(directory=tmp_path).set_index("question")
    assert table["start"].to_dict() == START
    assert table["end"].isna().all()
    assert table["change"].isna().all()


def test_compare_with_only_end_has_nan_start(tmp_path):
    beliefs.save(END, "end", directory=tmp_path)
    table = beliefs.compare(directory=tmp_path).set_index("question")
    assert table["start"].isna().all()
    assert table["end"].to_dict() == END
    assert table["change"].isna().all()


def test_compare_change_is_end_minus_start(tmp_path):
    beliefs.save(START, "start", directory=tmp_path)
    beliefs.save(END, "end", directory=tmp_path)
    table = beliefs.compare(directory=tmp_path).set_index("question")
    expected = {k: END[k] - START[k] for k in IDS}  # 85, 50, 15, -20, -55
    assert table["change"].to_dict() == expected
    assert isinstance(table, pd.DataFrame)


# --- the form --------------------------------------------------------------------------------
def _set(form, values):
    for key, value in values.items():
        form._sliders[key].value = value


FORM_FIRST = {k: 5 * (2 + 3 * i) for i, k in enumerate(IDS)}  # 10, 25, 40, 55, 70
FORM_SECOND = {k: 100 - 5 * i for i, k in enumerate(IDS)}  # 100, 95, 90, 85, 80


def test_form_saves_and_reports_the_path(tmp_path):
    form = beliefs.form("start", directory=tmp_path)
    target = tmp_path / "beliefs-start.json"
    assert str(target) in form._status.value  # says where it will save before saving
    assert set(form._sliders) == set(IDS)
    _set(form, FORM_FIRST)
    form._save()
    assert target.is_file()
    assert beliefs.load("start", directory=tmp_path) == {k: float(v) for k, v in FORM_FIRST.items()}
    assert "Saved" in form._status.value and str(target) in form._status.value
    assert "Not saved" not in form._status.value


def test_form_second_save_without_replace_changes_nothing(tmp_path):
    form = beliefs.form("start", directory=tmp_path)
    _set(form, FORM_FIRST)
    form._save()
    target = tmp_path / "beliefs-start.json"
    before = target.read_bytes()
    _set(form, FORM_SECOND)
    form._save()
    assert "Not saved" in form._status.value
    assert target.read_bytes() == before
    assert listing(tmp_path) == ["beliefs-start.json"]
    assert form._replace.layout.display != "none"  # the learner can now tick "replace"


def test_form_replace_saves_and_keeps_a_backup(tmp_path):
    form = beliefs.form("start", directory=tmp_path)
    _set(form, FORM_FIRST)
    form._save()
    target = tmp_path / "beliefs-start.json"
    before = target.read_bytes()
    _set(form, FORM_SECOND)
    form._replace.value = True
    form._save()
    assert "Saved" in form._status.value and "Not saved" not in form._status.value
    assert beliefs.load("start", directory=tmp_path) == {k: float(v) for k, v in FORM_SECOND.items()}
    backups = list(tmp_path.glob("beliefs-start-*.json"))
    assert len(backups) == 1 and backups[0].read_bytes() == before
    assert form._replace.value is False  # replacing again needs a fresh tick


def test_form_shows_an_earlier_record(tmp_path):
    beliefs.save({k: float(v) for k, v in FORM_FIRST.items()}, "end", directory=tmp_path)
    form = beliefs.form("end", directory=tmp_path)
    assert {k: s.value for k, s in form._sliders.items()} == FORM_FIRST
    assert "before" in form._status.value
    assert form._replace.layout.display != "none"


def test_form_rejects_unknown_stage(tmp_path):
    with pytest.raises(ValueError, match="stage"):
        beliefs.form("middle", directory=tmp_path)
    assert listing(tmp_path) == []


def test_form_reports_write_errors_inside_the_form(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    form = beliefs.form("start", directory=blocker)
    form._save()
    assert "Not saved" in form._status.value
    assert blocker.read_text() == "a file where the folder should be"
    assert os.listdir(tmp_path) == ["not-a-folder"]
