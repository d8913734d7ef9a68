# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 23's decisions, private to the collection (plugin_utils/readiness.py assembles them): PEC as the installer
left it (pec.config), its service, the host's clock against the controller's, the UF's EHR services host, and
CADSUS's prerequisites (a second verdict). Plain data in, checks out; runs on the controller."""

from __future__ import annotations

import base64
import datetime
import posixpath
import re

from ansible_collections.esus.pec.plugins.plugin_utils.readiness_codes import CODES, reason

RNDS_CONFIG_FROM = (4, 2)  # the RNDS configuration exists from PEC 4.2
DIRECT_SENDING_FROM = (5, 2)  # records are sent directly from 5.2


def check(code: str, **values) -> dict:
    known = CODES[code]
    return {"name": known.check, "status": known.status, "code": code, "values": values, "reason": reason(code, values)}


def ehr_services_host(uf: str, environment: str) -> str | None:
    """The host PEC sends records to: ``<uf>-ehr-services.saude.gov.br``, or the one homologation host."""
    if environment == "homologation":
        return "ehr-services.hmg.saude.gov.br"
    uf = (uf or "").strip().lower()
    return "%s-ehr-services.saude.gov.br" % uf if re.fullmatch(r"[a-z]{2}", uf) else None


def version_tuple(version) -> tuple | None:
    """(major, minor) of a PEC version ("5.3.21", "4.2.8-SNAPSHOT"), None when it does not start with digits."""
    found = re.match(r"\s*(\d+)\.(\d+)", str(version or ""))
    return (int(found.group(1)), int(found.group(2))) if found else None


def check_install(pec: dict, root: str, variable: str, windows: bool) -> list:
    """The installer's record (pec.config): finished, production, the webserver folder, the version."""
    config = pec.get("config_path") or "pec.config"
    state = pec.get("config")
    if windows or state in (None, "not_read"):
        why = "Windows host: the installer writes no pec.config" if windows else "rnds_readiness_pec_config is empty"
        return [check("pec_config.not_checked", why=why)]
    if state == "missing":
        return [check("pec_config.missing", config=config)]
    if state in ("unreadable", "invalid"):
        return [check("pec_config.unreadable", config=config, error=pec.get("config_error") or state)]
    found = []
    if pec.get("success") is False:
        found.append(check("pec_config.unfinished", config=config))
    if pec.get("production") is False:
        found.append(check("pec_config.training", config=config))
    recorded = pec.get("webserver_directory")
    if recorded and posixpath.normpath(recorded) != posixpath.normpath(root):
        found.append(check("pec_config.other_root", root=root, recorded=recorded, config=config, variable=variable))
    version = version_tuple(pec.get("version"))
    if version is not None and version < RNDS_CONFIG_FROM:
        found.append(check("pec_config.too_old", version=pec.get("version")))
    elif version is not None and version < DIRECT_SENDING_FROM:
        found.append(check("pec_config.no_direct_sending", version=pec.get("version")))
    return found or [check("pec_config.ok", config=config, version=pec.get("version"), webserver=recorded or root)]


def check_service(service: dict | None, name: str) -> dict:
    if not name:
        return check("service.not_checked")
    service = service or {}
    state = service.get("state")
    values = {"service": name, "detail": service.get("detail") or state}
    if state in ("active", "inactive", "failed"):
        return check("service.%s" % state, **values)
    if state == "not_installed":
        return check("service.not_installed", service=name)
    why = {
        "no_systemd": "systemd is not running on the host",
        None: "the probe did not say",
    }.get(state, service.get("detail") or "state %s" % state)
    return check("service.cannot_tell", service=name, why=why)


def check_clock(host_time, controller_time: float, limit: int) -> dict:
    """The host's clock (the probe's answer) against the controller's, taken once the answer arrived: the round
    trip only makes the host look late by its length, seconds against a limit of minutes."""
    if not isinstance(host_time, (int, float)):
        return check("clock.not_checked")
    skew = round(host_time - controller_time)
    if abs(skew) <= limit:
        return check("clock.ok", skew=abs(skew))
    return check("clock.skewed", skew=abs(skew), direction="ahead of" if skew > 0 else "behind", limit=limit)


def network_failures(results: list) -> tuple:
    """(the names that did not resolve, the ones that resolved but did not connect), each as shown."""
    dns, tcp = [], []
    for result in results:
        if result.get("reachable"):
            continue
        shown = "%s:%s (%s)" % (result["host"], result["port"], result.get("error") or "no answer")
        (dns if result.get("stage") == "dns" else tcp).append(shown)
    return dns, tcp


def check_trust(trust: dict | None, asked: str) -> dict | None:
    """PEC's Java trust store against the RNDS endpoints the host reached (module_utils/jre_trust.py), or None
    when not asked. ``asked``: "" (not asked), "windows" (not looked at there) or "linux". A handshake that did
    not happen never passes: it is a warning, and a refused one fails whatever the others said."""
    if not asked:
        return None
    if asked == "windows":
        return check("trust.windows")
    if trust is None:
        return check("trust.not_checked")
    path = trust.get("path")
    if trust.get("error"):
        return check("trust.unknown", path=path, why=trust["error"])
    endpoints = trust.get("endpoints") or []
    if not endpoints:
        return check("trust.not_checked")
    refused = ["%s:%s (%s)" % (e["host"], e["port"], e.get("error")) for e in endpoints if e.get("trusted") is False]
    if refused:
        return check("trust.untrusted", path=path, failed=", ".join(refused))
    unknown = ["%s:%s (%s)" % (e["host"], e["port"], e.get("error")) for e in endpoints if e.get("trusted") is not True]
    if unknown:
        return check("trust.unknown", path=path, why="no TLS handshake with " + ", ".join(unknown))
    shown = ", ".join("%s:%s" % (e["host"], e["port"]) for e in endpoints)
    return check("trust.ok", path=path, endpoints=shown, format=trust.get("format"), anchors=trust.get("anchors"))


def _certificate_dates(der_b64: str):
    try:
        from cryptography import x509

        certificate = x509.load_der_x509_certificate(base64.b64decode(der_b64))
    except Exception:
        return None
    after = getattr(certificate, "not_valid_after_utc", None)
    return after or certificate.not_valid_after.replace(tzinfo=datetime.timezone.utc)


def check_cadsus(cadsus: dict | None, installed: bool, now: datetime.datetime | None = None) -> list:
    """CADSUS's prerequisites besides the certificate: HTTPS (which way), gov.br login, the HTTPS port."""
    if not installed or cadsus is None:
        return [check("cadsus.not_checked", why="PEC not installed" if not installed else "not looked at")]
    found = []
    if not cadsus.get("https"):
        found.append(check("cadsus.no_https"))
    if not cadsus.get("govbr_login"):
        found.append(check("cadsus.no_govbr_login"))
    port = cadsus.get("port")
    if cadsus.get("https") and port:
        if not port.get("answered"):
            found.append(check("cadsus.https_silent", port=port.get("port"), error=port.get("error") or "no answer"))
        elif port.get("certificate_der_b64"):
            after = _certificate_dates(port["certificate_der_b64"])
            now = now or datetime.datetime.now(datetime.timezone.utc)
            if after is not None and after < now:
                found.append(check("cadsus.https_expired", port=port["port"], not_after=after.date().isoformat()))
            elif after is not None:
                found.append(check("cadsus.https_ok", port=port["port"], days=(after - now).days))
    if not [c for c in found if c["status"] != "pass"]:
        found.insert(0, check("cadsus.ready", https=cadsus["https"]))
    return found
