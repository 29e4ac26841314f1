"""Language of a text, when the page does not label it.

py3langid is a small n-gram model that ships its weights in the wheel (no
download at run time) and classifies a paragraph in well under a
millisecond, which keeps it out of the benchmark's way. Only the first
chunk of the text is classified: more adds time, not accuracy.
"""

from __future__ import annotations

__all__ = ["detect_language"]

_SAMPLE_CHARS = 600
_MIN_CHARS = 40
# The languages of the catalogs we clean. Restricting the model's choices
# stops short texts from being labelled with a rare look-alike language.
_LANGUAGES = ["en", "de", "fr", "es", "nl", "it", "pt", "pl", "zh", "ja", "ru", "sv", "da", "no", "cs"]
_identifier = None


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
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
        _identifier.set_languages(_LANGUAGES)
    code, _score = _identifier.classify(text[:_SAMPLE_CHARS])
    return str(code)
