# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The costliest files the work budget lets through: CPU seconds of one validate() each (goal: under 2 s).

The budget (``_pkcs12_envelope.MAX_WORK``) counts derivation rounds, but a round does not cost the same
everywhere: the MAC's PKCS#12 KDF runs in Python (0.2-0.4 us a round, SHA-512/224 the slowest), PBKDF2 in
OpenSSL (0.05 us with SHA-1/256, 0.14 us with SHA-512), PKCS#12 PBE (3DES, RC2) in OpenSSL's loader. So each
shape fills the budget to its limit with the dearest rounds it can have, and is timed with the right
password, a wrong one and (for PBES2) every item failing after the MAC matched, the path that tries them all:

- ``mac-sha512/224+pbes2-sha512``: MAC SHA-512/224 at 1,000,000 iterations, then PBES2 parts whose PRF is
  rewritten to HMAC-SHA512 (they then fail to decrypt, after the full derivation) up to the limit;
- ``mac-sha1+pbes2-sha256``: the same with OpenSSL 3's PBES2 as written (decrypts);
- ``legacy-3des``: ``openssl -legacy`` PBE-SHA1-3DES key and parts, MAC SHA-1, up to the limit;
- ``gnutls-3-certs``: 600,000 iterations, key + 3 certificate parts (GnuTLS certtool's shape).

Files are made by the openssl CLI (``-iter``), then parts duplicated and counts set with tests/pkcs12_repro/der.py
(MAC recomputed). Usage: python benchmarks/bench_pkcs12_budget.py [--repeat N]
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "plugins" / "module_utils"))

import _asn1  # noqa: E402
import _pkcs12_envelope as envelopes  # noqa: E402
import pkcs12 as core  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402

from tests.pkcs12_repro import der  # noqa: E402
from tests.support.pki import Pki  # noqa: E402

PASSWORD = "budget-Senha-1"
PRF_SHA512 = "1.2.840.113549.2.11"


def openssl_file(pki: Pki, work: Path, *options: str) -> bytes:
    key, cert = pki.leaf()
    key_file = work / "key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSWORD.encode()),
        )
    )
    certs = work / "certs.pem"
    certs.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (cert, pki.ca_cert)))
    out = work / "out.p12"
    command = ["openssl", "pkcs12", "-export", "-inkey", str(key_file), "-in", str(certs), "-out", str(out)]
    command += ["-passin", "env:ESUS_PW", "-passout", "env:ESUS_PW", *options]
    subprocess.run(command, check=True, env=dict(os.environ, ESUS_PW=PASSWORD), capture_output=True)
    return out.read_bytes()


def fill(data: bytes, mac_iterations: int, mac_oid: str | None = None, prf: str | None = None) -> bytes:
    """Duplicate the encrypted certificate part while the file stays within the budget; set the MAC."""
    root = der.parse_file(data)
    mac = der.mac_data(root)
    if mac_oid:
        mac.children[0].children[0].children[0] = der.oid_node(mac_oid)
        digest = {"2.16.840.1.101.3.4.2.5": 28}.get(mac_oid, 20)
        mac.children[0].children[1].value = b"\0" * digest
    der.set_mac_iterations(root, mac_iterations)
    if prf:
        for node in der.find(root, lambda n: n.tag == 0x30 and der.first_oid(n) == der.OID_PBKDF2):
            params = node.children[1]
            params.children = [c for c in params.children if c.tag != 0x30] + [
                der.Node(0x30, children=[der.oid_node(prf), der.Node(0x05, value=b"")])
            ]
    parts = der.authsafe(root).children
    part = next(p for p in parts if der.first_oid(p) == der.OID_ENCRYPTED_DATA)
    while True:
        parts.append(copy.deepcopy(part))
        if work_of(root.enc()) > envelopes.MAX_WORK:
            parts.pop()
            der.DIGESTS.setdefault("2.16.840.1.101.3.4.2.5", "sha512_224")
            return der.finish(root, PASSWORD)


def work_of(data: bytes) -> int:
    try:
        return envelopes.Envelope(_asn1.parse(data)).work
    except envelopes.Unsupported:
        return envelopes.MAX_WORK + 1


def cpu(data: bytes, password: str, repeat: int) -> tuple[float, str]:
    samples, verdict = [], ""
    for _round in range(repeat):
        start = time.process_time()
        verdict = core.validate(data, password)["verdict"]
        samples.append(time.process_time() - start)
    return max(samples), verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="esus-budget-") as directory:
        work = Path(directory)
        pki = Pki(work / "pki")
        aes = openssl_file(pki, work, "-iter", "500000", "-macalg", "sha1")
        shapes = {
            "mac-sha512/224+pbes2-sha512": fill(aes, 1_000_000, "2.16.840.1.101.3.4.2.5", PRF_SHA512),
            "mac-sha1+pbes2-sha256": fill(aes, 1_000_000),
            "legacy-3des": fill(
                openssl_file(
                    pki, work, "-legacy", "-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-iter", "400000"
                ),
                1_000_000,
            ),
            "gnutls-3-certs": fill(openssl_file(pki, work, "-iter", "600000"), 600_000),
        }
        print("budget: %s rounds; worst CPU of %d runs (s)" % (f"{envelopes.MAX_WORK:,}", args.repeat))
        print("%-30s %10s %22s %22s" % ("shape", "rounds", "right password", "wrong password"))
        worst = 0.0
        for name, data in shapes.items():
            right, right_verdict = cpu(data, PASSWORD, args.repeat)
            wrong, wrong_verdict = cpu(data, PASSWORD + "x", args.repeat)
            worst = max(worst, right, wrong)
            print(
                "%-30s %10s %8.2f %-13s %8.2f %-13s"
                % (name, f"{work_of(data):,}", right, right_verdict, wrong, wrong_verdict)
            )
        print("costliest: %.2f s CPU (goal < 2 s): %s" % (worst, "met" if worst < 2 else "NOT met"))


if __name__ == "__main__":
    main()
