# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read PowerShell with a real grammar (tree-sitter-powershell): syntax errors, and the option spec of a module.

``syntax_errors`` reports every ERROR and MISSING node of the parse tree as ``line L, column C: <what>``
(1-based, columns in characters). The grammar is not PowerShell's own parser: a few valid constructs are
rejected (see KNOWN_GRAMMAR_GAPS in tests/unit/test_powershell_support.py), and it checks syntax only
(no duplicate hash-literal keys, no unknown variables or commands).

``module_spec`` reads the argument spec of an Ansible PowerShell module without running PowerShell:

* Ansible.Basic modules: the hashtable literal assigned to the variable handed to
  ``[Ansible.Basic.AnsibleModule]::Create($args, $spec)`` (``$spec`` if there is no such call).
* Ansible.ModuleUtils.Legacy modules (``$params = Parse-Args $args -supports_check_mode $true`` then
  ``Get-AnsibleParam -obj $params -name "x" -type "str" -failifempty $true -default .. -validateset .., ..
  -aliases ..``): each ``Get-AnsibleParam`` call on the ``Parse-Args`` result becomes an option
  (``-failifempty`` -> ``required``, ``-validateset`` -> ``choices``); the framework's own ``_ansible_*``
  variables are left out. Legacy modules never reject an option they do not read: an unknown option is
  silently ignored, not an error as in Ansible.Basic.

The result is ``{"framework": "Ansible.Basic" | "Legacy" | None, "options": {...}, "supports_check_mode":
bool}`` plus whichever of ``mutually_exclusive``, ``required_one_of``, ``required_if``, ``required_together``,
``required_by``, ``no_log`` the source sets, and ``extended`` (see below). Each option is a dict in the shape of
``ansible-doc -j`` options, holding only the attributes written in the source: ``type``, ``required``,
``default``, ``choices``, ``aliases``, ``elements``, ``no_log`` ..., with nested ``options`` renamed
``suboptions`` as ``ansible-doc`` names them, so ``tests.support.argspec.argument_problems`` takes it
unchanged. A missing ``type`` means ``str`` to Ansible.Basic and "no conversion" to Legacy. ``aliases`` and
``choices`` written as one value become one-element lists (Ansible.Basic casts them the same way).

Literals are converted statically: 'single' and "double" quoted strings and here-strings (text kept as written,
``$variables`` in double quotes are NOT expanded; backtick escapes and doubled quotes are), integers (also
hex and the kb/mb/gb/tb/pb multipliers), reals, ``$true``/``$false``/``$null``, comma lists, ``@(...)``
(PowerShell's flattening rules: ``@(, @('a', 'b'))`` is ``[['a', 'b']]``) and hashtables ``@{...}`` (bare
or quoted keys, entries split by newlines or ``;``). Anything else (a variable, a command, a method call, a
script block, a cast) becomes the string ``"<dynamic: source text>"``; nothing dynamic raises.

When the module changes its spec after the literal (``$spec.options += ...``, ``$spec.options.x = ...``,
``$spec.required_together.Add(...)``, ``$spec = Get-Spec``) or merges fragments
(``[Ansible.Basic.AnsibleModule]::Create($args, $spec, @(Get-AnsibleWindowsWebRequestSpec))``), the source
text of each such statement is listed in ``extended``; the literal part is still returned.

Case (checked in ansible-core's lib/ansible/module_utils/csharp/Ansible.Basic.cs, 2.19):

* option names and aliases are matched case-insensitively: ``CheckUnsupportedArguments`` looks each parameter
  up with ``StringComparer.OrdinalIgnoreCase`` and silently renames ``Path`` to the spec's ``path`` (the
  warning for it is commented out). Legacy modules read ``$params`` (a PowerShell hashtable) so they are
  case-insensitive as well. ``argument_problems(..., ignore_case=True)`` mirrors this.
* ``choices`` are compared with ``OrdinalIgnoreCase`` too and a case-only mismatch is silently accepted
  (Legacy's ``-validateset`` uses ``-contains``, also case-insensitive).
* the spec's own attribute names are NOT: ``ValidateArgumentSpec`` checks each key against a case-sensitive
  ``Dictionary`` (``specDefaults``), so ``Type = 'str'`` fails with "argument spec entry contains an invalid
  key". module_spec keeps keys exactly as written so such a mistake stays visible.
* the hashtable literal itself is case-insensitive in PowerShell: ``@{ a = 1; A = 2 }`` is a parse error
  ("Duplicate keys"), which the grammar does not catch; module_spec raises ValueError for it.
"""

from __future__ import annotations

import copy
import functools
import importlib.util
import re
from pathlib import Path
from typing import Any

import tree_sitter
import tree_sitter_powershell

DYNAMIC = "<dynamic: %s>"

# Nodes that only wrap one other node when they hold nothing else (the grammar's precedence chain).
_WRAPPERS = {
    "pipeline",
    "pipeline_chain",
    "logical_expression",
    "bitwise_expression",
    "comparison_expression",
    "additive_expression",
    "multiplicative_expression",
    "format_expression",
    "range_expression",
    "array_literal_expression",
    "unary_expression",
    "string_literal",
    "integer_literal",
    "key_expression",
    "left_assignment_expression",
    "statement_list",
    "argument_expression",
    "logical_argument_expression",
    "bitwise_argument_expression",
    "comparison_argument_expression",
    "additive_argument_expression",
    "multiplicative_argument_expression",
    "format_argument_expression",
    "range_argument_expression",
}
_MULTIPLIERS = {"kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40, "pb": 1 << 50}
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_OPENERS = {"}": ("{", "@{"), ")": ("(", "@(", "$("), "]": ("[",)}
# Ansible.Basic casts a single value to a one-element list for these attributes.
_LIST_ATTRIBUTES = {"aliases", "choices"}
_MUTATING_METHODS = {"add", "addrange", "insert", "remove", "removeat", "clear", "set_item"}
# Get-AnsibleParam's parameters, in declaration (= positional) order.
_GET_ANSIBLE_PARAM = [
    "obj",
    "name",
    "default",
    "resultobj",
    "failifempty",
    "emptyattributefailmessage",
    "validateset",
    "validateseterrormessage",
    "type",
    "aliases",
]
_PARSE_ARGS = ["arguments", "supports_check_mode"]


@functools.lru_cache(maxsize=None)
def parser() -> tree_sitter.Parser:
    """One tree-sitter parser for PowerShell."""
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))


def _source_bytes(source: bytes | str) -> bytes:
    if isinstance(source, str):
        return source.encode("utf-8")
    if source.startswith((b"\xff\xfe", b"\xfe\xff")):  # Windows PowerShell's "Unicode" files
        return source.decode("utf-16").encode("utf-8")
    return source


def _position(source: bytes, node: tree_sitter.Node) -> tuple[int, int]:
    """1-based line and character column of the node's start."""
    point, offset = node.start_point, node.start_byte
    line_start = offset - point.column
    return point.row + 1, len(source[line_start:offset].decode("utf-8", "replace")) + 1


def _describe(source: bytes, node: tree_sitter.Node) -> str:
    if node.is_missing:
        what = "missing %r" % node.type if node.type.strip() else "missing whitespace"
        openers = _OPENERS.get(node.type, ())
        parent = node.parent
        if openers and parent is not None:
            before = [c for c in parent.children if c.start_byte <= node.start_byte and c.type in openers]
            if before:
                line, column = _position(source, before[-1])
                what += " to close %r at line %d, column %d" % (before[-1].type, line, column)
        return what
    text = _text(source, node)
    if not text.strip():
        return "unexpected end of input" if node.start_byte >= len(source.rstrip()) else "unexpected input"
    first = text.strip().splitlines()[0]
    return "unexpected %r" % (first if len(first) <= 60 else first[:57] + "...")


def syntax_errors(source: bytes | str) -> list[str]:
    """Every ERROR or MISSING node of the parse, as ``line L, column C: <what>``; [] when the script is clean.

    An ERROR node holding nothing but whitespace is left out when there are other errors (it only repeats
    them). Two mistakes the grammar accepts are reported as PowerShell reports them: a ``<#`` comment without
    its ``#>`` and the ``<`` operator (which is what an unclosed ``<#`` becomes after a statement).
    """
    data = _source_bytes(source)
    root = parser().parse(data).root_node
    errors = []
    blank = []
    stack = [root] if root.has_error else []
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            message = "%s: %s" % (_where(data, node), _describe(data, node))
            (blank if node.is_error and not _text(data, node).strip() else errors).append((node.start_byte, message))
        if node.has_error:
            stack.extend(node.children)
    captures = tree_sitter.QueryCursor(_lexical_query()).captures(root)
    for node in captures.get("comment", []):
        if node.text.startswith(b"<#") and not node.text.endswith(b"#>"):
            errors.append((node.start_byte, "%s: missing the terminator '#>' of this '<#'" % _where(data, node)))
    for node in captures.get("redirection", []):
        if node.text == b"<":
            message = "%s: the '<' operator is reserved for future use (an unclosed '<#'?)" % _where(data, node)
            errors.append((node.start_byte, message))
    return [message for _offset, message in sorted(errors or blank)]


@functools.lru_cache(maxsize=None)
def _lexical_query() -> tree_sitter.Query:
    return tree_sitter.Query(parser().language, "(comment) @comment (file_redirection_operator) @redirection")


def _where(source: bytes, node: tree_sitter.Node) -> str:
    return "line %d, column %d" % _position(source, node)


def syntax_errors_in(path) -> list[str]:
    """syntax_errors of a file, each prefixed with the file name."""
    path = Path(path)
    return ["%s: %s" % (path.name, error) for error in syntax_errors(path.read_bytes())]


def ansible_windows_module(name: str) -> Path:
    """The .ps1 of an installed ansible.windows module, by short name (``win_copy``) or FQCN."""
    spec = importlib.util.find_spec("ansible_collections.ansible.windows")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the ansible.windows collection is not installed")
    short = name.rsplit(".", 1)[-1]
    for location in spec.submodule_search_locations:
        path = Path(location) / "plugins" / "modules" / (short + ".ps1")
        if path.is_file():
            return path
    raise FileNotFoundError("ansible.windows has no PowerShell module %r" % short)


# --- static evaluation of PowerShell literals -------------------------------------------------------------


def _text(source: bytes, node: tree_sitter.Node) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _children(node: tree_sitter.Node) -> list:
    """Named children, comments left out."""
    return [c for c in node.named_children if c.type != "comment"]


def _unwrap(node: tree_sitter.Node) -> tree_sitter.Node:
    while node.type in _WRAPPERS:
        named = _children(node)
        if len(named) != 1 or any(not c.is_named for c in node.children):
            break
        node = named[0]
    return node


def _dynamic(source: bytes, node: tree_sitter.Node) -> str:
    return DYNAMIC % _text(source, node).strip()


def _unescape(text: str) -> str:
    return re.sub(r"`(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text, flags=re.DOTALL)


def _here_string_body(text: str) -> str:
    # @'<newline>body<newline>'@ : the newlines next to the markers are not part of the string
    body = text[2:-2]
    body = re.sub(r"^[ \t]*\r?\n", "", body, count=1)
    return re.sub(r"\r?\n$", "", body, count=1)


def _number(text: str):
    lowered = text.lower()
    multiplier = 1
    if lowered[-2:] in _MULTIPLIERS:
        multiplier, lowered = _MULTIPLIERS[lowered[-2:]], lowered[:-2]
    if lowered.endswith("l") and not lowered.startswith("0x"):
        lowered = lowered[:-1]
    try:
        number = int(lowered, 16) if lowered.startswith("0x") else int(lowered)
    except ValueError:
        number = float(lowered)
    return number * multiplier


def _value(source: bytes, node: tree_sitter.Node) -> Any:
    """The Python value of a literal expression, or DYNAMIC % its text."""
    node = _unwrap(node)
    kind = node.type
    text = _text(source, node)
    if kind == "hash_literal_expression":
        return _hashtable(source, node)
    if kind == "array_expression":
        items = []
        for statements in _children(node):
            for statement in _children(statements) if statements.type == "statement_list" else [statements]:
                if statement.type == "empty_statement":
                    continue
                value = _value(source, statement)
                items.extend(value if isinstance(value, list) else [value])
        return items
    if kind == "array_literal_expression":
        return [_value(source, item) for item in _children(node)]
    if kind == "expression_with_unary_operator":
        operator = node.children[0].type
        operand = _value(source, node.children[-1])
        if operator == ",":
            return [operand]
        if operator in ("-", "+") and isinstance(operand, (int, float)) and not isinstance(operand, bool):
            return -operand if operator == "-" else operand
    if kind == "parenthesized_expression":
        inner = _children(node)
        if len(inner) == 1:
            return _value(source, inner[0])
    if kind == "verbatim_string_characters":
        return text[1:-1].replace("''", "'")
    if kind == "verbatim_here_string_characters":
        return _here_string_body(text)
    if kind == "expandable_string_literal":
        return _unescape(text[1:-1].replace('""', '"'))
    if kind == "expandable_here_string_literal":
        return _unescape(_here_string_body(text))
    if kind in ("decimal_integer_literal", "hexadecimal_integer_literal", "real_literal"):
        try:
            return _number(text)
        except ValueError:  # a suffix such as 1d (decimal) or 1u (PowerShell 7)
            pass
    if kind == "variable":
        constants = {"$true": True, "$false": False, "$null": None}
        if text.lower() in constants:
            return constants[text.lower()]
    return _dynamic(source, node)


def _hashtable(source: bytes, node: tree_sitter.Node) -> dict:
    result = {}
    seen = {}
    for body in _children(node):
        for entry in _children(body):
            if entry.type != "hash_entry":
                continue
            parts = _children(entry)
            key_node = _unwrap(parts[0])
            key = _text(source, key_node) if key_node.type == "simple_name" else _value(source, key_node)
            folded = key.lower() if isinstance(key, str) else key
            if folded in seen:
                line, column = _position(source, entry)
                raise ValueError(
                    "duplicate key %r (already %r) in a hash literal at line %d, column %d: PowerShell rejects it"
                    % (key, seen[folded], line, column)
                )
            seen[folded] = key
            result[key] = _value(source, parts[-1]) if len(parts) > 1 else None
    return result


# --- the module's spec -----------------------------------------------------------------------------------


def _walk(node: tree_sitter.Node):
    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _statement(node: tree_sitter.Node) -> tree_sitter.Node:
    """The pipeline (statement) holding the node."""
    while node.parent is not None and node.type != "pipeline":
        node = node.parent
    return node


def _is_variable(source: bytes, node: tree_sitter.Node, name: str) -> bool:
    node = _unwrap(node)
    return node.type == "variable" and _variable_name(_text(source, node)) == name


def _variable_name(text: str) -> str:
    """``$Spec`` and ``${spec}`` -> ``spec`` (PowerShell variable names are case-insensitive)."""
    return text.lstrip("$").strip("{}").lower()


def _base_variable(source: bytes, node: tree_sitter.Node) -> str | None:
    """``$spec`` of ``$spec.options.x`` / ``$spec['a'].b``."""
    node = _unwrap(node)
    while node.type in ("member_access", "element_access", "invokation_expression"):
        node = _unwrap(node.named_children[0])
    return _variable_name(_text(source, node)) if node.type == "variable" else None


def _arguments(source: bytes, node: tree_sitter.Node) -> list:
    """Argument nodes of a method call such as ``[X]::Create($args, $spec)``."""
    for child in node.named_children:
        if child.type == "argument_list":
            return [a for arguments in _children(child) for a in _children(arguments)]
    return []


def _create_calls(source: bytes, root: tree_sitter.Node) -> list:
    calls = []
    for node in _walk(root):
        if node.type != "invokation_expression":
            continue
        target = node.named_children[0]
        member = [c for c in node.named_children if c.type == "member_name"]
        if (
            target.type == "type_literal"
            and _text(source, target).strip("[]").lower().split(".")[-1] == "ansiblemodule"
            and member
            and _text(source, member[0]).lower() == "create"
        ):
            calls.append(node)
    return calls


def _command_arguments(source: bytes, command: tree_sitter.Node, parameters: list) -> dict:
    """Bind a command's arguments to its parameters the way PowerShell does (unique prefixes, then positions)."""
    bound = {}
    positional = []
    elements = [c for c in command.named_children if c.type == "command_elements"]
    pending = None
    for element in _children(elements[0]) if elements else []:
        if element.type == "command_argument_sep":
            continue
        if element.type == "command_parameter":
            prefix = _text(source, element).lstrip("-").rstrip(":").lower()
            matches = [p for p in parameters if p == prefix] or [p for p in parameters if p.startswith(prefix)]
            pending = matches[0] if len(matches) == 1 else "-" + prefix
            bound[pending] = True  # a switch without a value
            continue
        if pending is not None:
            bound[pending] = element
            pending = None
        else:
            positional.append(element)
    free = [p for p in parameters if p not in bound]
    bound.update(zip(free, positional))
    return bound


def _command_name(source: bytes, node: tree_sitter.Node) -> str:
    names = [c for c in node.named_children if c.type == "command_name"]
    return _text(source, names[0]).lower() if names else ""


def _legacy_spec(source: bytes, root: tree_sitter.Node, spec: dict) -> bool:
    """Fill spec from Parse-Args / Get-AnsibleParam calls; False when the module uses neither."""
    params_variables = set()
    commands = [node for node in _walk(root) if node.type == "command"]
    for command in commands:
        if _command_name(source, command) != "parse-args":
            continue
        spec["supports_check_mode"] = False
        arguments = _command_arguments(source, command, _PARSE_ARGS)
        if "supports_check_mode" in arguments:
            argument = arguments["supports_check_mode"]
            spec["supports_check_mode"] = argument if argument is True else _value(source, argument)
        assignment = command.parent
        while assignment is not None and assignment.type != "assignment_expression":
            assignment = assignment.parent
        if assignment is not None:
            params_variables.add(_variable_name(_text(source, _unwrap(assignment.named_children[0]))))
    if not params_variables:
        return False
    for command in commands:
        if _command_name(source, command) != "get-ansibleparam":
            continue
        arguments = _command_arguments(source, command, _GET_ANSIBLE_PARAM)
        if "obj" not in arguments or "name" not in arguments:
            continue
        if _base_variable(source, arguments["obj"]) not in params_variables:
            continue
        name = _value(source, arguments["name"])
        if not isinstance(name, str) or name.startswith("_ansible_"):
            continue
        option = spec["options"].setdefault(name, {})
        for parameter, key in [
            ("type", "type"),
            ("failifempty", "required"),
            ("default", "default"),
            ("validateset", "choices"),
            ("aliases", "aliases"),
        ]:
            if parameter in arguments:
                argument = arguments[parameter]
                value = True if argument is True else _value(source, argument)
                option[key] = [value] if key in _LIST_ATTRIBUTES and not isinstance(value, list) else value
    return True


def _option_spec(options, extended: list, where: str) -> dict:
    """Options of a spec literal in the ansible-doc shape (nested ``options`` -> ``suboptions``)."""
    if not isinstance(options, dict):
        extended.append("%s = %s" % (where, options))
        return {}
    shaped = {}
    for name, meta in options.items():
        if not isinstance(meta, dict):
            extended.append("%s.%s = %s" % (where, name, meta))
            shaped[name] = {}
            continue
        option = {}
        for key, value in meta.items():
            if key == "options":
                option["suboptions"] = _option_spec(value, extended, "%s.%s.options" % (where, name))
            elif key in _LIST_ATTRIBUTES and not isinstance(value, list):
                option[key] = [value]
            else:
                option[key] = value
        shaped[name] = option
    return shaped


def _basic_spec(source: bytes, root: tree_sitter.Node, spec: dict) -> bool:
    """Fill spec from the ``$spec = @{...}`` literal; False when there is none."""
    name = "spec"
    literal = None
    extended = spec["extended"]
    calls = _create_calls(source, root)
    for call in calls:
        arguments = _arguments(source, call)
        if len(arguments) >= 2:
            candidate = _unwrap(arguments[1])
            if candidate.type == "hash_literal_expression":
                literal = candidate
            elif candidate.type == "variable":
                name = _variable_name(_text(source, candidate))
        if len(arguments) >= 3:
            extended.append(_text(source, call))
    for node in _walk(root):
        if node.type == "assignment_expression":
            left = _unwrap(node.named_children[0])
            value = _unwrap(node.named_children[-1])
            operator = [c for c in node.named_children if c.type == "assignement_operator"]
            simple = operator and _text(source, operator[0]) == "="
            if _is_variable(source, left, name):
                if literal is None and simple and value.type == "hash_literal_expression":
                    literal = value
                else:
                    extended.append(_text(source, _statement(node)))
            elif _base_variable(source, left) == name:
                extended.append(_text(source, _statement(node)))
        elif node.type == "invokation_expression" and _base_variable(source, node) == name:
            members = [c for c in node.named_children if c.type == "member_name"]
            if members and _text(source, members[-1]).lower() in _MUTATING_METHODS:
                extended.append(_text(source, _statement(node)))
    if literal is None:
        return bool(calls)
    for key, value in _hashtable(source, literal).items():
        if key == "options":
            spec["options"] = _option_spec(value, extended, "options")
        else:
            spec[key] = value
    return True


def module_spec_from_source(source: bytes | str) -> dict:
    """module_spec of PowerShell source text."""
    data = _source_bytes(source)
    root = parser().parse(data).root_node
    spec = {"framework": None, "options": {}, "supports_check_mode": False, "extended": []}
    if _basic_spec(data, root, spec):
        spec["framework"] = "Ansible.Basic"
    elif _legacy_spec(data, root, spec):
        spec["framework"] = "Legacy"
    if not spec["extended"]:
        del spec["extended"]
    return spec


@functools.lru_cache(maxsize=None)
def _cached_spec(path: str, _mtime_ns: int) -> dict:
    return module_spec_from_source(Path(path).read_bytes())


def module_spec(path) -> dict:
    """The argument spec a PowerShell Ansible module declares (see the module docstring for the shape)."""
    path = Path(path).resolve()
    return copy.deepcopy(_cached_spec(str(path), path.stat().st_mtime_ns))
