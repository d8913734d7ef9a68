# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The messages of a damaged file (verdict corrupt), and the note on bytes added after the PKCS#12.

Private to the collection: no stability promise outside esus.pec. Every message says what is wrong,
where (``label`` names the host and the file) and what to do next. Standard library only.
"""

from __future__ import annotations

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils._verdicts import CORRUPT, EXPORT_AGAIN, make_report
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    from _verdicts import CORRUPT, EXPORT_AGAIN, make_report


def corrupt(label: str, detail: str, algorithms: dict | None = None) -> dict:
    return make_report(
        CORRUPT,
        "%s: the PKCS#12 file is damaged (%s). Its password is not the problem: do not change it. %s"
        % (label, detail, EXPORT_AGAIN),
        algorithms=algorithms,
    )


def damaged_under_right_password(label: str, opened: str, algorithms: dict | None) -> dict:
    return make_report(
        CORRUPT,
        "%s: the password is right (it decrypts the file's %s) but the file's integrity code (MAC) does not "
        "match: the file was damaged after it was exported (PEC/Java: 'Integrity check failed'). Do not change "
        "the password. %s" % (label, opened, EXPORT_AGAIN),
        algorithms=algorithms,
    )


def part_damaged(label: str, where: str, evidence: str, algorithms: dict | None) -> dict:
    return make_report(
        CORRUPT,
        "%s: the password is right (%s) but the file's %s does not decrypt with it: that part of the file is "
        "damaged, and PEC/Java would fail on it. Do not change the password. %s"
        % (label, evidence, where or "contents", EXPORT_AGAIN),
        algorithms=algorithms,
    )


def unreadable(label: str, error: BaseException) -> dict:
    """Last resort: something below us (a native library) failed on these bytes."""
    return make_report(
        CORRUPT,
        "%s: the file could not be read (%s). %s" % (label, type(error).__name__, EXPORT_AGAIN),
    )


def contents_unreadable(label: str, detail: str, algorithms: dict | None) -> dict:
    return corrupt(label, "the password is right but the contents cannot be read: %s" % detail, algorithms)


def trailing_bytes(label: str, count: int, where: str) -> str:
    """A note, not a verdict: Java (PEC) and OpenSSL read the file the same with or without these bytes."""
    return (
        "%s: %d byte(s) after %s are ignored, as Java (PEC) and OpenSSL ignore them: the file was changed after "
        "it was exported (a text editor or a text-mode transfer adds a newline). It works as it is; when you can, "
        "vault the original binary file instead." % (label, count, where)
    )
