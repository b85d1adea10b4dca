"""The same model registered by several units: names compared the way people read them.

A name is reduced to its words without diacritics, case, punctuation or quotes, and
without the filler a form's name often starts with ("Mô hình", "Dân vận khéo"). Equal
reductions are the same model; otherwise two reductions whose similarity reaches the
threshold are (rapidfuzz's `ratio`, the Indel similarity of the two strings, 0-100).

The threshold and the scorer were chosen by measuring every candidate on a labelled set
of realistic names (`python -m benchmarks.duplicates`; figures in the README, “Mô hình trùng lặp”).

Only a list: nothing here changes an entry, a count or a verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from danvan_sheets.core.text import key

# 88 is the middle of the plateau where the labelled set has no false match and loses
# the fewest true ones (see the module docstring); a person can still ask for another.
DEFAULT_THRESHOLD = 88

# Words a name is often dressed in that say nothing about which model it is, only at
# the start: "Mô hình chi bộ số" is "Chi bộ số". "Dân vận khéo" is the campaign's own
# name, but also part of some models' names ("Dân vận khéo 1+10"): it is dropped only in
# the second of the two forms a name is compared in, and only when words are left.
_MODEL_WORDS = re.compile(r"^(?:(?:mo hinh|mh)\b ?)+")
_CAMPAIGN_WORDS = re.compile(r"^(?:(?:dan van kheo|dvk|mo hinh|mh)\b ?)+")
_NUMBER = re.compile(r"\d+")


def name_keys(name: str) -> tuple[str, str]:
    """(without "Mô hình", without "Mô hình" and "Dân vận khéo"): the two forms a name is compared in.

    Both without diacritics, case, punctuation or quotes. A name that is nothing but
    filler keeps its words, rather than matching every other such name as "".
    """
    k = key(name or "")
    full = _MODEL_WORDS.sub("", k).strip() or k
    core = _CAMPAIGN_WORDS.sub("", full).strip()
    return full, (core if " " in core else full)


def name_key(name: str) -> str:
    """The shortest form of a name two registrations of one model share."""
    return name_keys(name)[1]


def numbers(reduced: str) -> tuple[str, ...]:
    """The figures in a name: "Chi bộ 5 tốt" and "Chi bộ 4 tốt" are two models however alike."""
    return tuple(_NUMBER.findall(reduced))


def same_model(a: str, b: str, threshold: float) -> bool:
    """Whether two names are one model, as find_duplicates decides it (for one pair)."""
    (fa, ca), (fb, cb) = name_keys(a), name_keys(b)
    if numbers(fa) != numbers(fb):
        return False
    return ca == cb or fa == fb or max(similarity(fa, fb), similarity(ca, cb)) >= threshold


@dataclass(frozen=True)
class Candidate:
    """One counted model of one unit, in one source (a Khối or district)."""

    source: str
    unit_code: str
    unit_name: str
    name: str
    field: str | None = None
    row: int | None = None
    cell: str | None = None
    tab: str | None = None

    @property
    def owner(self) -> tuple[str, str]:
        return (self.source, self.unit_code)

    def to_dict(self, score: int) -> dict:
        return {
            "source": self.source,
            "unit_code": self.unit_code,
            "unit": self.unit_name,
            "name": self.name,
            "field": self.field,
            "row": self.row,
            "cell": self.cell,
            "tab": self.tab,
            "similarity": score,
        }


@dataclass
class DuplicateGroup:
    """Models of at least two units that are one model; `scores[i]` is member i's similarity to member 0."""

    members: list[Candidate]
    scores: list[int] = field(default_factory=list)

    @property
    def units(self) -> int:
        return len({m.owner for m in self.members})

    def to_dict(self) -> dict:
        return {"units": self.units, "members": [m.to_dict(s) for m, s in zip(self.members, self.scores, strict=True)]}


@dataclass
class DuplicateList:
    threshold: float
    method: str
    groups: list[DuplicateGroup] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"threshold": self.threshold, "method": self.method, "groups": [g.to_dict() for g in self.groups]}


METHOD = "rapidfuzz.fuzz.ratio trên tên đã bỏ dấu, chữ hoa, dấu câu, ngoặc kép và từ đệm"


def candidates_of(source: str, verdicts) -> list[Candidate]:
    """The counted models of a source's verdicts, the Khối's two mandatory models left out.

    Counted only: a row with an error or a repeat inside its own unit is already reported
    to that unit, and is not in the compiled list a duplicate would inflate.
    """
    out: list[Candidate] = []
    for v in verdicts:
        for e in v.entries:
            if not e.counted or e.mandatory or not e.name:
                continue
            cell = e.cells.get("name") if e.columns else None
            out.append(Candidate(source, v.unit.code, v.unit.name, e.name, e.field, e.row, cell, v.tab))
    return out


class _Sets:
    """Union-find over indices."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def similar_pairs(names: list[str], threshold: float) -> list[tuple[int, int]]:
    """Index pairs (i < j) of names whose similarity reaches `threshold`."""
    if len(names) < 2 or threshold > 100:
        return []
    import numpy as np
    from rapidfuzz import fuzz, process

    # One C++ pass over the whole matrix; below the cutoff a cell is 0. uint8 keeps a
    # province's 2,500 × 2,500 matrix at 6 MB.
    scores = process.cdist(names, names, scorer=fuzz.ratio, score_cutoff=threshold, dtype=np.uint8, workers=1)
    ii, jj = np.nonzero(np.triu(scores, k=1))
    return list(zip(ii.tolist(), jj.tolist(), strict=True))


def similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b)


def find_duplicates(items: list[Candidate], threshold: float = DEFAULT_THRESHOLD) -> DuplicateList:
    """Groups of models that at least two different units registered, in first-seen order."""
    by_full: dict[str, list[int]] = {}
    for i, c in enumerate(items):
        by_full.setdefault(name_keys(c.name)[0], []).append(i)
    fulls = list(by_full)
    cores = [name_keys(items[by_full[f][0]].name)[1] for f in fulls]
    figures = [numbers(f) for f in fulls]
    sets = _Sets(len(fulls))
    first_core: dict[str, int] = {}
    for i, core in enumerate(cores):
        sets.union(i, first_core.setdefault(core, i))
    for a, b in {*similar_pairs(fulls, threshold), *similar_pairs(cores, threshold)}:
        if figures[a] == figures[b]:
            sets.union(a, b)
    grouped: dict[int, list[int]] = {}
    for i, f in enumerate(fulls):
        grouped.setdefault(sets.find(i), []).extend(by_full[f])
    out = DuplicateList(threshold, METHOD)
    for idxs in grouped.values():
        idxs.sort()
        members = [items[i] for i in idxs]
        if len({m.owner for m in members}) < 2:
            continue  # one unit's own repeats are its duplicate_model warnings, not a roll-up matter
        fa, ca = name_keys(members[0].name)
        scores = []
        for m in members:
            fb, cb = name_keys(m.name)
            scores.append(100 if ca == cb or fa == fb else round(max(similarity(fa, fb), similarity(ca, cb))))
        out.groups.append(DuplicateGroup(members, scores))
    return out
