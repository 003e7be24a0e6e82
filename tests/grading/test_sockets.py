"""The grader's sockets to a sandboxed kernel connect only to a kernel's own socket, once."""

from __future__ import annotations

import os
import socket
import time

import pytest
import zmq

from alignlessons.sandbox.manager import SandboxHBChannel, harden_socket


@pytest.fixture
def host_listener(tmp_path):
    """A host service on a Unix socket, and a link to it where a kernel's socket would be."""
    path = tmp_path / "host.sock"
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(str(path))
    srv.listen(4)
    srv.settimeout(0.5)
    link = tmp_path / "k-5"
    os.symlink(path, link)
    yield srv, link
    srv.close()


def _connections(srv, window: float = 0.5) -> int:
    """Connections the host service accepts within ``window`` seconds (a reconnecting peer
    would come back again and again: count within the window only)."""
    n, end = 0, time.monotonic() + window
    while time.monotonic() < end:
        try:
            conn, _ = srv.accept()
        except TimeoutError:
            break
        conn.close()
        n += 1
    return n


def test_the_plain_heartbeat_would_follow_the_link(host_listener):
    """The control: jupyter_client's own heartbeat socket connects through the link."""
    srv, link = host_listener
    ctx = zmq.Context()
    sock = ctx.socket(zmq.REQ)
    sock.linger = 0
    sock.connect(f"ipc://{link}")
    time.sleep(0.2)
    try:
        assert _connections(srv) >= 1
    finally:
        sock.close()
        ctx.term()


def test_the_sandbox_heartbeat_does_not(host_listener):
    srv, link = host_listener
    ctx = zmq.Context()
    channel = SandboxHBChannel(context=ctx, address=f"ipc://{link}")
    try:
        for _ in range(3):  # each missed beat makes a new socket: none of them connects
            channel._create_socket()
            time.sleep(0.1)
        assert _connections(srv) == 0
    finally:
        channel.socket.close()
        ctx.term()


def test_harden_socket_refuses_a_link(host_listener):
    _srv, link = host_listener
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    try:
        with pytest.raises(RuntimeError, match="not a socket"):
            harden_socket(sock, f"ipc://{link}")
        assert sock.getsockopt(zmq.RECONNECT_IVL) != -1  # refused before any option was set
    finally:
        sock.close(linger=0)
        ctx.term()


def test_a_refused_heartbeat_stops_instead_of_hanging(host_listener):
    """A send on a socket with no connection must not block the channel's thread (stop()
    joins it: a blocked thread would hang the whole autograde run)."""
    srv, link = host_listener
    ctx = zmq.Context()
    channel = SandboxHBChannel(context=ctx, address=f"ipc://{link}")
    channel.time_to_dead = 0.2
    channel.start()
    deadline = time.monotonic() + 10
    while channel.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not channel.is_beating()
    start = time.monotonic()
    channel.stop()
    assert time.monotonic() - start < 5
    assert _connections(srv) == 0
    ctx.term()


def test_the_heartbeat_stops_when_the_kernel_closes_its_socket(tmp_path):
    """A connected heartbeat whose peer goes away reports the heart dead, and stops at once."""
    ctx = zmq.Context()
    rep = ctx.socket(zmq.REP)
    path = tmp_path / "hb"
    rep.bind(f"ipc://{path}")
    channel = SandboxHBChannel(context=ctx, address=f"ipc://{path}")
    channel.time_to_dead = 0.2
    channel.start()
    try:
        assert rep.poll(5000), "no ping arrived"
        rep.send(rep.recv())
        time.sleep(0.3)
        rep.close(linger=0)
        deadline = time.monotonic() + 15
        while channel.is_beating() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not channel.is_beating()
    finally:
        start = time.monotonic()
        channel.stop()
        assert time.monotonic() - start < 5
        ctx.term()
