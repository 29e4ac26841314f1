"""Site templates: profiles learned across a batch remove residue that no rule names.

The sites here are generated: 50 pages each, one fixed template holding
residue no phrase rule, section rule or DOM cue knows (an error toast, facet
labels, a "Staff picks" box, a shipping line, a footer in another language)
around varied books. One site is English; one is Italian with a Polish
footer, languages the phrase lists do not cover.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from normalizers import DEFAULT_STEPS, TEXT_STEPS_WITHOUT_PHRASES, Step, run_steps
from normalizers.templates import RULE, insert_template_step, is_label, make_template_step
from scraper.blocks import Block
from scraper.parse import parse_page
from scraper.pipeline import CleanConfig, clean_page
from scraper.profiles import (
    DEFAULT_MAX_KEYS,
    PROFILE_VERSION,
    ProfileSettings,
    ProfileStore,
    block_key,
    learn_profiles,
    site_key,
)
from scraper.records import Book
from scraper.sources import RawPage

PAGES = 50
REPEATED_ON = (7, 31)  # the pages that share one synopsis sentence: 2 of 50


@dataclass(frozen=True)
class Site:
    """A generated site: its template, its labels, and how it writes a synopsis."""

    host: str
    name: str
    topbar: str
    toast: str
    facets: tuple[str, ...]
    staff_heading: str
    staff_picks: tuple[str, ...]
    disclaimer: str
    footer: str
    shared_sentence: str
    synopsis_label: str
    publisher: str
    constant_pairs: tuple[tuple[str, str], ...]  # labelled values the same on every page (kept)
    unlisted_pairs: tuple[str, ...] = ()  # "Label: value" whose label names no field (residue)
    byline: str = ""  # "by {author}" or "" when the site prints none
    people: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    things: tuple[str, ...] = ()
    sentence: str = ""  # str.format template of one synopsis sentence
    closing: str = ""

    @property
    def residue(self) -> tuple[str, ...]:
        """Every template text that is residue: no rule lists it, the template step must cut it."""
        return (
            self.name,
            self.topbar,
            self.toast,
            *self.facets,
            self.staff_heading,
            *self.staff_picks,
            self.disclaimer,
            *self.unlisted_pairs,
            self.footer,
        )


ENGLISH = Site(
    host="quireandquill.example",
    name="Quire & Quill Books",
    topbar="Home · New in · Gift cards",
    toast="Whoops, the shelves got shuffled. Give it another go in a moment.",
    facets=("Refine by", "Under £10", "Signed editions"),
    staff_heading="Staff picks this week",
    staff_picks=("The Tidewater Letters", "A Field Guide to Fog"),
    disclaimer="Cover images are for illustration and may differ from the edition supplied.",
    footer="Quire & Quill Books Ltd, registered in Wales no. 04827361.",
    shared_sentence="Nothing in the archive prepared her for the letter signed with her own name.",
    synopsis_label="Synopsis",
    publisher="Cambridge University Press",
    constant_pairs=(("Publisher", "Cambridge University Press"), ("Language", "English")),
    byline="by {author}",
    people=("Mara", "Tobias", "Ines", "Wen", "Oskar", "Priya", "Lucan"),
    places=("Harwich", "the salt marshes", "Aldeburgh", "the old mill", "Orford Ness", "the ferry town"),
    things=("a ledger", "her brother's boat", "a box of glass negatives", "the lighthouse keys", "a map"),
    sentence="{person} returns to {place} after {years} years and finds that {thing} has changed hands.",
    closing="What follows is a story of {years} summers, told by {person} in {place}.",
)

ITALIAN = Site(
    host="libreria-aurora.example",
    name="Libreria Aurora",
    topbar="Home · Novità · Carte regalo",
    toast="Ups! Qualcosa è andato storto. Riprova tra poco.",
    facets=("Filtra per", "Prezzo", "Disponibilità immediata"),
    staff_heading="Consigliati dallo staff",
    staff_picks=("Il giardino dei Finzi-Contini", "La luna e i falò"),
    disclaimer="Le immagini hanno valore puramente indicativo e possono differire dal prodotto.",
    footer="Wszelkie prawa zastrzeżone. Księgarnia Aurora sp. z o.o., Kraków.",
    shared_sentence="Niente nell'archivio l'aveva preparata alla lettera firmata con il suo stesso nome.",
    synopsis_label="Trama",
    publisher="Adelphi",
    constant_pairs=(("Pubblicazione", "Adelphi"), ("Serie", "Biblioteca Adelphi")),
    unlisted_pairs=("Spedizione: gratuita sopra 25 €",),
    people=("Marta", "Tobia", "Ines", "Guido", "Olga", "Pia", "Luca"),
    places=("Chioggia", "le saline", "Ortona", "il vecchio mulino", "Pellestrina", "il paese del traghetto"),
    things=("un registro", "la barca del fratello", "una scatola di lastre", "le chiavi del faro", "una mappa"),
    sentence="{person} torna a {place} dopo {years} anni e scopre che {thing} è passata di mano.",
    closing="Segue la storia di {years} estati, raccontata da {person} a {place}.",
)

SITES = [pytest.param(ENGLISH, id="en"), pytest.param(ITALIAN, id="it-with-polish-footer")]
KINDS = ["html", "text"]


@dataclass(frozen=True)
class BookSpec:
    """The varied part of one page: the book."""

    title: str
    author: str
    isbn: str
    synopsis: tuple[str, ...]


def isbn13(n: int) -> str:
    """A valid ISBN-13 (978-88 group) for page ``n``."""
    digits = f"97888{n:07d}"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return digits + str(check)


def book(site: Site, i: int) -> BookSpec:
    """Page ``i``'s book: its own title, author, ISBN and synopsis."""
    person = site.people[i % len(site.people)]
    place = site.places[(i // 2) % len(site.places)]
    thing = site.things[(i * 3) % len(site.things)]
    years = 3 + i
    synopsis = [
        site.sentence.format(person=person, place=place, years=years, thing=thing),
        site.closing.format(person=person, place=place, years=years + 1),
    ]
    if i in REPEATED_ON:
        synopsis.insert(1, site.shared_sentence)
    title = f"{place.title()} {['Winter', 'Tide', 'Ledger', 'Harbour', 'Lantern'][i % 5]} {i + 1}"
    author = f"{person} {['Hale', 'Varga', 'Okafor', 'Lindqvist', 'Moreau'][i % 5]}"
    return BookSpec(title=title, author=author, isbn=isbn13(i), synopsis=tuple(synopsis))


def html_page(site: Site, spec: BookSpec) -> bytes:
    """The page as a site would serve it: template divs (no nav/footer tags) around the book."""
    facets = "".join(f"<li>{f}</li>" for f in site.facets[1:])
    picks = "".join(f"<li>{p}</li>" for p in site.staff_picks)
    pairs = [("ISBN-13" if site is ENGLISH else "ISBN", spec.isbn), *site.constant_pairs]
    details = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in pairs)
    byline = f'<p class="byline">{site.byline.format(author=spec.author)}</p>' if site.byline else ""
    unlisted = "".join(f'<p class="ship">{text}</p>' for text in site.unlisted_pairs)
    synopsis = "".join(f"<p>{s}</p>" for s in spec.synopsis)
    topbar = " · ".join(f'<a href="/{i}">{part}</a>' for i, part in enumerate(site.topbar.split(" · ")))
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{spec.title} | {site.name}</title></head>
<body><div class="brand">{site.name}</div><div class="topbar">{topbar}</div>
<div class="toast">{site.toast}</div>
<div class="facets"><p class="facet-title">{site.facets[0]}</p><ul>{facets}</ul></div>
<div class="product"><h1>{spec.title}</h1>{byline}<dl>{details}</dl>{unlisted}
<h2>{site.synopsis_label}</h2><div class="synopsis">{synopsis}</div>
<p class="note">{site.disclaimer}</p></div>
<div class="staff"><h3>{site.staff_heading}</h3><ul>{picks}</ul></div>
<div class="legal">{site.footer}</div></body></html>""".encode()


def text_page(site: Site, spec: BookSpec) -> bytes:
    """The same page as a text dump: one visible text node per line."""
    pairs = [("ISBN-13" if site is ENGLISH else "ISBN", spec.isbn), *site.constant_pairs]
    lines = [
        f"{spec.title} | {site.name}",
        site.name,
        site.topbar,
        site.toast,
        *site.facets,
        spec.title,
        *([site.byline.format(author=spec.author)] if site.byline else []),
        *(f"{label}: {value}" for label, value in pairs),
        *site.unlisted_pairs,
        "",
        site.synopsis_label,
        *spec.synopsis,
        site.disclaimer,
        "",
        site.staff_heading,
        *site.staff_picks,
        site.footer,
    ]
    return "\n".join(lines).encode()


@dataclass
class Batch:
    """One generated site's pages of one kind, and the profiles learned from them."""

    site: Site
    kind: str
    pages: list[RawPage]
    specs: list[BookSpec]
    store: ProfileStore = field(default_factory=ProfileStore)

    @property
    def site_key(self) -> str:
        return site_key(self.pages[0])


def make_batch(site: Site, kind: str) -> Batch:
    """50 pages of ``site`` as ``kind``, with profiles learned in a first pass."""
    specs = [book(site, i) for i in range(PAGES)]
    render = html_page if kind == "html" else text_page
    pages = [
        RawPage(
            uri=f"batch/{site.host}/{i}.{'html' if kind == 'html' else 'txt'}",
            data=render(site, spec),
            url=f"https://www.{site.host}/book/{i}",
            kind="html" if kind == "html" else "text",
        )
        for i, spec in enumerate(specs)
    ]
    return Batch(site, kind, pages, specs, learn_profiles(pages))


@pytest.fixture(scope="module")
def batch(request: pytest.FixtureRequest) -> Batch:
    """The learned batch for the test's (site, kind) parameter, built once per module."""
    site, kind = request.param
    return make_batch(site, kind)


BATCHES = [pytest.param((s.values[0], k), id=f"{s.id}-{k}") for s in SITES for k in KINDS]
STEPS = [
    pytest.param(DEFAULT_STEPS, id="all-rules"),
    pytest.param(TEXT_STEPS_WITHOUT_PHRASES, id="no-phrase-rules"),
]


def steps_with_template(batch: Batch, base: tuple[Step, ...]) -> tuple[Step, ...]:
    return insert_template_step(base, make_template_step(batch.store, batch.site_key))


# --- the generated sites -----------------------------------------------------------


@pytest.mark.parametrize("batch", BATCHES, indirect=True)
def test_residue_is_unlisted(batch: Batch) -> None:
    """Precondition: without profiles, the rules we have keep every residue text on every page."""
    for page in batch.pages[:5]:
        kept = {b.text for b in run_steps(parse_page(page).blocks, DEFAULT_STEPS).blocks}
        assert set(batch.site.residue) <= kept


@pytest.mark.parametrize("base", STEPS)
@pytest.mark.parametrize("batch", BATCHES, indirect=True)
def test_unlisted_residue_is_removed_as_site_template(batch: Batch, base: tuple[Step, ...]) -> None:
    """Cleaning the batch cuts every residue text, each with a ``site_template:<share>%`` rule."""
    steps = steps_with_template(batch, base)
    for page in batch.pages:
        result = run_steps(parse_page(page).blocks, steps)
        kept = {b.text for b in result.blocks}
        assert not kept & set(batch.site.residue)
        rules = {r.text: r.rule for r in result.removed}
        for text in batch.site.residue:
            assert rules.get(text, "").startswith(f"{RULE}:"), (text, rules.get(text))


@pytest.mark.parametrize("base", STEPS)
@pytest.mark.parametrize("batch", BATCHES, indirect=True)
def test_labels_and_labelled_values_survive(batch: Batch, base: tuple[Step, ...]) -> None:
    """Labels and field values that repeat on every page are kept, as is the varied book content."""
    steps = steps_with_template(batch, base)
    for page, spec in zip(batch.pages, batch.specs, strict=True):
        blocks = run_steps(parse_page(page).blocks, steps).blocks
        texts = {b.text for b in blocks}
        pairs = {(b.label, b.value) for b in blocks if b.label}
        for label, value in batch.site.constant_pairs:
            assert (label, value) in pairs
        assert batch.site.synopsis_label in texts
        assert spec.title in texts
        assert set(spec.synopsis) <= texts
        if batch.kind == "html":
            labels = {label for label, _ in batch.site.constant_pairs}
            assert labels <= texts  # <dt> label blocks stay usable as labels


@pytest.mark.parametrize("batch", BATCHES, indirect=True)
def test_no_label_is_ever_cut_as_template(batch: Batch) -> None:
    """Whatever the template step removes, none of it is a field label or a field's value."""
    step = make_template_step(batch.store, batch.site_key)
    for page in batch.pages:
        blocks = parse_page(page).blocks
        kept_ids = {id(b) for b in step(blocks).blocks}
        assert all(id(b) in kept_ids for b in blocks if is_label(b))


@pytest.mark.parametrize("base", STEPS)
@pytest.mark.parametrize("batch", BATCHES, indirect=True)
def test_synopsis_sentence_on_two_of_fifty_pages_is_kept(batch: Batch, base: tuple[Step, ...]) -> None:
    """A sentence two books share (2 of 50 pages) is content, not template."""
    steps = steps_with_template(batch, base)
    for i in REPEATED_ON:
        result = run_steps(parse_page(batch.pages[i]).blocks, steps)
        assert batch.site.shared_sentence in {b.text for b in result.blocks}
        assert batch.site.shared_sentence not in {r.text for r in result.removed}
    assert batch.store.template_share(batch.site_key, _block_like(batch, batch.site.shared_sentence)) == 2 / PAGES


def _block_like(batch: Batch, text: str) -> Block:
    blocks = parse_page(batch.pages[REPEATED_ON[0]]).blocks
    return next(b for b in blocks if b.text == text)


@pytest.mark.parametrize("base", STEPS)
@pytest.mark.parametrize("batch", BATCHES, indirect=True)
def test_records_keep_fields_and_lose_template_text(batch: Batch, base: tuple[Step, ...]) -> None:
    """End to end: title, ISBN and the site-wide publisher fill the record; no template text reaches it."""
    config = CleanConfig(steps=steps_with_template(batch, base), detect_language=False)
    for page, spec in list(zip(batch.pages, batch.specs, strict=True))[::7]:
        record = clean_page(page, config)
        assert isinstance(record, Book), record
        assert record.title == spec.title
        assert record.isbns == (spec.isbn,)
        # scored as the corpus scores it: one contains the other ("Cambridge University" for "... Press")
        assert record.publisher and record.publisher in batch.site.publisher
        assert record.description == "\n\n".join(spec.synopsis)
        text = "\n".join([record.description or "", record.excerpt or "", record.title])
        assert not [r for r in batch.site.residue if r in text]
        assert any(r.rule.startswith(f"{RULE}:") for r in record.removed)


@pytest.mark.parametrize("batch", BATCHES, indirect=True)
def test_without_profiles_template_text_reaches_the_description(batch: Batch) -> None:
    """Why the step matters: with the rules alone, the site's disclaimer ends up in the synopsis."""
    record = clean_page(batch.pages[0], CleanConfig(detect_language=False))
    assert isinstance(record, Book)
    assert batch.site.disclaimer in (record.description or "")


# --- the decision ---------------------------------------------------------------------


def learned(pages_with_block: int, pages: int, text: str = "Spedizione gratuita") -> ProfileStore:
    """A store where ``text`` was on ``pages_with_block`` of ``pages`` pages of site "s"."""
    store = ProfileStore()
    for i in range(pages):
        blocks = [Block(f"Book {i}", tag="line")]
        if i < pages_with_block:
            blocks.append(Block(text, tag="line"))
        store.learn(blocks, "s")
    return store


THRESHOLDS = [
    # (pages with the block, pages of the site, removed?)
    pytest.param(50, 50, True, id="every-page"),
    pytest.param(30, 50, True, id="exactly-min-share"),
    pytest.param(29, 50, False, id="just-below-min-share"),
    pytest.param(2, 50, False, id="two-of-fifty"),
    pytest.param(4, 4, True, id="min-pages-site"),
    pytest.param(3, 3, False, id="too-few-pages"),
    pytest.param(3, 5, False, id="share-ok-count-too-low"),
    pytest.param(0, 10, False, id="never-seen"),
]


@pytest.mark.parametrize(("on", "pages", "removed"), THRESHOLDS)
def test_template_thresholds(on: int, pages: int, removed: bool) -> None:
    """A block is template on at least ``min_share`` (0.6) of the pages and on at least ``min_pages`` (4)."""
    step = make_template_step(learned(on, pages), "s")
    result = step([Block("Spedizione gratuita", tag="line")])
    assert bool(result.removed) is removed


def test_thresholds_are_settings() -> None:
    """Stricter settings keep what the defaults remove."""
    store = learned(30, 50)
    strict = ProfileSettings(min_share=0.9, min_pages=10)
    assert make_template_step(store, "s", strict)([Block("Spedizione gratuita", tag="line")]).removed == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"min_share": 0.0}, "min_share"), ({"min_share": 1.5}, "min_share"), ({"min_pages": 0}, "min_pages")],
)
def test_bad_settings_are_refused(kwargs: dict[str, float], message: str) -> None:
    """A threshold that would remove everything or nothing is refused with the setting named."""
    with pytest.raises(ValueError, match=message):
        ProfileSettings(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("on", "rule"), [(50, "site_template:100%"), (47, "site_template:94%"), (30, "site_template:60%")]
)
def test_rule_names_the_share(on: int, rule: str) -> None:
    """The rule says how many of the site's pages the block was on, floored to a percent."""
    removed = make_template_step(learned(on, 50), "s")([Block("Spedizione gratuita", tag="line")]).removed
    assert [r.rule for r in removed] == [rule]


def test_unknown_site_keeps_everything() -> None:
    """A page of a site no profile knows goes through untouched."""
    blocks = [Block("Spedizione gratuita", tag="line")]
    assert make_template_step(learned(50, 50), "other")(blocks).blocks == blocks


def test_html_and_text_profiles_do_not_mix() -> None:
    """A line of a text dump never matches a block of an HTML page, and each kind has its own page count."""
    store = ProfileStore()
    for i in range(10):
        store.learn([Block("Free delivery", tag="div", path="div.ship"), Block(f"Book {i}", tag="h1")], "s")
    assert store.template_share("s", Block("Free delivery", tag="div", path="div.ship")) == 1.0
    assert store.template_share("s", Block("Free delivery", tag="div", path="div.other")) == 0.0
    assert store.template_share("s", Block("Free delivery", tag="line")) is None


BOUNDARY = [
    # (the block after a template heading, heading kept?)
    pytest.param(Block("Another book's teaser, different on every page of the site.", path="p"), True, id="content"),
    pytest.param(Block("Staff pick one", path="li"), False, id="template"),
    pytest.param(Block("Next", heading=2, path="h2"), False, id="heading"),
]


@pytest.mark.parametrize(("follower", "kept"), BOUNDARY)
def test_template_heading_before_content_stays_as_a_section_end(follower: Block, kept: bool) -> None:
    """A template heading followed by per-page content stays: removing it would run one section into the next."""
    heading = Block("Staff picks", tag="h3", heading=3, path="div.staff>h3")
    store = ProfileStore()
    for i in range(10):
        store.learn(
            [
                heading,
                Block("Staff pick one", path="li"),
                Block("Next", heading=2, path="h2"),
                Block(f"Teaser {i}.", path="p"),
            ],
            "s",
        )
    result = make_template_step(store, "s")([heading, follower])
    assert (heading in result.blocks) is kept


def test_template_step_goes_after_the_named_residue_steps() -> None:
    """With phrase rules off, the template step still follows the DOM cue and section steps."""
    marker = make_template_step(ProfileStore(), "s")
    steps = insert_template_step(TEXT_STEPS_WITHOUT_PHRASES, marker)
    names = [s.__name__ for s in steps]
    assert (
        names.index("drop_other_books_sections") < names.index(marker.__name__) < names.index("drop_repeated_headings")
    )


# --- profiles: counting, bounds, merge, persistence -------------------------------------------


def test_a_block_counts_once_per_page() -> None:
    """A line printed three times on one page counts as one page, not three."""
    store = ProfileStore()
    store.learn([Block("Menu", tag="line")] * 3 + [Block("Book", tag="line")], "s")
    assert store.template_share("s", Block("Menu", tag="line")) == 1.0
    assert store.sites["s"].counts[block_key(Block("Menu", tag="line"))] == 1


def test_learning_counts_blocks_as_parsed() -> None:
    """The first pass counts what the parser gave, furniture included, before any cleaning."""
    page = RawPage(uri="s/p.html", data=b"<nav><a href=/>Home</a></nav><h1>T</h1><p>Prose here.</p>", kind="html")
    store = learn_profiles([page], site_override="s")
    assert len(store.sites["s"].counts) == len({block_key(b) for b in parse_page(page).blocks}) == 3


def test_memory_is_bounded_per_site() -> None:
    """A site with 100,000 distinct blocks keeps at most the cap, and its template survives eviction."""
    store = ProfileStore()
    template = Block("Ups! Qualcosa è andato storto.", tag="line")
    for page in range(1000):
        store.learn([template, *(Block(f"riga {page}-{j}", tag="line") for j in range(100))], "s")
    profile = store.sites["s"]
    assert len(profile.counts) <= DEFAULT_MAX_KEYS
    share = store.template_share("s", template)
    assert share is not None and share >= 1.0 - profile.undercount / 1000 and share > 0.9
    assert make_template_step(store, "s")([template]).removed


def test_merge_adds_pages_and_counts() -> None:
    """Merging a new batch's profiles adds its pages and counts to the saved ones."""
    old, new = learned(3, 3), learned(2, 5)
    old.merge(new)
    profile = old.sites["s"]
    assert profile.pages == {"text": 8}
    assert old.template_share("s", Block("Spedizione gratuita", tag="line")) == 5 / 8
    assert make_template_step(old, "s")([Block("Spedizione gratuita", tag="line")]).removed


def test_merge_keeps_the_bound() -> None:
    """Merging two full stores stays within the cap."""
    a, b = ProfileStore(max_keys=100), ProfileStore(max_keys=100)
    for store, tag in ((a, "a"), (b, "b")):
        for i in range(60):
            store.learn([Block(f"{tag} {i}", tag="line"), Block("shared", tag="line")], "s")
    a.merge(b)
    assert len(a.sites["s"].counts) <= 100
    assert a.template_share("s", Block("shared", tag="line")) == pytest.approx(1.0, abs=0.05)


def test_save_load_round_trip(tmp_path: Path) -> None:
    """Profiles saved as JSON load back equal, and judge blocks the same."""
    store = learned(40, 50)
    store.learn([Block("Home", tag="a", path="div.top>a")], "other.example")
    path = tmp_path / "profiles.json"
    store.save(path)
    loaded = ProfileStore.load(path)
    assert loaded == store
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["format"], data["version"]) == ("catalog-scraper/site-profiles", PROFILE_VERSION)
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("not json", "not a site profiles file", id="not-json"),
        pytest.param('{"a": 1}', "not a site profiles file", id="other-json"),
        pytest.param(
            '{"format": "catalog-scraper/site-profiles", "version": 99, "sites": {}}', "version 99", id="future"
        ),
        pytest.param(
            '{"format": "catalog-scraper/site-profiles", "version": 1, "sites": {"s": {}}}', "damaged", id="damaged"
        ),
    ],
)
def test_load_refuses_what_is_not_a_profile(tmp_path: Path, content: str, message: str) -> None:
    """A file that is not a profile set fails with a message naming the file and the problem."""
    path = tmp_path / "profiles.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as info:
        ProfileStore.load(path)
    assert str(path) in str(info.value)


def test_sampling_learns_from_every_kth_page() -> None:
    """``sample_every=k`` parses only every k-th page of the stream."""
    pages = [RawPage(uri=f"d/{i}.txt", data=f"Menu\nBook {i}\n".encode(), kind="text") for i in range(10)]
    assert learn_profiles(pages, sample_every=3).sites["d"].pages == {"text": 4}
    with pytest.raises(ValueError, match="sample_every"):
        learn_profiles(pages, sample_every=0)


def test_learning_stops_once_a_known_site_is_saturated() -> None:
    """Past ``max_pages_per_site`` pages of a site known by URL, pages are not parsed again."""
    pages = [
        RawPage(uri=f"w.warc#{i}", data=f"Menu\nBook {i}\n".encode(), url=f"https://a.example/{i}", kind="text")
        for i in range(10)
    ]
    assert learn_profiles(pages, max_pages_per_site=4).sites["a.example"].pages == {"text": 4}
    assert learn_profiles(pages, max_pages_per_site=None).sites["a.example"].pages == {"text": 10}


# --- which site a page belongs to ------------------------------------------------------------

_OG = b'<html><head><meta property="og:url" content="https://Shop.Example/b/1"></head><body><h1>T</h1></body></html>'
_CANONICAL_RELATIVE = b'<html><head><link rel=canonical href="/b/1"><meta property="og:url" content="https://og.example/b"></head><body></body></html>'
_CANONICAL = b'<html><head><link rel=canonical href="http://www.canon.example:8080/b/1"></head><body></body></html>'

SITE_KEYS = [
    # (page, parse it?, override, expected)
    pytest.param(
        RawPage(uri="x.html", data=b"", url="https://www.Example.org/b/1"), False, None, "example.org", id="url-host"
    ),
    pytest.param(RawPage(uri="https://books.example/b/2", data=b""), False, None, "books.example", id="uri-is-a-url"),
    pytest.param(RawPage(uri="f/x.html", data=_OG, kind="html"), True, None, "shop.example", id="og-url"),
    pytest.param(RawPage(uri="f/x.html", data=_CANONICAL, kind="html"), True, None, "canon.example", id="canonical"),
    pytest.param(
        RawPage(uri="f/x.html", data=_CANONICAL_RELATIVE, kind="html"),
        True,
        None,
        "og.example",
        id="relative-canonical-then-og",
    ),
    pytest.param(
        RawPage(uri="f/x.html", data=_OG, kind="html"), False, None, "f", id="og-url-unparsed-falls-to-folder"
    ),
    pytest.param(RawPage(uri="saved/shopA/p1.html", data=b""), False, None, "saved/shopA", id="folder"),
    pytest.param(
        RawPage(uri="dump.tar.gz#shopB/p1.txt", data=b""), False, None, "dump.tar.gz#shopB", id="archive-folder"
    ),
    pytest.param(RawPage(uri="dump.zip#p1.txt", data=b""), False, None, "dump.zip", id="archive-root"),
    pytest.param(RawPage(uri="-", data=b""), False, None, "-", id="stdin"),
    pytest.param(RawPage(uri="-", data=b"", url="https://a.example/"), False, "mine", "mine", id="override-wins"),
    pytest.param(
        RawPage(uri="-", data=b"", site="given", url="https://a.example/"), False, None, "given", id="page-site"
    ),
    pytest.param(RawPage(uri="x", data=b"", url="ftp://files.example/x"), False, None, ".", id="not-http"),
]


@pytest.mark.parametrize(("page", "parse", "override", "expected"), SITE_KEYS)
def test_site_key(page: RawPage, parse: bool, override: str | None, expected: str) -> None:
    """Pages group by host (URL, then canonical or og:url), else folder; a user's ``--site`` wins."""
    assert site_key(page, parse_page(page) if parse else None, override) == expected
