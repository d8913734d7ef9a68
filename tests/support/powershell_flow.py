# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What PowerShell does with values that the grammar alone can show (issue 27): read with tree-sitter-powershell.

* **Unrolling.** A function's output is unrolled: ``return @('a')`` gives the caller ``'a'``, ``return @()``
  gives ``$null``. A function that returns ``@(...)``, or writes values from inside a loop, is *array-valued*;
  each call to one must be wrapped, ``@(Get-X)``. ``unrolled_calls`` lists the calls that are not.
* **Collections assigned bare.** ``$x = Get-ChildItem ...``, ``$x = $list | Where-Object ...``, ``$x = foreach
  ...`` hold ``$null``, one object or an array depending on how many came: ``bare_collections`` lists such an
  assignment when the value then goes anywhere but inside ``@(...)`` (a result key, ``.Count``, an index), and a
  result key (``$module.Result.x =``, ``$obj.x =``) assigned one directly.
* **Result types.** ``result_types`` infers, from the ``.ps1``'s own assignments, the type of each key of
  ``$module.Result``: ``dict`` (a hashtable), ``list`` (``@(...)``), ``str``, ``int``, ``bool``, ``null``;
  a value it cannot tell statically is left out.

Statically, as far as literals go: a value computed at run time is not followed.
"""

from __future__ import annotations

import re

from tests.support.powershell import _children, _text, _unwrap, _walk, parser

# Cmdlets whose output is a collection of any size (Select-Object -First 1 is the one scalar use, see below).
COLLECTION_CMDLETS = {
    "get-childitem",
    "get-itemproperty",
    "where-object",
    "foreach-object",
    "sort-object",
    "select-object",
    "get-content",
    "resolve-path",
    "get-acl",
}
# .NET static methods that return a string
_STRING_METHODS = ("ToBase64String", "ReadAllText", "GetFullPath", "Combine", "GetFileName", "ToString")
_LOOPS = {"foreach_statement", "for_statement", "while_statement", "do_statement"}


def _tree(source: str):
    data = source.encode("utf-8")
    return data, parser().parse(data).root_node


def _line(node) -> int:
    return node.start_point.row + 1


def functions(source: str) -> dict:
    """Function name (lower case) -> its function_statement node, with the source bytes."""
    data, root = _tree(source)
    found = {}
    for node in _walk(root):
        if node.type == "function_statement":
            name = next(c for c in node.children if c.type == "function_name")
            found[_text(data, name).lower()] = node
    return found


def _returns_array(data: bytes, node) -> bool:
    for inner in _walk(node):
        if inner.type == "flow_control_statement" and inner.children[0].type == "return":
            values = _children(inner)
            if values and _unwrap(values[0]).type == "array_expression":
                return True
    return False


def _writes_in_loop(data: bytes, node) -> bool:
    """A bare value written as output from inside a loop of the function (``foreach (...) { ...; $entry }``)."""
    for loop in _walk(node):
        if loop.type not in _LOOPS:
            continue
        for inner in _walk(loop):
            if inner.type != "pipeline" or inner.parent is None or inner.parent.type != "statement_list":
                continue
            if _assigned(inner) or inner.parent.parent is None or inner.parent.parent.type != "statement_block":
                continue
            if _unwrap(inner).type in ("variable", "hash_literal_expression", "member_access"):
                return True
    return False


def _assigned(pipeline) -> bool:
    return any(c.type == "assignment_expression" for c in pipeline.children)


def array_functions(*sources: str) -> set:
    """Names (lower case) of the array-valued functions defined in the sources."""
    names = set()
    for source in sources:
        data = source.encode("utf-8")
        for name, node in functions(source).items():
            if _returns_array(data, node) or _writes_in_loop(data, node):
                names.add(name)
    return names


def _wrapped(node) -> bool:
    """True when the pipeline holding node is the content of ``@(...)``."""
    while node is not None and node.type != "pipeline":
        node = node.parent
    while node is not None and node.type in ("pipeline", "statement_list"):
        node = node.parent
    return node is not None and node.type == "array_expression"


def unrolled_calls(source: str, array_valued: set) -> list:
    """``line N: Get-X`` for each call to an array-valued function that is not wrapped in ``@(...)``."""
    data, root = _tree(source)
    found = []
    for node in _walk(root):
        if node.type != "command":
            continue
        names = [c for c in node.children if c.type == "command_name"]
        if names and _text(data, names[0]).lower() in array_valued and not _wrapped(node):
            found.append("line %d: %s" % (_line(node), _text(data, _statement(node)).strip()))
    return found


def _statement(node):
    while node.parent is not None and node.type != "pipeline":
        node = node.parent
    while node.parent is not None and node.parent.type == "pipeline":
        node = node.parent
    parent = node.parent
    return node if parent is None or parent.type not in ("assignment_expression",) else parent


def _collection_value(data: bytes, value, array_valued: set) -> bool:
    """The right side of an assignment is a collection of any size, not wrapped in @()."""
    value = _unwrap(value)
    if value.type in _LOOPS:
        return True
    if value.type in ("array_expression", "member_access", "invokation_expression"):
        return False  # wrapped already, or one property or method result of whatever came
    commands = [n for n in _walk(value) if n.type == "command" and not _inside_array(n, value)]
    for command in commands:
        name = _text(data, next(c for c in command.children if c.type == "command_name")).lower()
        if name in array_valued:
            return True
        if name in COLLECTION_CMDLETS and not re.search(r"-First\s+1\b", _text(data, command), re.IGNORECASE):
            last = command.parent.named_children[-1] if command.parent is not None else command
            if last.type == "command" and re.search(r"-First\s+1\b", _text(data, last), re.IGNORECASE):
                continue
            return True
    return False


def _inside_array(node, top) -> bool:
    node = node.parent
    while node is not None and node != top:
        if node.type in ("array_expression", "script_block_expression", "script_block"):
            return True
        node = node.parent
    return False


def bare_collections(source: str, array_valued: set = frozenset()) -> list:
    """``line N: <statement>`` for each collection assigned bare whose value then escapes ``@(...)``."""
    data, root = _tree(source)
    found = []
    for node in _walk(root):
        if node.type != "assignment_expression":
            continue
        left = _unwrap(node.named_children[0])
        value = node.named_children[-1]
        if not _collection_value(data, value, array_valued):
            continue
        if left.type != "variable":  # $module.Result.x = ..., $obj.x = ...
            found.append("line %d: %s" % (_line(node), _text(data, node).strip()))
            continue
        name = _text(data, left).lower()
        scope = _scope(node)
        for use in _walk(scope):
            if use.type != "variable" or _text(data, use).lower() != name or use.start_byte <= node.start_byte:
                continue
            if _is_assignment_target(use):
                continue
            if not _wrapped(use):
                found.append("line %d: %s (then used bare at line %d)" % (_line(node), _text(data, left), _line(use)))
                break
    return found


def _is_assignment_target(node) -> bool:
    parent = node.parent
    while parent is not None and parent.type not in ("assignment_expression", "pipeline", "foreach_statement"):
        if parent.type == "left_assignment_expression":
            return True
        parent = parent.parent
    return parent is not None and parent.type == "foreach_statement" and parent.named_children[0] == node


def _scope(node):
    while node.parent is not None and node.type != "function_statement":
        node = node.parent
    return node


# - result types -


def _infer(data: bytes, value, variables: dict, returns: dict) -> set:
    value = _unwrap(value)
    kind = value.type
    text = _text(data, value).strip()
    if kind == "hash_literal_expression":
        return {"dict"}
    if kind in ("array_expression", "array_literal_expression"):
        return {"list"}
    if kind in ("expandable_string_literal", "verbatim_string_characters", "expandable_here_string_literal"):
        return {"str"}
    if kind in ("decimal_integer_literal", "hexadecimal_integer_literal"):
        return {"int"}
    if kind == "variable":
        lowered = text.lower()
        if lowered in ("$true", "$false"):
            return {"bool"}
        if lowered == "$null":
            return {"null"}
        return set(variables.get(lowered, set()))
    if kind == "comparison_expression" or re.search(r"\s-(gt|lt|ge|le|eq|ne|and|or|not)\s", text, re.IGNORECASE):
        return {"bool"}
    if kind == "cast_expression" and text.lower().startswith("[string]"):
        return {"str"}
    if kind in ("cast_expression", "expression_with_unary_operator"):  # [double](...): the cast decides the type
        cast = re.match(r"\[(\w+)\]", text)
        cast = cast.group(1).lower() if cast else ""
        if cast in ("double", "float", "decimal"):
            return {"float"}
        if cast in ("int", "long", "int64"):
            return {"int"}
    if kind == "invokation_expression" and re.search(r"::(%s)\(" % "|".join(_STRING_METHODS), text):
        return {"str"}
    if kind in ("pipeline", "pipeline_chain", "command"):
        names = [n for n in _walk(value) if n.type == "command_name"]
        if len(names) == 1:
            return set(returns.get(_text(data, names[0]).lower(), set()))
    return set()


def result_types(source: str) -> dict:
    """``$module.Result.<key>`` -> the set of types the .ps1 assigns it (keys it cannot tell are left out)."""
    data, root = _tree(source)
    variables: dict = {}
    returns: dict = {}
    assignments = [n for n in _walk(root) if n.type == "assignment_expression"]
    for _pass in range(3):  # variables that hold other variables, functions that return them
        for node in assignments:
            left = _unwrap(node.named_children[0])
            if left.type == "variable":
                variables.setdefault(_text(data, left).lower(), set()).update(
                    _infer(data, node.named_children[-1], variables, returns)
                )
        for name, function in functions(source).items():
            for inner in _walk(function):
                if inner.type == "flow_control_statement" and inner.children[0].type == "return":
                    values = _children(inner)
                    returns.setdefault(name, set()).update(
                        _infer(data, values[0], variables, returns) if values else {"null"}
                    )
    types: dict = {}
    for node in assignments:
        left = _text(data, _unwrap(node.named_children[0]))
        match = re.fullmatch(r"\$module\.Result\.(\w+)", left, re.IGNORECASE)
        if match:
            inferred = _infer(data, node.named_children[-1], variables, returns)
            if inferred:
                types.setdefault(match.group(1), set()).update(inferred)
    return types
