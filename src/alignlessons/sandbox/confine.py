"""A seccomp filter for the throwaway process in which a test's call into student code runs.

:func:`apply` makes the calling process unable to leave a trace that the student's kernel could
read later: it cannot open a file for writing, create, rename, link or delete files, change
their metadata, create sockets, signal or trace other processes, use System V or POSIX message
queues, semaphores or shared memory, take file locks, start programs, or change its own name.
Reading files, computing and allocating memory stay allowed, so honest answers run unchanged.
Forbidden calls fail with ``EPERM`` (``PermissionError`` in Python).

Linux on x86-64 only; elsewhere :func:`apply` returns False and the call still runs forked,
with every file descriptor but its reply pipe closed. Stdlib only.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct

# BPF instruction classes and fields.
_LD_W_ABS, _JEQ_K, _JSET_K, _RET_K = 0x20, 0x15, 0x45, 0x06
_RET_KILL, _RET_ALLOW = 0x80000000, 0x7FFF0000
_RET_ERRNO = 0x00050000 | errno.EPERM
_AUDIT_ARCH_X86_64 = 0xC000003E
_X32_BIT = 0x40000000

# x86-64 system call numbers.
_DENY_X86_64 = {
    "creat": 85,
    "openat2": 437,
    "socket": 41,
    "socketpair": 53,
    "connect": 42,
    "bind": 49,
    "sendto": 44,
    "sendmsg": 46,
    "sendmmsg": 307,
    "kill": 62,
    "tkill": 200,
    "tgkill": 234,
    "rt_sigqueueinfo": 129,
    "rt_tgsigqueueinfo": 297,
    "pidfd_send_signal": 424,
    "pidfd_open": 434,
    "pidfd_getfd": 438,
    "ptrace": 101,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "mkdir": 83,
    "mkdirat": 258,
    "rmdir": 84,
    "unlink": 87,
    "unlinkat": 263,
    "rename": 82,
    "renameat": 264,
    "renameat2": 316,
    "link": 86,
    "linkat": 265,
    "symlink": 88,
    "symlinkat": 266,
    "truncate": 76,
    "ftruncate": 77,
    "chmod": 90,
    "fchmod": 91,
    "fchmodat": 268,
    "chown": 92,
    "fchown": 93,
    "lchown": 94,
    "fchownat": 260,
    "mknod": 133,
    "mknodat": 259,
    "utime": 132,
    "utimes": 235,
    "utimensat": 280,
    "futimesat": 261,
    "setxattr": 188,
    "lsetxattr": 189,
    "fsetxattr": 190,
    "removexattr": 197,
    "lremovexattr": 198,
    "fremovexattr": 199,
    "msgget": 68,
    "msgsnd": 69,
    "msgctl": 71,
    "semget": 64,
    "semop": 65,
    "semctl": 66,
    "semtimedop": 220,
    "shmget": 29,
    "shmat": 30,
    "shmctl": 31,
    "mq_open": 240,
    "mq_unlink": 241,
    "mq_timedsend": 242,
    "flock": 73,
    "execve": 59,
    "execveat": 322,
    "io_uring_setup": 425,
    "bpf": 321,
    "perf_event_open": 298,
    "add_key": 248,
    "request_key": 249,
    "keyctl": 250,
    "setpriority": 141,
    "prctl": 157,
    "userfaultfd": 323,
    "memfd_secret": 447,
    "quotactl": 179,
    "sethostname": 170,
}
_OPEN_WRITE = 0o1 | 0o2 | 0o100 | 0o1000 | 0o2000 | 0o20000000  # WRONLY RDWR CREAT TRUNC APPEND TMPFILE-ish
_OPEN_X86_64 = ((2, 1), (257, 2))  # open(path, flags), openat(dir, path, flags)
_FCNTL_X86_64 = (72, (6, 7, 37, 38))  # fcntl F_SETLK, F_SETLKW, F_OFD_SETLK, F_OFD_SETLKW


def _ins(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def _arg_low(index: int) -> int:
    return 16 + 8 * index  # seccomp_data.args[index], low 32 bits (little-endian)


def program() -> list[bytes]:
    """The BPF program (x86-64)."""
    p = [
        _ins(_LD_W_ABS, 0, 0, 4),
        _ins(_JEQ_K, 1, 0, _AUDIT_ARCH_X86_64),
        _ins(_RET_K, 0, 0, _RET_KILL),
        _ins(_LD_W_ABS, 0, 0, 0),
        _ins(_JSET_K, 0, 1, _X32_BIT),
        _ins(_RET_K, 0, 0, _RET_KILL),
    ]
    for nr in sorted(set(_DENY_X86_64.values())):
        p += [_ins(_JEQ_K, 0, 1, nr), _ins(_RET_K, 0, 0, _RET_ERRNO)]
    for nr, arg in _OPEN_X86_64:  # opening for writing (or creating) is refused
        p += [
            _ins(_JEQ_K, 0, 4, nr),
            _ins(_LD_W_ABS, 0, 0, _arg_low(arg)),
            _ins(_JSET_K, 0, 1, _OPEN_WRITE),
            _ins(_RET_K, 0, 0, _RET_ERRNO),
            _ins(_RET_K, 0, 0, _RET_ALLOW),
        ]
    nr, cmds = _FCNTL_X86_64
    n = len(cmds)
    p += [_ins(_JEQ_K, 0, n + 3, nr), _ins(_LD_W_ABS, 0, 0, _arg_low(1))]
    for i, cmd in enumerate(cmds):  # jump to the ERRNO return after the ALLOW below
        p.append(_ins(_JEQ_K, n - i, 0, cmd))
    p += [_ins(_RET_K, 0, 0, _RET_ALLOW), _ins(_RET_K, 0, 0, _RET_ERRNO)]
    p.append(_ins(_RET_K, 0, 0, _RET_ALLOW))
    return p


def supported() -> bool:
    return platform.system() == "Linux" and platform.machine() in ("x86_64", "AMD64")


def _protect_shared_memory(libc) -> None:
    """Make every writable shared mapping inherited from the parent read-only (memory the
    parent could read after the call)."""
    libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    try:
        with open("/proc/self/maps") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return
    for line in lines:
        parts = line.split()
        if len(parts) < 2 or len(parts[1]) < 4 or parts[1][1] != "w" or parts[1][3] != "s":
            continue
        start, end = (int(x, 16) for x in parts[0].split("-"))
        libc.mprotect(start, end - start, 1)  # PROT_READ


def apply() -> bool:
    """Install the filter in this process (irreversible); True if it is in force."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: the parent cannot read this process's memory
    _protect_shared_memory(libc)
    if not supported():
        return False
    code = b"".join(program())
    buf = ctypes.create_string_buffer(code, len(code))

    class _Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = _Prog(len(code) // 8, ctypes.cast(buf, ctypes.c_void_p))
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        return False
    # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
    return libc.prctl(22, 2, ctypes.c_void_p(ctypes.addressof(prog)), 0, 0) == 0
