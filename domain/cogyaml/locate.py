"""Where in cog.yaml a field is: the line of its key, for messages (``cog.yaml:3: …``).

Fields are the dotted paths the checks name (``build.python_version``, ``environment.1``); a
list item is found by its index. The YAML nodes keep the line they start on
(:mod:`domain.cogyaml.yaml_nodes`); a mapping entry's line is its key's.

>>> from domain.cogyaml.yaml_reader import parse_yaml
>>> root = parse_yaml("build:\\n  gpu: true\\n  python_version: '3.8'\\n")
>>> line_of(root, "build.python_version"), line_of(root, "build", "gpu"), line_of(root, "run")
(3, 2, None)
"""

from __future__ import annotations

from domain.cogyaml.yaml_nodes import YamlMapping, YamlNode, YamlSequence


def line_of(root: YamlNode | None, field: str, key: str = "") -> int | None:
    """The line of ``field`` (then of ``key`` inside it), or ``None`` if it is not there.

    ``field`` ``""`` is the whole document.
    """
    segments = [part for part in field.split(".") if part] + ([key] if key else [])
    if not segments:
        return None
    node, line = root, None
    for segment in segments:
        if isinstance(node, YamlMapping):
            entry = next((item for item in reversed(node.items) if item[0].text == segment), None)
            if entry is None:
                return None
            line, node = entry[0].line, entry[1]
        elif (
            isinstance(node, YamlSequence) and segment.isdigit() and int(segment) < len(node.items)
        ):
            node = node.items[int(segment)]
            line = node.line
        else:
            return None
    return line or None
