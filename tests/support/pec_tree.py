# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sandbox PEC installations shaped like the Linux installer's (issue 23): ``pec.config`` with its 12 keys, a fake
``databasePassword`` among them, ``webserver/pec-bundle.jar``, ``webserver/config/application.properties`` with
fake datasource credentials and gov.br keys, and (5.3+ HTTPS) ``webserver/certmgr/config/ssl.properties``.

The secrets planted here (``SECRETS``) must never show in any output, fact or report: tests pass them to
tests/support/leaks.py. Usable from the command line too (scripts/demo.sh)::

    python -m tests.support.pec_tree WEBSERVER CONFIG [--version 5.3.21] [--training] [--unfinished] [--no-https]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DATABASE_PASSWORD = "pec-db-Sup3rSecreta!"
DATASOURCE_PASSWORD = "datasource-S3nha-do-Banco"
GOVBR_SECRET = "govbr-client-S3gredo-0f9e8d"
KEYSTORE_PASSWORD = "https-keystore-S3nha"
SECRETS = (DATABASE_PASSWORD, DATASOURCE_PASSWORD, GOVBR_SECRET, KEYSTORE_PASSWORD)


def pec_config(webserver: Path, version: str = "5.3.21", production: bool = True, success: bool = True) -> dict:
    directory = str(webserver.parent)
    return {
        "success": success,
        "directory": directory,
        "version": version,
        "production": production,
        "customDatabase": False,
        "databaseUrl": "jdbc:postgresql://localhost:5433/esus",
        "databaseUsername": "postgres",
        "databasePassword": DATABASE_PASSWORD,
        "jreVersion": "17.0.10-linux_x64",
        "jreDirectory": directory + "/jre/17.0.10-linux_x64",
        "webserverVersion": version,
        "webserverDirectory": str(webserver),
    }


def application_properties(govbr: bool = True, server_ssl: bool = False) -> str:
    lines = [
        "server.port=8080",
        "spring.datasource.url=jdbc:postgresql://localhost:5433/esus",
        "spring.datasource.username=postgres",
        "spring.datasource.password=%s" % DATASOURCE_PASSWORD,
    ]
    if govbr:
        lines += [
            "bridge.security.oauth2.client.registration.govbr.client-id=pec-municipio",
            "bridge.security.oauth2.client.registration.govbr.client-secret=%s" % GOVBR_SECRET,
        ]
    if server_ssl:  # HTTPS before 5.3: in application.properties
        lines += [
            "server.ssl.key-store=/opt/e-SUS/webserver/config/keystore.p12",
            "server.ssl.key-store-password=%s" % KEYSTORE_PASSWORD,
        ]
    return "\n".join(lines) + "\n"


def build(
    webserver: Path,
    config: Path,
    *,
    version: str = "5.3.21",
    production: bool = True,
    success: bool = True,
    govbr: bool = True,
    https: str | None = "certmgr",
) -> Path:
    """A PEC installation in ``webserver`` (its parent plays /opt/e-SUS) and its pec.config at ``config``."""
    (webserver / "config").mkdir(parents=True, exist_ok=True)
    (webserver / "logs").mkdir(exist_ok=True)
    (webserver / "pec-bundle.jar").write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip: the app's place
    (webserver / "config" / "application.properties").write_text(
        application_properties(govbr, https == "application.properties")
    )
    if https == "certmgr":  # 5.3+: the installer's certificate manager
        (webserver / "certmgr" / "config").mkdir(parents=True, exist_ok=True)
        (webserver / "certmgr" / "config" / "ssl.properties").write_text(
            "server.ssl.key-store=/opt/e-SUS/webserver/certmgr/keystore.p12\n"
            "server.ssl.key-store-password=%s\n" % KEYSTORE_PASSWORD
        )
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps(pec_config(webserver, version, production, success), indent=2) + "\n")
    config.chmod(0o600)
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("webserver", type=Path)
    parser.add_argument("config", type=Path)
    parser.add_argument("--version", default="5.3.21")
    parser.add_argument("--training", action="store_true")
    parser.add_argument("--unfinished", action="store_true")
    parser.add_argument("--no-https", action="store_true")
    options = parser.parse_args()
    build(
        options.webserver,
        options.config,
        version=options.version,
        production=not options.training,
        success=not options.unfinished,
        https=None if options.no_https else "certmgr",
    )


if __name__ == "__main__":
    main()
