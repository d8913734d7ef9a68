# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The differential of issue 22: every recipe of the issue, judged by Java 17 and by our core.

The corpus is made at test time by the real producers (openssl pkcs12 variants with -legacy ciphers, keytool
with PBKDF2 at 600,000, NSS pk12util, GnuTLS certtool, node-forge, pyca/cryptography) and crafted from them
(bags, attributes, parameters, damage, BER, bytes after the file), with a wrong-password twin of every good
file. One JVM judges them all (``tests/support/java_judge.py``: load, getKey, a signature, mutual TLS).

What must hold (the issue's "Done when"): no false ``ok`` (we say ok/expiring, Java cannot use the file), no
damage blamed on the password (the right password given, we say wrong_password), no false refusal (Java uses
the file with the right password, we refuse it) except the documented decisions (docs/verdicts.md).

Run as a script for the table: ``python tests/integration/test_java_differential.py`` (in the .venv).
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

REPO = Path(__file__).resolve().parents[2]
if __name__ == "__main__":  # run as a script: the same imports as under pytest
    sys.path.insert(0, str(REPO))
    from tests.support.collection import collections_path

    sys.path.insert(0, str(collections_path()))

from ansible_collections.esus.pec.plugins.module_utils import pkcs12 as core  # noqa: E402
from tests.integration import test_pkcs12_java as recipes  # noqa: E402
from tests.pkcs12_repro import der  # noqa: E402
from tests.support import bag_cases, forge, java_judge  # noqa: E402
from tests.support.pki import CASE_CNPJ, Pki  # noqa: E402

PASSWORD = recipes.PASSWORD
USABLE = ("ok", "expiring")
TOOLS = {"openssl": "openssl", "keytool": "openjdk-17-jdk-headless", "certtool": "gnutls-bin"}
TOOLS |= {"pk12util": "libnss3-tools", "certutil": "libnss3-tools", "node": "nodejs", "npm": "npm"}


@dataclasses.dataclass
class Case:
    name: str
    kind: str  # the class ("1 ciphers", ...) or "good"
    path: Path
    password: str
    right_password: bool = True
    decision: bool = False  # a documented refusal of a file Java uses


@dataclasses.dataclass
class Outcome:
    case: Case
    java: str
    ours: str

    @property
    def false_ok(self) -> bool:
        return self.ours in USABLE and self.java != "usable"

    @property
    def blamed_on_password(self) -> bool:
        return self.case.right_password and self.ours == "wrong_password"

    @property
    def false_refusal(self) -> bool:
        return self.case.right_password and self.java == "usable" and self.ours not in USABLE

    @property
    def agree(self) -> bool:
        if not self.case.right_password:  # a wrong password: Java refuses, we must say so
            return self.ours == "wrong_password" or (self.java == "load_other" and self.ours not in USABLE)
        return (self.ours in USABLE) == (self.java == "usable") and not self.blamed_on_password


class Corpus:
    """Writes the files; every producer gets its secrets through the environment or stdin."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pki = Pki(folder / "pki")
        self.make = recipes.Producers(self.pki)
        self.cases: list[Case] = []

    def add(self, name: str, kind: str, data_or_path, password: str = PASSWORD, **flags) -> Case:
        path = data_or_path if isinstance(data_or_path, Path) else self.folder / ("%s.p12" % name)
        if not isinstance(data_or_path, Path):
            path.write_bytes(data_or_path)
        case = Case(name, kind, path, password, **flags)
        self.cases.append(case)
        return case

    def twin(self, case: Case) -> None:
        """The wrong-password twin of a good file."""
        self.cases.append(Case(case.name + "+wrong", "wrong password", case.path, "not-" + case.password, False))

    def openssl(self, name: str, kind: str, *options: str, twin: bool = True, **flags) -> Case:
        case = self.add(name, kind, self.make.openssl(name + ".p12", *options), **flags)
        if twin:
            self.twin(case)
        return case


def _pk12util(corpus: Corpus, name: str, key_cipher: str, cert_cipher: str) -> Path:
    """NSS pk12util: an openssl file imported into a fresh NSS database and exported with the given ciphers."""
    source = corpus.make.openssl("nss-src-%s.p12" % name)
    work = corpus.folder / ("nss-" + secrets.token_hex(4))
    work.mkdir(mode=0o700)
    try:  # pk12util reads passwords from files only (or argv): a 0700 folder, removed at once
        (work / "pw").write_text(PASSWORD)
        (work / "db-pw").write_text("")
        database = "sql:" + str(work)
        _run(["certutil", "-N", "-d", database, "-f", str(work / "db-pw")])
        _run(["pk12util", "-i", str(source), "-d", database, "-k", str(work / "db-pw"), "-w", str(work / "pw")])
        out = corpus.folder / ("%s.p12" % name)
        command = ["pk12util", "-o", str(out), "-n", "rnds", "-d", database, "-k", str(work / "db-pw")]
        _run([*command, "-w", str(work / "pw"), "-c", key_cipher, "-C", cert_cipher])
    finally:
        shutil.rmtree(work)
    return out


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, "%s failed: %s%s" % (command[0], done.stdout[-400:], done.stderr[-400:])


def _indefinite(node: der.Node, body: bytes) -> bytes:
    """BER: every constructed element with an indefinite length."""
    if node.tag in der.CONSTRUCTED:
        return bytes([node.tag, 0x80]) + body + b"\x00\x00"
    return der.standard(node, body)


def build(folder: Path) -> list[Case]:
    corpus = Corpus(folder)
    add, openssl = corpus.add, corpus.openssl

    # good files from the usual producers, each with its wrong-password twin
    good = [
        openssl("openssl-defaults", "good"),
        openssl("openssl-legacy", "good", "-legacy"),
        openssl(
            "openssl-3des-sha1", "good", "-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1"
        ),
        openssl("openssl-certpbe-none", "good", "-certpbe", "NONE"),
        openssl("openssl-iter-100000", "good", "-iter", "100000"),
    ]
    key, cert = corpus.pki.leaf(cnpj_value=CASE_CNPJ)
    for name, encryption in (
        ("pyca-best", serialization.BestAvailableEncryption(PASSWORD.encode())),
        (
            "pyca-3des",
            serialization.PrivateFormat.PKCS12.encryption_builder()
            .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
            .build(PASSWORD.encode()),
        ),
        (
            "pyca-aes",
            serialization.PrivateFormat.PKCS12.encryption_builder()
            .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
            .build(PASSWORD.encode()),
        ),
    ):
        data = pkcs12.serialize_key_and_certificates(b"rnds", key, cert, [corpus.pki.ca_cert], encryption)
        corpus.twin(add(name, "good", data))
    corpus.twin(add("keytool-defaults", "good", corpus.make.keytool("keytool-defaults.p12")))
    corpus.twin(add("keytool-legacy", "good", corpus.make.keytool("keytool-legacy.p12", "keystore.pkcs12.legacy")))
    for cipher in ("AES-256-CBC", "AES-128-CBC"):
        path = _pk12util(corpus, "nss-" + cipher, cipher, cipher)
        corpus.twin(add("nss-" + cipher, "good", path))
    corpus.twin(
        add(
            "nss-3des",
            "good",
            _pk12util(
                corpus,
                "nss-3des",
                "PKCS #12 V2 PBE With SHA-1 And 3KEY Triple DES-CBC",
                "PKCS #12 V2 PBE With SHA-1 And 40 Bit RC2 CBC",
            ),
        )
    )

    # 1. ciphers Java 17 lacks (and has), in the key or the certificates part; pk12util, certtool, node-forge
    for cipher in recipes.JAVA_HAS + recipes.JAVA_LACKS:
        for where in ("keypbe", "certpbe"):
            openssl("%s-%s" % (where, cipher), "1 ciphers", "-legacy", "-" + where, cipher, twin=False)
    corpus.twin(add("nss-aes192", "1 ciphers", _pk12util(corpus, "nss-aes192", "AES-192-CBC", "AES-192-CBC")))
    chain = [corpus.pki.ca_cert, Pki(folder / "other-ca", ca_name="AC RAIZ TESTE").ca_cert]
    for cipher in ("aes-256", "aes-192", "3des"):
        path = corpus.make.certtool("certtool-%s.p12" % cipher, cipher, chain)
        corpus.twin(add("certtool-" + cipher, "1 ciphers" if cipher != "aes-256" else "7 budget", path))
    forge_key, forge_cert, forge_ca = forge.rsa_chain()
    for algorithm in ("aes128", "aes192", "aes256", "3des"):
        data = forge.pkcs12(forge_key, [forge_cert, forge_ca], PASSWORD, algorithm=algorithm)
        corpus.twin(add("forge-" + algorithm, "1 ciphers", data))

    # 2, 3, 9: pairing, bags, certificates (node-forge and crafted: tests/support/bag_cases.py)
    for name, case in bag_cases.cases(corpus.pki).items():
        kind = "9 certificates" if name.startswith(("own-", "ca-")) else "2 pairing"
        if "nested" in name or "type" in name:
            kind = "3 bags"
        if case.decision or name in ("plain-key-bag-beside", "second-key-without-local-key-id"):
            kind = "decisions"
        path = bag_cases.write(name, case, folder)
        made = add(name, kind, path, bag_cases.PASSWORD, decision=case.decision)
        corpus.twin(made)

    # 4. EC keys Java 17 cannot sign with
    for name, ecparam in (
        ("brainpoolP256r1", ["-name", "brainpoolP256r1"]),
        ("brainpoolP384r1", ["-name", "brainpoolP384r1"]),
        ("secp256k1", ["-name", "secp256k1"]),
        ("explicit-p256", ["-name", "prime256v1", "-param_enc", "explicit"]),
        ("p384", ["-name", "secp384r1"]),
    ):
        add("ec-" + name, "4 curves", recipes.openssl_ec_file(corpus.make, "ec-" + name, *ecparam))

    # 5. malformed files we accepted (crafted from an openssl file, the MAC right)
    for name, (change, _words) in recipes.CRAFTED.items():
        root = der.parse_file(corpus.make.openssl("malformed-%s.p12" % name).read_bytes())
        change(root)
        # Java 17 ignores a PBES2 keyLength that contradicts the cipher, OpenSSL refuses the file: we refuse it
        # (docs/verdicts.md, decisions)
        add("malformed-" + name, "5 malformed", der.finish(root, PASSWORD), decision=name.startswith("key-length"))

    # 6. MAC SHA-512/224 and /256
    for digest in ("sha512-224", "sha512-256"):
        openssl("mac-" + digest, "6 mac", "-macalg", digest)
        path = corpus.make.keytool(
            "ks-%s.p12" % digest, "keystore.pkcs12.macAlgorithm=HmacPBESHA" + digest[3:].replace("-", "/")
        )
        corpus.twin(add("keytool-mac-" + digest, "6 mac", path))

    # 7. 600,000-iteration exporters (certtool aes-256 above)
    counts = ("keyPbeIterationCount", "certPbeIterationCount", "macIterationCount")
    path = corpus.make.keytool("keytool-600k.p12", *("keystore.pkcs12.%s=600000" % name for name in counts))
    corpus.twin(add("keytool-600k", "7 budget", path))

    # 8. bytes after the PFX or the AuthenticatedSafe; BER
    base = corpus.make.openssl("tail-base.p12").read_bytes()
    for name, tail in (("lf", b"\n"), ("crlf", b"\r\n"), ("zeros", b"\0" * 512), ("text", b"garbage"), ("twice", base)):
        corpus.twin(add("tail-" + name, "8 trailing, BER", base + tail))
    root = der.parse_file(base)
    octets = der.authsafe_octets(root)
    octets.value, octets.encap = octets.encap.enc() + b"\0" * 4, None
    corpus.twin(add("tail-authsafe", "8 trailing, BER", der.finish(root, PASSWORD)))
    root = der.parse_file(corpus.make.openssl("ber-base.p12", "-certpbe", "NONE").read_bytes())
    corpus.twin(add("ber-indefinite", "8 trailing, BER", der.finish(root, PASSWORD, _indefinite)))

    # 10. damage under a valid MAC
    for legacy in (False, True):
        data = corpus.make.openssl("dmg-%s.p12" % legacy, *(["-legacy"] if legacy else [])).read_bytes()
        for which in ("key", "part"):
            for how in ("flip", "short"):
                name = "damaged-%s-%s-%s" % ("legacy" if legacy else "aes", which, how)
                add(name, "10 damage", recipes.damaged(data, which, how))
    data = good[0].path.read_bytes()
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x40
    add("damaged-mac-invalid", "10 damage", bytes(flipped))
    return corpus.cases


def judge(cases: list[Case]) -> list[Outcome]:
    answers = java_judge.judge([(case.path, case.password) for case in cases], timeout=600)
    outcomes = []
    for case, answer in zip(cases, answers):
        report = core.validate(case.path.read_bytes(), case.password, label=case.path.name)
        outcomes.append(Outcome(case, answer.result, report["verdict"]))
    return outcomes


def table(outcomes: list[Outcome]) -> str:
    kinds = sorted({outcome.case.kind for outcome in outcomes}, key=lambda kind: (len(kind.split()[0]), kind))
    lines = ["| class | cases | agree |", "|---|---|---|"]
    for kind in kinds:
        mine = [outcome for outcome in outcomes if outcome.case.kind == kind]
        lines.append("| %s | %d | %d |" % (kind, len(mine), sum(outcome.agree for outcome in mine)))
    lines.append("| all | %d | %d |" % (len(outcomes), sum(outcome.agree for outcome in outcomes)))
    differ = [o for o in outcomes if not o.agree]
    lines += ["", "disagreements:"] + [
        "- %s (%s): Java %s, we %s%s"
        % (o.case.name, o.case.kind, o.java, o.ours, " (documented decision)" if o.case.decision else "")
        for o in differ
    ]
    return "\n".join(lines)


def _missing(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _need_tools() -> None:
    missing = [tool for tool in TOOLS if not shutil.which(tool)]
    if missing:
        _missing("the differential needs %s (scripts/lib.sh installs them)" % ", ".join(missing))
    try:
        java_judge.tools()
        forge.installed()
    except (java_judge.JudgeUnavailable, forge.ForgeUnavailable) as error:
        _missing(str(error))


def test_differential_against_java(tmp_path_factory) -> None:
    _need_tools()
    outcomes = judge(build(tmp_path_factory.mktemp("differential")))
    report = table(outcomes)
    print(report)
    assert len(outcomes) >= 150, "the corpus shrank"
    assert len({o.case.kind for o in outcomes}) >= 12, "a class of the issue is missing"
    false_ok = [o.case.name for o in outcomes if o.false_ok]
    blamed = [o.case.name for o in outcomes if o.blamed_on_password]
    refused = [o.case.name for o in outcomes if o.false_refusal and not o.case.decision]
    assert not false_ok, "we say ok, Java cannot use: %s\n%s" % (false_ok, report)
    assert not blamed, "damage blamed on the password: %s\n%s" % (blamed, report)
    assert not refused, "Java uses it, we refuse it: %s\n%s" % (refused, report)


def _main() -> None:
    import tempfile

    start = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        cases = build(Path(folder))
        built = time.monotonic()
        outcomes = judge(cases)
    print(table(outcomes))
    print("\n%d files; corpus %.1f s, Java and core %.1f s" % (len(outcomes), built - start, time.monotonic() - built))


if __name__ == "__main__":
    _main()
