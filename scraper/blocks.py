"""The unit every stage after PARSE works on: an ordered list of :class:`Block`.

A block is one run of visible text (a heading, a paragraph, a list item, a
table cell, a line of a text dump) plus what later stages need to judge it
without going back to the DOM: its tag and heading level, the chrome it sits
in (nav, footer, a dialog...), how much of it is link text, a short DOM-path
signature, and any label/value pairs it carries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Block", "Removed", "StepResult"]


@dataclass(frozen=True, slots=True)
class Block:
    """One run of visible text and its structural cues."""

    text: str
    tag: str = "p"  # html tag, or "line" / "para" for text dumps
    heading: int = 0  # 1-6 for h1-h6, 0 otherwise
    chrome: str = ""  # why the DOM marks this as page furniture ("nav", "footer", "hidden"...)
    link_density: float = 0.0  # share of the text that sits inside <a>
    path: str = ""  # short DOM-path signature, e.g. "main>div.product>p"
    label: str = ""  # for "Label: value" blocks, the label
    value: str = ""  # ... and its value
    expander_after: bool = False  # a "Read more" toggle followed this block: its text may be cut short

    def labelled(self, label: str, value: str) -> Block:
        """This block carrying a label/value pair (``dataclasses.replace``, without its field-by-field lookups).

        >>> Block("Publisher: Gollancz").labelled("Publisher", "Gollancz").value
        'Gollancz'
        """
        return Block(
            self.text,
            self.tag,
            self.heading,
            self.chrome,
            self.link_density,
            self.path,
            label,
            value,
            self.expander_after,
        )


@dataclass(frozen=True, slots=True)
class Removed:
    """A block a normalizer cut, with the rule that cut it."""

    rule: str
    text: str


@dataclass(slots=True)
class StepResult:
    """What one normalizer returns: the kept blocks and what it removed."""

    blocks: list[Block]
    removed: list[Removed] = field(default_factory=list)
