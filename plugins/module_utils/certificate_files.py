# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a certificate file is, for every module: standard library only.

Host-side modules (``pec_probe``) import this instead of the ``cryptography``-based core, so a probe
pays nothing for the checks it does not run.
"""

from __future__ import annotations

import hashlib

MAX_SIZE = 1024 * 1024
"""Largest input accepted: a real PKCS#12 with a chain is a few KiB."""

PKCS12_SUFFIXES = (".pfx", ".p12")
CERTIFICATE_SUFFIXES = (".cer", ".crt", ".der", ".pem")


def file_kind(name: str) -> str:
    """'pkcs12', 'certificate', 'backup' or 'other', from a file name in chaves."""
    lowered = name.lower()
    if lowered.endswith("~"):
        return "backup"
    if lowered.endswith(PKCS12_SUFFIXES):
        return "pkcs12"
    if lowered.endswith(CERTIFICATE_SUFFIXES):
        return "certificate"
    return "other"


def file_sha1(path: str) -> str | None:
    """SHA-1 (hex) of a file, as stat/copy report it; None when it cannot be read."""
    digest = hashlib.sha1()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(65536), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def other_pkcs12(names, dest_name: str) -> list:
    """The .pfx/.p12 names in chaves other than the deployed one (compared without case, as PEC lists them)."""
    mine = dest_name.casefold()
    return sorted(name for name in names if file_kind(name) == "pkcs12" and name.casefold() != mine)
