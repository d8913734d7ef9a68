# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fleet scale: the readiness audit and an idempotent re-deploy on N simulated PEC servers.

Each simulated host is the local connection with its own sandbox PEC folder (certificate deployed, chaves
0750, the RNDS endpoint played by a listening socket on 127.0.0.1). Measured in one run:
- ``ours``: ``esus.pec.readiness`` for N = 50, 200, 500;
- ``stock-modules``: benchmarks/baseline_readiness.yml, the same checks from stock modules, for N = 50, 200;
- ``re-deploy``: ``esus.pec.deploy`` on the already deployed fleet, for the same N;
- remote round trips per host: module executions counted in the -vvv log of a small run.
Goals: ours <= 0.4x stock-modules at N=200; <= 2 round trips per host for the audit; re-deploy at N=200
<= 1.5x the audit; cost per host flat in N.

Usage: .venv/bin/python benchmarks/bench_fleet.py [--sizes 50,200,500] [--baseline-sizes 50,200] [--forks 20]
Writes benchmarks/output/fleet.json and, when matplotlib is installed, benchmarks/output/fleet.png.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.collection import ansible_env, vault_encrypt  # noqa: E402
from tests.support.pki import Pki, cnpj  # noqa: E402

PASSWORD = "bench-Fleet-senha"


def endpoint() -> tuple:
    """A listening socket standing for the RNDS auth endpoint; accepts and closes, until the run ends."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=512)
    listener.settimeout(0.5)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                connection, _address = listener.accept()
                connection.close()
            except socket.timeout:
                continue
            except OSError:
                return

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1], stop, listener


def fleet(work: Path, size: int, source: Path, plain: bytes, port: int) -> Path:
    """A sandbox fleet of ``size`` deployed PEC servers; returns its inventory folder."""
    user, group = (
        os.environ.get("USER") or subprocess.check_output(["id", "-un"], text=True).strip(),
        subprocess.check_output(["id", "-gn"], text=True).strip(),
    )
    inventory = work / ("fleet-%d" % size)
    hosts = inventory / "hosts"
    for index in range(size):
        chaves = hosts / ("pec-%04d" % index) / "webserver" / "chaves"
        chaves.mkdir(parents=True)
        chaves.chmod(0o750)
        (chaves / "cert.pfx").write_bytes(plain)
        (chaves / "cert.pfx").chmod(0o600)
        (hosts / ("pec-%04d" % index) / "facts.d").mkdir()
    lines = ["[pec_servers]"] + ["pec-%04d" % i for i in range(size)]
    (inventory / "hosts.ini").write_text("\n".join(lines) + "\n")
    (inventory / "group_vars").mkdir()
    (inventory / "group_vars" / "all.json").write_text(
        json.dumps(
            {
                "ansible_connection": "local",
                "ansible_python_interpreter": sys.executable,
                "esus_pec_become": False,
                "rnds_certificate_src": str(source),
                "rnds_certificate_password": PASSWORD,
                "rnds_certificate_expected_cnpj": cnpj("123456780001"),
                "rnds_certificate_dest_name": "cert.pfx",
                "rnds_certificate_pec_root": "%s/{{ inventory_hostname }}/webserver" % hosts,
                "rnds_certificate_owner": user,
                "rnds_certificate_group": group,
                "rnds_readiness_fact_path": "%s/{{ inventory_hostname }}/facts.d/esus_pec_rnds.fact" % hosts,
                "rnds_readiness_endpoints": [{"host": "127.0.0.1", "port": port}],
                "rnds_readiness_report_dir": str(inventory / "report"),
            }
        )
    )
    return inventory


def play(playbook: Path, inventory: Path, vault: Path, forks: int, *extra: str) -> tuple:
    env = ansible_env(ANSIBLE_FORKS=str(forks), ANSIBLE_PIPELINING="true", ANSIBLE_GATHERING="explicit")
    start = time.perf_counter()
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("ansible-playbook")),  # the venv's, whatever PATH says
            "-i",
            str(inventory / "hosts.ini"),
            "--vault-password-file",
            str(vault),
            str(playbook),
            *extra,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit("%s failed:\n%s" % (playbook.name, result.stdout[-3000:]))
    return elapsed, result.stdout


def round_trips(output: str, hosts: int) -> float:
    """Module executions per host, from the EXEC lines of a -vvv log (pipelining: one per module)."""
    return len(re.findall(r"^<pec-\d+> EXEC .*python", output, re.M)) / hosts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200,500")
    parser.add_argument("--baseline-sizes", default="50,200")
    parser.add_argument("--forks", type=int, default=20)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    baseline_sizes = [int(s) for s in args.baseline_sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="esus-bench-fleet-"))
    port, stop, listener = endpoint()
    try:
        pki = Pki(work / "pki")
        key, cert = pki.leaf(key=pki.key("rsa"), cnpj_value=cnpj("123456780001"))
        plain_path = pki.pfx("municipio.pfx", key, cert, PASSWORD)
        plain = plain_path.read_bytes()
        vault = work / "vault-pass"
        vault.write_text("bench-fleet-vault\n")
        source = vault_encrypt(plain_path, vault, ansible_env(), output=work / "municipio.pfx.vault")
        ours, redeploy, baseline = (
            REPO / "playbooks" / "readiness.yml",
            REPO / "playbooks" / "deploy.yml",
            REPO / "benchmarks" / "baseline_readiness.yml",
        )
        small = fleet(work, 5, source, plain, port)
        trips = {
            "ours": round_trips(play(ours, small, vault, args.forks, "-vvv")[1], 5),
            "re-deploy": round_trips(play(redeploy, small, vault, args.forks, "-vvv")[1], 5),
            "stock-modules": round_trips(play(baseline, small, vault, args.forks, "-vvv")[1], 5),
        }
        rows = []
        for size in sizes:
            inventory = fleet(work, size, source, plain, port)
            row = {"hosts": size, "ours_s": round(play(ours, inventory, vault, args.forks)[0], 1)}
            row["redeploy_s"] = round(play(redeploy, inventory, vault, args.forks)[0], 1)
            if size in baseline_sizes:
                row["stock_modules_s"] = round(play(baseline, inventory, vault, args.forks)[0], 1)
                row["ours_vs_stock_modules"] = round(row["ours_s"] / row["stock_modules_s"], 3)
            row["redeploy_vs_ours"] = round(row["redeploy_s"] / row["ours_s"], 3)
            row["ours_ms_per_host"] = round(1000 * row["ours_s"] / size, 1)
            row["redeploy_ms_per_host"] = round(1000 * row["redeploy_s"] / size, 1)
            rows.append(row)
            shutil.rmtree(inventory)
            print(json.dumps(row), flush=True)
    finally:
        stop.set()
        listener.close()
        shutil.rmtree(work, ignore_errors=True)
    out = REPO / "benchmarks" / "output"
    out.mkdir(parents=True, exist_ok=True)
    result = {"forks": args.forks, "cpus": os.cpu_count(), "round_trips_per_host": trips, "runs": rows}
    (out / "fleet.json").write_text(json.dumps(result, indent=2) + "\n")
    print("round trips per host:", trips)
    for row in rows:
        print(
            "N=%(hosts)4d  ours %(ours_s)6.1f s (%(ours_ms_per_host)5.1f ms/host)  re-deploy %(redeploy_s)6.1f s "
            "(%(redeploy_vs_ours).2fx ours)"
            % row
            + (
                "  stock-modules %(stock_modules_s)6.1f s -> ours %(ours_vs_stock_modules).2fx" % row
                if "stock_modules_s" in row
                else ""
            )
        )
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    figure, axis = plt.subplots(figsize=(7, 4))
    for key, label in (
        ("ours_s", "esus.pec.readiness"),
        ("redeploy_s", "esus.pec.deploy (re-run)"),
        ("stock_modules_s", "stock-modules audit"),
    ):
        points = [(r["hosts"], 1000 * r[key] / r["hosts"]) for r in rows if key in r]
        axis.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=label)
    axis.set_xlabel("hosts")
    axis.set_ylabel("wall time per host (ms)")
    axis.set_title("Cost per host, forks %d, %d CPUs" % (args.forks, os.cpu_count()))
    axis.legend()
    figure.tight_layout()
    figure.savefig(out / "fleet.png", dpi=110)


if __name__ == "__main__":
    main()
