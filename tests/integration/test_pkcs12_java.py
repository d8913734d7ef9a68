# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The core's verdict against what Java 17 does with the file (issue 22), class by class.

Every file is made at test time by the producer a state team's file would come from (the openssl CLI,
keytool, pk12util, certtool), or crafted from one of those where no producer writes it. What Java 17 does
with each kind of file was checked by hand with keytool and a small getKey/sign program (see
docs/verdicts.md); the Java judge in tests/integration checks it again on every run.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from ansible_collections.esus.pec.plugins.module_utils import pkcs12 as core
from ansible_collections.esus.pec.plugins.module_utils import validation
from tests.pkcs12_repro import der
from tests.support.pki import Pki, cnpj

CNPJ = cnpj("123456780001")
PASSWORD = "Senha-java-22"


def need(tool: str) -> str:
    """The tool's path; a missing tool fails under CI (scripts/lib.sh installs it) and skips elsewhere."""
    found = shutil.which(tool)
    if found is None:
        message = "%s is not installed (scripts/lib.sh esus_need_commands installs it)" % tool
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def run(command: list[str], password: str, **env: str) -> None:
    """Run a producer; every secret goes through the environment, never argv."""
    environment = dict(os.environ, ESUS_PW=password, **env)
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    assert done.returncode == 0, "%s failed: %s" % (command[0], done.stderr[-800:])


class Producers:
    """Real producers writing the same e-CNPJ-like key and chain into PKCS#12 files."""

    def __init__(self, pki: Pki, key=None, cert=None) -> None:
        self.pki = pki
        self.key, self.cert = (key, cert) if key is not None else pki.leaf(cnpj_value=CNPJ)
        self.work = pki.dir / ("producers-" + secrets.token_hex(4))
        self.work.mkdir(mode=0o700)

    def _pem_inputs(self, password: str, key=None, cert=None, chain: list | None = None) -> tuple[Path, Path]:
        key = key if key is not None else self.key
        cert = cert if cert is not None else self.cert
        key_file = self.work / ("key-%s.pem" % secrets.token_hex(4))
        # the key goes to disk encrypted only
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(password.encode() or b"x"),
            )
        )
        certs = self.work / ("certs-%s.pem" % secrets.token_hex(4))
        chain = [self.pki.ca_cert] if chain is None else chain
        certs.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [cert, *chain]))
        return key_file, certs

    def openssl(self, name: str, *options: str, password: str = PASSWORD, key=None, cert=None, chain=None) -> Path:
        """``openssl pkcs12 -export`` with the given options (e.g. ``-keypbe AES-192-CBC``)."""
        key_file, certs = self._pem_inputs(password, key, cert, chain)
        out = self.pki.dir / name
        command = ["openssl", "pkcs12", "-export", "-inkey", str(key_file), "-in", str(certs), "-name", "rnds"]
        command += ["-passin", "env:ESUS_KEY_PW", "-passout", "env:ESUS_PW", "-out", str(out), *options]
        run(command, password, ESUS_KEY_PW=password or "x")
        return out

    def certtool(self, name: str, cipher: str, chain: list, password: str = PASSWORD) -> Path:
        """GnuTLS ``certtool --to-p12`` (600,000 iterations, one encrypted part per certificate)."""
        need("certtool")
        out = self.pki.dir / name
        work = self.work / ("certtool-" + secrets.token_hex(4))
        work.mkdir(mode=0o700)
        try:  # certtool reads the output password from a template only: a 0700 folder, removed at once
            key_file = work / "key.pem"
            key_file.write_bytes(
                self.key.private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            )
            certs = work / "certs.pem"
            certs.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [self.cert, *chain]))
            (work / "template").write_text('password = "%s"\npkcs12_key_name = "rnds"\n' % password)
            command = ["certtool", "--to-p12", "--load-privkey", str(key_file), "--load-certificate", str(certs)]
            command += [
                "--pkcs-cipher",
                cipher,
                "--template",
                str(work / "template"),
                "--outder",
                "--outfile",
                str(out),
            ]
            run(command, "")
        finally:
            shutil.rmtree(work)
        return out

    def keytool(self, name: str, *properties: str, password: str = PASSWORD) -> Path:
        """keytool (Java 17) re-writes an openssl file with its own encryption, tuned by ``-J-D`` properties."""
        need("keytool")
        source = self.openssl("src-" + name, password=password)
        out = self.pki.dir / name
        command = ["keytool", *("-J-D" + p for p in properties), "-importkeystore", "-noprompt"]
        command += ["-srckeystore", str(source), "-srcstoretype", "PKCS12", "-srcstorepass:env", "ESUS_PW"]
        command += ["-destkeystore", str(out), "-deststoretype", "PKCS12", "-deststorepass:env", "ESUS_PW"]
        run(command, password)
        return out


@pytest.fixture(scope="module")
def make(pki) -> Producers:
    return Producers(pki)


def verdict(path: Path, password: str = PASSWORD) -> dict:
    return core.validate(path.read_bytes(), password, label=path.name)


# --- class 6: MAC SHA-512/224 and SHA-512/256 (Java 17 has HmacPBESHA512/224 and /256) ---------------


@pytest.mark.parametrize("digest", ["sha512-224", "sha512-256"])
def test_mac_sha512_truncated_from_openssl(make, digest):
    path = make.openssl("mac-%s.p12" % digest, "-macalg", digest)
    report = verdict(path)
    assert report["verdict"] == "ok", report["msg"]
    assert report["pkcs12"]["mac_algorithm"] == digest.upper().replace("-", "/")
    wrong = verdict(path, PASSWORD + "x")
    assert wrong["verdict"] == "wrong_password", wrong["msg"]


@pytest.mark.parametrize("algorithm", ["HmacPBESHA512/224", "HmacPBESHA512/256"])
def test_mac_sha512_truncated_from_keytool(make, algorithm):
    path = make.keytool("ks-%s.p12" % algorithm[-3:], "keystore.pkcs12.macAlgorithm=" + algorithm)
    report = verdict(path)
    assert report["verdict"] == "ok", report["msg"]
    assert report["pkcs12"]["mac_algorithm"] == "SHA" + algorithm[len("HmacPBESHA") :]
    assert verdict(path, "not-" + PASSWORD)["verdict"] == "wrong_password"


# --- class 8: bytes after the PFX or after the AuthenticatedSafe (Java and OpenSSL read one DER value) --


@pytest.mark.parametrize(
    "tail", [b"\n", b"\r\n", b"\0" * 512, b"garbage after the file", None], ids=["lf", "crlf", "zeros", "text", "twice"]
)
def test_bytes_after_the_pfx_are_a_note(make, tail):
    data = make.openssl("trail.p12").read_bytes()
    tail = data if tail is None else tail
    report = core.validate(data + tail, PASSWORD, label="trail.p12")
    assert report["verdict"] == "ok", report["msg"]
    assert len(report["notes"]) == 1
    assert "trail.p12: %d byte(s) after the PKCS#12 structure are ignored" % len(tail) in report["notes"][0]
    assert core.validate(data + tail, "other", label="trail.p12")["verdict"] == "wrong_password"
    assert core.validate(data, PASSWORD)["notes"] == []


def test_bytes_after_the_authenticated_safe_are_a_note(make):
    """Crafted: the MAC is right over the AuthenticatedSafe and the 4 zero bytes after it."""
    root = der.parse_file(make.openssl("trail-authsafe.p12").read_bytes())
    octets = der.authsafe_octets(root)
    octets.value, octets.encap = octets.encap.enc() + b"\0" * 4, None
    report = core.validate(der.finish(root, PASSWORD), PASSWORD, label="inner.p12")
    assert report["verdict"] == "ok", report["msg"]
    assert "4 byte(s) after the list of the file's parts" in report["notes"][0]


def test_notes_become_task_warnings(make):
    data = make.openssl("warn.p12").read_bytes() + b"\n"
    report = core.validate(data, PASSWORD, label="warn.p12")
    result, failed = validation.finish(report, fail_on_invalid=True)
    assert not failed and result["warnings"] == report["notes"]


# --- class 10: damage under a valid MAC where the password opens another part ----------------------


def _encrypted_octets(root: der.Node, which: str) -> der.Node:
    """The ciphertext node of the (first) shrouded key or encrypted certificate part."""
    if which == "key":
        return der.shrouded_key_bags(root)[0].children[1].children[0].children[1]
    return der.encrypted_parts(root)[0].children[1].children[0].children[1].children[2]


def damaged(data: bytes, which: str, how: str, password: str = PASSWORD) -> bytes:
    """Crafted from a real file: the last block of the key or certificate part flipped or cut, MAC right."""
    root = der.parse_file(data)
    node = _encrypted_octets(root, which)
    value = bytearray(node.value)
    if how == "flip":
        value[-3] ^= 0x55
    else:
        del value[-8:]  # one 3DES block short; for AES no longer a whole number of blocks
    node.value = bytes(value)
    return der.finish(root, password)


@pytest.mark.parametrize("how", ["flip", "short"])
@pytest.mark.parametrize("which", ["key", "part"])
@pytest.mark.parametrize("legacy", [False, True], ids=["aes", "legacy"])
def test_damage_where_the_password_opens_another_part_is_corrupt(make, legacy, which, how):
    """Java: getKey fails ('Given final block not properly padded') or the load does; the password is right."""
    data = make.openssl("dmg-%s.p12" % legacy, *(["-legacy"] if legacy else [])).read_bytes()
    report = core.validate(damaged(data, which, how), PASSWORD, label="dmg.p12")
    assert report["verdict"] == "corrupt", report["msg"]
    assert "dmg.p12: the password is right" in report["msg"] and "Do not change the password" in report["msg"]
    assert ("private key" if which == "key" else "certificate part") in report["msg"]


@pytest.mark.parametrize("legacy", [False, True], ids=["aes", "legacy"])
def test_two_passwords_stay_wrong_password(make, legacy):
    """The twin: contents under one password, the MAC keyed by another (openssl -twopass); nothing opens."""
    data = make.openssl("twopass-%s.p12" % legacy, *(["-legacy"] if legacy else [])).read_bytes()
    report = core.validate(der.finish(der.parse_file(data), "mac-password"), "mac-password", label="two.p12")
    assert report["verdict"] == "wrong_password", report["msg"]
    assert "two passwords" in report["msg"]


# --- class 1: ciphers Java 17 does not have (each checked with keytool/getKey on these openssl files) ----

JAVA_HAS = ["AES-128-CBC", "AES-256-CBC", "PBE-SHA1-3DES", "PBE-SHA1-RC2-40", "PBE-SHA1-RC2-128"]
JAVA_HAS += ["PBE-SHA1-RC4-40", "PBE-SHA1-RC4-128", "PBE-MD5-DES"]
JAVA_LACKS = ["AES-192-CBC", "DES-EDE3-CBC", "DES-CBC", "RC2-CBC", "PBE-SHA1-2DES", "PBE-SHA1-DES"]
JAVA_LACKS += ["PBE-SHA1-RC2-64", "PBE-MD5-RC2-64"]


@pytest.mark.parametrize("where", ["keypbe", "certpbe"])
@pytest.mark.parametrize("cipher", JAVA_HAS + JAVA_LACKS)
def test_ciphers_java_17_has_and_lacks(make, cipher, where):
    path = make.openssl("%s-%s.p12" % (where, cipher), "-legacy", "-" + where, cipher)
    report = verdict(path)
    if cipher in JAVA_HAS:
        assert report["verdict"] == "ok", report["msg"]
        return
    assert report["verdict"] == "unsupported_encryption", report["msg"]
    msg = report["msg"]
    assert msg.startswith(
        path.name + ": the file's %s is encrypted with" % ("key" if where == "keypbe" else "certificate part")
    )
    assert "Java 17 does not have" in msg and "Export the certificate again with AES-256" in msg
    assert ("cannot load the file" if where == "certpbe" else "cannot take the key") in msg
    assert verdict(path, "not-it")["verdict"] == "wrong_password"


# --- class 7: 600,000-iteration exporters with a chain of 3 fit the work budget ----------------------


@pytest.fixture(scope="module")
def chain_of_three(pki) -> list:
    """Two CA certificates beside the own one: certtool writes 3 encrypted certificate parts."""
    return [pki.ca_cert, Pki(pki.dir / "other-ca", ca_name="AC RAIZ TESTE").ca_cert]


def test_gnutls_defaults_with_a_chain_of_three(make, chain_of_three):
    path = make.certtool("gnutls.p12", "aes-256", chain_of_three)
    report = verdict(path)
    assert report["verdict"] == "ok", report["msg"]
    assert report["pkcs12"]["mac_iterations"] == 600_000 and report["chain_length"] == 3
    assert verdict(path, "not-" + PASSWORD)["verdict"] == "wrong_password"


@pytest.mark.parametrize("cipher", ["aes-192", "3des"])
def test_gnutls_ciphers_java_lacks(make, chain_of_three, cipher):
    """PBES2 AES-192 and DES-EDE3: Java 17 fails the load ('expecting the object identifier for AES cipher')."""
    report = verdict(make.certtool("gnutls-%s.p12" % cipher, cipher, chain_of_three))
    assert report["verdict"] == "unsupported_encryption", report["msg"]
    assert "Java 17 does not have" in report["msg"]


def test_keytool_pbkdf2_at_600000(make):
    counts = ("keyPbeIterationCount", "certPbeIterationCount", "macIterationCount")
    path = make.keytool("keytool-600k.p12", *("keystore.pkcs12.%s=600000" % name for name in counts))
    report = verdict(path)
    assert report["verdict"] == "ok", report["msg"]
    assert "600000 iterations" in report["pkcs12"]["key_encryption"]
    assert verdict(path, "not-" + PASSWORD)["verdict"] == "wrong_password"


# --- class 5: malformed files we accepted (crafted from an openssl file, the MAC right) --------------


def _pbkdf2_fields(root: der.Node, where: str) -> list:
    algorithm = der.key_algorithm(root) if where == "key" else der.cert_algorithm(root)
    return der.pbkdf2_params(algorithm).children


def _rewrite_key(root: der.Node, change) -> None:
    """Decrypt the shrouded key (OpenSSL 3 default: PBES2, HMAC-SHA256, AES-256-CBC), change it, encrypt again."""
    algorithm = der.key_algorithm(root)
    salt, count = (node.value for node in _pbkdf2_fields(root, "key")[:2])
    key = PBKDF2HMAC(hashes.SHA256(), 32, salt, int.from_bytes(count, "big")).derive(PASSWORD.encode())
    iv = algorithm.children[1].children[1].children[1].value
    holder = der.shrouded_key_bags(root)[0].children[1].children[0].children[1]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    plain = unpadder.update(decryptor.update(holder.value) + decryptor.finalize()) + unpadder.finalize()
    padder = padding.PKCS7(128).padder()
    padded = padder.update(change(plain)) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    holder.value = encryptor.update(padded) + encryptor.finalize()


def _wrong_crt(field: str):
    def change(plain: bytes) -> bytes:
        numbers = serialization.load_der_private_key(plain, None).private_numbers()
        values = {name: getattr(numbers, name) for name in ("p", "q", "d", "dmp1", "dmq1", "iqmp")}
        values[field] ^= 2
        damaged = rsa.RSAPrivateNumbers(public_numbers=numbers.public_numbers, **values)
        key = damaged.private_key(unsafe_skip_rsa_key_validation=True)
        return key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    return change


def _long_form_length(plain: bytes) -> bytes:
    assert plain[:2] == b"\x30\x82"
    return b"\x30\x83\x00" + plain[2:]  # the outer length in 3 bytes where 2 do


CRAFTED = {
    # Java 17 ignores keyLength, OpenSSL refuses the file: never ok
    "key-length-16-key": (lambda root: _pbkdf2_fields(root, "key").insert(2, der.int_node(16)), "contradicts"),
    "key-length-64-certificates": (
        lambda root: _pbkdf2_fields(root, "part").insert(2, der.int_node(64)),
        "contradicts",
    ),
    # Java: "Could not sign data" (its RSA core uses the CRT values; OpenSSL falls back to d)
    "rsa-dP": (lambda root: _rewrite_key(root, _wrong_crt("dmp1")), "dP is not d mod (p-1)"),
    "rsa-dQ": (lambda root: _rewrite_key(root, _wrong_crt("dmq1")), "dQ is not d mod (q-1)"),
    "rsa-qInv": (lambda root: _rewrite_key(root, _wrong_crt("iqmp")), "qInv is not the inverse"),
    # Java getKey: "extra data at the end", "Redundant length bytes found"
    "pkcs8-trailing": (lambda root: _rewrite_key(root, lambda plain: plain + b"\0\0"), "2 bytes after it"),
    "pkcs8-long-length": (lambda root: _rewrite_key(root, _long_form_length), "not DER-encoded"),
    # Java: "Integrity check failed: Salt must be at least 8 bytes long"
    "mac-salt-4": (lambda root: setattr(der.mac_data(root).children[1], "value", b"salt"), "salt of 4 bytes"),
}


@pytest.mark.parametrize("case", sorted(CRAFTED))
def test_malformed_files_java_or_openssl_refuse_are_corrupt(make, case):
    change, words = CRAFTED[case]
    root = der.parse_file(make.openssl("base.p12").read_bytes())
    change(root)
    report = core.validate(der.finish(root, PASSWORD), PASSWORD, label="%s.p12" % case)
    assert report["verdict"] == "corrupt", report["msg"]
    assert report["msg"].startswith("%s.p12: the PKCS#12 file is damaged" % case) and words in report["msg"]


def test_key_length_that_agrees_with_the_cipher_is_fine(make):
    root = der.parse_file(make.openssl("base.p12").read_bytes())
    _pbkdf2_fields(root, "key").insert(2, der.int_node(32))
    assert core.validate(der.finish(root, PASSWORD), PASSWORD)["verdict"] == "ok"


# --- class 4: keys Java 17 cannot sign with ------------------------------------------------------------


def openssl_ec_file(make, name: str, *ecparam: str) -> Path:
    """An EC key and its self-signed certificate made by the openssl CLI, exported by it (the key encrypted)."""
    work = make.work / ("ec-" + secrets.token_hex(4))
    work.mkdir(mode=0o700)
    try:
        key, cert = work / "key.pem", work / "cert.pem"
        run(["openssl", "ecparam", *ecparam, "-genkey", "-noout", "-out", str(key)], "")
        run(["openssl", "req", "-x509", "-key", str(key), "-out", str(cert), "-subj", "/CN=" + name, "-days", "90"], "")
        out = make.pki.dir / (name + ".p12")
        command = ["openssl", "pkcs12", "-export", "-inkey", str(key), "-in", str(cert), "-out", str(out)]
        run([*command, "-passout", "env:ESUS_PW"], PASSWORD)
    finally:
        shutil.rmtree(work)
    return out


@pytest.mark.parametrize(
    "name, ecparam, words",
    [
        ("brainpoolP256r1", ["-name", "brainpoolP256r1"], "the curve brainpoolP256r1"),
        ("brainpoolP384r1", ["-name", "brainpoolP384r1"], "the curve brainpoolP384r1"),
        ("secp256k1", ["-name", "secp256k1"], "the curve secp256k1"),
        ("explicit", ["-name", "prime256v1", "-param_enc", "explicit"], "explicit curve parameters"),
    ],
)
def test_ec_keys_java_cannot_sign_with(make, name, ecparam, words):
    """Java 17: getKey works, signing fails ('Curve not supported'); explicit parameters fail the load."""
    report = verdict(openssl_ec_file(make, name, *ecparam))
    assert report["verdict"] == "unsupported_encryption", report["msg"]
    assert words in report["msg"] and "cannot sign with such a key" in report["msg"]
    assert report["certificate"]["key_type"] == "EC"


@pytest.mark.parametrize("curve", ["prime256v1", "secp384r1", "secp521r1"])
def test_ec_keys_java_signs_with(make, curve):
    report = verdict(openssl_ec_file(make, "named-" + curve, "-name", curve))
    assert report["verdict"] == "ok", report["msg"]
