# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a certificate file is, for every module: standard library only.

Host-side modules (``pec_probe``) import this instead of the ``cryptography``-based core, so a probe
pays nothing for the checks it does not run.
"""

from __future__ import annotations

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
