# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Zabbix template shipped in extras/zabbix: its export schema, its cross-references, and what a Zabbix server
would make of the values a real agent returns (the template's own preprocessing steps, evaluated here).

The schema is derived from the Zabbix 6.0 manual (Configuration export/import, "Templates" and "Hosts" element
tables: required tags, the enumerations of item types, value types, preprocessing steps, error handlers and
trigger severities; UUIDs are UUIDv4 written as 32 lowercase hex digits). It lists the tags this template may use
and refuses others, so a typo in a tag name is a finding, not a silently ignored line. No Zabbix server exists
here (none in Debian): the server's preprocessing of the steps the template uses (JSONPATH, BOOL_TO_DECIMAL) and
its value-type conversion are written out below, after the manual's "Item value preprocessing" page.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "extras" / "zabbix" / "esus_pec_rnds_zabbix_agent2.yaml"
AGENT = shutil.which("zabbix_agent2") or "/usr/sbin/zabbix_agent2"  # Debian puts it in sbin

UUID = {"type": "string", "pattern": "^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$"}
TEXT = {"type": "string", "minLength": 1}
MACRO_NAME = {"type": "string", "pattern": r"^\{\$[A-Z0-9_.]+\}$"}
TIME = {"type": "string", "pattern": r"^([0-9]+[smhdw]?|\{\$[A-Z0-9_.]+\})$"}
TAGS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["tag"],
        "additionalProperties": False,
        "properties": {"tag": TEXT, "value": {"type": "string"}},
    },
}
ITEM_TYPES = [
    "ZABBIX_PASSIVE", "TRAP", "SIMPLE", "INTERNAL", "ZABBIX_ACTIVE", "EXTERNAL", "ODBC", "IPMI", "SSH",
    "TELNET", "CALCULATED", "JMX", "SNMP_TRAP", "DEPENDENT", "HTTP_AGENT", "SNMP_AGENT", "ITEM_TYPE_SCRIPT",
]  # fmt: skip
PREPROCESSING_TYPES = [
    "MULTIPLIER", "RTRIM", "LTRIM", "TRIM", "REGEX", "BOOL_TO_DECIMAL", "OCTAL_TO_DECIMAL", "HEX_TO_DECIMAL",
    "SIMPLE_CHANGE", "CHANGE_PER_SECOND", "XMLPATH", "JSONPATH", "IN_RANGE", "MATCHES_REGEX",
    "NOT_MATCHES_REGEX", "CHECK_JSON_ERROR", "CHECK_XML_ERROR", "CHECK_REGEX_ERROR", "DISCARD_UNCHANGED",
    "DISCARD_UNCHANGED_HEARTBEAT", "JAVASCRIPT", "PROMETHEUS_PATTERN", "PROMETHEUS_TO_JSON", "CSV_TO_JSON",
    "STR_REPLACE", "CHECK_NOT_SUPPORTED", "XML_TO_JSON",
]  # fmt: skip
TRIGGER = {
    "type": "object",
    "required": ["uuid", "expression", "name"],
    "additionalProperties": False,
    "properties": {
        "uuid": UUID,
        "expression": TEXT,
        "name": TEXT,
        "opdata": {"type": "string"},
        "priority": {"enum": ["NOT_CLASSIFIED", "INFO", "WARNING", "AVERAGE", "HIGH", "DISASTER"]},
        "description": {"type": "string"},
        "tags": TAGS,
    },
}
ITEM = {
    "type": "object",
    "required": ["uuid", "name", "key"],
    "additionalProperties": False,
    "properties": {
        "uuid": UUID,
        "name": TEXT,
        "type": {"enum": ITEM_TYPES},
        "key": TEXT,
        "delay": TIME,
        "history": TIME,
        "trends": TIME,
        "value_type": {"enum": ["FLOAT", "CHAR", "LOG", "UNSIGNED", "TEXT"]},
        "units": {"type": "string"},
        "description": {"type": "string"},
        "valuemap": {
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {"name": TEXT},
        },
        "preprocessing": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "parameters"],
                "additionalProperties": False,
                "properties": {
                    "type": {"enum": PREPROCESSING_TYPES},
                    "parameters": {"type": "array", "items": {"type": "string"}},
                    "error_handler": {"enum": ["ORIGINAL_ERROR", "DISCARD_VALUE", "CUSTOM_VALUE", "CUSTOM_ERROR"]},
                    "error_handler_params": {"type": "string"},
                },
            },
        },
        "master_item": {
            "type": "object",
            "required": ["key"],
            "additionalProperties": False,
            "properties": {"key": TEXT},
        },
        "tags": TAGS,
        "triggers": {"type": "array", "items": TRIGGER},
    },
}
SCHEMA = {
    "type": "object",
    "required": ["zabbix_export"],
    "additionalProperties": False,
    "properties": {
        "zabbix_export": {
            "type": "object",
            "required": ["version", "templates"],
            "additionalProperties": False,
            "properties": {
                "version": {"const": "6.0"},
                "date": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"},
                "groups": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["uuid", "name"],
                        "additionalProperties": False,
                        "properties": {"uuid": UUID, "name": TEXT},
                    },
                },
                "templates": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["uuid", "template", "name", "groups"],
                        "additionalProperties": False,
                        "properties": {
                            "uuid": UUID,
                            "template": TEXT,
                            "name": TEXT,
                            "description": {"type": "string"},
                            "groups": {
                                "type": "array",
                                "minItems": 1,
                                "items": {
                                    "type": "object",
                                    "required": ["name"],
                                    "additionalProperties": False,
                                    "properties": {"name": TEXT},
                                },
                            },
                            "items": {"type": "array", "items": ITEM},
                            "macros": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["macro"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "macro": MACRO_NAME,
                                        "value": {"type": "string"},
                                        "description": {"type": "string"},
                                    },
                                },
                            },
                            "valuemaps": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["uuid", "name", "mappings"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "uuid": UUID,
                                        "name": TEXT,
                                        "mappings": {
                                            "type": "array",
                                            "minItems": 1,
                                            "items": {
                                                "type": "object",
                                                "required": ["newvalue"],
                                                "additionalProperties": False,
                                                "properties": {
                                                    "value": {"type": "string"},
                                                    "newvalue": {"type": "string"},
                                                },
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        }
    },
}

# a function call in a trigger expression: name(/host/key, more parameters); the key may hold [..., ...]
ITEM_REFERENCE = re.compile(r"\b([a-z]+)\(/([^/]+)/((?:[^,()\[\]]|\[[^\]]*\])+)")
USED_MACRO = re.compile(r"\{\$[A-Z0-9_.]+\}")


def load(path: Path = TEMPLATE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def cross_reference_errors(export: dict) -> list[str]:
    """What the schema cannot say: unique UUIDs, template groups that exist, dependent items whose master is an
    item of the same template, triggers that read items of their own template, macros and value maps defined."""
    errors = []
    root = export["zabbix_export"]
    uuids = [g["uuid"] for g in root.get("groups", [])]
    groups = {g["name"] for g in root.get("groups", [])}
    for template in root["templates"]:
        uuids.append(template["uuid"])
        macros = {m["macro"] for m in template.get("macros", [])}
        valuemaps = {v["name"] for v in template.get("valuemaps", [])}
        uuids += [v["uuid"] for v in template.get("valuemaps", [])]
        items = {item["key"]: item for item in template.get("items", [])}
        if len(items) != len(template.get("items", [])):
            errors.append("%s: two items have the same key" % template["template"])
        errors += ["group %r is not exported" % g["name"] for g in template["groups"] if g["name"] not in groups]
        for key, item in items.items():
            uuids.append(item["uuid"])
            dependent = item.get("type") == "DEPENDENT"
            master = item.get("master_item", {}).get("key")
            if dependent and (master not in items or items[master].get("type") == "DEPENDENT"):
                errors.append("%s: master item %r is not a collected item of this template" % (key, master))
            if not dependent and master:
                errors.append("%s: only a DEPENDENT item has a master item" % key)
            if "valuemap" in item and item["valuemap"]["name"] not in valuemaps:
                errors.append("%s: value map %r is not defined" % (key, item["valuemap"]["name"]))
            texts = [key, item["name"], item.get("description", "")]
            for trigger in item.get("triggers", []):
                uuids.append(trigger["uuid"])
                texts += [trigger["expression"], trigger["name"], trigger.get("opdata", "")]
                references = ITEM_REFERENCE.findall(trigger["expression"])
                if not references:
                    errors.append("trigger %r reads no item" % trigger["name"])
                for _function, host, referenced in references:
                    if host != template["template"]:
                        errors.append("trigger %r reads host %r, not its template" % (trigger["name"], host))
                    if referenced != key and referenced not in items:
                        errors.append(
                            "trigger %r reads %r, not an item of the template" % (trigger["name"], referenced)
                        )
                if key not in [r[2] for r in references]:
                    errors.append("trigger %r is filed under %s but does not read it" % (trigger["name"], key))
            errors += [
                "%s: macro %s is not defined" % (key, m)
                for t in texts
                for m in USED_MACRO.findall(t)
                if m not in macros
            ]
    errors += ["uuid %s is used twice" % u for u in sorted({u for u in uuids if uuids.count(u) > 1})]
    return errors


def expand(text: str, macros: dict) -> str:
    return USED_MACRO.sub(lambda m: macros[m.group(0)], text)


AGENT_ANSWER = re.compile(r"\s*\[(?P<kind>[a-z])\|(?P<value>.*)\]\s*", re.S)


def agent_test(config: Path, key: str) -> tuple[bool, str]:
    """``zabbix_agent2 -t KEY``: (supported, value) as the agent answers a passive check."""
    result = subprocess.run(
        [AGENT, "-c", str(config), "-t", key], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.startswith(key), "zabbix_agent2 -t %s answered %r" % (key, result.stdout)
    match = AGENT_ANSWER.fullmatch(result.stdout[len(key) :])  # the key, padded to a column when it is short
    assert match, "zabbix_agent2 -t %s answered %r" % (key, result.stdout)
    if match.group("kind") == "m" and match.group("value").startswith("ZBX_NOTSUPPORTED"):
        return False, match.group("value")
    return True, match.group("value")


class PreprocessingError(Exception):
    """The step failed: on a Zabbix server the item becomes "not supported" with this message."""


def jsonpath(value: str, path: str) -> str:
    """Zabbix's JSONPATH step for the paths of the form $.name(.name)* the template uses: a string is returned as
    is, anything else as JSON text; a missing member or null fails the step ("no data matches the path")."""
    assert re.fullmatch(r"\$(\.[A-Za-z_][A-Za-z0-9_]*)+", path), "a path this evaluator does not know: %s" % path
    try:
        node = json.loads(value)
    except ValueError as error:
        raise PreprocessingError("cannot parse as JSON: %s" % error) from error
    for name in path.split(".")[1:]:
        if not isinstance(node, dict) or name not in node or node[name] is None:
            raise PreprocessingError("no data matches the JSONPath %s" % path)
        node = node[name]
    return node if isinstance(node, str) else json.dumps(node, separators=(",", ":"), ensure_ascii=False)


def bool_to_decimal(value: str) -> str:
    words = {"true": "1", "t": "1", "yes": "1", "y": "1", "on": "1", "false": "0", "f": "0", "no": "0", "n": "0",
             "off": "0"}  # fmt: skip
    if value.strip().lower() in words:
        return words[value.strip().lower()]
    if re.fullmatch(r"\s*[0-9]+\s*", value):
        return "1" if int(value) else "0"
    raise PreprocessingError("cannot convert %r to boolean" % value)


STEPS = {
    "JSONPATH": lambda value, params: jsonpath(value, params[0]),
    "BOOL_TO_DECIMAL": lambda v, _p: bool_to_decimal(v),
}


def server_value(item: dict, value: str):
    """The value the server would store for ``item`` given its master's (or its own) raw value: its
    preprocessing steps, then the conversion to its value type."""
    for step in item.get("preprocessing", []):
        value = STEPS[step["type"]](value, step["parameters"])
    kind = item.get("value_type", "UNSIGNED")
    if kind == "UNSIGNED":
        if not re.fullmatch(r"[0-9]+", value.strip()):
            raise PreprocessingError("value %r of type UNSIGNED is not an unsigned integer" % value)
        return int(value)
    if kind == "FLOAT":
        return float(value)
    return value
