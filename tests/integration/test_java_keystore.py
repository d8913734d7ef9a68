# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Our PKCS#12 verdicts cross-checked against Java's PKCS12 KeyStore, the reader e-SUS PEC uses.

Every case is a file made at test time (no key is committed) that is opened twice: by
``pkcs12.validate()`` and by a real JVM, ``keytool -list -storetype PKCS12`` (nothing is mocked:
when keytool is not installed the test is skipped). The password reaches keytool through
``-storepass:env``, never argv. The test proves these invariants on good, wrong-password and
damaged files:

1. a file Java opens with the password never gets ``not_pkcs12`` or ``corrupt`` from us, nor
   ``wrong_password`` when Java's load did check the password (the file has a MAC or encrypted
   certificate parts: ``keytool -list`` never decrypts the private key, so a file with neither
   opens with any password);
2. we never say ``ok``/``expiring`` for a file Java refuses, nor for one where Java finds no
   private key entry (PEC needs the key, and Java ignores an unencrypted KeyBag);
3. Java decrypts the encrypted parts before it checks the MAC, so with the right password a
   damaged file fails as "Integrity check failed" (then, when the file has encrypted
   certificate parts, our verdict must be ``corrupt``) and a wrong password fails as "keystore
   password was incorrect" (then ours must be ``wrong_password``). Java also says "password was
   incorrect" for a right password when the decrypted part does not parse (damage under a valid
   MAC: we must say ``corrupt``) and, in Java 17, for any non-ASCII password ("Password is not
   ASCII"): there only invariant 2 applies.

Each case also checks that Java answered what its construction intends, so a case cannot
silently stop testing what its name says.

keytool and empty or short passwords: ``-list`` accepts an empty store password through
``-storepass:env`` (an empty variable) and verifies the MAC with it (Java retries an empty
password in OpenSSL's two-zero-byte form), and accepts passwords shorter than six characters
(that minimum only applies when keytool creates or changes a store password).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from ansible_collections.esus.pec.plugins.module_utils import pkcs12 as core
from tests.support.pki import CASE_CNPJ, Pki, standard_cases

USABLE = {"ok", "expiring"}

# what Java answers
OPENS = "opens"
INTEGRITY = "integrity check failed"
PASSWORD = "password was incorrect"
REFUSES = "refuses"  # anything else: not a keystore, missing file...

PASSWORD_VARIABLE = "ESUS_KEYSTORE_PASSWORD"
JAVA_OPTION_VARIABLES = ("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS")
# English messages; a quicker start (about half the time of a default JVM) that changes nothing in the KeyStore
JVM_OPTIONS = ("-J-Duser.language=en", "-J-Duser.country=US", "-J-XX:+UseSerialGC", "-J-XX:TieredStopAtLevel=1")

# OIDs (content octets) and MAC digests of the PKCS#12 structure, RFC 7292
OID_DATA = bytes.fromhex("2a864886f70d010701")
OID_ENCRYPTED_DATA = bytes.fromhex("2a864886f70d010706")
OID_SHROUDED_KEY_BAG = bytes.fromhex("2a864886f70d010c0a0102")
MAC_DIGESTS = {
    bytes.fromhex("2b0e03021a"): "sha1",
    bytes.fromhex("608648016503040201"): "sha256",
    bytes.fromhex("608648016503040202"): "sha384",
    bytes.fromhex("608648016503040203"): "sha512",
}


# --- a minimal DER reader: where the parts of a PFX lie -----------------------------------------


def _tlv(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of value, end of value) of the DER element at pos."""
    if pos + 2 > len(data):
        raise ValueError("truncated header at %d" % pos)
    tag, first = data[pos], data[pos + 1]
    pos += 2
    length = first
    if first & 0x80:
        count = first & 0x7F
        if not 1 <= count <= 4:
            raise ValueError("length form not handled at %d" % pos)
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise ValueError("truncated value at %d" % pos)
    return tag, pos, pos + length


def _children(data: bytes, element: tuple[int, int, int]) -> list[tuple[int, int, int]]:
    found, pos = [], element[1]
    while pos < element[2]:
        found.append(_tlv(data, pos))
        pos = found[-1][2]
    return found


def _value(data: bytes, element: tuple[int, int, int]) -> bytes:
    return data[element[1] : element[2]]


@dataclasses.dataclass(frozen=True)
class Layout:
    """Byte ranges (start, end) inside a PFX."""

    authsafe: tuple[int, int]  # the content the MAC covers
    cert_parts: list[tuple[int, int]]  # ciphertext of each encryptedData part (the certificates)
    key_parts: list[tuple[int, int]]  # ciphertext of each pkcs8ShroudedKeyBag
    mac: tuple[int, int] | None  # the MAC value, None without MacData
    mac_salt: bytes = b""
    mac_iterations: int = 1
    mac_hash: str = "sha1"


def layout(data: bytes) -> Layout:
    pfx = _children(data, _tlv(data, 0))
    content_type, explicit = _children(data, pfx[1])
    if _value(data, content_type) != OID_DATA:
        raise ValueError("authSafe is not data")
    octets = _tlv(data, explicit[1])
    cert_parts, key_parts = [], []
    for info in _children(data, _tlv(data, octets[1])):
        kind, content = _children(data, info)[:2]
        inner = _tlv(data, content[1])
        if _value(data, kind) == OID_ENCRYPTED_DATA:
            encrypted_content_info = _children(data, inner)[1]
            ciphertext = _children(data, encrypted_content_info)[2]
            cert_parts.append((ciphertext[1], ciphertext[2]))
        elif _value(data, kind) == OID_DATA:
            for bag in _children(data, _tlv(data, inner[1])):
                bag_id, bag_value = _children(data, bag)[:2]
                if _value(data, bag_id) == OID_SHROUDED_KEY_BAG:
                    encrypted = _children(data, _tlv(data, bag_value[1]))[1]
                    key_parts.append((encrypted[1], encrypted[2]))
    if len(pfx) < 3:
        return Layout((octets[1], octets[2]), cert_parts, key_parts, None)
    mac_data = _children(data, pfx[2])
    digest_info = _children(data, mac_data[0])
    algorithm = _children(data, digest_info[0])[0]
    return Layout(
        (octets[1], octets[2]),
        cert_parts,
        key_parts,
        (digest_info[1][1], digest_info[1][2]),
        _value(data, mac_data[1]),
        int.from_bytes(_value(data, mac_data[2]), "big") if len(mac_data) > 2 else 1,
        MAC_DIGESTS[_value(data, algorithm)],
    )


def _flip(data: bytes, offset: int) -> bytes:
    damaged = bytearray(data)
    damaged[offset] ^= 0x01
    return bytes(damaged)


def _pkcs12_kdf(hash_name: str, password: str, salt: bytes, iterations: int, size: int) -> bytes:
    """RFC 7292 appendix B.2 with ID 3: the key of the PKCS#12 MAC."""
    digest = hashlib.new(hash_name)
    u, v = digest.digest_size, digest.block_size
    secret = password.encode("utf-16-be") + b"\x00\x00"

    def stretch(value: bytes) -> bytes:
        if not value:
            return b""
        length = v * -(-len(value) // v)
        return (value * (length // len(value) + 1))[:length]

    block = stretch(salt) + stretch(secret)
    out = b""
    while len(out) < size:
        a = hashlib.new(hash_name, bytes([3]) * v + block).digest()
        for _ in range(iterations - 1):
            a = hashlib.new(hash_name, a).digest()
        out += a
        b = int.from_bytes((a * (v // u + 1))[:v], "big") + 1
        block = b"".join(
            ((int.from_bytes(block[j : j + v], "big") + b) % (1 << (8 * v))).to_bytes(v, "big")
            for j in range(0, len(block), v)
        )
    return out[:size]


def _remac(data: bytes, password: str) -> bytes:
    """The same bytes with a MAC that is right for password: only the caller's damage remains."""
    parts = layout(data)
    assert parts.mac is not None
    key = _pkcs12_kdf(parts.mac_hash, password, parts.mac_salt, parts.mac_iterations, parts.mac[1] - parts.mac[0])
    value = hmac.new(key, data[parts.authsafe[0] : parts.authsafe[1]], parts.mac_hash).digest()
    return data[: parts.mac[0]] + value + data[parts.mac[1] :]


# --- the cases ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Made:
    path: Path
    password: str
    right_password: bool  # the password given is the one the file was written with
    java: str | None  # what the construction makes Java answer; None: depends on the Java version
    expected: frozenset[str] = frozenset()  # verdicts the case itself requires (wrong passwords, damage)
    options: dict[str, str] = dataclasses.field(default_factory=dict)  # validate()'s, e.g. expected_cnpj


# standard_cases(pki) name -> (what Java answers, right password given)
STANDARD = {
    "ok_aes": (OPENS, True),
    "password_not_ascii": (None, True),  # Java 17 refuses non-ASCII passwords (Java 25 opens AES files)
    "ok_3des": (OPENS, True),
    "ok_rc2": (OPENS, True),
    "ok_empty_password": (OPENS, True),
    "expiring": (OPENS, True),
    "expired": (OPENS, True),
    "not_yet_valid": (OPENS, True),
    "wrong_password": (PASSWORD, False),
    "certificate_only": (REFUSES, True),
    "no_private_key": (OPENS, True),
    "key_mismatch": (OPENS, True),  # Java does not pair keys with certificates at load
    "identity_mismatch": (OPENS, True),
    "not_pkcs12": (REFUSES, True),
    "corrupt": (REFUSES, True),  # truncated: EOFException
    "missing": (REFUSES, True),
}
EXTRA = [
    # good files
    "rsa-aes",
    "ec-aes",
    "ec-3des",
    "ec-rc2-legacy",
    "ec-openssl-defaults",
    "two-character-password",
    "openssl-certpbe-none",
    "openssl-nomac",
    "openssl-keypbe-none",
    "non-ascii-password-3des",
    # wrong passwords
    "wrong-password-3des",
    "wrong-password-rc2",
    "wrong-password-certpbe-none",
    "wrong-password-nomac",
    "empty-password-given",
    # damaged files
    "damaged-cert-part-aes",
    "damaged-cert-part-3des",
    "damaged-cert-part-rc2",
    "damaged-key-part",
    "damaged-mac-value",
    "damaged-cert-part-wrong-password",
    "damaged-cert-part-mac-recomputed",
]
CASES = ["standard-" + name for name in STANDARD] + EXTRA


def _openssl_export(work: Path, name: str, pki: Pki, key, cert, password: str, *options: str) -> Path:
    """``openssl pkcs12 -export`` with extra options; every secret goes through the environment."""
    folder = work / ("openssl-" + name)
    folder.mkdir(mode=0o700)
    transit = "in-transit-only"
    pem = serialization.Encoding.PEM
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(transit.encode())
        )
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(pem))
    (folder / "ca.pem").write_bytes(pki.ca_cert.public_bytes(pem))
    out = work / ("%s.pfx" % name)
    command = ["openssl", "pkcs12", "-export", "-name", "rnds", "-inkey", str(folder / "key.pem")]
    command += ["-in", str(folder / "cert.pem"), "-certfile", str(folder / "ca.pem"), "-out", str(out)]
    command += ["-passin", "env:ESUS_KEY_PASSWORD", "-passout", "env:ESUS_PFX_PASSWORD", *options]
    env = dict(os.environ, ESUS_KEY_PASSWORD=transit, ESUS_PFX_PASSWORD=password)
    subprocess.run(command, check=True, env=env, capture_output=True)
    (folder / "key.pem").unlink()
    return out


def build(pki: Pki, work: Path) -> dict[str, Made]:
    made: dict[str, Made] = {}
    for name, case in standard_cases(pki).items():
        java, right = STANDARD[name]
        made["standard-" + name] = Made(Path(case["file"]), case["password"], right, java, options=case["options"])

    def write(name: str, data: bytes) -> Path:
        path = work / ("%s.pfx" % name)
        path.write_bytes(data)
        return path

    rsa_key, rsa_cert = pki.leaf(key=pki.key("rsa"), cnpj_value=CASE_CNPJ)
    ec_key, ec_cert = pki.leaf(key=pki.key("ec"), cnpj_value=CASE_CNPJ)

    # good files: every reader must open them
    for name, key, cert, encryption in (
        ("rsa-aes", rsa_key, rsa_cert, "aes"),
        ("ec-aes", ec_key, ec_cert, "aes"),
        ("ec-3des", ec_key, ec_cert, "3des"),
        ("ec-rc2-legacy", ec_key, ec_cert, "rc2"),
        ("ec-openssl-defaults", ec_key, ec_cert, "openssl"),
    ):
        password = "pw-" + name
        made[name] = Made(pki.pfx(name + ".pfx", key, cert, password, encryption=encryption), password, True, OPENS)
    made["two-character-password"] = Made(pki.pfx("short.pfx", ec_key, ec_cert, "ab"), "ab", True, OPENS)
    for name, options in (
        ("openssl-certpbe-none", ("-certpbe", "NONE")),  # certificates in the clear, only the key encrypted
        ("openssl-nomac", ("-nomac",)),  # no MAC (OpenSSL 3 then leaves the certificates in the clear too)
        ("openssl-keypbe-none", ("-keypbe", "NONE")),  # the key in a plain KeyBag, which Java ignores
    ):
        password = "pw-" + name
        made[name] = Made(_openssl_export(work, name, pki, ec_key, ec_cert, password, *options), password, True, OPENS)
    # right password, but Java 17 derives no PBE key from a non-ASCII one ("Password is not ASCII"):
    # refused with any cipher (Java 25 opens AES files, still not 3DES ones)
    made["non-ascii-password-3des"] = Made(
        pki.pfx("nao-ascii.pfx", ec_key, ec_cert, "Açaí-senha", encryption="3des"), "Açaí-senha", True, None
    )

    # wrong passwords
    wrong = frozenset({"wrong_password"})
    for name, source, java in (
        ("wrong-password-3des", made["ec-3des"], PASSWORD),
        ("wrong-password-rc2", made["ec-rc2-legacy"], PASSWORD),
        ("wrong-password-certpbe-none", made["openssl-certpbe-none"], INTEGRITY),  # nothing to decrypt first
        ("wrong-password-nomac", made["openssl-nomac"], OPENS),  # nothing checks the password at load
    ):
        made[name] = Made(source.path, source.password + "-errada", False, java, wrong)
    made["empty-password-given"] = Made(made["ec-aes"].path, "", False, PASSWORD, wrong)

    # damaged files, right password unless said otherwise
    damaged = frozenset({"corrupt"})
    for name, source in (
        ("damaged-cert-part-aes", made["ec-aes"]),
        ("damaged-cert-part-3des", made["ec-3des"]),
        ("damaged-cert-part-rc2", made["ec-rc2-legacy"]),
    ):
        data = source.path.read_bytes()
        # 48 bytes before the end of the ciphertext: in CBC mode a flip there garbles at most the
        # last 48 bytes of plaintext before the padding block, all inside the last certificate's
        # (the CA's) ECDSA signature, which Java does not parse at load: the part still decrypts
        # and parses, only the MAC fails
        made[name] = Made(
            write(name, _flip(data, layout(data).cert_parts[0][1] - 48)), source.password, True, INTEGRITY, damaged
        )
    data = made["ec-aes"].path.read_bytes()
    parts = layout(data)
    made["damaged-key-part"] = Made(
        write("damaged-key-part", _flip(data, parts.key_parts[0][1] - 48)), "pw-ec-aes", True, INTEGRITY, damaged
    )
    made["damaged-mac-value"] = Made(
        write("damaged-mac-value", _flip(data, parts.mac[0])), "pw-ec-aes", True, INTEGRITY, damaged
    )
    made["damaged-cert-part-wrong-password"] = Made(
        made["damaged-cert-part-aes"].path, "pw-ec-aes-errada", False, PASSWORD, wrong
    )
    assert _remac(data, "pw-ec-aes") == data, "the test's MAC computation does not reproduce the file's MAC"
    # first ciphertext block: the SafeContents header no longer parses once decrypted, under a valid
    # MAC. Java reports its parse error as "keystore password was incorrect"; the MAC proves otherwise
    made["damaged-cert-part-mac-recomputed"] = Made(
        write("damaged-cert-part-mac-recomputed", _remac(_flip(data, parts.cert_parts[0][0]), "pw-ec-aes")),
        "pw-ec-aes",
        True,
        PASSWORD,
        damaged,
    )
    assert sorted(made) == sorted(CASES), "cases and their list differ"
    return made


# --- Java -----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class JavaAnswer:
    outcome: str
    error: str  # keytool's first error line, empty when it opens the file
    cause: str  # the first "Caused by:" line of the stack trace keytool prints with -debug
    private_key_entries: int

    def __str__(self) -> str:
        if self.outcome == OPENS:
            return "keytool opens it, %d PrivateKeyEntry" % self.private_key_entries
        return "keytool: %s%s" % (self.error, " | %s" % self.cause if self.cause else "")


def run_keytool(keytool: str, path: Path, password: str) -> JavaAnswer:
    env = {name: value for name, value in os.environ.items() if name not in JAVA_OPTION_VARIABLES}
    env["LC_ALL"] = "C.UTF-8"  # the JVM decodes environment variables with the locale's charset
    env[PASSWORD_VARIABLE] = password
    command = [keytool, *JVM_OPTIONS, "-debug", "-list", "-storetype", "PKCS12", "-keystore", str(path)]
    command += ["-storepass:env", PASSWORD_VARIABLE]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    lines = [line.strip() for line in (result.stdout + "\n" + result.stderr).splitlines() if line.strip()]
    if result.returncode == 0:
        return JavaAnswer(OPENS, "", "", sum("PrivateKeyEntry" in line for line in lines))
    # keytool's own error line first; else whatever it printed (-debug echoes the arguments first)
    candidates = [line for line in lines if line.startswith("keytool error:")]
    candidates += [line for line in lines if not line.startswith("Command line args")]
    error = candidates[0] if candidates else "exit status %d, no output" % result.returncode
    cause = next((line for line in lines if line.startswith("Caused by:")), "")
    outcome = (
        PASSWORD if "password was incorrect" in error else INTEGRITY if "Integrity check failed" in error else REFUSES
    )
    return JavaAnswer(outcome, error, cause, 0)


@pytest.fixture(scope="module")
def keytool() -> str:
    path = shutil.which("keytool") or "/usr/bin/keytool"
    if not os.access(path, os.X_OK):
        pytest.skip("keytool not found: this test checks our verdicts against a real Java PKCS12 KeyStore")
    if not shutil.which("openssl"):
        pytest.skip("the openssl CLI is needed to write the -legacy, -nomac and -certpbe files")
    return path


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Made]:
    # a PKI of its own: standard_cases() writes fixed file names, the session `pki` is shared
    work = tmp_path_factory.mktemp("java-keystore")
    return build(Pki(work / "pki"), work)


@pytest.mark.parametrize("name", CASES)
def test_java_keystore_agrees(keytool: str, made: dict[str, Made], name: str) -> None:
    case = made[name]
    java = run_keytool(keytool, case.path, case.password)
    data = case.path.read_bytes() if case.path.exists() else None
    report = core.validate(data, case.password, label=case.path.name, **case.options)
    verdict = report["verdict"]
    try:
        parts = layout(data) if data else None
    except (ValueError, IndexError, KeyError):
        parts = None
    encrypted_certificates = bool(parts and parts.cert_parts)
    password_checked_at_load = bool(parts and (parts.mac or parts.cert_parts))

    problems = []
    if java.outcome == OPENS:
        if verdict in ("not_pkcs12", "corrupt") or (verdict == "wrong_password" and password_checked_at_load):
            problems.append("(1) Java opens it with this password, we say %s" % verdict)
        if verdict in USABLE and not java.private_key_entries:
            problems.append("(2) we say %s but Java finds no private key entry: PEC cannot use it" % verdict)
    elif verdict in USABLE:
        problems.append("(2) Java refuses it, we say %s" % verdict)
    if java.outcome == INTEGRITY and case.right_password and encrypted_certificates and verdict != "corrupt":
        problems.append("(3) Java decrypted the parts with this password and the MAC failed, we say %s" % verdict)
    if java.outcome == PASSWORD and not case.right_password and verdict != "wrong_password":
        problems.append("(3) wrong password and Java says so, we say %s" % verdict)
    if case.expected and verdict not in case.expected:
        problems.append("the case needs %s, we say %s" % (" or ".join(sorted(case.expected)), verdict))
    if case.java is not None and java.outcome != case.java:
        problems.append("the case is built for Java to answer '%s', it answered '%s'" % (case.java, java.outcome))
    assert not problems, "%s\n%s\nour verdict: %s (%s)" % ("\n".join(problems), java, verdict, report["msg"][:300])
