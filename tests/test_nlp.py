"""The spaCy pipeline: organisations and incident types as entities with offsets."""

from __future__ import annotations

from plankb.extract.nlp import entities, incident_types


def test_entities_have_exact_offsets_and_canonical_keys():
    text = "发生燃气事故后，区城市管理委牵头，市应急局配合；天然气泄漏时同样处置"
    got = {(e.label, text[e.span.start : e.span.end], e.key) for e in entities(text)}
    assert ("INCIDENT", "燃气事故", "燃气事故") in got
    assert ("INCIDENT", "天然气泄漏", "燃气事故") in got  # a synonym maps to its row
    assert ("ORG", "市应急局", "北京市应急管理局") in got  # an alias maps to its canonical name
    assert ("ORG", "区城市管理委", "区城市管理委") in got


def test_incident_types_in_prose():
    # Master plan 1.4.1 (000 l.343) lists categories; 森林火灾 is also a type of table 2.3.6.
    assert "森林火灾" in incident_types("主要包括水旱灾害、气象灾害、地震灾害、地质灾害、生物灾害和森林火灾等。")
    assert incident_types("城市内涝和道路积水") == ["水灾"]
    assert incident_types("4.1.5 对于暂时无法判明等级的突发事件，应迅速核实。") == []


def test_stored_incident_facts_drive_the_search_filter(built_kb):
    from plankb.kb.search import Searcher

    facts = built_kb.store.facts(kind="incident")
    assert any(f["incident_type"] == "燃气事故" and f["clause_id"].startswith("gaz2021-2:") for f in facts)
    s = Searcher(built_kb)
    tagged = {f["clause_id"] for f in facts if f["incident_type"] == "燃气事故"}
    hits = s.search("应急预案", k=20, filters={"incident": "燃气事故"})
    assert hits and {h.clause_id for h in hits} <= tagged | {c.id for c in built_kb.clauses() if c.kind.value == "table_row"}
    assert "gaz2021-2:8.3.1/12" in {h.clause_id for h in hits}  # 北京市燃气突发事件应急预案 (000 l.1119)
    s.close()
