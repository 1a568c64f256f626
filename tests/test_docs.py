"""The rule docs are generated from the rule classes; these tests fail when stale."""

from __future__ import annotations

from pathlib import Path

from lintrules.docs import BEGIN, END, RULES_DOC, rules_document, rules_table, updated_readme
from lintrules.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent


def test_readme_rule_table_is_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == updated_readme(readme), "run: python -m lintrules.docs"
    table = readme[readme.index(BEGIN) : readme.index(END)]
    for rule in all_rules():
        assert f"`{rule.NAME}`" in table


def test_rules_document_is_current() -> None:
    text = (ROOT / RULES_DOC).read_text(encoding="utf-8")
    assert text == rules_document(), "run: python -m lintrules.docs"


def test_every_rule_has_a_section_with_its_docs() -> None:
    document = rules_document()
    for rule in all_rules():
        assert f"## {rule.CODE} {rule.NAME}" in document
        assert rule.summary() in document
    assert rules_table().count("\n") == len(all_rules()) + 2 + 3  # header, rule rows, engine rows
