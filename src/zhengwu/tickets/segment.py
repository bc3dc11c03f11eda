"""Chinese text into tokens: one place for the knowledge base, the classifier and duplicates.

Pure (no Django). jieba is imported on first use and its dictionary loaded once per process
(about a second), so importing this module costs nothing at start-up.
"""

from __future__ import annotations

import re
import threading
import unicodedata

_JIEBA = None
_LOCK = threading.Lock()

# Words that carry no meaning for search or classification (particles, pronouns, fillers of
# spoken requests to a hotline).
STOPWORDS = frozenset(
    """
    的 了 是 在 我 你 他 她 它 我们 你们 他们 这 那 这个 那个 有 和 与 及 或 也 都 就 还
    又 很 太 吗 呢 吧 啊 呀 哦 嗯 么 请问 请 一下 一个 什么 怎么 怎么办 怎样 如何 哪些
    哪里 哪 为什么 能 能否 可以 可否 需要 要 想 想要 希望 麻烦 您好 你好 谢谢 对 把 被
    给 让 从 到 向 对于 关于 因为 所以 但是 如果 没有 不 没 会 已经 现在 一直 还是 而且
    以及 等 等等 之 其 该 此 并 再 才 上 下 中 里 来 去 说
    反映 市民 来电 来电人 咨询 称 表示
    """.split()
)

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[0-9a-z\u4e00-\u9fff]")


def _jieba():
    global _JIEBA
    if _JIEBA is None:
        with _LOCK:
            if _JIEBA is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _JIEBA = jieba
    return _JIEBA


def normalize(text: str) -> str:
    """Full-width to half-width (NFKC), lower case, runs of white space to one space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "").lower()).strip()


def tokens(text: str, *, search: bool = False) -> list[str]:
    """The meaningful words of ``text`` in order (duplicates kept). ``search`` also yields the
    shorter words inside long ones (营业执照 → 营业, 执照, 营业执照), for queries and indexing."""
    text = normalize(text)
    if not text:
        return []
    jieba = _jieba()
    words = jieba.lcut_for_search(text) if search else jieba.lcut(text)
    return [w for w in (w.strip() for w in words) if w and w not in STOPWORDS and _WORD.search(w)]


def bigrams(text: str) -> set[str]:
    """The character bigrams of the letters, digits and Chinese characters of ``text`` (a
    single character is its own gram): no dictionary needed, robust to word-boundary noise."""
    chars = "".join(ch for ch in normalize(text) if _WORD.match(ch))
    if len(chars) < 2:
        return {chars} if chars else set()
    return {chars[i : i + 2] for i in range(len(chars) - 1)}
