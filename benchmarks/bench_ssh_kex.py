# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What one SSH connection costs the controller, by key exchange: the floor under every fleet audit over SSH.

Every host of a run costs the controller one new SSH connection (Ansible's ControlPersist keeps it for that run
only; a weekly audit starts cold). This opens ``--connections`` fresh connections (``ssh ... true``, the fleet's
ed25519 key, no control master) to the loopback sshd of tests/support/sshd.py as the non-root admin, once with the
key exchange the client picks by itself (the named baseline, ``default``) and once per algorithm forced with
``-o KexAlgorithms=`` that this client supports, and reports the client's CPU per connection (user + system of the
ssh processes) and its ratio to ``default``, measured in the same run. The server's side is not counted (it is the
PEC server's CPU in the field).

With ``--image`` the client is another OpenSSH: the same loop runs in that container (host network, the key's
folder mounted) and bash's ``times`` gives its children's CPU. Debian 13's OpenSSH 10.0, for instance:

    source scripts/container-engine.sh && esus_engine_start &&  # exports DOCKER_HOST
        _esus_derived_image 13 localhost/esus-ssh-client:13 openssh-client '["sleep", "infinity"]'
    .venv/bin/python benchmarks/bench_ssh_kex.py --image localhost/esus-ssh-client:13

With ``--server-image`` the server is that image's sshd too (a container on the host network, port 2299, root with
the run's own ed25519 key): both ends of Debian 13's OpenSSH 10.0 negotiate ML-KEM by default, which a Debian 12
sshd does not offer:

    .venv/bin/python benchmarks/bench_ssh_kex.py --image localhost/esus-ssh:13 --server-image localhost/esus-ssh:13

(the image: ``_esus_derived_image 13 localhost/esus-ssh:13 "openssh-client openssh-server" '["sleep", "infinity"]'``).

Usage (root: it adds the admin user and starts sshd): .venv/bin/python benchmarks/bench_ssh_kex.py [--connections 20]
[--image IMAGE] [--server-image IMAGE]. Writes benchmarks/output/ssh-kex.json (ssh-kex-<image tag>.json with --image).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support import sshd  # noqa: E402

# OpenSSH 9.0-9.8 pick sntrup761x25519 by default, 9.9 and later mlkem768x25519 (both post-quantum hybrids)
CANDIDATES = ("sntrup761x25519-sha512@openssh.com", "mlkem768x25519-sha256", "curve25519-sha256")


def server_version(image: str = "") -> str:
    inside = ["docker", "run", "--rm", image] if image else []
    done = subprocess.run([*inside, "/usr/sbin/sshd", "-V"], capture_output=True, text=True, check=False)
    return (done.stderr or done.stdout).strip().splitlines()[0] if (done.stderr or done.stdout).strip() else "?"


def negotiated(lines: list) -> str:
    """The key exchange of a ``ssh -v`` session, from its lines."""
    return next((line.split("kex: algorithm: ", 1)[1].strip() for line in lines if "kex: algorithm: " in line), "?")


def cost(server: dict, options: list, connections: int, image: str = "") -> dict:
    """Client CPU (ms) and wall time (ms) per connection, and the key exchange the session used."""
    if image:
        return cost_in(image, server, options, connections)
    base = [
        "ssh",
        "-p",
        str(server["port"]),
        "-i",
        server["key"],
        *server["ssh_args"].split(),
        "-o",
        "ControlMaster=no",
        "-o",
        "BatchMode=yes",
    ]
    target = "%s@%s" % (server["user"], server["host"])
    said = subprocess.run([*base, *options, "-v", target, "true"], capture_output=True, text=True, check=True).stderr
    kex = negotiated(said.splitlines())
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for _ in range(connections):
        subprocess.run([*base, *options, target, "true"], capture_output=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"kex": kex, "cpu_ms": round(1000 * cpu / connections, 1), "wall_ms": round(1000 * wall / connections, 1)}


def cost_in(image: str, server: dict, options: list, connections: int) -> dict:
    """cost() with the ssh client of ``image``: the loop runs in one container, bash's ``times`` says the CPU of
    its children (the ssh processes); the wall time includes no container start."""
    folder = str(Path(server["key"]).parent)

    def ssh(extra: str = "") -> str:
        return "ssh -p %d -i %s %s -o ControlMaster=no -o BatchMode=yes %s %s %s@%s" % (
            server["port"],
            server["key"],
            server["ssh_args"],
            " ".join(options),
            extra,
            server["user"],
            server["host"],
        )

    script = (
        "%s true 2>/dev/null; %s true 2>&1 | grep 'kex: algorithm:' | head -1;"
        " start=$(date +%%s%%N); for i in $(seq %d); do %s true || exit 1; done; end=$(date +%%s%%N);"
        " echo wall_ns $((end - start)); times"
    ) % (ssh(), ssh("-v"), connections, ssh())
    docker = [
        "docker",
        "run",
        "--rm",
        "--network",
        "host",
        "-v",
        "%s:%s" % (folder, folder),
        image,
        "bash",
        "-c",
        script,
    ]
    said = subprocess.run(docker, capture_output=True, text=True, check=True).stdout.splitlines()
    kex = negotiated(said)
    wall = int(next(line.split()[1] for line in said if line.startswith("wall_ns"))) / 1e9
    children = said[-1].split()  # times: the shell's own line, then its children's "user system"

    def seconds(text: str) -> float:
        minutes, rest = text.rstrip("s").split("m")
        return 60 * float(minutes) + float(rest)

    cpu = seconds(children[0]) + seconds(children[1])
    return {
        "kex": kex,
        "cpu_ms": round(1000 * cpu / (connections + 2), 1),
        "wall_ms": round(1000 * wall / connections, 1),
    }


SERVER_PORT = 2299


@contextlib.contextmanager
def container_sshd(image: str, work: Path):
    """Yield a server dict as sshd.loopback_sshd does, the sshd being ``image``'s, in a container on the host
    network; it is removed on exit."""
    key = work / "admin_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    name = "esus-bench-kex-sshd"
    subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
    script = (
        "mkdir -p /run/sshd && ssh-keygen -A -q && exec /usr/sbin/sshd -D -e -p %d -o ListenAddress=127.0.0.1"
        " -o PermitRootLogin=prohibit-password -o AuthorizedKeysFile=%s.pub -o StrictModes=no -o UsePAM=no"
    ) % (SERVER_PORT, key)
    volume = "%s:%s" % (work, work)
    subprocess.run(
        ["docker", "run", "-d", "--name", name, "--network", "host", "-v", volume, image, "sh", "-c", script],
        capture_output=True,
        check=True,
    )
    try:
        for _ in range(100):  # until it listens
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", SERVER_PORT), timeout=1):
                break
            time.sleep(0.1)
        yield {
            "host": "127.0.0.1",
            "port": SERVER_PORT,
            "user": "root",
            "key": str(key),
            "ssh_args": "-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o IdentitiesOnly=yes",
        }
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--image", default="", help="run the ssh client of this container image instead")
    parser.add_argument("--server-image", default="", help="the server is this image's sshd, in a container")
    args = parser.parse_args()
    if sshd.why_not():
        raise SystemExit("cannot run: %s" % sshd.why_not())
    server_said = server_version(args.server_image)
    inside = ["docker", "run", "--rm", args.image] if args.image else []
    supported = set(
        subprocess.run([*inside, "ssh", "-Q", "kex"], capture_output=True, text=True, check=True).stdout.split()
    )
    version = subprocess.run([*inside, "ssh", "-V"], capture_output=True, text=True, check=False).stderr.strip()
    rows = {}
    with tempfile.TemporaryDirectory(prefix="esus-bench-kex-") as work:
        Path(work).chmod(0o755)
        serving = container_sshd(args.server_image, Path(work)) if args.server_image else None
        with serving or sshd.loopback_sshd(Path(work) / "sshd") as server:
            cost(server, [], 2, args.image)  # warm the page cache and sshd's first fork
            rows["default"] = cost(server, [], args.connections, args.image)
            for name in CANDIDATES:
                if name in supported:
                    try:
                        rows[name] = cost(server, ["-o", "KexAlgorithms=" + name], args.connections, args.image)
                    except subprocess.CalledProcessError:  # the server (Debian 12's sshd) does not offer it
                        print("%s: the server does not offer it" % name)
    for row in rows.values():
        row["cpu_vs_default"] = round(row["cpu_ms"] / rows["default"]["cpu_ms"], 3)
    out = REPO / "benchmarks" / "output"
    out.mkdir(parents=True, exist_ok=True)
    result = {"client": version, "server": server_said, "connections": args.connections, "cases": rows}
    name = "ssh-kex-%s.json" % args.image.rsplit(":", 1)[-1] if args.image else "ssh-kex.json"
    name = (
        name.replace(".json", "-server-%s.json" % args.server_image.rsplit(":", 1)[-1]) if args.server_image else name
    )
    (out / name).write_text(json.dumps(result, indent=2) + "\n")
    print("client: %s; server: %s" % (version, server_said))
    print("| key exchange asked | negotiated | client CPU per connection (ms) | / default | wall (ms) |")
    print("|---|---|---|---|---|")
    for name, row in rows.items():
        print(
            "| %s | %s | %.1f | %.3fx | %.1f |"
            % (name, row["kex"], row["cpu_ms"], row["cpu_vs_default"], row["wall_ms"])
        )


if __name__ == "__main__":
    main()
