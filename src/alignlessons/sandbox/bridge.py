"""The link between a student kernel and its test kernel (an inherited unix socket pair).

Student side (:func:`serve`, started before any student code runs): answers two requests --
"the values of these names" and "call the function behind this reference with these
arguments" -- with plain data (:mod:`alignlessons.sandbox.codec`).

Test side (:func:`connect`, :func:`fetch`): before each test cell the grader runs
``fetch(globals(), names, answers)`` in the test kernel; it copies the student's values in, and
student functions become :class:`RemoteFunction` proxies. An exception in the student's code is
re-raised in the test kernel as the nearest built-in exception with the student's message.
Whatever the student kernel sends is only ever decoded as data, with size limits and a time
limit per request.
"""

from __future__ import annotations

import builtins
import os
import socket
import struct
import threading

from . import codec

_HEADER = struct.Struct(">I")
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_BaseException, _Exception, _type, _isinstance = BaseException, Exception, type, isinstance
_str, _getattr = str, getattr


class StudentKernelUnavailable(RuntimeError):
    """The student's kernel stopped, broke the link, or sent something that is not an answer."""


class StudentCodeTimeout(TimeoutError):
    """The student's code did not return in time when a test called it."""


def _send(sock: socket.socket, obj) -> None:
    data = codec.dumps(obj)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise EOFError("link closed")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _recv(sock: socket.socket, max_bytes: int):
    (size,) = _HEADER.unpack(_recv_exact(sock, _HEADER.size))
    if size > max_bytes:
        raise ValueError(f"message of {size} bytes exceeds the limit of {max_bytes}")
    return codec.loads(_recv_exact(sock, size))


# --- student side ------------------------------------------------------------------------------
def _describe(exc: BaseException) -> dict:
    try:
        names = [c.__name__ for c in _type(exc).__mro__ if _getattr(c, "__module__", "") == "builtins"]
    except Exception:  # noqa: BLE001
        names = []
    try:
        message = _str(exc)[:2000]
    except Exception:  # noqa: BLE001
        message = ""
    return {"types": names or ["Exception"], "message": message}


def _call_here(fn, args_data, kwargs_data, register=None) -> dict:
    """Decode the arguments, call ``fn``, encode the result (or the exception) as a reply."""
    decoder = codec.Decoder()
    args = [decoder(a) for a in args_data]
    kwargs = {k: decoder(v) for k, v in kwargs_data}
    try:
        result = fn(*args, **kwargs)
    except _BaseException as exc:  # the student's exception, sent back
        return {"raise": _describe(exc)}
    try:
        return {"ok": codec.Encoder(register)(result)}
    except _BaseException as exc:
        return {"raise": {"types": ["TypeError"], "message": f"the returned value cannot be checked: {exc}"}}


class _Sink:
    """A stand-in for stdout/stderr in the isolated call: everything written is dropped."""

    encoding = "utf-8"
    errors = "replace"

    def write(self, text):
        return len(text) if _isinstance(text, _str) else 0

    def flush(self):
        return None

    def isatty(self):
        return False

    def writable(self):
        return True

    def fileno(self):
        return 1


def _enter_isolation(keep_fd: int) -> None:
    """In the forked child, before any student code runs: drop every channel back to the
    student's kernel (all file descriptors but the reply pipe, stdout/stderr, IPython's
    display publisher and messaging), make the process undumpable (its memory cannot be read
    by the parent's threads), and install the system-call filter of :mod:`.confine` where the
    platform allows it."""
    import sys

    devnull = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        if devnull != target:
            os.dup2(devnull, target)
    low, high = sorted((keep_fd, devnull if devnull > 2 else keep_fd))
    for start, stop in ((3, low), (low + 1, high), (high + 1, 65536)):
        if start < stop:
            os.closerange(start, stop)
    if devnull > 2 and devnull != keep_fd:
        try:
            os.close(devnull)
        except OSError:
            pass
    sys.stdout = sys.stderr = _Sink()
    sys.stdin = None
    try:
        ip = sys.modules["IPython"].get_ipython()
        if ip is not None:
            ip.display_pub.publish = lambda *a, **k: None
            ip.display_pub.clear_output = lambda *a, **k: None
            kernel = getattr(ip, "kernel", None)
            if kernel is not None:
                kernel.session.send = lambda *a, **k: None
    except Exception:  # noqa: BLE001 - no IPython here (tests of this module)
        pass
    from . import confine

    confine.apply()


def isolated_call(fn, args_data, kwargs_data, *, timeout: float, max_bytes: int) -> dict:
    """Run a call that a test makes in a throwaway copy of the student's process (``fork``).

    The child gets the test's arguments and nothing else; it has no way back to the student's
    kernel (see :func:`_enter_isolation`), so whatever the student's code does with them --
    print them, keep them in a global, write them to a file, send them somewhere -- dies with
    the child. Only the reply (the result as data, or the exception) comes back."""
    import select
    import signal

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(read_end)
            _enter_isolation(write_end)
            try:
                reply = _call_here(fn, args_data, kwargs_data, None)
                data = codec.dumps(reply)
            except _BaseException as exc:
                data = codec.dumps({"raise": _describe(exc)})
            if len(data) > max_bytes:
                data = codec.dumps(
                    {"raise": {"types": ["ValueError"], "message": "the returned value is too large to be checked"}}
                )
            view = memoryview(_HEADER.pack(len(data)) + data)
            while view:
                n = os.write(write_end, view)
                view = view[n:]
        except _BaseException:
            code = 70
        finally:
            os._exit(code)
    os.close(write_end)
    chunks, size, deadline = [], None, _monotonic() + timeout
    try:
        while True:
            left = deadline - _monotonic()
            if left <= 0:
                return {
                    "raise": {"types": ["TimeoutError"], "message": f"your code did not return within {timeout:g} s"}
                }
            ready, _, _ = select.select([read_end], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            got = sum(len(c) for c in chunks)
            if size is None and got >= _HEADER.size:
                (size,) = _HEADER.unpack(b"".join(chunks)[: _HEADER.size])
                if size > max_bytes:
                    break
            if size is not None and got >= _HEADER.size + size:
                break
    finally:
        os.close(read_end)
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(pid, 0)
        except OSError:
            pass
    data = b"".join(chunks)
    if size is None or len(data) < _HEADER.size + size or size > max_bytes:
        return {
            "raise": {
                "types": ["RuntimeError"],
                "message": "your code ended the process (or exceeded a limit) while a test called it",
            }
        }
    try:
        return codec.loads(data[_HEADER.size : _HEADER.size + size])
    except (ValueError, codec.CodecError):
        return {"raise": {"types": ["RuntimeError"], "message": "the answer could not be read"}}


def _monotonic() -> float:
    import time

    return time.monotonic()


def serve(
    fd: int, namespace, *, max_bytes: int | None = None, isolate: bool = True, call_timeout: float = 60.0
) -> threading.Thread:
    """Answer the test kernel's requests on ``fd`` in a background thread. ``namespace()``
    returns the student's global namespace. With ``isolate`` each call a test makes runs in a
    forked copy of the process (:func:`isolated_call`)."""
    sock = socket.socket(fileno=fd)
    limit = max_bytes or DEFAULT_MAX_BYTES
    registry: dict[int, object] = {}

    def register(obj) -> int:
        ref = len(registry) + 1
        registry[ref] = obj
        return ref

    def answer(request):
        op = request.get("op") if _isinstance(request, dict) else None
        if op == "get":
            ns = namespace()
            values, missing = {}, []
            for name in request.get("names", []):
                if not _isinstance(name, _str) or name not in ns:
                    missing.append(name)
                    continue
                try:
                    values[name] = codec.Encoder(register)(ns[name])
                except _BaseException as exc:  # report, do not die
                    values[name] = {"$t": "opaque", "type": "unencodable", "repr": _str(exc)[:200]}
            return {"values": values, "missing": missing}
        if op == "call":
            fn = registry.get(request.get("ref"))
            if fn is None:
                return {"raise": {"types": ["RuntimeError"], "message": "unknown function"}}
            if isolate:
                return isolated_call(
                    fn, request.get("args", []), request.get("kwargs", []), timeout=call_timeout, max_bytes=limit
                )
            return _call_here(fn, request.get("args", []), request.get("kwargs", []), register)
        return {"raise": {"types": ["RuntimeError"], "message": "bad request"}}

    def loop() -> None:
        while True:
            try:
                request = _recv(sock, limit)
            except (EOFError, OSError, ValueError):
                return
            try:
                reply = answer(request)
            except _BaseException as exc:
                reply = {"raise": _describe(exc)}
            try:
                _send(sock, reply)
            except (OSError, ValueError, TypeError):
                try:
                    _send(sock, {"raise": {"types": ["TypeError"], "message": "answer not sendable"}})
                except OSError:
                    return

    thread = threading.Thread(target=loop, name="alignlessons-bridge", daemon=True)
    thread.start()
    return thread


# --- test side ---------------------------------------------------------------------------------
class _Client:
    def __init__(self, sock: socket.socket, timeout: float, max_bytes: int):
        self.sock, self.timeout, self.max_bytes = sock, timeout, max_bytes
        self.broken: str | None = None
        self.lock = threading.Lock()

    def request(self, obj):
        if self.broken:
            raise StudentKernelUnavailable(self.broken)
        with self.lock:
            try:
                self.sock.settimeout(self.timeout)
                _send(self.sock, obj)
                return _recv(self.sock, self.max_bytes)
            except TimeoutError:
                self.broken = f"the student's code did not answer within {self.timeout:g} s; later checks cannot run"
                raise StudentCodeTimeout(f"your code did not return within {self.timeout:g} s") from None
            except (EOFError, OSError) as exc:
                self.broken = f"the student's kernel is not running ({exc})"
                raise StudentKernelUnavailable(self.broken) from None
            except (ValueError, codec.CodecError) as exc:
                self.broken = f"the student's kernel sent something that is not an answer ({exc})"
                raise StudentKernelUnavailable(self.broken) from None


_client: _Client | None = None
_fetched: set[str] = set()
_control: socket.socket | None = None
_settings = {"timeout": 60.0, "max_bytes": DEFAULT_MAX_BYTES}
_generation = [0]


def connect(fd: int, *, timeout: float = 60.0, max_bytes: int | None = None) -> None:
    """Use ``fd`` as the link to the student kernel."""
    global _client
    if _client is not None:
        try:
            _client.sock.close()
        except OSError:
            pass
    _client = _Client(socket.socket(fileno=fd), timeout, max_bytes or DEFAULT_MAX_BYTES)
    _generation[0] += 1


def listen(fd: int, *, timeout: float = 60.0, max_bytes: int | None = None) -> None:
    """Test side: ``fd`` is the control socket on which the grader passes, for each notebook,
    the test kernel's end of the link to that notebook's student kernel (see :func:`adopt`)."""
    global _control
    _control = socket.socket(fileno=fd)
    _settings.update(timeout=timeout, max_bytes=max_bytes or DEFAULT_MAX_BYTES)


def adopt() -> None:
    """Take the next link passed on the control socket (run by the grader, never by tests)."""
    if _control is None:
        raise StudentKernelUnavailable("no control socket")
    _control.settimeout(30)
    _, fds, _, _ = socket.recv_fds(_control, 16, 4)
    if len(fds) != 1:
        for fd in fds:
            os.close(fd)
        raise StudentKernelUnavailable("no link to the student's kernel was passed")
    connect(fds[0], timeout=_settings["timeout"], max_bytes=_settings["max_bytes"])


def reset() -> None:
    """Forget everything about the previous notebook (run by the grader between notebooks)."""
    global _client
    import linecache

    if _client is not None:
        try:
            _client.sock.close()
        except OSError:
            pass
    _client = None
    _fetched.clear()
    _generation[0] += 1
    for key in [k for k in linecache.cache if isinstance(k, str) and k.startswith("<student code ")]:
        linecache.cache.pop(key, None)


def _exception(info) -> BaseException:
    message = _str(info.get("message", "")) if _isinstance(info, dict) else ""
    for name in (info.get("types") or []) if _isinstance(info, dict) else []:
        cls = builtins.__dict__.get(name) if _isinstance(name, _str) else None
        if _isinstance(cls, _type) and issubclass(cls, _Exception):
            try:
                return cls(message)
            except Exception:  # noqa: BLE001 - exception classes with special signatures
                break
        if _isinstance(cls, _type) and issubclass(cls, _BaseException):
            return RuntimeError(f"{name}: {message}")
    return RuntimeError(message)


def _call_remote(ref: int, name: str, args, kwargs, generation: int | None = None):
    """Run the student's function ``ref`` in the student's kernel; return its result as data."""
    if _client is None or (generation is not None and generation != _generation[0]):
        raise StudentKernelUnavailable("no student kernel is connected")
    encoder = codec.Encoder()
    reply = _client.request(
        {
            "op": "call",
            "ref": ref,
            "args": [encoder(a) for a in args],
            "kwargs": [[k, encoder(v)] for k, v in kwargs.items()],
        }
    )
    if not _isinstance(reply, dict):
        raise StudentKernelUnavailable("malformed answer")
    if "raise" in reply:
        raise _exception(reply["raise"])
    try:
        return codec.Decoder(_remote)(reply.get("ok"))
    except (codec.CodecError, KeyError, TypeError, ValueError) as exc:
        raise TypeError(f"the value returned by {name} cannot be checked ({exc})") from None


_WRAPPER = """def {name}(*args, **kwargs):{pad}
    return _call_remote(_ref, {name!r}, args, kwargs, _generation)
"""
_counter = [0]


def _remote(d: dict, decoder=None):
    """A real function standing for a student's function: calls run in the student's kernel.

    ``inspect.getsource`` gives the student's source text and ``inspect.signature`` the
    student's parameters, as they would in the student's own kernel."""
    import inspect
    import keyword
    import linecache

    name = d.get("name")
    if not (_isinstance(name, _str) and name.isidentifier() and not keyword.iskeyword(name)):
        name = "function"
    _counter[0] += 1
    filename = f"<student code {_counter[0]}: {name}>"
    scope = {"_call_remote": _call_remote, "_ref": int(d["ref"]), "__name__": "__main__", "_generation": _generation[0]}
    source = d.get("source")
    # The call line lies past the end of the student's source, so tracebacks show no wrong line
    # for this frame, while inspect.getsource (which starts at the def) shows the student's code.
    pad = "\n" * ((source.count("\n") + 2) if _isinstance(source, _str) else 0)
    exec(compile(_WRAPPER.format(name=name, pad=pad), filename, "exec"), scope)  # noqa: S102
    fn = scope[name]
    if _isinstance(source, _str):
        lines = source.splitlines(True)
        linecache.cache[filename] = (len(source), None, lines, filename)
    else:
        linecache.cache[filename] = (0, None, _WRAPPER.format(name=name, pad="").splitlines(True), filename)
    if _isinstance(d.get("doc"), _str):
        fn.__doc__ = d["doc"]
    sig = d.get("signature")
    if _isinstance(sig, list):
        try:
            params = []
            for entry in sig:
                pname, kind = _str(entry[0]), inspect._ParameterKind(int(entry[1]))
                default = inspect.Parameter.empty
                if len(entry) > 2:
                    try:
                        default = codec.Decoder()(entry[2])
                    except Exception:  # noqa: BLE001
                        default = codec.Opaque("default")
                params.append(inspect.Parameter(pname, kind, default=default))
            fn.__signature__ = inspect.Signature(params)
        except Exception:  # noqa: BLE001 - keep the generic signature
            pass
    return fn


RemoteFunction = _remote


def fetch(namespace: dict, names, answers=()) -> list[str]:
    """Copy the student's values of ``names`` into ``namespace`` (the test kernel's globals).

    A name is copied when the course's solution defines it (``answers``), or when neither the
    test kernel's namespace nor the builtins define it (names copied before count as not
    defined). Returns the names copied.
    """
    if _client is None:
        raise StudentKernelUnavailable("no student kernel is connected")
    answers = set(answers)
    wanted = [
        n for n in names if n in answers or ((n not in namespace or n in _fetched) and n not in builtins.__dict__)
    ]
    if not wanted:
        return []
    reply = _client.request({"op": "get", "names": wanted})
    if not _isinstance(reply, dict) or not _isinstance(reply.get("values"), dict):
        raise StudentKernelUnavailable("malformed answer")
    copied = []
    for name in wanted:
        if name in reply["values"]:
            try:
                namespace[name] = codec.Decoder(_remote)(reply["values"][name])
            except (codec.CodecError, KeyError, TypeError, ValueError) as exc:
                namespace[name] = codec.Opaque("unreadable", _str(exc))
            _fetched.add(name)
            copied.append(name)
        elif name in _fetched:
            namespace.pop(name, None)
            _fetched.discard(name)
    return copied
