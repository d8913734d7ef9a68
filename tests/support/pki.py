# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Real test certificates, made at test time (no private key is ever committed).

An ICP-Brasil-like test CA issues e-CNPJ-style certificates for municipalities: CN ``NAME:CNPJ``,
subjectAltName otherNames 2.16.76.1.3.3 (CNPJ), 2.16.76.1.3.4 (birth date + CPF of the
responsible person) and 2.16.76.1.3.2 (responsible person's name). PKCS#12 files are written
by ``cryptography`` (AES, 3DES) and by the ``openssl`` CLI (``-legacy`` RC2-40), with passwords
passed through the environment, never argv.

Also a small CLI for the demo: ``python tests/support/pki.py demo OUTDIR``.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

OID_CNPJ = x509.ObjectIdentifier("2.16.76.1.3.3")
OID_RESPONSIBLE_DATA = x509.ObjectIdentifier("2.16.76.1.3.4")
OID_RESPONSIBLE_NAME = x509.ObjectIdentifier("2.16.76.1.3.2")
UTC = datetime.timezone.utc


def cnpj(base12: str) -> str:
    """Append the two check digits to a 12-character CNPJ base (numeric or 2026 alphanumeric)."""
    numbers = [ord(char) - 48 for char in base12]
    for position in (12, 13):
        weights = list(range(position - 7, 1, -1)) + list(range(9, 1, -1))
        remainder = sum(n * w for n, w in zip(numbers, weights)) % 11
        numbers.append(0 if remainder < 2 else 11 - remainder)
    return base12 + "".join(str(n) for n in numbers[12:])


CASE_CNPJ = cnpj("123456780001")


def _der_string(tag: int, text: str) -> bytes:
    raw = text.encode("utf-8")
    assert len(raw) < 128
    return bytes([tag, len(raw)]) + raw


def rsa_key(bits: int = 2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


class Pki:
    """A test CA and helpers to write certificates and PKCS#12 files into ``directory``."""

    def __init__(self, directory: Path, ca_name: str = "AC TESTE esus.pec") -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.now = datetime.datetime.now(UTC)
        self.ca_key = ec_key()
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ICP-Brasil TESTE"),
                x509.NameAttribute(NameOID.COMMON_NAME, ca_name),
            ]
        )
        self.ca_cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now - datetime.timedelta(days=3650))
            .not_valid_after(self.now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            # what a real CA carries, and what Python 3.13's default TLS context (VERIFY_X509_STRICT) requires of
            # a CA that issued a server certificate (tests/support/tls.py)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.ca_key.public_key()), critical=False)
            .sign(self.ca_key, hashes.SHA256())
        )
        self._keys: dict[str, object] = {}

    def key(self, kind: str = "rsa", slot: str = "default"):
        """A cached key (RSA-2048 generation costs ~100 ms): same slot, same key."""
        name = "%s:%s" % (kind, slot)
        if name not in self._keys:
            self._keys[name] = rsa_key() if kind == "rsa" else ec_key()
        return self._keys[name]

    def leaf(
        self,
        *,
        key=None,
        name: str = "MUNICIPIO DE TESTE",
        cnpj_value: str | None = None,
        cpf: str = "12345678901",
        responsible: str = "MARIA DA SILVA",
        days_from: int = -10,
        days_to: int = 365,
        cnpj_in_san: bool = True,
        octet_strings: bool = False,
    ):
        """(key, certificate) of an e-CNPJ-like certificate valid from now+days_from to now+days_to."""
        key = key if key is not None else self.key()
        cnpj_value = cnpj_value or cnpj("123456780001")
        tag = 0x04 if octet_strings else 0x13  # ICP-Brasil values come as OCTET or PrintableString
        other_names = [
            x509.OtherName(OID_RESPONSIBLE_DATA, _der_string(tag, "01011980" + cpf + "0" * 11 + "0" * 15 + "SSPSP ")),
            x509.OtherName(OID_RESPONSIBLE_NAME, _der_string(tag, responsible)),
        ]
        if cnpj_in_san:
            other_names.insert(0, x509.OtherName(OID_CNPJ, _der_string(tag, cnpj_value)))
        builder = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name(
                    [
                        x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
                        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ICP-Brasil TESTE"),
                        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "RFB e-CNPJ A1"),
                        x509.NameAttribute(NameOID.COMMON_NAME, "%s:%s" % (name, cnpj_value)),
                    ]
                )
            )
            .issuer_name(self.ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now + datetime.timedelta(days=days_from))
            .not_valid_after(self.now + datetime.timedelta(days=days_to))
            .add_extension(x509.SubjectAlternativeName(other_names), critical=False)
        )
        return key, builder.sign(self.ca_key, hashes.SHA256())

    def pfx(self, filename: str, key, cert, password: str, *, encryption: str = "aes", chain: bool = True) -> Path:
        """Write a PKCS#12: ``aes`` (OpenSSL 3 default via cryptography), ``3des`` (Windows-like),
        ``rc2`` (``openssl pkcs12 -export -legacy``), ``openssl`` (the CLI's defaults)."""
        path = self.dir / filename
        cas = [self.ca_cert] if chain else None
        secret = password.encode("utf-8")
        if encryption == "aes":
            protection = serialization.BestAvailableEncryption(secret)
        elif encryption == "3des":
            protection = (
                serialization.PrivateFormat.PKCS12.encryption_builder()
                .kdf_rounds(2048)
                .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
                .hmac_hash(hashes.SHA1())
                .build(secret)
            )
        elif encryption in ("rc2", "openssl"):
            return self._openssl_pfx(path, key, cert, password, legacy=encryption == "rc2", chain=chain)
        else:
            raise ValueError(encryption)
        path.write_bytes(pkcs12.serialize_key_and_certificates(b"rnds", key, cert, cas, protection))
        return path

    def _openssl_pfx(self, path: Path, key, cert, password: str, *, legacy: bool, chain: bool) -> Path:
        work = self.dir / (".openssl-" + secrets.token_hex(4))
        work.mkdir(mode=0o700)
        try:
            # the key goes to disk encrypted only, and every secret through the environment
            key_file = work / "key.pem"
            key_file.write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.BestAvailableEncryption(password.encode("utf-8") or b"x"),
                )
            )
            cert_file = work / "cert.pem"
            cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
            command = [
                "openssl",
                "pkcs12",
                "-export",
                "-inkey",
                str(key_file),
                "-in",
                str(cert_file),
                "-passin",
                "env:ESUS_KEY_PASSWORD",
                "-passout",
                "env:ESUS_PFX_PASSWORD",
                "-out",
                str(path),
                "-name",
                "rnds",
            ]
            if chain:
                ca_file = work / "ca.pem"
                ca_file.write_bytes(self.ca_cert.public_bytes(serialization.Encoding.PEM))
                command += ["-certfile", str(ca_file)]
            if legacy:
                command.append("-legacy")
            env = dict(os.environ, ESUS_KEY_PASSWORD=password or "x", ESUS_PFX_PASSWORD=password)
            subprocess.run(command, check=True, env=env, capture_output=True)
        finally:
            for item in work.iterdir():
                item.unlink()
            work.rmdir()
        return path

    def cert_file(self, filename: str, cert, pem: bool) -> Path:
        path = self.dir / filename
        encoding = serialization.Encoding.PEM if pem else serialization.Encoding.DER
        path.write_bytes(cert.public_bytes(encoding))
        return path

    def pfx_without_key(self, filename: str, cert, password: str) -> Path:
        path = self.dir / filename
        path.write_bytes(
            pkcs12.serialize_key_and_certificates(
                b"rnds", None, cert, [self.ca_cert], serialization.BestAvailableEncryption(password.encode("utf-8"))
            )
        )
        return path

    def pfx_with_foreign_key(self, filename: str, cert, password: str) -> Path:
        """The key of another certificate, with this certificate beside it."""
        path = self.dir / filename
        path.write_bytes(
            pkcs12.serialize_key_and_certificates(
                b"rnds",
                self.key("rsa", "foreign"),
                None,
                [cert],
                serialization.BestAvailableEncryption(password.encode("utf-8")),
            )
        )
        return path

    def pfx_with_damaged_key(self, filename: str, password: str) -> Path:
        """Right public key, wrong private exponent: only a real signature shows it is unusable."""
        good = self.key("rsa", "damaged")
        _unused, cert = self.leaf(key=good)
        numbers = good.private_numbers()
        p, q = numbers.p, numbers.q
        bad_d = numbers.d ^ (1 << 5)  # still odd and in range; no longer an inverse of e
        damaged = rsa.RSAPrivateNumbers(
            p=p,
            q=q,
            d=bad_d,
            dmp1=bad_d % (p - 1),
            dmq1=bad_d % (q - 1),
            iqmp=numbers.iqmp,
            public_numbers=numbers.public_numbers,
        ).private_key(unsafe_skip_rsa_key_validation=True)
        path = self.dir / filename
        # serialize refuses a key that does not match its certificate: pair it via the CA list
        path.write_bytes(
            pkcs12.serialize_key_and_certificates(
                b"rnds", damaged, cert, None, serialization.BestAvailableEncryption(password.encode("utf-8"))
            )
        )
        return path


def standard_cases(pki: Pki) -> dict:
    """One file per verdict: name -> {file, password, options, verdict}. Each case has its own password."""
    key, cert = pki.leaf(cnpj_value=CASE_CNPJ)
    cases = {}

    def add(name, path, password, verdict, **options):
        cases[name] = {"file": str(path), "password": password, "options": options, "verdict": verdict}

    add(
        "ok_aes",
        pki.pfx("ok_aes.pfx", key, cert, "S3nha $(id) `x` 'q' \"d\" ;|&"),
        "S3nha $(id) `x` 'q' \"d\" ;|&",
        "ok",
        expected_cnpj=CASE_CNPJ,
    )
    # right password, but Java (PEC) takes only printable ASCII for a PKCS#12 password
    add(
        "password_not_ascii",
        pki.pfx("acai.pfx", key, cert, "Açaí-São João 🔐"),
        "Açaí-São João 🔐",
        "unsupported_encryption",
    )
    add("ok_3des", pki.pfx("ok_3des.pfx", key, cert, "tres-des;|&", encryption="3des"), "tres-des;|&", "ok")
    add("ok_rc2", pki.pfx("ok_rc2.pfx", key, cert, "rc2-legacy", encryption="rc2"), "rc2-legacy", "ok")
    add("ok_empty_password", pki.pfx("ok_empty.pfx", key, cert, "", encryption="openssl"), "", "ok")
    k2, c2 = pki.leaf(days_to=12)
    add("expiring", pki.pfx("expiring.pfx", k2, c2, "pw-expiring"), "pw-expiring", "expiring")
    k3, c3 = pki.leaf(days_from=-400, days_to=-2)
    add("expired", pki.pfx("expired.pfx", k3, c3, "pw-expired"), "pw-expired", "expired")
    k4, c4 = pki.leaf(days_from=3)
    add("not_yet_valid", pki.pfx("future.pfx", k4, c4, "pw-future"), "pw-future", "not_yet_valid")
    add("wrong_password", pki.pfx("wrong.pfx", key, cert, "the-real-one"), "not-the-real-one", "wrong_password")
    add("certificate_only", pki.cert_file("only.cer", cert, pem=False), "pw-cer", "certificate_only")
    add("no_private_key", pki.pfx_without_key("nokey.pfx", cert, "pw-nokey"), "pw-nokey", "no_private_key")
    add("key_mismatch", pki.pfx_with_foreign_key("foreign.pfx", cert, "pw-foreign"), "pw-foreign", "key_mismatch")
    add(
        "identity_mismatch",
        pki.pfx("other.pfx", key, cert, "pw-other"),
        "pw-other",
        "identity_mismatch",
        expected_cnpj=cnpj("111222330001"),
    )
    text = pki.dir / "notes.pfx"
    text.write_text("senha do certificado: veja o cofre\n")
    add("not_pkcs12", text, "pw-text", "not_pkcs12")
    whole = pki.pfx("whole.pfx", key, cert, "pw-corrupt").read_bytes()
    corrupt = pki.dir / "truncated.pfx"
    corrupt.write_bytes(whole[: len(whole) // 2])
    add("corrupt", corrupt, "pw-corrupt", "corrupt")
    add("missing", pki.dir / "nao-existe.pfx", "pw-missing", "missing")
    return cases


DEMO_FLEET = (
    # host, municipality, IBGE code, CNPJ base, days left (negative: expired), state of the sandbox PEC server
    ("pec-demo-ok", "MUNICIPIO DE DEMONSTRACAO", "3500105", "987654320001", 200, "deploy"),
    ("pec-demo-expiring", "MUNICIPIO DE EXEMPLO", "3500204", "876543210001", 12, "deploy"),
    ("pec-demo-expired", "MUNICIPIO DE TESTE", "3500303", "765432100001", -20, "by_hand"),
    ("pec-demo-wrong-password", "MUNICIPIO DE ENSAIO", "3500402", "654321000001", 150, "by_hand_wrong_password"),
    ("pec-demo-no-chaves", "MUNICIPIO DE AMOSTRA", "3500501", "543210000001", 300, "pending"),
    ("pec-demo-no-pec", "MUNICIPIO DE PROVA", "3500600", "432100000001", 300, "no_pec"),
    ("pec-demo-cer", "MUNICIPIO DE MODELO", "3500709", "321000000001", 300, "cer"),
)


def demo(out: Path) -> dict:
    """Files for the README demo: host -> certificate, password to give, CNPJ, IBGE code, state."""
    pki = Pki(out)
    made = {}
    for host, name, ibge, base, days, state in DEMO_FLEET:
        password = "Demo-" + secrets.token_urlsafe(12)
        key, cert = pki.leaf(
            key=pki.key("ec", host), name=name, cnpj_value=cnpj(base), days_from=min(days, 0) - 365, days_to=days
        )
        if state == "cer":
            source = pki.cert_file("%s.cer" % ibge, cert, pem=False)
        else:
            source = pki.pfx("%s.pfx" % ibge, key, cert, password)
        made[host] = {
            "pfx": str(source),
            "password": "senha-antiga" if state == "by_hand_wrong_password" else password,
            "cnpj": cnpj(base),
            "ibge": ibge,
            "municipality": name,
            "state": state,
        }
    return made


def fleet(out: Path, hosts: list) -> dict:
    """Valid certificates for Molecule hosts: each its own CNPJ and random password, plus the
    certificate that replaces it at renewal time (``pfx_next``, same password) for rotation tests."""
    pki = Pki(out)
    made = {}
    for index, host in enumerate(hosts):
        password = "Mol-" + secrets.token_urlsafe(12) + "-$;&|"  # Java (PEC) takes printable ASCII only
        value = cnpj("%08d0001" % (11111111 * (index + 1) % 100000000))
        days = (-400, -3) if "expired" in host else (-10, 365)  # a host named *expired* gets an expired one
        key, cert = pki.leaf(
            key=pki.key("ec", host),
            name="MUNICIPIO %s" % host.upper(),
            cnpj_value=value,
            days_from=days[0],
            days_to=days[1],
        )
        renewed_key, renewed = pki.leaf(
            key=pki.key("ec", host + "-next"), name="MUNICIPIO %s" % host.upper(), cnpj_value=value, days_to=730
        )
        made[host] = {
            "pfx": str(pki.pfx("%s.pfx" % host, key, cert, password)),
            "pfx_next": str(pki.pfx("%s-renovado.pfx" % host, renewed_key, renewed, password)),
            "password": password,
            "cnpj": value,
        }
    return made


def invalid_fleet(out: Path) -> dict:
    """One host per way a deploy must be refused, and one good host deployed in the same run."""
    pki = Pki(out)
    key, cert = pki.leaf(key=pki.key("ec"), cnpj_value=CASE_CNPJ)
    old_key, old = pki.leaf(key=pki.key("ec", "old"), days_from=-400, days_to=-5)
    secret = "Inv-" + secrets.token_urlsafe(12)
    made = {
        "pec-good": {"pfx": pki.pfx("good.pfx", key, cert, secret), "password": secret, "expect": "deployed"},
        "pec-wrong-password": {
            "pfx": pki.pfx("wrong.pfx", key, cert, secret),
            "password": secret + "-errada",
            "expect": "wrong password",
        },
        "pec-expired": {
            "pfx": pki.pfx("expired.pfx", old_key, old, secret),
            "password": secret,
            "expect": "expired on",
        },
        "pec-cer": {
            "pfx": pki.cert_file("certificado.cer", cert, pem=False),
            "password": secret,
            "expect": "without its private key",
        },
        "pec-wrong-cnpj": {
            "pfx": pki.pfx("other.pfx", key, cert, secret),
            "password": secret,
            "expected_cnpj": cnpj("111222330001"),
            "expect": "not the expected 11.122.233/0001",
        },
        "pec-plaintext": {
            "pfx": pki.pfx("plain.pfx", key, cert, secret),
            "password": secret,
            "expect": "not ansible-vault encrypted",
            "plaintext": True,
        },
    }
    for host in made.values():
        host["pfx"] = str(host["pfx"])
        host.setdefault("expected_cnpj", CASE_CNPJ)
    return made


COMMANDS = {
    "demo": lambda out, args: demo(out),
    "cases": lambda out, args: standard_cases(Pki(out)),
    "fleet": fleet,
    "invalid-fleet": lambda out, args: invalid_fleet(out),
}


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in COMMANDS:
        sys.exit("usage: pki.py demo|cases|fleet|invalid-fleet OUTDIR [HOST...]  (prints what it made, as JSON)")
    json.dump(COMMANDS[sys.argv[1]](Path(sys.argv[2]), sys.argv[3:]), sys.stdout, ensure_ascii=False)
