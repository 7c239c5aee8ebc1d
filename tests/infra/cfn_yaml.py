"""Read CloudFormation YAML with its short tags (!Ref, !Sub, !GetAtt…) as the long JSON form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# Short tags whose long form is not "Fn::<Tag>".
_SPECIAL = {"Ref": "Ref", "Condition": "Condition"}
_TAGS = ("Ref", "Condition", "Sub", "GetAtt", "Join", "Split", "Select", "If", "Not", "Equals",
         "And", "Or", "FindInMap", "Base64", "GetAZs", "ImportValue", "Cidr", "Length",
         "ToJsonString", "Transform")


class CfnLoader(yaml.SafeLoader):
    """A SafeLoader that knows CloudFormation's short tags."""


def _construct(tag: str) -> Any:
    key = _SPECIAL.get(tag, f"Fn::{tag}")

    def construct(loader: CfnLoader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if tag == "GetAtt":  # !GetAtt Resource.Attribute.Path -> [Resource, Attribute.Path]
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {key: value}

    return construct


for _tag in _TAGS:
    CfnLoader.add_constructor(f"!{_tag}", _construct(_tag))


def load_template(path: Path) -> dict[str, Any]:
    """The template as a dict, intrinsic functions in their long form."""
    with path.open(encoding="utf-8") as stream:
        document = yaml.load(stream, Loader=CfnLoader)  # noqa: S506 - SafeLoader subclass
    assert isinstance(document, dict), f"{path} is not a mapping"
    return document
