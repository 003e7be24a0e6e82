"""`make lab` (the README's first command) serves the course on loopback only."""

from __future__ import annotations

import urllib.request

import pytest

from tests.helpers import TOKEN, free_port, make_lab

pytestmark = pytest.mark.slow


def test_make_lab_serves_the_course(tmp_path):
    port = free_port()
    log = tmp_path / "lab.log"
    with make_lab(port, log=log):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={TOKEN}", timeout=10) as resp:
            page = resp.read().decode()
            assert resp.status == 200
        assert "JupyterLab" in page
        # The course's lessons are in the served tree.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/lessons?token={TOKEN}", timeout=10) as resp:
            names = {item["name"] for item in __import__("json").loads(resp.read())["content"]}
        assert "00_start_here.ipynb" in names
    text = log.read_text()
    assert f"http://127.0.0.1:{port}/" in text, text[-2000:]
    assert "0.0.0.0" not in text, "the course server must listen on loopback only"
