# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PEC as the installer left it on a Linux host, read without a secret: standard library only, no imports from
the collection (plugin_utils/direct_probe.py runs it on the host beside host_probe.py).

- ``read_pec_config``: the non-secret keys of ``/etc/pec.config`` (the file also holds ``databasePassword``: the
  JSON is parsed in memory and only the keys of ``CONFIG_KEYS`` leave this function; the file is never printed).
- ``service_state``: the systemd unit of PEC (``systemctl show``, a subprocess of the probe itself: no extra
  remote command).
- ``cadsus_config``: what CADSUS needs besides the certificate, from the key *names* of PEC's properties files
  (``application.properties`` holds the datasource password: values are never kept).
- ``https_certificate``: the certificate PEC's HTTPS port presents (public bytes, judged on the controller).
"""

from __future__ import annotations

import binascii
import json
import os
import socket

# pec.config key -> the probe's name for it. Only these are read back; never databasePassword/Url/Username.
CONFIG_KEYS = {
    "success": "success",
    "production": "production",
    "version": "version",
    "webserverVersion": "webserver_version",
    "directory": "directory",
    "webserverDirectory": "webserver_directory",
    "jreVersion": "jre_version",
}
GOVBR_CLIENT_ID = "bridge.security.oauth2.client.registration.govbr.client-id"
SSL_KEY_STORE = "server.ssl.key-store"


def read_pec_config(path: str) -> dict:
    """{config: read|missing|unreadable|invalid|not_read, config_error, and the CONFIG_KEYS values}."""
    info = dict.fromkeys(CONFIG_KEYS.values())
    info.update(config="not_read", config_path=path or None, config_error=None)
    if not path:
        return info
    try:
        with open(path, encoding="utf-8") as handle:
            config = json.load(handle)
    except FileNotFoundError:
        return dict(info, config="missing")
    except OSError as exc:
        return dict(info, config="unreadable", config_error=exc.strerror or type(exc).__name__)
    except ValueError:  # never the parser's message: it may quote a piece of the file
        return dict(info, config="invalid", config_error="not JSON")
    if not isinstance(config, dict):
        return dict(info, config="invalid", config_error="not a JSON object")
    info["config"] = "read"
    for key, name in CONFIG_KEYS.items():
        value = config.get(key)
        if isinstance(value, bool):
            info[name] = value
        elif value not in (None, ""):
            info[name] = str(value)
    return info


SYSTEMD_STATES = {"active": "active", "reloading": "active", "activating": "active", "failed": "failed"}


def service_state(name: str) -> dict:
    """{name, state: active|inactive|failed|not_installed|no_systemd|unknown, detail}."""
    result = {"name": name, "state": "unknown", "detail": None}
    if not os.path.isdir("/run/systemd/system"):  # sd_booted(): systemd is not PID 1 here
        return dict(result, state="no_systemd")
    import subprocess  # only on a systemd host: the look imports no more than it uses (direct_probe.py)

    command = ["systemctl", "show", "--no-pager", "--property=LoadState,ActiveState,SubState,Result", "--", name]
    try:
        # the direct probe runs without AnsiballZ, so there is no AnsibleModule.run_command to call here
        done = subprocess.run(  # pylint: disable=ansible-bad-function
            command, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return dict(result, detail="systemctl: %s" % (getattr(exc, "strerror", None) or type(exc).__name__))
    shown = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    if done.returncode != 0 or "LoadState" not in shown:
        return dict(result, detail=(done.stderr.strip().splitlines() or ["systemctl show failed"])[-1][:200])
    active, sub = shown.get("ActiveState", ""), shown.get("SubState", "")
    result["detail"] = "%s/%s" % (active, sub) + (
        "" if shown.get("Result") in (None, "", "success") else " (%s)" % shown["Result"]
    )
    if shown["LoadState"] == "not-found":
        return dict(result, state="not_installed", detail=None)
    return dict(result, state=SYSTEMD_STATES.get(active, "inactive"))


def property_names(path: str):
    """The key names of a Java properties file (values dropped as the file is read), or None when unreadable."""
    names = set()
    try:
        with open(path, encoding="latin-1") as handle:
            for line in handle:
                line = line.strip()
                if not line or line[0] in "#!":
                    continue
                cut = min([i for i in (line.find("="), line.find(":"), line.find(" ")) if i >= 0] or [len(line)])
                names.add(line[:cut].strip())
    except OSError:
        return None
    return names


def cadsus_config(webserver: str) -> dict:
    """HTTPS (which way) and gov.br login, from key names only."""
    ssl_properties = os.path.join(webserver, "certmgr", "config", "ssl.properties")
    application = os.path.join(webserver, "config", "application.properties")
    certmgr, app = property_names(ssl_properties), property_names(application)
    https = None
    if certmgr:  # 5.3+: the installer's certificate manager keeps the HTTPS settings there
        https = "certmgr"
    elif app and any(n.startswith("server.ssl.") for n in app) and SSL_KEY_STORE in app:
        https = "application.properties"
    return {
        "https": https,
        "govbr_login": bool(app) and GOVBR_CLIENT_ID in app,
        "application_properties": "read"
        if app is not None
        else ("missing" if not os.path.exists(application) else "unreadable"),
    }


def https_certificate(host: str, port: int, timeout: float) -> dict:
    """The certificate PEC's HTTPS port presents (DER, base64: public), or why there is none."""
    result = {"host": host, "port": port, "answered": False, "certificate_der_b64": None, "error": None}
    try:
        raw = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:  # nothing listens: ssl, a large import, is not needed (direct_probe.py)
        result["error"] = getattr(exc, "strerror", None) or type(exc).__name__
        return result
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # what it presents is judged on the controller; nothing is sent
    try:
        with raw, context.wrap_socket(raw) as tls:
            der = tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError) as exc:
        result["error"] = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or type(exc).__name__
        return result
    encoded = binascii.b2a_base64(der, newline=False).decode("ascii") if der else None
    result.update(answered=True, certificate_der_b64=encoded)
    return result
