# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the readiness audit reads on a Linux PEC server, in one pass: standard library only.

Two ways in, one code:
- the module ``esus.pec.pec_probe`` imports it (AnsiballZ, like any module);
- the actions ``esus.pec.rnds_audit`` and ``esus.pec.certificate_deploy`` run this file's text directly with
  the host's Python 3 (``python3 -I -S -c``, plugin_utils/direct_probe.py), next to ``certificate_files.py``:
  no AnsiballZ, no ``ansible.module_utils.basic`` import on the host, one remote command with or without
  pipelining. ``run`` is that entry point; it prints one line, ``MARK`` then the JSON of ``look``.

Nothing here writes but one file, when asked (``timestamp_path``): the audit's time for Prometheus
(plugin_utils/host_metrics.py), which changes on every audit and so rides on the one command every audit makes.
Writing the local fact and the decision's metrics stays in the module (``atomic_move``).
"""

from __future__ import annotations

import binascii
import contextlib
import grp
import json
import os
import pwd
import socket
import stat
import sys
import time

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils.certificate_files import MAX_SIZE, file_kind, file_sha1
    from ansible_collections.esus.pec.plugins.module_utils.pec_install import (
        cadsus_config,
        https_certificate,
        read_pec_config,
        service_state,
    )
    from ansible_collections.esus.pec.plugins.module_utils.pec_layout import LINUX_PEC_ROOT
else:  # run alone by plugin_utils/direct_probe.py, certificate_files.py, pec_install.py, pec_layout.py beside it
    from certificate_files import MAX_SIZE, file_kind, file_sha1
    from pec_install import cadsus_config, https_certificate, read_pec_config, service_state
    from pec_layout import LINUX_PEC_ROOT

MARK = "ESUS-PEC-PROBE "
"""Starts the one line of output that carries the result (MOTDs or a tty may add others)."""


def pec_installation(root: str, config_path: str) -> dict:
    """The PEC folder, and pec.config's non-secret keys (module_utils/pec_install.py: never the database ones)."""
    info = {"installed": os.path.isdir(root)}
    info.update(read_pec_config(config_path))
    return info


def _name(lookup, ident: int) -> str:
    try:
        return lookup(ident)[0]
    except KeyError:
        return str(ident)


def chaves_folder(path: str) -> dict:
    try:
        info = os.stat(path)
    except OSError:
        return {"path": path, "exists": False, "is_dir": False}
    return {
        "path": path,
        "exists": True,
        "is_dir": stat.S_ISDIR(info.st_mode),
        "owner": _name(pwd.getpwuid, info.st_uid),
        "group": _name(grp.getgrgid, info.st_gid),
        "mode": "%04o" % stat.S_IMODE(info.st_mode),
    }


def path_kind(path: str) -> str:
    """'absent', 'file', 'folder' or 'other' (a symlink, a FIFO...), without following a symlink."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "absent"
    except OSError:
        return "other"
    return "file" if stat.S_ISREG(mode) else "folder" if stat.S_ISDIR(mode) else "other"


def file_entry(path: str, info: os.stat_result | None = None) -> dict:
    """A regular file as every look reports it: name, size, SHA-1, owner, group, mode."""
    info = info or os.lstat(path)
    sha1 = file_sha1(path)
    return {
        "name": os.path.basename(path),
        "size": info.st_size,
        "sha1": sha1,
        "readable": sha1 is not None,
        "owner": _name(pwd.getpwuid, info.st_uid),
        "group": _name(grp.getgrgid, info.st_gid),
        "mode": "%04o" % stat.S_IMODE(info.st_mode),
    }


def chaves_files(path: str) -> tuple:
    """(regular files in chaves, why the folder could not be listed). A file that cannot be read is listed
    with ``readable: false`` rather than stopping the probe (an audit without become on a root-only chaves)."""
    files = []
    try:
        entries = sorted(os.scandir(path), key=lambda entry: entry.name)
    except FileNotFoundError:
        return files, None
    except OSError as exc:
        return files, exc.strerror or str(exc)
    for entry in entries:
        if entry.is_file(follow_symlinks=False):
            files.append(file_entry(entry.path, entry.stat(follow_symlinks=False)))
    return files, None


def _known(lookup, name) -> bool:
    try:
        lookup(name)
    except KeyError:
        return False
    return True


def reach(host: str, port: int, timeout: float) -> dict:
    """TCP to host:port; ``stage`` says where it failed: ``dns`` (the name) or ``tcp`` (the connection)."""
    result = {"host": host, "port": port, "reachable": False, "error": None, "stage": None}
    try:
        with socket.create_connection((host, port), timeout=timeout):
            result["reachable"] = True
            return result
    except socket.gaierror:
        result["error"] = "cannot resolve the name"
        result["stage"] = "dns"
        return result
    except socket.timeout:
        result["error"] = "timed out after %g s" % timeout
    except OSError as exc:
        result["error"] = exc.strerror or str(exc)
    result["stage"] = "tcp"
    return result


def jre_trust():
    """module_utils/jre_trust.py, imported only when PEC's trust store is asked for: the direct command carries it
    only then (plugin_utils/direct_probe.py), and the look imports no more than it uses."""
    if "." in __name__:
        from ansible_collections.esus.pec.plugins.module_utils import jre_trust as module
    else:
        import jre_trust as module
    return module


def fact_text(fact: dict) -> str:
    """The local fact as it is written on the host, to compare with what the last audit left there."""
    return json.dumps(fact, indent=2, sort_keys=True) + "\n"


def read_fact(path: str):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read(65536)
    except (OSError, UnicodeDecodeError):
        return None


def write_text(path: str, content: str) -> None:
    """``content`` in ``path``, atomically (a hidden temporary name textfile collectors ignore, then a rename),
    mode 0644; the folder is made (0755) when missing."""
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o755, exist_ok=True)
    import tempfile  # only when a file is written: the look imports no more than it uses (direct_probe.py)

    handle, temp = tempfile.mkstemp(dir=directory, prefix=".esus-pec-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def audit_time(params: dict) -> dict:
    """The metrics' side of the look: the decision file as the last audit left it, and the audit's time written
    (``timestamp_content``; absent in check mode)."""
    if not params.get("metrics_path"):
        return {}
    found = {"metrics_current": read_fact(params["metrics_path"]), "timestamp_error": None}
    if params.get("timestamp_path") and params.get("timestamp_content") is not None:
        try:
            write_text(params["timestamp_path"], params["timestamp_content"])
        except OSError as exc:
            found["timestamp_error"] = "%s: %s" % (params["timestamp_path"], exc.strerror or exc)
    return found


def look(params: dict) -> dict:
    """Everything the audit needs (pec_probe's RETURN), read-only. ``params``: pec_root, pec_config,
    endpoints (host, port), timeout, read_certificate, trust_store (PEC's Java cacerts: the endpoints reached are
    verified against it, module_utils/jre_trust.py; empty: not), fact_path (pec_config and fact_path empty: not read,
    the deploy's look, which also gives dest_name, owner and group: then ``dest`` and ``accounts`` say what
    the deploy's file is and whether the owner and group exist on the host)."""
    chaves_path = os.path.join(params["pec_root"], "chaves")
    files, listing_error = chaves_files(chaves_path)
    result = {
        "changed": False,
        "pec": pec_installation(params["pec_root"], params["pec_config"]),
        "chaves": chaves_folder(chaves_path),
        "files": files,
        "user": _name(pwd.getpwuid, os.geteuid()),
        "fact_current": read_fact(params["fact_path"]) if params["fact_path"] else None,
    }
    if result["chaves"]["exists"]:
        result["chaves"]["readable"] = listing_error is None
        if listing_error:
            result["chaves"]["error"] = listing_error
    pkcs12 = [f for f in files if file_kind(f["name"]) == "pkcs12"]
    if params["read_certificate"] and len(pkcs12) == 1 and pkcs12[0]["readable"] and pkcs12[0]["size"] <= MAX_SIZE:
        with open(os.path.join(chaves_path, pkcs12[0]["name"]), "rb") as handle:
            result["certificate_b64"] = binascii.b2a_base64(handle.read(MAX_SIZE + 1), newline=False).decode("ascii")
    if params.get("dest_name"):  # the deploy's look: its own file, even when it is not a regular one
        result["dest"] = {"kind": path_kind(os.path.join(chaves_path, params["dest_name"]))}
        result["accounts"] = {
            "owner": _known(pwd.getpwnam, params.get("owner") or ""),
            "group": _known(grp.getgrnam, params.get("group") or ""),
        }
    result.update(audit_time(params))
    if params["endpoints"]:
        result["network"] = [reach(e["host"], int(e["port"]), float(params["timeout"])) for e in params["endpoints"]]
        if params.get("trust_store"):  # PEC's Java trust store against the endpoints the host reached
            reached = [{"host": r["host"], "port": r["port"]} for r in result["network"] if r["reachable"]]
            result["trust"] = jre_trust().trust(params["trust_store"], reached, float(params["timeout"]))
    if not params.get("dest_name"):  # the audit's look (not the deploy's): PEC running, CADSUS, the host's clock
        if params.get("service"):
            result["service"] = service_state(params["service"])
        result["cadsus"] = cadsus_config(params["pec_root"])
        if result["cadsus"]["https"] and params.get("https_port"):
            result["cadsus"]["port"] = https_certificate(
                "127.0.0.1", int(params["https_port"]), float(params["timeout"])
            )
        result["time"] = time.time()
    return result


DEFAULTS = {
    "pec_root": LINUX_PEC_ROOT,
    "pec_config": "/etc/pec.config",
    "endpoints": [],
    "timeout": 5,
    "read_certificate": False,
    "fact_path": "/etc/ansible/facts.d/esus_pec_rnds.fact",
    "service": "",
    "https_port": 443,
    "trust_store": "",
    "metrics_path": None,
    "timestamp_path": None,
    "timestamp_content": None,
}
"""pec_probe's option defaults (a unit test holds them equal to its argument spec)."""


def run(encoded: str) -> None:
    """The direct entry point: ``encoded`` is the base64 JSON of look's params; prints MARK + JSON."""
    try:
        params = dict(DEFAULTS, **json.loads(binascii.a2b_base64(encoded).decode("utf-8")))
        # as the module's type=path options are
        for key in ("pec_root", "pec_config", "fact_path", "metrics_path", "timestamp_path", "trust_store"):
            params[key] = os.path.expanduser(os.path.expandvars(params[key])) if params[key] else params[key]
        answer = look(params)
    except Exception as exc:  # the action falls back to the module, which reports the same failure its own way
        answer = {"failed": True, "msg": "%s: %s" % (type(exc).__name__, exc)}
    sys.stdout.write(MARK + json.dumps(answer) + "\n")
    sys.stdout.flush()
