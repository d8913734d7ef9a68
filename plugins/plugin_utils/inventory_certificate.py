# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit's view of the inventory's certificate and of a renewal (issue 23): plain data in, findings out.

The action esus.pec.rnds_audit reads ``rnds_certificate_src`` once on the controller, vault-aware and in memory
(plugin_utils/vaulted_source.py ``read_source``, the deploy's own reading), validates those bytes with the rules
the deploy uses for the host's Java, and gives this module what it found: the report, the bytes' SHA-1 and
whether the file was vaulted. :func:`inventory_finding` compares it with the certificate in ``chaves`` by SHA-1
(the checksum the deploy installs and verifies). A bad certificate in the inventory is fixed in e-Gestor AB or
in the vault, never by a deploy (which would refuse it): its codes say so, and they come before ``chaves`` in the
checks' order. :func:`renewal` remembers the deployed file's SHA-1 in the local fact, so the audit that first
sees a new file, and the ones in the following days, remind the municipal admin that PEC keeps the file chosen
before until someone selects the new one in Gestão Municipal > Certificados (PEC keeps that choice in its
database, which the audit does not read).
"""

from __future__ import annotations

import datetime
import json
from typing import NamedTuple

from ansible_collections.esus.pec.plugins.plugin_utils.readiness_codes import CODES

REMIND_DAYS = 14  # how long after a renewal the report keeps reminding to select the new file in PEC


class Finding(NamedTuple):
    code: str
    values: dict


def _certificate(report: dict | None) -> dict:
    return (report or {}).get("certificate") or {}


def inventory_finding(inventory: dict | None, deployed: dict | None, deployed_report: dict | None) -> Finding:
    """The ``inventory`` check. ``inventory``: None when the host has no rnds_certificate_src, else
    {src, report, sha1 (None when unread), vaulted, locked (the vault secrets could not decrypt it),
    allow_plaintext}; ``deployed``: the one certificate in chaves {name, sha1} or None; ``deployed_report`` its
    validation report (None when it was not validated)."""
    if inventory is None:
        return Finding("inventory.not_configured", {})
    report, src = inventory["report"], inventory["src"]
    mine = _certificate(report)
    values = {"src": src, "not_after": mine.get("not_after"), "not_before": mine.get("not_before")}
    if inventory.get("locked"):
        return Finding("inventory.vault_locked", values)
    if not report["valid"]:
        code = "inventory.%s" % report["verdict"]
        if code not in CODES or CODES[code].check != "inventory":
            code = "inventory.invalid"
        return Finding(code, dict(values, verdict=report["verdict"], cnpj=mine.get("cnpj_formatted")))
    if not inventory.get("vaulted") and not inventory.get("allow_plaintext"):
        return Finding("inventory.not_vaulted", values)
    if not deployed:
        return Finding("inventory.not_deployed", values)
    if deployed.get("sha1") and deployed["sha1"] == inventory.get("sha1"):
        return Finding("inventory.same", dict(values, name=deployed["name"]))
    theirs = _certificate(deployed_report)
    differences = dict(
        values,
        name=deployed["name"],
        inventory_serial=mine.get("serial"),
        inventory_not_after=mine.get("not_after"),
        deployed_serial=theirs.get("serial"),
        deployed_not_after=theirs.get("not_after"),
    )
    usable = bool(deployed_report and deployed_report.get("valid"))
    return Finding("inventory.differs" if usable else "inventory.deploy_needed", differences)


def previous_fact(text: str | None) -> dict:
    """The local fact the last audit left (its JSON text as the probe read it), or {}."""
    try:
        fact = json.loads(text) if text else {}
    except ValueError:
        return {}
    return fact if isinstance(fact, dict) else {}


def renewal(previous: dict, deployed: dict | None, report: dict | None, today: datetime.date) -> tuple:
    """(the reminder's finding or None, what the local fact keeps: {certificate_sha1, renewed_on}).

    A renewal is a deployed file whose SHA-1 differs from the one the last audit recorded; the reminder lasts
    REMIND_DAYS from the audit that first saw it, while the file stays the same and is usable. A first audit
    (no SHA-1 recorded yet) is no renewal."""
    sha1 = (deployed or {}).get("sha1")
    before = previous.get("certificate_sha1")
    renewed_on = None
    if sha1 and before and sha1 != before:
        renewed_on = today.isoformat()
    elif sha1 and sha1 == before:
        renewed_on = previous.get("renewed_on")
    # no file now (removed, unreadable): remember the last one, so the next file seen is a renewal
    kept = {"certificate_sha1": sha1 or before, "renewed_on": renewed_on}
    try:
        since = (today - datetime.date.fromisoformat(renewed_on)).days if renewed_on else None
    except (TypeError, ValueError):
        since = None
    if since is None or not 0 <= since < REMIND_DAYS or not (report or {}).get("valid"):
        return None, kept
    values = {"name": deployed["name"], "renewed_on": renewed_on, "not_after": _certificate(report).get("not_after")}
    return Finding("renewal.select_in_pec", values), kept
