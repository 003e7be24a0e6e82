"""The class server's side of nbgrader's exchange (``deploy/jupyterhub/``).

nbgrader's ``submit`` makes every submitted file readable by every account (``0644``, in a folder
``0777``) and relies on the inbound folder not being listable and on a random suffix in the
submission's name. :class:`PrivateSubmit` (students' ``c.ExchangeFactory.submit`` on the class
server) keeps nbgrader's layout but makes the submission readable only by its owner and by the
group of the inbound folder -- the instructor's group, which the submission inherits because
nbgrader makes ``inbound`` set-group-id -- so a classmate cannot read it even knowing its name.
The instructor's ``collect`` (:class:`alignlessons.sandbox.exchange.SafeCollect`) still checks
that the submission's owner is the student it names.

Where that cannot hold (the submission did not inherit the inbound folder's group, or the
student belongs to that group), nbgrader's permissions are kept and a warning says why.
"""

from __future__ import annotations

import os
import shutil
import stat

from nbgrader.exchange.default.submit import ExchangeSubmit
from nbgrader.utils import ignore_patterns

#: Files readable by the owner and the instructor's group; folders searchable by that group; the
#: submission folder itself group-writable, so the instructor can remove it later (as nbgrader).
FILE_MODE, DIR_MODE, TOP_MODE = 0o640, 0o2750, 0o2770


class PrivateSubmit(ExchangeSubmit):
    """See the module docstring."""

    def do_copy(self, src, dest, log=None):
        """nbgrader's copy, except into the inbound folder: there, no folder takes the mode of
        the student's (``copytree`` would clear set-group-id, and the files written after it --
        ``timestamp.txt``, ``submission_secret.txt`` -- would lose the instructor's group)."""
        if os.path.dirname(os.path.abspath(dest)) != os.path.abspath(self.inbound_path):
            return super().do_copy(src, dest, log)
        if self.get_size(src) > 1000 * self.coursedir.max_dir_size:
            raise RuntimeError("Directory size is too big")
        ignore = ignore_patterns(
            exclude=self.coursedir.ignore,
            include=self.coursedir.include,
            max_file_size=self.coursedir.max_file_size,
            log=self.log,
        )

        def copy_dir(source: str, target: str) -> None:
            os.makedirs(target, exist_ok=True)  # inherits the inbound folder's group
            names = os.listdir(source)
            skipped = ignore(source, names)
            for name in names:
                if name in skipped:
                    continue
                s, t = os.path.join(source, name), os.path.join(target, name)
                if os.path.isdir(s):
                    copy_dir(s, t)
                elif os.path.isfile(s):
                    shutil.copyfile(s, t)

        copy_dir(src, dest)

    def copy_files(self):
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        inbound_gid = os.stat(self.inbound_path).st_gid
        if os.stat(dest).st_gid != inbound_gid:
            self.log.warning(
                "The submission did not inherit the group of %s (is it set-group-id?): "
                "keeping nbgrader's permissions (readable by every account that "
                "knows its name).",
                self.inbound_path,
            )
            return
        if inbound_gid in os.getgroups():
            self.log.warning(
                "You belong to the group of %s, so group permissions cannot keep the "
                "submission private: keeping nbgrader's permissions.",
                self.inbound_path,
            )
            return
        for dirpath, _dirnames, filenames in os.walk(dest):
            for name in filenames:
                path = os.path.join(dirpath, name)
                if stat.S_ISREG(os.lstat(path).st_mode):
                    os.chmod(path, FILE_MODE)
            os.chmod(dirpath, TOP_MODE if dirpath == dest else DIR_MODE)
