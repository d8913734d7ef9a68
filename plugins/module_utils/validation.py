# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the pkcs12_validate module (host file) and action (controller file) share.

Plain data and functions: input checks, bounded reading and how a report becomes a task result. Both faces go
through here, so they cannot drift apart; their argument spec is module_utils/_argspec.py's pkcs12_validate_spec.
"""

from __future__ import annotations

import hashlib
import os
import stat

from ansible_collections.esus.pec.plugins.module_utils._argspec import named
from ansible_collections.esus.pec.plugins.module_utils.pkcs12 import (
    EXPIRING,
    MAX_SIZE,
    cnpj_problem,
    too_large_report,
    validate,
)


def check_inputs(params: dict) -> str | None:
    """A message when an option cannot be right (nothing is read before this passes); it names the options as
    the caller does (``option_names``, when the plugin takes it)."""
    names = params.get("option_names")
    if params["min_days_valid"] < 0:
        return "%s must be 0 or more (it is %d)." % (named("min_days_valid", names), params["min_days_valid"])
    if params.get("expected_cnpj"):
        problem = cnpj_problem(params["expected_cnpj"])
        if problem:
            return "%s: %s." % (named("expected_cnpj", names), problem)
    return None


class NotARegularFile(OSError):
    """A folder, a FIFO, a device or a socket where a certificate file was expected."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"))


def read_limited(path: str, limit: int) -> tuple[bytes, int]:
    """(first limit+1 bytes, real size): an oversized file is refused without reading it all.

    Opened non-blocking and checked to be a regular file before any read, so a FIFO or a device given as
    the path cannot stall the task. Raises NotARegularFile (or the OSError of open).
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(next((what for test, what in _KINDS if test(info.st_mode)), "a device"))
        return handle.read(limit + 1), info.st_size


def run_validation(data: bytes | None, size: int | None, params: dict, label: str) -> dict:
    """The report for these bytes; ``data is None`` means the file does not exist."""
    if size is not None and size > MAX_SIZE:
        return too_large_report(label, size)
    report = validate(
        data,
        params["password"],
        label=label,
        min_days_valid=params["min_days_valid"],
        expected_cnpj=params.get("expected_cnpj"),
        java=params.get("java") or None,
    )
    if data is not None:
        report["checksum"] = hashlib.sha1(data).hexdigest()  # what stat/copy report: proves a deployed copy
        report["size"] = len(data)
    return report


def finish(report: dict, fail_on_invalid: bool) -> tuple[dict, bool]:
    """(task result, whether the task fails)."""
    result = dict(report, changed=False)
    warnings = list(report.get("notes") or [])
    if report["verdict"] == EXPIRING:
        warnings.insert(0, report["msg"])
    if warnings:
        result["warnings"] = warnings
    return result, bool(fail_on_invalid and not report["valid"])
