"""The rule docs and the rule manifest are generated from the rule classes; these tests fail when stale."""

from __future__ import annotations

from pathlib import Path

from lintrules.docs import (
    BEGIN,
    END,
    MANIFEST,
    RULES_DOC,
    main,
    manifest_source,
    rules_document,
    rules_table,
    updated_readme,
)
from lintrules.rules import RuleInfo, all_rules, manifest

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


def test_rule_manifest_is_current() -> None:
    text = (ROOT / MANIFEST).read_text(encoding="utf-8")
    assert text == manifest_source(), "run: python -m lintrules.docs"
    # What the front ends read is what the rule classes say.
    assert manifest() == tuple(RuleInfo.of(rule) for rule in all_rules())


def test_manifest_source_is_python_that_gives_the_records_back() -> None:
    rule = all_rules()[0]
    changed = RuleInfo.of(rule)._replace(
        DEFAULT_ENABLED=not rule.DEFAULT_ENABLED,
        OPTIONS={"some-option": 3, "quote's": 'it\'s "x"'},
        REQUIRES_TEXT=tuple(f"needle{i}" for i in range(40)),
    )
    source = manifest_source((changed,))
    assert source != manifest_source()
    namespace: dict[str, object] = {}
    exec(
        compile(source.replace("from . import RuleInfo", ""), "_manifest", "exec"),
        {"RuleInfo": RuleInfo},
        namespace,
    )
    assert namespace["RULES"] == (changed,)
    assert all(len(line) <= 100 for line in source.splitlines())


def test_main_writes_all_three(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(f"# x\n{BEGIN}\nold\n{END}\n", encoding="utf-8")
    (tmp_path / MANIFEST).parent.mkdir(parents=True)
    assert main([str(tmp_path)]) == 0
    assert (tmp_path / MANIFEST).read_text(encoding="utf-8") == manifest_source()
    assert (tmp_path / RULES_DOC).read_text(encoding="utf-8") == rules_document()
    assert rules_table() in (tmp_path / "README.md").read_text(encoding="utf-8")
