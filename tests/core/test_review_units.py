"""Claims of several annotators grouped into units of one claim and classified (issue 9, review core)."""

from __future__ import annotations

from annotations.models import Claim
from annotations.review.units import open_conflicts, units_of

TEXT = "x" * 200


def c(who: str, start: int, end: int, ctype: str = "fact", stance: str = "favor", target: str = "T") -> Claim:
    return Claim(f"{who}{start}-{end}{ctype}{stance}", "a", "h", start, end, TEXT[start:end], ctype, stance, target, who)


def test_unanimous_and_each_kind_of_conflict():
    claims = {
        "alice": [c("alice", 0, 10), c("alice", 20, 30), c("alice", 40, 50, stance="against"), c("alice", 60, 70),
                  c("alice", 80, 90, ctype="opinion", target="U")],
        "bob": [c("bob", 0, 10), c("bob", 22, 30), c("bob", 40, 50), c("bob", 80, 90)],
    }
    units = units_of(claims)
    assert [(u.start, u.end) for u in units] == [(0, 10), (20, 30), (40, 50), (60, 70), (80, 90)]
    assert [sorted(u.kinds) for u in units] == [[], ["boundary"], ["stance"], ["missing"], ["target", "type"]]
    assert units[0].unanimous and open_conflicts(units) == 4


def test_an_annotator_who_opened_the_article_but_made_no_claim_is_missing():
    units = units_of({"alice": [c("alice", 0, 10)]}, annotators=["alice", "bob"])
    assert units[0].kinds == {"missing"} and set(units[0].variants) == {"alice"}


def test_overlapping_variants_form_one_unit_not_several():
    claims = {"alice": [c("alice", 0, 30)], "bob": [c("bob", 0, 12), c("bob", 14, 30)], "carol": [c("carol", 2, 29)]}
    (unit,) = units_of(claims)
    assert (unit.start, unit.end) == (0, 30) and unit.kinds == {"missing", "boundary"}
    assert len(unit.variants["bob"]) == 2


def test_no_claims_no_units():
    assert units_of({}) == [] and units_of({"alice": []}, ["alice", "bob"]) == []
