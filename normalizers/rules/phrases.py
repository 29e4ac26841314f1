"""UI-residue phrases as data: what site widgets print, in en, fr, de, es and nl (some zh).

Each rule is a regular expression matched against a *whole block* (case-folded,
whitespace-normalised), never searched inside one: a real sentence that merely
contains "read more" or "sign in" is never cut. Rules that match a toast or
banner *opening* end in ``.*`` and carry ``max_len`` so they cannot swallow a
paragraph. The comment on each group says why its phrases are residue.

These are the fallback for text dumps, where no DOM is left to say "this was
a button". HTML pages are cleaned by DOM cues first (``scraper.parse`` marks
nav/footer/dialog/hidden...), so these rules only see what slipped through.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PHRASE_RULES", "SECTION_RULES", "PhraseRule"]


@dataclass(frozen=True, slots=True)
class PhraseRule:
    """A whole-block pattern, the category it removes under, and the longest block it may match."""

    category: str
    pattern: str
    max_len: int = 120


def _rules(category: str, *patterns: str, max_len: int = 120) -> tuple[PhraseRule, ...]:
    return tuple(PhraseRule(category, p, max_len) for p in patterns)


_NUM = r"[\d.,\u00a0 ]+"
# A toast's opening words must end their sentence within a few more words
# ("Something went wrong." / "...loading this page."): then the rest of the toast
# may follow. Prose that merely begins the same way runs on and is left alone.
_TOAST_END = r"[^.!?]{0,40}([.!].*)?"

PHRASE_RULES: tuple[PhraseRule, ...] = (
    # Search boxes and facets: widget labels and placeholders that text
    # converters emit as lines ("Search by... Author", result-type facets).
    *_rules(
        "search_widget",
        r"search( by)?(\.\.\.|…)?\s*(author|title|isbn|keyword|subject|all)?",
        r"search( the)?( database| catalog(ue)?| books?| for books| all| results| review text)?:?",
        r"show(\.\.\.|…)?\s*all results\b.*",
        r"(all results|primary sources|peer[- ]reviewed)( (all results|primary sources|peer[- ]reviewed))*",
        r"(advanced|simple) search",
        r"recherche( avancée| simple)?",
        r"(erweiterte |einfache )?suche",
        r"(búsqueda avanzada|buscar|búsqueda)",
        r"(uitgebreid )?zoeken",
        r"profisuche",
        r"alphabetisch suchen",
        r"mein suchverlauf",
        r"sort(ed)? by.*",
        r"trier par.*",
        r"sortieren nach.*",
        r"ordenar por.*",
        r"sorteer op.*",
        r"refine (your )?(search|results)",
        r"filter( by| results)?:?",
        r"(suchergebnis|search results?)( - übersicht)?.*",
        r"treffer kurzanzeige",
        r"sortierungsrichtung:.*",
        r"standardsortierung",
        max_len=80,
    ),
    # Error toasts and banners: client-side widgets that failed while the page was
    # saved. The seed page's "Oops!" + "An unknown error has occurred..." is this kind.
    *_rules(
        "error_toast",
        r"oops[!.]*(\s.*)?",
        r"(an )?(unknown|unexpected) error (has )?occurred" + _TOAST_END,
        r"something went wrong" + _TOAST_END,
        r"sorry,? (there was|we encountered) (a|an) (problem|error)" + _TOAST_END,
        r"there was (a problem|an error)" + _TOAST_END,
        r"unable to (add|load|retrieve)" + _TOAST_END,
        r"please try again( later| in a (little|few) (while|minutes))?\.?",
        r"try again\.?",
        r"list unavailable\.?",
        r"(page|item) (not found|unavailable)\.?",
        r"it looks like you're offline\.?.*",
        r"image (unavailable|not available)( for)?:?",
        r"une erreur (inconnue |inattendue )?(s'est produite|est survenue)" + _TOAST_END,
        r"(un )?problème (est survenu|technique)" + _TOAST_END,
        r"(veuillez )?réessayer( plus tard)?\.?",
        r"(ein )?(unbekannter |unerwarteter )?fehler ist aufgetreten" + _TOAST_END,
        r"bitte (versuchen sie es|versuche es) (später )?(noch einmal|erneut)\.?",
        r"(se ha producido|ha ocurrido) un error" + _TOAST_END,
        r"(inténtalo|vuelve a intentarlo)( de nuevo| más tarde)?\.?",
        r"er is (iets misgegaan|een fout opgetreden)" + _TOAST_END,
        r"probeer het (later )?opnieuw\.?",
        r"javascript (is )?(disabled|required)" + _TOAST_END,
        max_len=240,
    ),
    # Account, login and greeting lines: they name the logged-in user, not the book.
    *_rules(
        "account",
        r"sign in|sign out|log ?in|log ?out|register|create (an )?account|my account|your account",
        r"account( & lists)?",
        r"hello,? [\w.'-]+",
        r"not [\w.'-]+\? sign out.*",
        r"returns & orders",
        r"mon compte|se connecter|connexion|déconnexion|s'identifier|bonjour,? [\w.'-]+",
        r"mein konto|anmelden|abmelden|registrieren|hallo,? [\w.'-]+|zugang zu ihrem konto",
        r"mi cuenta|identifícate|iniciar sesión|cerrar sesión|hola,? [\w.'-]+",
        r"mijn (account|profiel|bol)|inloggen|uitloggen|registreren|hallo,? [\w.'-]+",
        r"登录|注册|登录/注册|登入|登出|會員登入|我的账户",
        r"my pending edits",
        r"my (lists|books|shelves)",
        r"deliver to [^,.;:!?]{1,50}",
        max_len=60,
    ),
    # Cart, wishlist, hold and reading-status buttons.
    *_rules(
        "cart",
        r"add to (basket|cart|bag|list|wish ?list|shelf|favorites)",
        r"added to( (basket|cart|list))?",
        r"buy now|buy used|buy new|checkout|basket|cart|shopping (cart|bag)|wish ?list",
        r"place (a )?hold|request (this )?item|reserve|borrow|check nearby libraries",
        r"want to read|currently reading|rate this book|remove from shelf|create a new list",
        r"ajouter au panier|ajouter à (ma|la) liste( d'envies)?|panier|acheter( maintenant)?",
        r"in den (warenkorb|einkaufswagen)|warenkorb|einkaufswagen|auf die wunschliste|merkzettel|jetzt kaufen|vormerken",
        r"añadir a la cesta|añadido a la cesta|cesta|comprar( ya| ahora)?|lista de deseos",
        r"in (de )?winkelwagen|winkelwagen|op verlanglijst|verlanglijstje|reserveren",
        r"加入购物车|加入購物車|加入待購清單|加入购书单|立即购买|贈書給朋友|领书额度兑换|領書額度兌換",
        r"(free )?delivery\b.*",
        r"(enter to )?win a (free )?(print |signed )?copy( of this book)?!?|enter (the )?giveaway",
        r"in stock( \(\d+ available\))?\.?",
        r"out of stock\.?",
        max_len=60,
    ),
    # Share bars.
    *_rules(
        "share",
        r"share( this( book| page)?)?( on)?( (facebook|twitter|x|pinterest|whatsapp|email|linkedin))*:?",
        r"(facebook|twitter|pinterest|whatsapp|email|e-mail|linkedin|tweet|pin it|copy link)",
        r"partager( sur| par| via)?( (facebook|twitter|x|pinterest|whatsapp|e-?mail|linkedin))*:?",
        r"teilen( auf| per| via)?( (facebook|twitter|x|pinterest|whatsapp|e-?mail|linkedin))*:?",
        r"compartir( en| por| vía)?( (facebook|twitter|x|pinterest|whatsapp|e-?mail|linkedin))*:?",
        r"delen( op| via)?( (facebook|twitter|x|pinterest|whatsapp|e-?mail|linkedin))*:?",
        r"copied to clipboard|erfolgreich in die zwischenablage kopiert|link kopieren",
        # "follow the author" buttons sit in the byline area on store pages
        r"follow( the author)?|sigue al autor|seguir|dem autor folgen|folgen|suivre( l'auteur)?|volg( de auteur)?|關注|关注|追蹤|追踪",
        max_len=60,
    ),
    # Cookie banners.
    *_rules(
        "cookie_banner",
        r"(we|this (site|website)) uses? cookies\b.*",
        r"accept( all)?( cookies)?|reject all|manage (cookies|preferences)",
        r"cookie (settings|preferences|policy)",
        r"nous utilisons des cookies\b.*",
        r"(tout )?accepter( et fermer)?|tout refuser|paramétrer les cookies",
        r"wir verwenden cookies\b.*|diese (website|seite) verwendet cookies\b.*|(alle )?akzeptieren|ablehnen",
        r"(utilizamos|usamos) cookies\b.*|aceptar( cookies| todas)?|rechazar",
        r"wij gebruiken cookies\b.*|(alles )?accepteren|weigeren",
        # "By continuing to browse, you accept cookies", and the site's "uses cookies", in each language
        r"by (continuing|using) (to (browse|use) )?(this|our|the) (site|website)\b.*cookies\b.*",
        r"en (poursuivant|continuant) (votre|la) navigation\b.*cookies\b.*|ce site (web )?utilise des cookies\b.*",
        r"(diese|unsere) (website|webseite|seite) (verwendet|nutzt) cookies\b.*|wir (nutzen|setzen) cookies\b.*",
        r"(este|esta|nuestro|nuestra) (sitio|web|página)( web)? (utiliza|usa) cookies\b.*",
        r"(deze|onze) (website|site|webwinkel) (gebruikt|maakt gebruik van) cookies\b.*",
        max_len=400,
    ),
    # Rating widgets and counters: numbers about other readers, not the book.
    *_rules(
        "rating",
        rf"({_NUM} )?{_NUM} out of 5 stars?.*",
        rf"{_NUM}(global )?(ratings?|reviews?|stars?)",
        rf"{_NUM} von 5 sternen.*",
        rf"{_NUM} sur 5 étoiles.*",
        rf"{_NUM} de 5 estrellas.*",
        rf"{_NUM} van de 5 sterren.*",
        rf"{_NUM}(bewertungen|sternebewertungen|avis|évaluations|valoraciones|beoordelingen|reviews?)",
        r"rate this( book)?|write a review|write a customer review|schreiben sie eine rezension",
        r"(\d+ )?(people|readers) found this helpful.*",
        r"helpful|report( abuse)?|hilfreich|melden",
        r"(豆瓣评分|评价人数不足|\d+人评价).*",
        r"共\s*\d+\s*人評分|\d+\s*人評分|評分.*",
        max_len=80,
    ),
    # Expanders: the toggles that reveal the rest of a text, not part of it.
    *_rules(
        "expander",
        r"(\.\.\.|…)?\s*(read|show|see|view) (more|less|all|all details)( [▾▲›»>])?",
        r"(\.\.\.|…)?\s*(more|less)( [▾▲›»>])?",
        r"see all (formats|details|editions)( and editions)?.*",
        r"lire (la suite|plus)|voir (plus|moins|tout)|afficher (plus|moins)",
        r"(mehr|weniger) (lesen|anzeigen)|alle details anzeigen|weiterlesen",
        r"leer (más|menos)|ver (más|menos|todos los detalles)|mostrar (más|menos)",
        r"toon (meer|minder)|lees (meer|minder)|meer (lezen|tonen)|alle productspecificaties",
        r"\(?展开全部\)?|收起|\(收起\)|顯示全部|查看全部|展開全部",
        r"ausführliche beschreibung",
        max_len=50,
    ),
    # Picture viewers: the links that open a cover's scan and the zoom
    # controls. They name a picture, not the book, and in a text dump they sit
    # right under the title ("Achtercover" above the metadata). Not a bare
    # "back cover": under a blurb, "--back cover" names the blurb's source.
    *_rules(
        "image_viewer",
        r"(voor|achter)(cover|kant|zijde)|front cover|(front |back )?cover (image|photo|scan)",
        r"(click|tap) (to|for) (enlarge|zoom|a larger image|larger image).*|(view|see) larger( image)?",
        r"enlarge image|zoom (in|out)|look inside|blick ins buch|inkijkexemplaar|feuilleter|hojear",
        r"(bild|cover) vergrößern|agrandir l'image|ampliar (la )?imagen|(afbeelding|cover) vergroten",
        max_len=40,
    ),
    # Page-type headings: catalogs title the view, not the book ("Detailanzeige").
    *_rules(
        "page_heading",
        r"detail(s)? (page|view)|detailanzeige|titelanzeige|vollanzeige|einzelanzeige|volltitel",
        r"notice (détaillée|complète)|vista detallada|detailweergave|record details|full record|item details",
        max_len=40,
    ),
    # Skip links, back-to-top and breadcrumb trails.
    *_rules(
        "breadcrumb",
        r"skip to( main)? content|jump to( ratings and reviews| content)?|back to top|go to:?",
        r"springe direkt zu:?|weiter zum inhalt|zum inhalt springen|nach oben",
        r"aller au contenu( principal)?|retour en haut",
        r"volver arriba|ir al contenido( principal)?",
        r"ga naar (hoofdinhoud|inhoud)|terug naar boven",
        r"you are here:?|vous êtes ici:?|sie sind hier:?",
        r"[^›»>]{1,40}( [›»>] [^›»>]{1,40}){2,}",  # "Home › Books › Fiction"
        r"[›»>]",
        r".{1,30}?\s*[▾▼▲▴▿]",  # "Browse ▾": a menu toggle
        max_len=200,
    ),
    # Pagination and carousel controls.
    *_rules(
        "pagination",
        r"(page )?\d+ (of|von|de|sur|van) \d+( start over)?( page \d+ (of|von|de|sur|van) \d+)*",
        r"(« |‹ )?(previous|prev|next|suivant|précédent|weiter|zurück|siguiente|anterior|volgende|vorige)( page| slide| set of slides)?( »| ›)?",
        r"(previous|next) slide of product details",
        r"start over",
        r"(\d+ ){2,}\d*( ?(next|suivant|weiter|siguiente|volgende))?",
        max_len=80,
    ),
    # App promotions: store pages push their reading app beside every book.
    *_rules(
        "app_promo",
        r"(download|get|install) (the |our )?(free )?[\w ]{0,20}apps?\b.*",
        r"read instantly (on|in) your browser\b.*",
        r"using your mobile phone camera\b.*",
        r"scan the (qr )?code\b.*",
        r"(下載|下载) ?app.*",
        r"(laden sie|lade) die (kostenlose )?[\w-]+[ -]app\b.*",
        r"télécharge(z)? l'application\b.*",
        r"descarga la app\b.*",
        r"download de (gratis )?app\b.*",
        max_len=240,
    ),
    # Newsletter boxes.
    *_rules(
        "newsletter",
        r"(sign up|subscribe)( (for|to))?( our)? (newsletter|mailing list)\b.*",
        r"join our (newsletter|mailing list)\b.*",
        r"newsletter( abonnieren| anmelden)?",
        r"abonnez-vous\b.*|inscrivez-vous à (notre|la) newsletter\b.*",
        r"suscríbete\b.*|suscribirse\b.*",
        r"schrijf je in\b.*|meld je aan voor\b.*",
        r"enter your e-?mail( address)?\.?",
        r"your e-?mail( address)?",
        max_len=200,
    ),
    # Footers and legal lines.
    *_rules(
        "footer",
        r"©.*",
        r"\(c\)\s*\d{4}.*",
        r"copyright\s*(©|\(c\)|\d{4}).*",
        r".*\ball rights reserved\.?",
        r".*tous droits réservés\.?",
        r".*alle rechte vorbehalten\.?",
        r".*todos los derechos reservados\.?",
        r".*alle rechten voorbehouden\.?",
        r"(privacy( policy| notice)?|terms( of (use|service))?|conditions of (use|sale)|cookie policy|accessibility( statement)?|statement on accessibility)",
        r"(impressum|datenschutz(erklärung)?|agb|erklärung zur barrierefreiheit|mentions légales|politique de confidentialité)",
        r"(aviso legal|política de privacidad|privacyverklaring|algemene voorwaarden)",
        r"(contact( us)?|help|faq|about us|careers|jobs|press|investor relations|help center|customer service|advertise( with us)?|api|terms and conditions)",
        r"(kontakt|hilfe|über uns|kundenservice|contactez-nous|aide|qui sommes-nous|service client|contacto|ayuda|"
        r"sobre nosotros|atención al cliente|klantenservice|contacteer ons|over ons)",
        r"keyboard shortcuts|report an issue with this product( or seller)?|(show/hide )?shortcuts.*",
        # affiliate disclosures ("As an Amazon Associate we earn from qualifying purchases")
        r".*\b(earns? from qualifying purchases|may earn a (small )?commission|affiliate (links?|commission))\b.*",
        max_len=200,
    ),
)

# Headings that open a block of *other* books or of other readers' words. The
# heading and what follows it, up to the next heading of the same rank or the
# next known section, are cut as one section.
SECTION_RULES: tuple[PhraseRule, ...] = (
    *_rules(
        "recommendations",
        r"customers (who (bought|viewed) this item )?also (bought|viewed|enjoyed)\b.*",
        r"products related to this item.*",
        r"(sponsored|related) (products|books|titles|items).*",
        r"(frequently bought together|what other items do customers buy after viewing this item\??)",
        r"(you|readers|people) (may|might|also) (also )?(like|enjoy(ed)?|viewed)\b.*",
        r"(similar|related) (items|books|titles|editions)",
        r"more like this|staff picks|recommended for you",
        r"readers also enjoyed|people also (viewed|bought)|more (books )?by this author",
        r"ähnliche (einträge|titel|bücher|artikel|produkte)",
        r"kunden, die .* (kauften|ansahen).*",
        r"das könnte (ihnen|dir) auch gefallen.*",
        r"vous aimerez (aussi|peut-être).*",
        r"les clients ont (également|aussi) (acheté|consulté).*",
        r"(dans la même|de la même) (collection|série)",
        r"(también|te) (te )?(puede|podría) interesar.*",
        r"otros clientes (también )?(compraron|vieron).*",
        r"(anderen|klanten) (bekeken|kochten) ook.*",
        r"vaak samen gekocht",
        r"(andere|meer) (boeken|titels) van.*",
        r"喜欢读.*的人也喜欢.*",
        r"喜歡這本的人，也看了.*",
        r"相关推荐|猜你喜欢|同类推荐",
        max_len=120,
    ),
    *_rules(
        "reviews",
        r"(top |most helpful |community |customer |reader |user )?reviews?( from .*)?",
        r"(ratings|ratings & reviews|ratings and reviews)",
        r"top reviews from .*",
        r"kundenrezensionen|rezensionen|leserstimmen|avis (des )?(clients|lecteurs)|commentaires",
        r"opiniones( de (los )?clientes)?|reseñas de clientes",
        r"(klanten)?recensies|reviews van klanten",
        r"(热门)?(短评|书评|长评)|读书笔记|书评 · · · · · ·|短评 · · · · · ·",
        r"讀者評論|書評",
        r"friends & following|what do you think\?|search review text",
        r"discussions?|questions? & answers?",
        max_len=80,
    ),
)

# Headings that open a section about *this* book. They end a recommendations or
# reviews section in text dumps, where no heading rank says where one stops.
NEUTRAL_SECTION_HEADINGS: frozenset[str] = frozenset(
    {
        "product details",
        "details",
        "product information",
        "book details",
        "book details & editions",
        "about the author",
        "about the authors",
        "editorial reviews",
        "from the publisher",
        "bibliographic information",
        "bibliographic details",
        "id numbers",
        "edition notes",
        "notes",
        "contents",
        "table of contents",
        "publication details",
        "this edition",
        "über den autor",
        "über die autorin",
        "produktinformation",
        "produktdetails",
        "details zum buch",
        "à propos de l'auteur",
        "détails du produit",
        "caractéristiques",
        "fiche technique",
        "spécifications produit",
        "sobre el autor",
        "detalles del producto",
        "ficha técnica",
        "over de auteur",
        "productspecificaties",
        "specificaties",
        "productinformatie",
        "作者简介",
        "作者簡介",
        "目录",
        "目錄",
        "出版信息",
        "詳細資訊",
        "详细信息",
        # A catalogue's name for its record view, printed as the page's heading
        # (and <title>) above the record: the view's name, not the book's.
        "full record",
        "full view",
        "record details",
        "item details",
        "title details",
        "detailansicht",
        "detailanzeige",
        "vollanzeige",
        "titelinformationen",
        "titeldetails",
        "notice détaillée",
        "notice complète",
        "détail de la notice",
        "registro completo",
        "detalle del registro",
        "detailweergave",
        "volledige beschrijving",
        "詳細情報",
    }
)
