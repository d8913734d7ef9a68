# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run module_utils/host_probe.py on a Linux host in one remote command, without AnsiballZ.

A module execution pays, on the host, for AnsiballZ's loader importing ``ansible.module_utils.basic``: most of
its cost for a read-only look. The actions (``rnds_audit``, ``certificate_deploy``) send the probe's code
itself, compressed, to the host's Python 3 (``-I -S -c``: isolated, standard library only), through
``_low_level_execute_command`` with become, like any module command; with or without pipelining it is one
command. No answer (no Python 3, one too old, a shell that mangles it) returns None: the caller then runs
the module path, which reports the same problem its own way.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import shlex
import zlib
from pathlib import Path

from ansible import constants as C
from ansible.utils.display import Display

from ansible_collections.esus.pec.plugins.module_utils import (
    _asn1,
    _java_pairing,
    _pkcs12_envelope,
    _pkcs12_mac_data,
    _pkcs12_protection,
    _pkcs12_schema,
    certificate_files,
    host_probe,
    jre_trust,
    pec_install,
    pec_layout,
)

# jre_trust.py and the PKCS#12 core's envelope reader it uses, each after what it imports
TRUST_MODULES = (
    _asn1,
    _pkcs12_schema,
    _java_pairing,
    _pkcs12_mac_data,
    _pkcs12_protection,
    _pkcs12_envelope,
    jre_trust,
)

display = Display()

AUTO_INTERPRETERS = ("", "auto", "auto_legacy", "auto_silent", "auto_legacy_silent")


@functools.lru_cache(maxsize=2)
def direct_payload(trust: bool = False) -> str:
    """host_probe.py and the certificate_files.py, pec_install.py and pec_layout.py it imports (with ``trust``,
    TRUST_MODULES too: PEC's trust store asked for), as one compressed Python program (base64) that loads them as
    modules: built once per process, sent in the command line (no secret in it, only code)."""
    lines = ["import sys, types"]
    modules = (certificate_files, pec_install, pec_layout, *(TRUST_MODULES if trust else ()))
    for module in (*modules, host_probe):
        name = module.__name__.rsplit(".", 1)[-1]
        source = Path(module.__file__).read_text(encoding="utf-8")
        lines.append(
            "m = types.ModuleType(%r); sys.modules[%r] = m; exec(compile(%r, %r, 'exec'), m.__dict__)"
            % (name, name, source, name + ".py")
        )
    return base64.b64encode(zlib.compress("\n".join(lines).encode("utf-8"), 9)).decode("ascii")


def direct_command(interpreters: list, params: dict) -> str:
    """The one shell command that runs host_probe on a Linux host: the given interpreter, or the first of a
    discovery fallback list found on the host. The parameters (paths, endpoints, timeout) travel as base64
    JSON; nothing secret is among them."""
    encoded = base64.b64encode(json.dumps(params, sort_keys=True).encode("utf-8")).decode("ascii")
    script = (
        '"esus.pec host_probe"; import binascii, sys, zlib; exec(zlib.decompress(binascii.a2b_base64("%s")));'
        ' sys.modules["host_probe"].run("%s")' % (direct_payload(bool(params.get("trust_store"))), encoded)
    )
    if len(interpreters) == 1:
        return " ".join(shlex.quote(part) for part in shlex.split(interpreters[0])) + " -I -S -c " + shlex.quote(script)
    candidates = " ".join(shlex.quote(name) for name in interpreters)
    return (
        'for p in %s; do if command -v "$p" >/dev/null 2>&1; then exec "$p" -I -S -c %s; fi; done;'
        " echo 'esus.pec: no Python 3 found' >&2; exit 127" % (candidates, shlex.quote(script))
    )


def direct_answer(stdout: str):
    """host_probe's answer from the command's output, or None (no answer: the module path takes over)."""
    for line in reversed(stdout.splitlines()):
        line = line.strip()
        if line.startswith(host_probe.MARK):
            try:
                answer = json.loads(line[len(host_probe.MARK) :])
            except ValueError:
                return None
            return None if not isinstance(answer, dict) or answer.get("failed") else answer
    return None


def interpreters(action, task_vars: dict) -> list:
    """The Python to run the probe with: the configured one (ansible_python_interpreter, interpreter_python),
    else the one discovered earlier, else the discovery fallback list, tried in order on the host."""
    if action._task.delegate_to:  # the delegated host's variables, as Ansible's own module path reads them
        task_vars = (task_vars.get("ansible_delegated_vars") or {}).get(action._task.delegate_to) or task_vars
    configured = C.config.get_config_value("INTERPRETER_PYTHON", variables=task_vars)
    configured = str(action._templar.template(configured) or "").strip()
    if configured not in AUTO_INTERPRETERS:
        return [configured]
    discovered = (task_vars.get("ansible_facts") or {}).get("discovered_interpreter_python")
    if discovered:
        return [str(discovered)]
    return [str(name) for name in C.config.get_config_value("INTERPRETER_PYTHON_FALLBACK", variables=task_vars)]


@contextlib.contextmanager
def output_not_shown(action, secret: bool = True):
    """While the body runs, the connection does not print what the host answers.

    The ssh connection prints every command's stdout at -vvv and winrm at -vvvvv, unless the play context says
    no_log; an answer that carries the certificate's bytes (read_certificate) would show there, in a terminal or
    an AWX job log. The EXEC line and the return code are still shown."""
    contexts = {id(c): c for c in (action._play_context, getattr(action._connection, "_play_context", None)) if c}
    before = {key: context.no_log for key, context in contexts.items()}
    try:
        if secret:
            for context in contexts.values():
                context.no_log = True
        yield
    finally:
        for key, context in contexts.items():
            context.no_log = before[key]


def direct_probe(action, params: dict, task_vars: dict, module: str = "esus.pec.pec_probe"):
    """host_probe's answer from the host, in one remote command, or None when it gave none (the caller then
    runs ``module``; -vvv says why)."""
    try:
        command = direct_command(interpreters(action, task_vars), params)
    except Exception:  # an interpreter setting this cannot read: the module path knows how
        return None
    with output_not_shown(action, params.get("read_certificate", False)):
        done = action._low_level_execute_command(command, sudoable=True)
    answer = direct_answer(done.get("stdout") or "")
    if answer is None:
        why = (done.get("stderr") or "").strip().splitlines()[-1:] or ["no output"]
        display.vvv(
            "%s: the direct probe gave no answer (rc=%s, %s); running %s"
            % (action._task.action, done.get("rc"), why[0][:300], module),
            host=task_vars.get("inventory_hostname"),
        )
    return answer


# Built when this file is imported: the strategy imports the action plugins in ansible-playbook's own process before
# it forks a worker per host, so every worker inherits the payload instead of compressing it again (~3 ms a host).
direct_payload()
