"""Language of a text, when the page does not label it.

py3langid is a small n-gram model that ships its weights in the wheel (no
download at run time) and classifies a paragraph in well under a
millisecond, which keeps it out of the benchmark's way. Only the first
chunk of the text is classified: more adds time, not accuracy.

The model reads its input through a byte automaton, in a Python loop; when
``scraper/language_compiled.pyx`` is built, that one loop runs compiled over
the model's own tables (``_identifier``), and everything else is py3langid's.
"""

from __future__ import annotations

from typing import Any

from scraper.compiled import compiled_module

__all__ = ["detect_language"]

_SAMPLE_CHARS = 600
_MIN_CHARS = 40
# The languages of the catalogs we clean. Restricting the model's choices
# stops short texts from being labelled with a rare look-alike language.
_LANGUAGES = ["en", "de", "fr", "es", "nl", "it", "pt", "pl", "zh", "ja", "ru", "sv", "da", "no", "cs"]
_identifier: Any = None
# Texts whose feature counts the compiled loop must give exactly as py3langid does
# before it is used: scripts and byte widths the model reads.
_PROBES = (
    "The quick brown fox jumps over the lazy dog, again and again.",
    "Het leven lacht Lynn eindelijk toe, maar dan gaat alles mis.",
    "Über den Autor: Grüße aus München, café crème, señor niño.",
    "这是一本关于历史的书，讲述了很多有趣的故事。豆瓣评分 8.9",
    "これは日本語の文章です。カタカナとひらがな。",
    "Русский текст для проверки, ещё немного слов.",
    "x",
)


def _load_identifier() -> Any:
    """py3langid's identifier for our languages, its byte loop compiled when that is built and agrees."""
    from py3langid import langid

    compiled = compiled_module("scraper.language_compiled")

    class _Identifier(langid.LanguageIdentifier):  # type: ignore[misc]
        counter: Any = None

        def _raw_score(self, text: bytes) -> Any:
            visits = self.counter.counts(text) if self.counter is not None else None
            if visits:
                return self._sparse_score(visits, self.nb_ptc)
            return super()._raw_score(text)  # no feature (or no compiled loop): py3langid's own answer

    identifier = _Identifier.from_model_file(langid.MODEL_FILE, norm_probs=False)
    identifier.set_languages(_LANGUAGES)
    if compiled is not None:
        try:
            counter = compiled.FeatureCounter(identifier.tk_nextmove, identifier._rowbase, identifier.tk_output)
            for probe in _PROBES:
                data = identifier._encode(probe)
                ours = counter.counts(data)
                theirs = langid.visit_counts(identifier.tk_nextmove, identifier._rowbase, identifier.tk_output, data)
                if (ours is None) != (theirs is None) or (ours and list(ours.items()) != list(theirs.items())):
                    raise ValueError("the compiled feature count differs from py3langid's")
            identifier.counter = counter
        except (AttributeError, TypeError, ValueError, MemoryError):
            identifier.counter = None  # a py3langid laid out otherwise: its own loop
    return identifier


def detect_language(text: str) -> str | None:
    """An ISO 639-1 code for ``text``, or None when it is too short to tell.

    >>> detect_language("Het leven lacht Lynn eindelijk toe, maar dan gaat alles mis met haar nieuwe leven.")
    'nl'
    >>> detect_language("short") is None
    True
    """
    global _identifier
    if len(text) < _MIN_CHARS:
        return None
    if _identifier is None:
        _identifier = _load_identifier()
    code, _score = _identifier.classify(text[:_SAMPLE_CHARS])
    return str(code)
