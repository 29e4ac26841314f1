"""EXTRACT (human copy): candidate field values from the cleaned blocks.

What a reader of the page sees: label/value pairs ("Publisher: Gollancz",
"Uitgever" above "Prometheus"), the main heading, a byline, and labelled
sections ("Synopsis", "Klappentext", "内容简介"). Text dumps have no markup, so
the title is found by repetition: the line that other lines repeat or wrap in
site chrome is the one the page is about.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterator

from normalizers.residue import match_phrase
from normalizers.rules.phrases import NEUTRAL_SECTION_HEADINGS
from normalizers.text import fold, letters, may_fold_within
from scraper.blocks import Block
from scraper.bylines import BYLINE, EDITION_BYLINE, ROLE_IN_PARENS, ROLE_WORDS, is_byline
from scraper.candidates import Candidate, SourceName
from scraper.labels import DESCRIPTION_LABELS, EXCERPT_LABELS, field_for_label
from scraper.parse import ParsedPage, split_label
from scraper.text_title import TITLE_BY, TITLE_SEPARATOR, text_title_candidates
from scraper.values import FIRM_WORD, clean_person_name, find_isbns, is_sentence, parse_date, split_publisher_imprint

__all__ = ["anchored_text", "block_candidates", "lead_prose", "section_text", "split_people"]

_PEOPLE_SPLIT = re.compile(r"\s*(?:;|\s/\s|/|&|、|，|\s+(?:and|und|et|y|en|e|i|и)\s+)\s*")
_MULTIWORD = re.compile(r"\S+\s+\S+")


def split_people(value: str) -> list[str]:
    """Split a credit line into names, keeping "Last, First" pairs whole.

    >>> split_people("Alan Moore, Dave Gibbons")
    ['Alan Moore', 'Dave Gibbons']
    >>> split_people("Lüscher, Max")
    ['Lüscher, Max']
    >>> split_people("Timothy Zahn und Andreas Kasprzak")
    ['Timothy Zahn', 'Andreas Kasprzak']
    """
    names: list[str] = []
    for part in _PEOPLE_SPLIT.split(value):
        pieces = [p.strip() for p in part.split(",")]
        if len(pieces) > 1 and all(_MULTIWORD.search(p) for p in pieces if p):
            names.extend(p for p in pieces if p)
        elif part.strip():
            names.append(part.strip())
    return names


# Sections about something other than the book's content: a prose run stops there.
_STOP_SECTIONS = frozenset(fold(s) for s in NEUTRAL_SECTION_HEADINGS)

_ABOUT_AUTHOR = frozenset(
    fold(s)
    for s in (
        "about the author",
        "über den autor",
        "über die autorin",
        "à propos de l'auteur",
        "sobre el autor",
        "over de auteur",
        "作者简介",
        "作者簡介",
    )
)
_ABOUT_AUTHOR_MAX = max(map(len, _ABOUT_AUTHOR))


def _byline_candidates(text: str, source: SourceName) -> Iterator[Candidate]:
    # "by Alastair Reynolds (Author), Stephen Baxter (Author)" and "Dan Simmons,
    # Gary Ruddell (Illustrator)" alike: a role in parentheses belongs to the
    # name just before it; a name with no role of its own is an author.
    text = EDITION_BYLINE.sub("", text)
    match = BYLINE.match(text)
    body = match.group("names") if match else text
    if match and is_sentence(body):
        return  # "By signing up, you agree to our Privacy Policy": a sentence, not a byline
    if not match and not ROLE_IN_PARENS.search(body):
        return
    for chunk in re.split(r"(?<=\))\s*[,&]?\s*", body):
        role_match = ROLE_IN_PARENS.search(chunk)
        role = "author"
        if role_match:
            words = [w.strip().lower() for w in role_match.group("role").split(",")]
            roles = [ROLE_WORDS[w] for w in words if w in ROLE_WORDS]
            if not roles:
                continue
            role = roles[0]
            chunk = chunk[: role_match.start()]
        elif not match:
            continue  # outside a "by ..." line only names with a stated role count
        names = split_people(chunk.strip(" ,"))
        for i, name in enumerate(names):
            yield Candidate(role if i == len(names) - 1 else "author", name, source)


def _section_kind(block: Block) -> str | None:
    if block.link_density > 0.5:
        return None  # a tab or menu link named "Overview" opens nothing here
    if block.label and block.value:
        # "Summary: Sethe, an escaped slave..." in one block: the label opens its section.
        key = fold(block.label)
        return "description" if key in DESCRIPTION_LABELS else "excerpt" if key in EXCERPT_LABELS else None
    text = (block.label or block.text) if block.label and not block.value else block.text
    if not may_fold_within(text, 40):
        return None  # prose: decided without folding it
    key = fold(text)
    if len(key) > 40:
        return None
    if key in DESCRIPTION_LABELS:
        return "description"
    if key in EXCERPT_LABELS:
        return "excerpt"
    return None


_ABOUT_HEADING = re.compile(
    r"^(?:about|über|à propos d[eu']|sobre|over|acerca de|informazioni su)\s+[^\W\d_][^.!?:：]*$", re.I
)


def _ends_section(block: Block, start: Block) -> bool:
    if block.heading and (not start.heading or block.heading <= start.heading or block.heading <= 3):
        return True
    if block.label and field_for_label(block.label):
        return True
    if len(block.text) <= 40 and (_section_kind(block) or field_for_label(block.text.rstrip(" :"))):
        return True
    if len(block.text) <= 60 and _ABOUT_HEADING.match(block.text):
        return True  # "About Colleen Hoover": the author's bio follows, not more synopsis
    return block.link_density > 0.6 and len(block.text) < 200


def section_text(blocks: list[Block], start: int) -> str:
    """The paragraphs of the section opened by ``blocks[start]``, blank-line separated.

    >>> section_text([Block("Synopsis"), Block("One sentence that tells the story."), Block("Two, and then it ends rather well."),
    ...               Block("Publisher: X", label="Publisher", value="X")], 0)
    'One sentence that tells the story.\\n\\nTwo, and then it ends rather well.'
    """
    opener = blocks[start]
    paragraphs: list[str] = []
    if opener.label and opener.value and fold(opener.label) in DESCRIPTION_LABELS | EXCERPT_LABELS:
        paragraphs.append(opener.value)
    kept: list[Block] = []
    rest = blocks[start + 1 :]
    for i, block in enumerate(rest):
        if _ends_section(block, opener):
            break
        kept.append(block)
        if block.expander_after:
            following = rest[i + 1] if i + 1 < len(rest) else None
            if following is not None and kept and fold(following.text)[:20] == fold(kept[0].text)[:20]:
                kept = []  # a teaser, then the full text after its "Read more": keep the full one
                continue
            break  # the "Read more" toggle closed the section
    # A synopsis is prose. A "section" that is mostly short lines is a menu or
    # a widget that happens to follow a label-like word: not a description.
    while kept and not _is_prose(kept[-1]) and not _is_attribution(kept[-1]) and len(kept[-1].text) < 40:
        kept.pop()
    prose_chars = sum(len(b.text) for b in kept if _is_prose(b))
    if kept and prose_chars < 0.5 * sum(len(b.text) for b in kept):
        return ""
    paragraphs.extend(b.text for b in kept)
    return "\n\n".join(paragraphs)


# A value shaped like an imprint: a firm's name, an edition or a date in parentheses.
_PUBLISHER_SHAPED = re.compile(
    FIRM_WORD.pattern + r"|;\s*\d+\.?\s*(?:edition|auflage)|\([^()]*\d{4}\)\s*$",
    re.I,
)


def _label_candidates(block: Block, source: SourceName) -> Iterator[Candidate]:
    name = field_for_label(block.label)
    if name is None or not block.value:
        return
    value = block.value
    # A button glued after the value ("天下雜誌出版 關注" = "... Follow").
    head, _, last = value.rpartition(" ")
    if head and match_phrase(last):
        value = head
    if name == "editor" and _PUBLISHER_SHAPED.search(value):
        # "Herausgeber" is the editor in a library record and the publisher on
        # amazon.de: "Suhrkamp Verlag; 74. Edition (1. Juli 1974)" is a publisher.
        name = "imprint"
    if name == "contributors":
        yield from _byline_candidates(value, source)
    elif name in {"author", "translator", "editor", "illustrator"}:
        for person in split_people(ROLE_IN_PARENS.sub("", value)):
            yield Candidate(name, person, source)
    elif name == "subjects":
        for subject in re.split(r"\s*[,;|>›]\s*", value):
            if subject and not subject.isdigit():
                yield Candidate("subject", subject, source)
    elif name == "imprint" and len(value) < 25 and parse_date(value) and len(re.findall(r"[^\W\d_]{3,}", value)) <= 1:
        yield Candidate("date", value, source)  # "Published: March 2017" holds only a date
    elif name == "imprint":
        publisher, date = split_publisher_imprint(value)
        if publisher:
            yield Candidate("publisher", publisher, source)
        if date:
            yield Candidate("date", date, source)
    elif name != "other":
        yield Candidate(name, value, source)


_BARE_ISBN = re.compile(r"^(?:97[89][\d-]{10,14}|[\d-]{9,12}[\dX])$")


def _paired_bare_isbns(blocks: list[Block]) -> Iterator[Candidate]:
    """A dump's details table without its labels: an ISBN-13 line and its own ISBN-10 line.

    A lone number may be any book's (a list of editions, a recommendation);
    the same book's ISBN-13 and ISBN-10 printed both is its details table.

    >>> [c.value for c in _paired_bare_isbns([Block("9781471156267"), Block("1471156265"), Block("9780575090675")])]
    ['9781471156267']
    """
    isbn10s: set[str] = set()
    isbn13s: set[str] = set()
    for block in blocks:
        text = block.text.strip()
        if len(text) <= 17 and _BARE_ISBN.match(text):
            valid, _ = find_isbns(text)
            if valid:
                (isbn13s if len(text.replace("-", "")) == 13 else isbn10s).add(valid[0])
    for isbn in sorted(isbn13s & isbn10s):
        yield Candidate("isbn", isbn, "text")


# One synopsis may print its label a few times (a heading, a tab, a teaser's and
# the full text's own sub-headings: a Douban page has "内容简介" three times); a
# list's button repeats once per item (17 and 20 "試讀" on two Readmoo pages).
_BUTTON_REPEATS = 5


def _in_menu(blocks: list[Block], i: int) -> bool:
    """True when a dump's two-line pair (a label line, then ``blocks[i]``) sits in a menu.

    A menu runs word after word: "Genres", "Giveaways", "Community". A value
    followed by another short line that is neither a label nor the start of a
    new paragraph is a menu's next entry, and "Giveaways" no genre.

    >>> menu = [Block("Genres"), Block("Giveaways", label="Genres", value="Giveaways"), Block("Community")]
    >>> _in_menu(menu, 1), _in_menu(menu[:2], 1)
    (True, False)
    """
    after = blocks[i + 1] if i + 1 < len(blocks) else None
    if after is None or after.tag == "para" or after.label or len(after.text) > 40:
        return False
    return field_for_label(after.text.rstrip(" :：")) is None


# A library record's physical description (MARC 300), labelled or not, under any label
# ("Description: 275 pages ; 25 cm", "xii, 352 S. : Ill. ; 21 cm"): its page count.
# The size in centimetres that ends it is what sets it apart from other counts.
_EXTENT = re.compile(
    r"(?:^|:\s)\s*(?:[ivxlcdm]+,\s*)?\[?(\d{1,5})\]?\s*(?:p|pp|pages?|S|Seiten|blz|páginas|pág)\.?\s*"
    r"(?:[:;,][^;]*)?;\s*\d{1,3}(?:\s*[x×]\s*\d{1,3})?\s*cm\b",
    re.I,
)


_TITLE_PIECES = re.compile(f"({TITLE_SEPARATOR.pattern})")
# A person's name as a store prints it: two to four capitalised words (or all capitals),
# with the particles names have; no digits, no lower-case word ("A Brief History of ...").
_NAME_SHAPE = re.compile(
    r"[^\W\d_][\w.'’-]*(?:\s+(?:(?:de|del|la|le|van|von|der|den|da|di|du|dos|ter|ten|y|e)\s+)*[^\W\d_a-z][\w.'’-]*){1,3}"
)
# Words in an imprint's, a genre's or a series' name printed where a store prints its author.
_NOT_A_PERSON = re.compile(
    r"\b(?:house|comics|paperbacks?|hardbacks?|fiction|non-?fiction|fantasy|novels?|poetry|classics|chronicles|"
    r"series|collection|trilogy|saga|library|bestsellers?)\b",
    re.I,
)


def _title_tag_author(title_tag: str, blocks: list[Block], site: Collection[str] = ()) -> Iterator[Candidate]:
    """The author a store prints bare under its heading, named again in the page's <title>.

    "CIEN AÑOS DE SOLEDAD | GABRIEL GARCIA MARQUEZ | Casa del Libro" over an h1 with
    the name on the line below it, and no "by": a part of the <title> that is not the
    heading, printed on its own within the three lines after it. ``site``: the folded
    texts of the page's furniture, where the site prints its own name (no author).

    >>> blocks = [Block("CIEN AÑOS DE SOLEDAD", tag="h1", heading=1), Block("GABRIEL GARCIA MARQUEZ"), Block("4,5")]
    >>> [c.value for c in _title_tag_author("CIEN AÑOS DE SOLEDAD | GABRIEL GARCIA MARQUEZ | Casa del Libro", blocks)]
    ['GABRIEL GARCIA MARQUEZ']
    >>> list(_title_tag_author("Dune | Books", [Block("Dune", tag="h1", heading=1), Block("Books")]))
    []
    >>> blocks = [Block("Der Gesang der Flusskrebse", tag="h1", heading=1), Block("Delia Owens")]
    >>> [c.value for c in _title_tag_author("Der Gesang der Flusskrebse von Delia Owens - Buch | Thalia", blocks)]
    ['Delia Owens']

    A subtitle line is no author, though the <title> names it too:

    >>> blocks = [Block("Sapiens", tag="h1", heading=1), Block("A Brief History of Humankind")]
    >>> list(_title_tag_author("Sapiens: A Brief History of Humankind | Foyles", blocks))
    []
    """
    if not title_tag:
        return
    heading = next((i for i, b in enumerate(blocks) if b.heading == 1), None)
    if heading is None:
        return
    title = fold(blocks[heading].text)
    # The part right after the heading's, past a "|" or a dash (after a colon it is the
    # subtitle), or the names after "by" in the heading's own part.
    pieces = _TITLE_PIECES.split(title_tag)  # part, separator, part, ...
    names: set[str] = set()
    for k in range(0, len(pieces), 2):
        part = fold(pieces[k])
        by = TITLE_BY.match(part)
        if by is not None and by["title"] == title:
            names.add(by["names"])
        if part == title and k + 2 < len(pieces) and not any(c in pieces[k + 1] for c in ":："):
            names.add(fold(pieces[k + 2]))
    names -= {title, "", *site}
    for block in blocks[heading + 1 : heading + 4]:
        text = block.text.strip()
        if block.heading or block.label or len(text) > 60 or fold(text) not in names:
            continue
        if (
            _NAME_SHAPE.fullmatch(text)
            and not FIRM_WORD.search(text)
            and not _NOT_A_PERSON.search(text)
            and clean_person_name(text) is not None
        ):
            yield Candidate("author", text, "text")
            return


_CELL_SPLIT = re.compile(r"\s+[|·•]\s+")
_PAGE_CELL = re.compile(r"\d[\d,.]*\s*(?:pages|pp\.?|p\.|seiten|s\.|pagina's|páginas)", re.I)


def _leading_label(cell: str) -> tuple[str, str] | None:
    """A cell's opening words when they are a known label and more follows: "Published 4 July 2019"."""
    words = cell.split()
    for n in (3, 2, 1):
        if len(words) > n and field_for_label(" ".join(words[:n])):
            return " ".join(words[:n]), " ".join(words[n:])
    return None


def _detail_cells(text: str, source: SourceName) -> Iterator[Candidate]:
    """The fields of a details line of cells, when one cell is an ISBN.

    A publisher's page may print its details as one line ("Published 4 July 2019 |
    Paperback | 1,040 pages | ISBN 9781910296967"): each cell is read as a label and
    its value. The ISBN cell is the evidence that the line is the book's details, not
    a menu ("Author Events | Publisher Services").

    >>> [(c.field, c.value) for c in _detail_cells("Published 4 July 2019 | Paperback | 1,040 pages | ISBN 9781910296967", "dom-label")]
    [('date', '4 July 2019'), ('pages', '1,040 pages'), ('isbn', '9781910296967')]
    >>> list(_detail_cells("Author Events | Publisher Services | Contact", "dom-label"))
    []
    """
    cells = _CELL_SPLIT.split(text)
    if len(cells) < 2 or any(len(cell) > 60 for cell in cells):
        return
    splits = [split_label(cell) or _leading_label(cell) for cell in cells]
    if not any(split and field_for_label(split[0]) == "isbn" for split in splits):
        return
    for cell, split in zip(cells, splits, strict=True):
        if split and field_for_label(split[0]):
            yield from _label_candidates(Block(cell).labelled(*split), source)
        elif _PAGE_CELL.fullmatch(cell):
            yield Candidate("pages", cell, source)


_SECTION_LABELS = DESCRIPTION_LABELS | EXCERPT_LABELS
# "Label: " inside a run of text: one to four words, the first capitalised, and the
# colon right after them (an ISBD " : " between place and publisher is no label).
_RUN_LABEL = re.compile(r"(?:^|(?<=\s))([A-Z][^\s:]*(?: [^\s:]+){0,3}):(?=\s)")


def _row_labels(text: str) -> tuple[tuple[int, int, str], ...]:
    """The rows of a record that ran together into ``text``: (label start, value start, label) each.

    At each colon the longest of the words before it that is a known label (a field's
    or a section's) starts a row, else all those words start an unknown one. Empty
    unless three labels or more stand in the text and two name fields.

    >>> [label for *_, label in _row_labels("Edition: First. Publisher: Milkweed, 2015 ISBN: 9781571313560")]
    ['Edition', 'Publisher', 'ISBN']
    >>> _row_labels("He said: no. She said: yes. They said: maybe.")
    ()
    """
    if text.count(": ") < 3:
        return ()
    rows: list[tuple[int, int, str]] = []
    for match in _RUN_LABEL.finditer(text):  # (one to four words before each colon)
        words = match.group(1).split(" ")
        tails = [" ".join(words[-n:]) for n in range(len(words), 0, -1)]
        label = next((t for t in tails if field_for_label(t) or fold(t) in _SECTION_LABELS), match.group(1))
        rows.append((match.end(1) - len(label), match.end() + 1, label))
    if len(rows) < 3 or sum(1 for *_, label in rows if field_for_label(label)) < 2:
        return ()
    return tuple(rows)


def _run_on_labels(text: str, source: SourceName) -> Iterator[Candidate]:
    """The fields of a record whose "Label: value" rows ran together into one block.

    A catalogue's rows can be spans that only its style sheet sets on lines of their
    own (Koha's ``results_summary``): the text then holds several labels in a row
    (``_row_labels``), and each value runs to the next label.

    >>> run = ("Material type: Text Edition: First paperback edition. Publisher: Minneapolis : "
    ...        "Milkweed Editions, 2015 Description: x, 390 pages ; 23 cm ISBN: 9781571313560")
    >>> [(c.field, c.value) for c in _run_on_labels(run, "dom-label")]
    [('edition', 'First paperback edition.'), ('publisher', 'Minneapolis : Milkweed Editions, 2015'), ('pages', '390'), ('isbn', '9781571313560')]
    """
    rows = _row_labels(text)
    for k, (_, value_at, label) in enumerate(rows):
        end = rows[k + 1][0] if k + 1 < len(rows) else len(text)
        value = text[value_at:end].strip()
        if value and field_for_label(label):
            yield from _label_candidates(Block(f"{label}: {value}").labelled(label, value), source)
        elif value and "cm" in value and (extent := _EXTENT.search(value)) is not None:
            yield Candidate("pages", extent.group(1), source)  # "Description: x, 390 pages ; 23 cm"
        elif value and (kind := _section_kind(Block(label))) is not None and _is_prose(Block(value)):
            yield Candidate(kind, value, source)  # "Summary: ...": the caller takes it as the section


_LIST_TAGS = frozenset({"li", "option"})  # (a <dd> or <td> holds the record's own details too)


def _in_a_list(block: Block) -> bool:
    """True when ``block`` is an item of a list (other editions, results): its rows are
    the item's, not the book's.

    >>> rows = "Featured Edition ISBN 10: 0571200737 ISBN 13: 9780571200733 Publisher: Faber & Faber, 1999"
    >>> _in_a_list(Block(rows, tag="li")), _in_a_list(Block(rows, tag="div"))
    (True, False)
    """
    return block.tag in _LIST_TAGS


def _is_label_run(text: str) -> bool:
    """True when ``text`` is a record's rows run together (see ``_row_labels``), not prose."""
    return bool(_row_labels(text))


# The class a page gives its subtitle, in the languages of the labels.
_SUBTITLE_CLASS = re.compile(r"sub-?_?title|untertitel|sous-?titre|subt[ií]tulo|sottotitolo|ondertitel", re.I)


def _subtitle_after(blocks: list[Block], heading: int) -> Iterator[Candidate]:
    """The subtitle a page prints in its own element right after the heading, named so by its class.

    >>> blocks = [Block("Water Ledgers", tag="h1", heading=1, path="div>h1"),
    ...           Block("Drought, Debt, and Farming", tag="h2", heading=2, path="div>h2.subtitle")]
    >>> [c.value for c in _subtitle_after(blocks, 0)]
    ['Drought, Debt, and Farming']
    >>> list(_subtitle_after([blocks[0], Block("by Jane Doe", path="div>p.author")], 0))
    []
    """
    for block in blocks[heading + 1 : heading + 3]:
        last = block.path.rsplit(">", 1)[-1]
        if "." in last and _SUBTITLE_CLASS.search(last) and 0 < len(block.text) <= 200 and not block.label:
            yield Candidate("subtitle", block.text, "dom-heading")
            return


def block_candidates(page: ParsedPage, blocks: list[Block]) -> tuple[list[Candidate], dict[str, str]]:
    """Candidates from the cleaned blocks, and the labelled sections' texts by kind."""
    html = page.kind == "html"
    label_source: SourceName = "dom-label" if html else "text-label"
    out: list[Candidate] = []
    sections: dict[str, str] = {}
    seen_h1 = False
    bylines = 0
    # A section label printed on every item of a list ("試讀", "Preview" under
    # each recommended book) is a button: it opens no section of this book.
    kinds = [_section_kind(b) for b in blocks]
    labels = Counter(fold(b.text) for b, kind in zip(blocks, kinds, strict=True) if kind and len(b.text) <= 40)
    for i, block in enumerate(blocks):
        kind = kinds[i]
        if kind is not None and labels[fold(block.text)] >= _BUTTON_REPEATS:
            continue
        if kind is not None and kind not in sections:
            text = section_text(blocks, i)
            if len(text) >= 20:
                sections[kind] = text
            continue
        if block.label:
            # In a dump, "Label: value" on one line is explicit; a label line
            # followed by a value line may as well be two menu entries.
            explicit = html or block.text != block.value
            # (Subjects only: the menus of store pages name their genres and
            # categories; a record's two-line details may be followed by anything.)
            if explicit or field_for_label(block.label) != "subjects" or not _in_menu(blocks, i):
                out.extend(_label_candidates(block, label_source if explicit else "text"))
            # "Published: München: Knaur" with "Juni 2024" on the next line:
            # an imprint's date may sit in the unlabelled block after it.
            follower = blocks[i + 1] if i + 1 < len(blocks) else None
            if (
                field_for_label(block.label) in {"imprint", "date"}
                and follower is not None
                and not follower.label
                and len(follower.text) < 30
                and parse_date(follower.text)
            ):
                out.append(Candidate("date", follower.text, label_source))
            continue
        text, size = block.text, len(block.text)
        # (Rows run together, a line of cells, a physical description: none is shorter,
        # and none in a list item, whose rows are the item's.)
        if size >= 10 and not _in_a_list(block):
            if 60 <= size <= 5000:
                for cand in _run_on_labels(text, label_source):
                    if cand.field in {"description", "excerpt"}:
                        sections.setdefault(cand.field, cand.value)
                    else:
                        out.append(cand)
            if size <= 300 and " | " in text:
                out.extend(_detail_cells(text, label_source))
            if size <= 120 and "cm" in text and (extent := _EXTENT.search(text)):
                out.append(Candidate("pages", extent.group(1), "text"))
        if html and block.heading == 1 and len(block.text) < 300:
            # Pages have several h1s (a widget's, the product's): each is a
            # candidate and agreement with the other sources picks one.
            seen_h1 = True
            out.append(Candidate("title", block.text, "dom-heading"))
            out.extend(_subtitle_after(blocks, i))
        if bylines < 2 and len(block.text) < 200 and is_byline(block.text):
            found = list(_byline_candidates(block.text, "dom-heading" if html else "text-heading"))
            if found:
                bylines += 1
                out.extend(found)
    for i, block in enumerate(page.blocks[:-1]):
        # "About the author" is followed by the author's name on store and
        # community pages: the weakest author cue, for when nothing states one.
        # (Read from the page as parsed: cleaning drops the name as a repeat.)
        if may_fold_within(block.text, _ABOUT_AUTHOR_MAX) and fold(block.text) in _ABOUT_AUTHOR:
            follower = page.blocks[i + 1]
            if len(follower.text) <= 60 and not follower.label and not any(c.isdigit() for c in follower.text):
                out.append(Candidate("author", follower.text, "text"))
            break
    if html and not any(c.field == "author" for c in out):  # (a translator's line alone names no author)
        site = {fold(b.text) for b in page.blocks if b.chrome and len(b.text) <= 60}
        out.extend(_title_tag_author(page.title_tag, blocks, site))
    if not html:
        out.extend(_paired_bare_isbns(page.blocks))
    if html and not seen_h1:
        top = [b for b in blocks if b.heading and not b.label and len(b.text) < 200]
        if top:
            best = min(top, key=lambda b: b.heading)
            out.append(Candidate("title", best.text, "dom-heading"))
    if not html or not seen_h1:
        # Repetition is the evidence, and cleaning removed the repeats: count
        # on the page as parsed.
        people = {fold(c.value) for c in out if c.field in {"author", "translator", "editor", "illustrator"}}
        out.extend(text_title_candidates(page.blocks, people))
    return out, sections


_ANCHOR_TAIL = re.compile(r"\s*(\.\.\.|…|\.\s\.\s\.)\s*$")
_MIN_ANCHOR = 30


def anchored_text(blocks: list[Block], anchors: list[str]) -> str | None:
    """The visible text a (usually truncated) meta description is the start of.

    Link-preview descriptions are the synopsis cut to ~150 characters. The
    block that starts with the same words is the synopsis in full, followed by
    the paragraphs that sit in the same container.

    >>> anchored_text([Block("Nav"), Block("On the world called Hyperion, beyond the law of men. More.", path="d.x"),
    ...                Block("Second paragraph.", path="d.x"), Block("Footer", path="f")],
    ...               ["On the world called Hyperion, beyond the l…"])
    'On the world called Hyperion, beyond the law of men. More.\\n\\nSecond paragraph.'
    """
    stems = []
    for anchor in anchors:
        stem = fold(_ANCHOR_TAIL.sub("", anchor))[:80]
        if len(stem) >= _MIN_ANCHOR:
            # the last word of a cut preview may itself be cut
            stems.append(stem.rsplit(" ", 1)[0] if anchor.rstrip().endswith(("…", "...")) else stem)
    if not stems:
        return None
    for i, block in enumerate(blocks):
        if block.heading or block.label or len(block.text) < _MIN_ANCHOR:
            continue
        key = fold(block.text)
        if any(key.startswith(stem) for stem in stems):
            paragraphs = [block.text]
            for follower in blocks[i + 1 :]:
                if follower.path != block.path or follower.heading or follower.label or _ends_section(follower, block):
                    break
                paragraphs.append(follower.text)
            return "\n\n".join(paragraphs)
    return None


_PROSE_END = (".", "!", "?", "。", "！", "？", '"', "”", "’", "'", "»", ")", "…", "」", "』", "）")
_MIN_LEAD = 120


# A web address in a paragraph marks a promotion or a notice ("Regístrate
# ahora en www.unclicparaelcole.es!"), which a publisher's synopsis is not.
_WEB_ADDRESS = re.compile(r"\bwww\.|https?://", re.I)
# A price ("9,00 €", "£8.49", "NT$ 392") marks an offer box, not a synopsis.
_PRICE = re.compile(r"\d[\d.,]*\s?[€£¥]|[€£¥$]\s?\d")
_CURRENCY_SIGNS = "€£¥$"  # one of them is in every price _PRICE finds


def _has_lower_case_words(text: str) -> bool:
    """True when a short line can be a sentence: a lower-case word, or a script without case.

    A line of capitalised words only, ending in a full stop or an ellipsis, is
    a list or a title ("Alan Moore, Dave Gibbons, John ...", "Sherlock Holmes
    Vol. 1."), not prose. One lower-case word is enough: German capitalises
    its nouns ("Ein Meisterwerk der Weltliteratur.").

    >>> _has_lower_case_words("Alan Moore, Dave Gibbons, John ..."), _has_lower_case_words("Ein Meisterwerk der Weltliteratur.")
    (False, True)
    >>> _has_lower_case_words("他是一个作家，住在北京。")
    True
    """
    cased = [w for w in text.split() if w[:1].isupper() or w[:1].islower()]
    return not cased or any(w[0].islower() for w in cased)


# A quotation mark; a single one only where it is not an apostrophe inside a word.
_QUOTE = re.compile(r"[\"“”«»„]|(?<![^\W\d_])['‘’]|['‘’](?![^\W\d_])")


def _has_quote(text: str) -> bool:
    """True when ``text`` holds a quotation mark; an apostrophe inside a word ("aren't", "l'œuvre") is none.

    >>> _has_quote("'A blinding read' SUN"), _has_quote("“Unputdownable” The Times")
    (True, True)
    >>> _has_quote("Reviews aren't verified, but it's checked"), _has_quote("l’œuvre d’une vie")
    (False, False)
    """
    # (The search only where a mark is: most lines hold none.)
    return any(q in text for q in "'\"‘’“”«»„") and _QUOTE.search(text) is not None


def _is_prose(block: Block) -> bool:
    text = block.text
    return (
        not block.heading
        and not block.label
        and block.link_density < 0.3
        and (
            len(text) >= 120
            or (len(text) >= 30 and text.endswith(_PROSE_END) and _has_lower_case_words(text))
            or (len(text) >= 6 and text.endswith(("。", "！", "？", "…")))  # CJK sentences are short in characters
            # a press quote with its source after it: "'A blinding read' SUN"
            or (len(text) >= 40 and len(text.split()) >= 6 and _has_quote(text))
        )
        # (the searches last, and only where what they need is in the text: they try every position)
        and not (("://" in text or "www." in text.lower()) and _WEB_ADDRESS.search(text))
        and not _is_label_run(text)
        and not (any(sign in text for sign in _CURRENCY_SIGNS) and _PRICE.search(text))
    )


# The source line a blurb ends with: "(back cover)", "--back cover", "——史蒂芬·劳".
_ATTRIBUTION = re.compile(r"^(?:\([^()]{2,40}\)|(?:--|—|——|–)\s*\S.{0,60})$")


def _is_attribution(block: Block) -> bool:
    """A short source line under a quote or blurb: part of it, though it is not a sentence.

    >>> _is_attribution(Block("(back cover)")), _is_attribution(Block("——史蒂芬·劳，牛津大学")), _is_attribution(Block("Menu"))
    (True, True, False)
    """
    return not block.heading and not block.label and block.link_density < 0.5 and bool(_ATTRIBUTION.match(block.text))


def lead_prose(blocks: list[Block], title: str) -> str | None:
    """The first run of prose after the title and before the record's metadata.

    Store and catalog pages that print a synopsis without a label print it
    between the title and the details table; notes, bios and reviews come
    after the details. A run must hold real prose (200+ characters).

    >>> lead_prose([Block("Bone Silence", heading=1), Block("x" * 200 + "."), Block("More prose here, and then some more."),
    ...             Block("Gollancz", label="Publisher", value="Gollancz"), Block("y" * 300 + ".")], "Bone Silence")
    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.\\n\\nMore prose here, and then some more.'
    """
    key = fold(title)
    # A title line, bare or with chrome; prose that opens with the title ("1984
    # is written in past tense...") is a review, not where the record starts.
    starts = [i for i, b in enumerate(blocks) if key and len(b.text) <= 150 and fold(b.text).startswith(key)]
    if not starts:
        return None
    # The main heading is where the record starts; a <title> echo may come first.
    # Without headings (a text dump), the title line just above the byline is.
    byline = next((i for i, b in enumerate(blocks) if is_byline(b.text)), None)
    before_byline = [i for i in starts if byline is not None and i < byline]
    start = next((i for i in starts if blocks[i].heading), before_byline[-1] if before_byline else starts[0])
    run: list[str] = []
    rest = blocks[start + 1 :]
    for i, block in enumerate(rest):
        if block.label and field_for_label(block.label) in {"publisher", "isbn", "date", "language", "imprint"}:
            break
        if is_byline(block.text):
            continue  # the byline sits between title and synopsis
        if _section_kind(block) or (fold(block.text) in _STOP_SECTIONS and block.link_density < 0.5):
            if run:
                break
            continue  # before any prose, a section word is a tab or menu entry (dumps keep no links)
        if _is_prose(block) or (run and _is_attribution(block)):
            run.append(block.text)
            continue
        following = rest[i + 1] if i + 1 < len(rest) else None
        if following is not None and _is_prose(following) and _is_subheading(block, first=not _long_enough(run)):
            run.append(block.text)  # "Adventures of Huckleberry Finn": a part of the blurb names its book
            continue
        if _long_enough(run):
            break
        run = []
    return "\n\n".join(run) if _long_enough(run) else None


def _is_subheading(block: Block, *, first: bool) -> bool:
    """A short line heading a paragraph of the blurb; before the first one, only in capitals.

    (A store's "Buying options" box title stands before the blurb too, but in
    sentence case; a blurb's own part heading is "THE ADVENTURES OF TOM SAWYER".)
    """
    text = block.text
    if block.label or block.heading or not 3 <= len(text) <= 80:
        return False
    if block.link_density >= 0.3 and (first or block.tag != "p"):
        return False  # a linked part title is a paragraph of the blurb; a linked <div> or <li> is a menu
    if text.endswith((":", "：")) or match_phrase(text) or field_for_label(text):
        return False
    return not first or (text.isupper() and letters(text) >= 3)


def _long_enough(run: list[str]) -> bool:
    return sum(len(t) for t in run) >= _MIN_LEAD and any(len(t) >= 120 or t.endswith(_PROSE_END) for t in run)
