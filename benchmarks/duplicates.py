"""Choosing how duplicate model names are found: scorers and thresholds measured on labelled names.

The labelled set is realistic model names (public reports of the campaign, the demo's
names) and what units really do to them: drop the diacritics, type in capitals, add or
drop quotes and “Mô hình …”, mistype a letter, add or drop a small word, swap the tone
mark style. Pairs that must NOT match are every two different models, among them the
look-alikes a province really has ("Cảnh sát thân thiện …" / "Chính quyền thân thiện …",
"Chi bộ số" / "Dân vận số", "Chi bộ 5 tốt" / "Chi bộ 4 tốt").

    python -m benchmarks.duplicates          # prints the table
"""

from __future__ import annotations

import difflib
import itertools
import random
import time
import unicodedata
from collections.abc import Callable

from danvan_sheets.core.duplicates import name_key, name_keys, numbers

# Distinct models: no two of these are the same model.
BASE = [
    "Cảnh sát thân thiện vì nhân dân phục vụ",
    "Chính quyền thân thiện vì nhân dân phục vụ",
    "2 phòng, 3 giữ",
    "Vận động nhân dân lắp đặt camera an ninh",
    "Móc khoá an ninh",
    "Camera an ninh",
    "Thôn văn hóa kiểu mẫu",
    "Cải tạo phong tục tập quán lạc hậu",
    "Cải tạo vệ sinh môi trường nông thôn",
    "Vận động hội viên vay vốn phát triển kinh tế",
    "Dân vận khéo trong vùng đồng bào dân tộc thiểu số",
    "Xã bình yên, gia đình hòa thuận",
    "Dân vận khéo 1+10",
    "Dân vận khéo 2+5",
    "Dân vận số",
    "Chi bộ số",
    "Tuyến đường hoa kiểu mẫu",
    "Tuyến đường hoa và đường cờ hoa kiểu mẫu",
    "Chi bộ 5 tốt, đảng viên 5 tốt",
    "Chi bộ 4 tốt, đảng viên 4 tốt",
    "Cán bộ, đảng viên dìu dắt quần chúng và cấp dưới",
    "Nâng bước em đến trường và con nuôi đồn biên phòng",
    "Vận động ngư dân giảm thiểu sử dụng rác thải nhựa đại dương",
    "Giảm thiểu rác thải nhựa tại cơ quan",
    "Cải cách thủ tục hành chính",
    "Nâng cao chất lượng phục vụ người dân",
    "Xây dựng cơ quan sạch đẹp an toàn",
    "Xây dựng cơ quan văn hóa",
    "Nâng cao chất lượng sinh hoạt chi bộ",
    "Nâng cao chất lượng sinh hoạt chuyên đề",
    "Đảng viên gương mẫu nơi cư trú",
    "Đoàn viên gương mẫu nơi cư trú",
    "Ngày thứ Bảy tình nguyện",
    "Ngày Chủ nhật xanh",
    "Thắp sáng đường quê",
    "Áo ấm cho em",
    "Hũ gạo tình thương",
    "Nồi cháo tình thương",
    "Tiếp sức mùa thi",
    "Một cửa liên thông hiện đại",
    "Thu thuế điện tử cho hộ kinh doanh",
    "Chi trả lương hưu qua tài khoản",
    "Bữa cơm có thịt cho học sinh bán trú",
    "Mỗi tuần một việc tốt",
    "Mỗi tháng một việc tốt",
]

ZWSP = "\u200b"


def _no_marks(s: str) -> str:
    out = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    return out.replace("đ", "d").replace("Đ", "D")


def _typo(s: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    i = rng.choice(letters)
    kind = rng.randrange(3)
    if kind == 0:
        return s[:i] + s[i + 1 :]  # a letter dropped
    if kind == 1:
        return s[:i] + s[i] + s[i:]  # a letter doubled
    j = min(i + 1, len(s) - 1)
    return s[:i] + s[j] + s[i] + s[j + 1 :]  # two letters swapped


def _small_word(s: str, rng: random.Random) -> str:
    words = s.split()
    if len(words) < 3:
        return s + " tại cơ quan"
    i = rng.randrange(1, len(words))
    return " ".join(words[:i] + [rng.choice(["ở", "tại", "và", "cho"])] + words[i:])


VARIANTS: list[tuple[str, Callable[[str, random.Random], str]]] = [
    ("không dấu", lambda s, r: _no_marks(s)),
    ("chữ hoa", lambda s, r: s.upper()),
    ("ngoặc kép", lambda s, r: f"“{s}”"),
    ("“Mô hình …”", lambda s, r: f"Mô hình “{s}”"),
    ("Mô hình dân vận khéo: …", lambda s, r: f"Mô hình dân vận khéo: {s.lower()}"),
    ("dấu câu, khoảng trắng", lambda s, r: s.replace(",", " ,").replace(" ", "  ", 1) + "."),
    ("gõ sai một chữ", _typo),
    ("thêm một từ nhỏ", _small_word),
    ("không dấu + gõ sai", lambda s, r: _typo(_no_marks(s), r)),
]

# Pairs a person would call the same model, beyond the generated variants.
SAME_EXTRA = [
    ("Xã bình yên, gia đình hoà thuận", "Xã bình yên - gia đình hòa thuận"),
    ("Nâng bước em đến truờng và con nuôi đồn biên phòng", "Nâng bước em đến trường và con nuôi đồn biên phòng"),
    ("Cán bộ đảng viên dìu dắt quần chúng, cấp dưới", "Cán bộ, đảng viên dìu dắt quần chúng và cấp dưới"),
    ("Cải tạo vệ sinh môi trường ở nông thôn", "Cải tạo vệ sinh môi trường nông thôn"),
    ("Vận động nhân dân lắp camera an ninh", "Vận động nhân dân lắp đặt camera an ninh"),
    ("MH Dân vận số", "Dân vận số"),
    (f"Thắp sáng{ZWSP} đường quê", "Thắp sáng đường quê"),
]


def labelled(seed: int = 0) -> list[tuple[str, str, bool, str]]:
    """(a, b, same model?, kind) for every variant of every base name and every pair of base names."""
    rng = random.Random(seed)
    pairs: list[tuple[str, str, bool, str]] = []
    for name in BASE:
        for label, make in VARIANTS:
            pairs.append((name, make(name, rng), True, label))
    pairs += [(a, b, True, "khác") for a, b in SAME_EXTRA]
    for a, b in itertools.combinations(BASE, 2):
        pairs.append((a, b, False, "hai mô hình khác nhau"))
    return pairs


def _rf(name: str):
    from rapidfuzz import fuzz

    return getattr(fuzz, name)


def _difflib(a: str, b: str) -> float:
    return 100.0 * difflib.SequenceMatcher(None, a, b).ratio()


SCORERS: dict[str, Callable[[str, str], float]] = {
    "rapidfuzz ratio": lambda a, b: _rf("ratio")(a, b),
    "rapidfuzz token_sort_ratio": lambda a, b: _rf("token_sort_ratio")(a, b),
    "rapidfuzz token_set_ratio": lambda a, b: _rf("token_set_ratio")(a, b),
    "rapidfuzz WRatio": lambda a, b: _rf("WRatio")(a, b),
    "difflib SequenceMatcher": _difflib,
}


def score(scorer, a: str, b: str) -> float:
    """As core.duplicates decides a pair, with another scorer: 100 when a form is equal, 0 when figures differ."""
    (fa, ca), (fb, cb) = name_keys(a), name_keys(b)
    if numbers(fa) != numbers(fb):
        return 0.0
    if fa == fb or ca == cb:
        return 100.0
    return max(scorer(fa, fb), scorer(ca, cb))


def confusion(pairs, scorer, threshold: float) -> dict:
    tp = fp = fn = tn = 0
    for a, b, same, _kind in pairs:
        hit = score(scorer, a, b) >= threshold
        tp += hit and same
        fp += hit and not same
        fn += (not hit) and same
        tn += (not hit) and not same
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "recall": tp / max(tp + fn, 1), "precision": tp / max(tp + fp, 1)}


def sweep(thresholds=range(70, 100, 2)) -> list[dict]:
    pairs = labelled()
    out = []
    for name, scorer in SCORERS.items():
        for t in thresholds:
            out.append({"scorer": name, "threshold": t, **confusion(pairs, scorer, t)})
    return out


def false_pairs(scorer_name: str, threshold: float) -> list[tuple[str, str, bool, float]]:
    """The pairs the scorer gets wrong at the threshold, for reading."""
    scorer = SCORERS[scorer_name]
    wrong = []
    for a, b, same, _k in labelled():
        s = score(scorer, a, b)
        if (s >= threshold) != same:
            wrong.append((a, b, same, round(s, 1)))
    return wrong


def province_names(n: int, seed: int = 1) -> list[str]:
    """n model names as a province has them: a base name, often varied, often made unique by a place."""
    rng = random.Random(seed)
    places = ["tại xã", "ở thôn", "tại tổ dân phố", "tại bản", "tại phường"]
    out = []
    for i in range(n):
        name = rng.choice(BASE)
        r = rng.random()
        if r < 0.3:
            name = rng.choice(VARIANTS)[1](name, rng)
        elif r < 0.8:
            name = f"{name} {rng.choice(places)} {i}"
        out.append(name_key(name))
    return out


def timing(n: int = 2500, difflib_n: int = 400) -> dict:
    """All pairs of n names: rapidfuzz cdist measured at n; difflib measured at difflib_n and scaled by pairs."""
    from danvan_sheets.core.duplicates import DEFAULT_THRESHOLD, similar_pairs

    names = province_names(n)
    t = time.perf_counter()
    similar_pairs(names, DEFAULT_THRESHOLD)
    rf = time.perf_counter() - t
    small = names[:difflib_n]
    t = time.perf_counter()
    for a, b in itertools.combinations(small, 2):
        sm = difflib.SequenceMatcher(None, a, b)
        if sm.real_quick_ratio() * 100 >= DEFAULT_THRESHOLD and sm.quick_ratio() * 100 >= DEFAULT_THRESHOLD:
            sm.ratio()
    dl_small = time.perf_counter() - t
    scale = (n * (n - 1) / 2) / (difflib_n * (difflib_n - 1) / 2)
    return {
        "n": n,
        "rapidfuzz_s": rf,
        "difflib_n": difflib_n,
        "difflib_small_s": dl_small,
        "difflib_est_s": dl_small * scale,
    }


SHOWN = (80, 84, 86, 88, 90, 92, 94, 96)


def table(chosen: str = "rapidfuzz ratio") -> list[str]:
    """Missed same-model pairs / false matches, per scorer and threshold; then what the chosen one gets wrong."""
    from danvan_sheets.core.duplicates import DEFAULT_THRESHOLD

    rows = sweep(SHOWN)
    pairs = labelled()
    n_same = sum(1 for p in pairs if p[2])
    lines = [
        f"Labelled pairs: {n_same} same-model, {len(pairs) - n_same} different-model. "
        "Each cell: same-model pairs missed / different-model pairs matched.",
        "",
        "| Scorer | " + " | ".join(f"≥ {t}" for t in SHOWN) + " |",
        "|---|" + "---:|" * len(SHOWN),
    ]
    for name in SCORERS:
        cells = [f"{r['fn']} / {r['fp']}" for r in rows if r["scorer"] == name]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", f"Wrong with {chosen} at {DEFAULT_THRESHOLD:g} (the default):", ""]
    for a, b, same, score_ in false_pairs(chosen, DEFAULT_THRESHOLD):
        lines.append(f"- {'missed' if same else 'matched'}: “{a}” / “{b}” ({score_:g})")
    return lines


def main() -> int:
    for line in table():
        print(line)
    t = timing()
    print(
        f"\nAll pairs of {t['n']} names: rapidfuzz cdist {t['rapidfuzz_s']:.2f} s; difflib "
        f"{t['difflib_small_s']:.2f} s for {t['difflib_n']} names, about {t['difflib_est_s']:.0f} s scaled to {t['n']}."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
