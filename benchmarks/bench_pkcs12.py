# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How fast is a certificate check? Ratios against baselines measured in the same run.

1. One validation (esus.pec core, in process) vs the named baselines, on the same files
   (RSA-2048 and EC P-256 keys; AES, 3DES and RC2-40 encryption; OpenSSL 3 defaults under an empty password):
   - ``openssl-cli``: one ``openssl pkcs12 -nodes -out /dev/null`` call (``-legacy`` for RC2);
   - ``cryptography-load``: a plain ``pkcs12.load_key_and_certificates`` (what most tools do).
   Goal: ours <= 0.8x openssl-cli on every file, with every check kept (MAC, key proven by a signature).
2. The per-host cost the action adds to a playbook: N local hosts running
   ``esus.pec.pkcs12_validate src=<vaulted file>`` vs the same play running ``ansible.builtin.assert``
   (the ``assert-task`` baseline), forks 1. Goal: <= 50 ms added per host.

Usage: python benchmarks/bench_pkcs12.py [--repeat N] [--hosts N]   (inside the project's .venv)
Writes benchmarks/output/pkcs12.json as well as the table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cryptography.hazmat.primitives.serialization import pkcs12  # noqa: E402

from tests.support.collection import ansible_env, collections_path, vault_encrypt  # noqa: E402
from tests.support.pki import Pki  # noqa: E402

sys.path.insert(0, str(collections_path()))
from ansible_collections.esus.pec.plugins.module_utils import pkcs12 as core  # noqa: E402

PASSWORD = "bench-Senha-123"


def median_ms(action, repeat: int) -> float:
    samples = []
    for _round in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def files(pki: Pki) -> dict:
    """name -> (file, its password)."""
    made = {}
    for kind in ("rsa", "ec"):
        key, cert = pki.leaf(key=pki.key(kind))
        for encryption in ("aes", "3des", "rc2"):
            name = "%s-%s" % (kind, encryption)
            made[name] = (pki.pfx(name + ".pfx", key, cert, PASSWORD, encryption=encryption), PASSWORD)
        name = "%s-empty" % kind  # openssl pkcs12 -export -passout pass: (took cryptography's slow loader before)
        made[name] = (pki.pfx(name + ".pfx", key, cert, "", encryption="openssl"), "")
    return made


def bench_validation(made: dict, repeat: int) -> list[dict]:
    rows = []
    for name, (path, password) in made.items():
        env = dict(os.environ, ESUS_BENCH_PW=password)
        data = path.read_bytes()
        report = core.validate(data, password)
        assert report["verdict"] == "ok", report["msg"]
        passin = "env:ESUS_BENCH_PW" if password else "pass:"
        command = ["openssl", "pkcs12", "-in", str(path), "-nodes", "-out", os.devnull, "-passin", passin]
        if name.endswith("rc2"):
            command.append("-legacy")

        def cli(command=command, env=env):
            subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        ours = median_ms(lambda data=data, password=password: core.validate(data, password), repeat)
        openssl = median_ms(cli, repeat)
        secret = password.encode() or None
        plain = median_ms(lambda data=data, secret=secret: pkcs12.load_key_and_certificates(data, secret), repeat)
        rows.append(
            {
                "file": name,
                "ours_ms": round(ours, 2),
                "openssl_cli_ms": round(openssl, 2),
                "cryptography_load_ms": round(plain, 2),
                "ours_vs_openssl_cli": round(ours / openssl, 3),
                "ours_vs_cryptography_load": round(ours / plain, 3),
            }
        )
    return rows


def bench_playbook(made: dict, hosts: int, repeat: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="esus-bench-"))
    env = ansible_env(ANSIBLE_FORKS="1", ANSIBLE_GATHERING="explicit")
    (work / "vault-pass").write_text("bench-vault\n")
    vaulted = work / "cert.pfx"
    vaulted.write_bytes(made["rsa-aes"][0].read_bytes())
    vault_encrypt(vaulted, work / "vault-pass", env)
    inventory = ["[pec]"] + [
        "pec-%03d ansible_connection=local ansible_python_interpreter=%s" % (i, sys.executable) for i in range(hosts)
    ]
    (work / "inventory.ini").write_text("\n".join(inventory) + "\n")
    (work / "pw.json").write_text(json.dumps({"pw": PASSWORD}))
    plays = {
        "action": 'esus.pec.pkcs12_validate:\n        src: %s\n        password: "{{ pw }}"' % vaulted,
        "assert-task": "ansible.builtin.assert:\n        that: pw | length > 0\n        quiet: true",
    }
    timings = {}
    for name, task in plays.items():
        (work / ("%s.yml" % name)).write_text(
            "- hosts: pec\n  gather_facts: false\n  tasks:\n    - name: t\n      %s\n" % task
        )
        command = [
            str(Path(sys.executable).with_name("ansible-playbook")),  # the venv's, whatever PATH says
            "-i",
            str(work / "inventory.ini"),
            "--vault-password-file",
            str(work / "vault-pass"),
            "-e",
            "@" + str(work / "pw.json"),
            str(work / ("%s.yml" % name)),
        ]

        def play(command=command):
            subprocess.run(command, env=env, check=True, capture_output=True)

        timings[name] = median_ms(play, repeat)
    added = (timings["action"] - timings["assert-task"]) / hosts
    return {
        "hosts": hosts,
        "forks": 1,
        "action_play_ms": round(timings["action"], 1),
        "assert_task_play_ms": round(timings["assert-task"], 1),
        "added_ms_per_host": round(added, 2),
        "action_vs_assert_task": round(timings["action"] / timings["assert-task"], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--hosts", type=int, default=40)
    parser.add_argument("--play-repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="esus-bench-pki-") as directory:
        made = files(Pki(Path(directory)))
        rows = bench_validation(made, args.repeat)
        playbook = bench_playbook(made, args.hosts, args.play_repeat)
    print("One validation, median of %d (ms)" % args.repeat)
    print(
        "%-10s %8s %13s %18s %12s %13s"
        % ("file", "ours", "openssl-cli", "cryptography-load", "vs openssl", "vs crypto")
    )
    for row in rows:
        print(
            "%-10s %8.2f %13.2f %18.2f %11.2fx %12.2fx"
            % (
                row["file"],
                row["ours_ms"],
                row["openssl_cli_ms"],
                row["cryptography_load_ms"],
                row["ours_vs_openssl_cli"],
                row["ours_vs_cryptography_load"],
            )
        )
    worst = max(row["ours_vs_openssl_cli"] for row in rows)
    print("worst ours/openssl-cli: %.2fx (goal <= 0.80x): %s" % (worst, "met" if worst <= 0.8 else "NOT met"))
    print(
        "Playbook, %d hosts, forks 1: action %.0f ms vs assert-task %.0f ms -> %.1f ms added per host "
        "(goal <= 50 ms): %s"
        % (
            playbook["hosts"],
            playbook["action_play_ms"],
            playbook["assert_task_play_ms"],
            playbook["added_ms_per_host"],
            "met" if playbook["added_ms_per_host"] <= 50 else "NOT met",
        )
    )
    out = REPO / "benchmarks" / "output"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pkcs12.json").write_text(json.dumps({"validation": rows, "playbook": playbook}, indent=2) + "\n")


if __name__ == "__main__":
    main()
