"""Shingled similarity: the normalisation and its offsets, the MinHash sketch, and a copy found
through reformatting."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.trading.texts import own_text
from zhengwu.trading import similarity


def test_normalising_folds_width_and_case_drops_punctuation_and_keeps_offsets():
    text = "ＡＢ，c 1２㎡。混凝土"
    codes, offsets = similarity.normalise(text)
    assert codes.tobytes().decode("utf-32-le") == "abc12m2混凝土"
    # Each kept character points at the character of the file it came from (㎡ gives two).
    assert [text[i] for i in offsets] == ["Ａ", "Ｂ", "c", "1", "２", "㎡", "㎡", "混", "凝", "土"]


def test_the_same_words_differently_spaced_and_punctuated_shingle_alike():
    a = similarity.prepare("a", "施工组织设计，确保工程质量。")
    b = similarity.prepare("b", "施工 组织 设计；确保  工程质量！")
    assert np.array_equal(a.distinct, b.distinct)


def test_the_signature_estimates_jaccard():
    rng = np.random.default_rng(7)
    pool = rng.integers(0, np.iinfo(np.uint64).max, 20_000, dtype=np.uint64, endpoint=True)
    a = np.unique(pool[:12_000])
    b = np.unique(pool[6_000:18_000])  # 6,000 shared of 18,000: 1/3
    same = (similarity.signature(a) == similarity.signature(b)).mean()
    assert abs(same - 1 / 3) < 0.1
    assert (similarity.signature(a) == similarity.signature(a)).all()


def test_a_tiny_set_gets_a_full_signature():
    sig = similarity.signature(np.array([5, 2**63 + 9], dtype=np.uint64))
    assert len(sig) == similarity.NUM_PERM
    assert len(set(sig.tolist())) > 2  # borrowed values differ by their distance


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), noise=st.sampled_from([" ", "，", "\n", "　", "、"]))
def test_a_copy_is_found_through_reformatting(seed, noise):
    """Half of one bid copied into another with spaces and punctuation sprinkled in is found, and
    the passage offsets point at the copied words in both files."""
    rng = random.Random(seed)
    source = own_text(seed, 120)
    piece = source[200:2200]
    sprinkled = "".join(ch + (noise if rng.random() < 0.05 else "") for ch in piece)
    copier = own_text(seed + 1, 60) + sprinkled
    others = [own_text(seed + k, 120) for k in range(2, 5)]
    docs = [similarity.prepare(str(i), t) for i, t in enumerate([source, copier, *others])]
    [match] = similarity.similar_pairs(docs)
    assert (match.a, match.b) == ("0", "1")
    longest = match.passages[0]
    shown_a = source[longest.a_start : longest.a_end]
    shown_b = copier[longest.b_start : longest.b_end]
    assert similarity.normalised_text(shown_a)[0] == similarity.normalised_text(shown_b)[0]
    assert longest.chars >= 500


def test_cost_is_per_lot_candidates_are_few_among_honest_bids():
    docs = [similarity.prepare(str(i), own_text(500 + i, 120)) for i in range(30)]
    assert similarity.similar_pairs(docs) == []
    assert similarity.candidate_probability(0.3) > 0.99
    assert similarity.candidate_probability(0.02) < 0.05
