"""Paper identifiers (arXiv ids, DOIs) and citation keys, recognised and spelled one way.

People paste identifiers in many forms: bare ids, ``arXiv:`` prefixes, abs and pdf URLs, Hugging
Face papers pages, DOI URLs with percent-encoding and prose punctuation. Every part of reader that
accepts one goes through here, so that one paper has one stored spelling and duplicates are found.

All patterns use explicit ``[0-9]`` and ASCII matching: a Unicode digit such as ``²`` or ``٣``
is never an id digit, and no pattern can backtrack badly on long or hostile input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

from reader.keys import MAX_NAME_LENGTH
from reader.models import Author, ReaderError

# Archives of old-style (before April 2007) identifiers; q-fin and stat only ever had new ones.
OLD_ARCHIVES: tuple[str, ...] = (
    "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an", "chao-dyn",
    "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an", "gr-qc", "hep-ex",
    "hep-lat", "hep-ph", "hep-th", "math", "math-ph", "mtrl-th", "nlin", "nucl-ex", "nucl-th",
    "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "quant-ph", "solv-int", "supr-con",
)  # fmt: skip
ARXIV_DOI_PREFIX = "10.48550/arxiv."
MAX_DOI_LENGTH = 1000
STOP_WORDS = frozenset({
    "a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "via", "from", "toward",
    "towards", "is", "are", "at", "by", "as", "we", "do", "does", "what", "how", "why", "when",
    "can", "its", "our", "you", "your", "all", "into", "using",
})  # fmt: skip
KEY_FORBIDDEN = frozenset(",{}\"'#%~\\=()")
_KEY_PART_LENGTH = 30

_FLAGS = re.ASCII | re.IGNORECASE
_ARCHIVE = "|".join(re.escape(name) for name in sorted(OLD_ARCHIVES, key=len, reverse=True))
# The id and an optional version; never followed by a letter or digit, so 2106.096855 and
# 1706.03762v are refused rather than cut short.
_ID = (
    r"(?:(?P<yymm>[0-9]{4})\.(?P<num>[0-9]{4,5})"
    rf"|(?P<archive>{_ARCHIVE})(?:\.[a-z]{{1,8}}(?:-[a-z]{{1,8}})?)?/(?P<old>[0-9]{{7}}))"
    r"(?:v(?P<version>[1-9][0-9]{0,5}))?(?![0-9a-z])"
)
_URL_TAIL = r"(?:\.pdf)?/?(?:[?#][^\x00-\x20\x7f]*)?"
_HOSTS = (
    r"(?:(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)"
    r"|(?:www\.)?alphaxiv\.org/(?:abs|overview|pdf)"
    r"|(?:www\.)?(?:huggingface\.co|hf\.co)/papers)/"
)
_PLAIN = re.compile(
    rf"(?:arxiv(?:\s{{0,3}}:\s{{0,3}}|\s{{1,3}}))?{_ID}(?:\s{{1,3}}\[[a-z.-]{{1,20}}\])?", _FLAGS
)
_URL = re.compile(rf"(?:https?://)?{_HOSTS}{_ID}{_URL_TAIL}", _FLAGS)
_BARE = re.compile(_ID, _FLAGS)
_MARKED = re.compile(
    rf"(?<![a-z0-9])(?:arxiv(?:\s{{0,3}}[:.]\s{{0,3}}|\s{{1,3}})|{_HOSTS}){_ID}", _FLAGS
)
_UNMARKED = re.compile(rf"(?<![a-z0-9./-]){_ID}", _FLAGS)

_DOI_PREFIX = re.compile(
    r"(?:doi\s{0,3}:\s{0,3}|(?:https?://)?(?:www\.|dx\.)?doi\.org/|info:doi/|urn:doi:)", _FLAGS
)
_DOI = re.compile(r"10\.[0-9]{4,9}(?:\.[0-9]{1,9})*/[^\s]+", re.ASCII)
_PERCENT = re.compile(r"%[0-9a-f]{2}", _FLAGS)
_TRAILING = ".,;:!?\"'"
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}
_OPENERS = "([{<\"'"
_URL_SAFE = "/:@!$&'()*+,;="  # RFC 3986 path characters besides letters, digits and -._~

# Letters NFKD leaves alone, spelled as a person typing ASCII would spell them.
_FOLD = str.maketrans(
    {"ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th",
     "ı": "i", "ħ": "h", "ŧ": "t", "ŀ": "l", "ŋ": "n"}
)  # fmt: skip
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


class IdentifierError(ReaderError):
    """Text that was meant to name a paper by arXiv id or DOI names none."""


@dataclass(frozen=True)
class Identifier:
    """A recognised identifier: ``kind`` is "arxiv" or "doi", ``value`` its stored spelling
    (arXiv without version; DOI lower-case, no resolver), ``source`` the text it came from."""

    kind: str
    value: str
    version: int | None
    source: str

    @property
    def url(self) -> str:
        """The landing page: arXiv's abs page (latest version) or the DOI resolver."""
        return arxiv_abs_url(self.value) if self.kind == "arxiv" else doi_url(self.value)


def _shown(text: str, limit: int = 60) -> str:
    """Text for a one-line message: trimmed, control characters escaped, long text cut."""
    text = text.strip()
    text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _canonical(match: re.Match[str]) -> str | None:
    """The id a match names, or None when its date or digit count cannot be a real one.

    New-style ids began in 0704 with four digits after the dot and have five from 1501 on.
    Old-style ids ran from 1991 to 0703; their subject class (``math.GT``) is not part of the
    id, and arXiv itself shows ``math/0309136``, so it is dropped."""
    if match.group("yymm"):
        yymm, num = int(match.group("yymm")), match.group("num")
        if not 1 <= yymm % 100 <= 12 or yymm < 704 or len(num) != (4 if yymm < 1501 else 5):
            return None
        return f"{match.group('yymm')}.{num}"
    old = match.group("old")
    yymm = int(old[:4])
    if not 1 <= yymm % 100 <= 12 or not (yymm >= 9101 or yymm <= 703):
        return None
    return f"{match.group('archive').lower()}/{old}"


def _parse_arxiv(text: str | None) -> tuple[str, int | None] | None:
    """The id and version of text that is, as a whole, some spelling of one arXiv id."""
    if not text:
        return None
    text = text.strip()
    match = _PLAIN.fullmatch(text) or _URL.fullmatch(text)
    if match is None:
        doi = parse_doi(text)
        if doi is None or not doi.startswith(ARXIV_DOI_PREFIX):
            return None
        match = _BARE.fullmatch(doi[len(ARXIV_DOI_PREFIX) :])
        if match is None:
            return None
    canonical = _canonical(match)
    if canonical is None:
        return None
    version = match.group("version")
    return canonical, int(version) if version else None


def parse_arxiv_id(text: str | None) -> str | None:
    """The arXiv id (no version) that text spells, or None when the whole text is not one.

    Accepts bare ids old and new, ``arXiv:`` prefixes in any case and spacing, an optional
    trailing category (``arXiv:1810.04805 [cs.CL]``), arxiv.org abs/pdf/html URLs (any of its
    hosts, with ``.pdf``, query or fragment), Hugging Face and alphaxiv papers URLs, and arXiv's
    own DOIs (``10.48550/arXiv.2106.09685``). Text with other words is refused: use
    find_arxiv_id to look inside prose."""
    parsed = _parse_arxiv(text)
    return parsed[0] if parsed else None


def arxiv_version(text: str | None) -> int | None:
    """The version the text names (``1706.03762v5`` gives 5), None when it names none."""
    parsed = _parse_arxiv(text)
    return parsed[1] if parsed else None


def find_arxiv_id(text: str | None, *, bare: bool = False) -> str | None:
    """The first arXiv id (no version) inside free text such as a BibTeX field, or None.

    In prose an id counts only after an ``arXiv`` marker (``arXiv:``, ``arXiv.`` as in arXiv's
    DOIs, ``arXiv 1810.04805``) or in an arxiv.org, Hugging Face or alphaxiv URL, so that a
    number like ``1234.56789`` in a sentence is not taken for one. ``bare=True`` says the text
    is an eprint field, where an id without a marker is expected and accepted too."""
    if not text:
        return None
    for pattern in (_MARKED, _UNMARKED) if bare else (_MARKED,):
        for match in pattern.finditer(text):
            canonical = _canonical(match)
            if canonical is not None:
                return canonical
    return None


def _trim(text: str) -> str:
    """Strip what prose wraps around a DOI: leading brackets and quotes, trailing punctuation,
    and closing brackets the DOI itself does not open (DOIs may hold balanced ones)."""
    text = text.lstrip(_OPENERS)
    counts = {ch: text.count(ch) for ch in (*_CLOSERS, *_CLOSERS.values())}
    end = len(text)
    while end:
        last = text[end - 1]
        if last in _CLOSERS and counts[last] > counts[_CLOSERS[last]]:
            counts[last] -= 1
        elif last not in _TRAILING:
            break
        end -= 1
    return text[:end]


def parse_doi(text: str | None) -> str | None:
    """The DOI text spells, lower-case and without resolver, or None when it is not one.

    Accepts ``doi:`` prefixes and doi.org / dx.doi.org URLs, decodes percent-encoding once, and
    trims punctuation prose leaves around it. DOIs are case-insensitive, so lower case is the
    one stored spelling. The registrant must have 4 to 9 digits; longer than MAX_DOI_LENGTH,
    spaces or control characters mean the text is not a DOI."""
    if not text or len(text) > 4 * MAX_DOI_LENGTH:  # room for percent-encoding and prose
        return None
    text = text.strip().lstrip(_OPENERS)
    prefix = _DOI_PREFIX.match(text)
    if prefix:
        text = text[prefix.end() :]
    if _PERCENT.search(text):
        try:
            text = unquote(text, errors="strict")
        except UnicodeDecodeError:
            return None
    text = _trim(text)
    if len(text) > MAX_DOI_LENGTH or not text.isprintable() or not _DOI.fullmatch(text):
        return None
    return text.lower()


def parse_identifier(text: str | None) -> Identifier | None:
    """An arXiv id (including Hugging Face URLs and arXiv DOIs) or else a DOI, or None.

    arXiv comes first so that a paper with an arXiv DOI is stored under its arXiv id."""
    if not text:
        return None
    parsed = _parse_arxiv(text)
    if parsed:
        return Identifier("arxiv", parsed[0], parsed[1], text)
    doi = parse_doi(text)
    return Identifier("doi", doi, None, text) if doi else None


def require_identifier(text: str) -> Identifier:
    """parse_identifier for input a person typed: raises IdentifierError saying what was wrong."""
    identifier = parse_identifier(text)
    if identifier is None:
        raise IdentifierError(
            f"'{_shown(text or '')}' is not an arXiv id, arXiv or Hugging Face papers URL, or DOI"
        )
    return identifier


def _require_arxiv(arxiv_id: str) -> str:
    parsed = _parse_arxiv(arxiv_id)
    if parsed is None:
        raise IdentifierError(f"'{_shown(arxiv_id or '')}' is not an arXiv id")
    return parsed[0] + (f"v{parsed[1]}" if parsed[1] else "")


def arxiv_abs_url(arxiv_id: str) -> str:
    """arXiv's abstract page for any spelling of an id; a version given is kept."""
    return f"https://arxiv.org/abs/{_require_arxiv(arxiv_id)}"


def arxiv_pdf_url(arxiv_id: str) -> str:
    """arXiv's PDF for any spelling of an id (no ``.pdf`` suffix: arXiv's current form)."""
    return f"https://arxiv.org/pdf/{_require_arxiv(arxiv_id)}"


def doi_url(doi: str) -> str:
    """The doi.org link for a DOI as parse_doi returns it (a prefix or URL is accepted too).

    Characters a URL path cannot hold (``<``, ``>``, ``#``, ``?``, ``%``, spaces, non-ASCII)
    are percent-encoded; ``/`` and the RFC 3986 path punctuation such as ``(``, ``)``, ``;``
    are kept, so old SICI DOIs stay readable."""
    stripped = (doi or "").strip()
    prefix = _DOI_PREFIX.match(stripped)
    value = stripped[prefix.end() :] if prefix else stripped
    if not _DOI.fullmatch(value) or not value.isprintable():
        raise IdentifierError(f"'{_shown(doi or '')}' is not a DOI")
    return "https://doi.org/" + quote(value, safe=_URL_SAFE)


def _fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: accents dropped, ø → o, ß → ss, æ → ae."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    return folded.encode("ascii", "ignore").decode("ascii")


def _title_words(title: str, wanted: int = 2) -> list[str]:
    """The first ``wanted`` significant title words: whitespace-separated, punctuation inside
    a word dropped (``LoRA:`` → lora, ``Self-Attention`` → selfattention, ``GPT-4`` → gpt4),
    stop words skipped. A key uses two at most, and an export makes a key for every paper:
    the rest of a long title is not looked at."""
    found: list[str] = []
    for word in _fold(title).split():
        word = _NOT_ALNUM.sub("", word)[:_KEY_PART_LENGTH]
        if word and word not in STOP_WORDS:
            found.append(word)
            if len(found) == wanted:
                break
    return found


def citation_key(
    authors: Sequence[Author], year: int | None, title: str, *, listed_year: int | None = None
) -> str:
    """A Google Scholar-style citation key: ``vaswani2017attention``.

    With authors: the first author's family name (all its words run together, ``van der Berg``
    → vanderberg; the given name if the family name is empty), the year, and the first
    significant title word. Without authors, or when the name has no ASCII letters or digits
    after folding: the first significant word, the year, and the second significant word
    (``attention2017need``). The year is ``year``, else ``listed_year``, else left out
    (``vaswaniattention``, ``attentionneed``). Each part is at most 30 characters. When neither
    a name nor a title word is left the key is ``paper`` and the year (``paper2017``).
    The result is always lower-case ``[a-z0-9]`` and passes normalize_citekey; it is not made
    unique here: see unique_citation_key."""
    when = year if year is not None else listed_year
    year_part = str(when) if when is not None and 0 < when <= 9999 else ""
    words = _title_words(title or "")
    name = ""
    if authors:
        first = authors[0]
        name = _NOT_ALNUM.sub("", _fold(first.family)) or _NOT_ALNUM.sub("", _fold(first.given))
        name = name[:_KEY_PART_LENGTH]
    if name:
        return name + year_part + (words[0] if words else "")
    if words:
        return words[0] + year_part + (words[1] if len(words) > 1 else "")
    return "paper" + year_part


def unique_citation_key(base: str, taken: Callable[[str], bool]) -> str:
    """``base`` if free, else ``base-2``, ``base-3`` …, as BibTeX import and export do.

    BibTeX compares keys case-insensitively, so ``taken`` should too. Raises ReaderError if
    ten thousand candidates are all taken rather than loop for ever."""
    if not taken(base):
        return base
    for suffix in range(2, 10_000):
        candidate = f"{base}-{suffix}"
        if not taken(candidate):
            return candidate
    raise ReaderError(f"no free citation key like '{_shown(base)}'")


def normalize_citekey(text: str) -> str:
    """A citation key as stored: trimmed, or ReaderError saying why it cannot be one.

    BibTeX and biber split entries on spaces, commas, braces, quotes, ``#``, ``%``, ``~``, ``\\``,
    ``=`` and parentheses, so a key holding one breaks the file; non-ASCII keys break classic
    BibTeX. Case is kept as typed (BibTeX ignores it when comparing)."""
    key = (text or "").strip()
    if not key:
        raise ReaderError("a citation key cannot be empty")
    shown = _shown(key)
    if any(ch.isspace() for ch in key):
        raise ReaderError(f"'{shown}' is not a citation key (no spaces)")
    if not key.isascii() or not key.isprintable():
        raise ReaderError(f"'{shown}' is not a citation key (ASCII letters, digits, punctuation)")
    bad = sorted(set(key) & KEY_FORBIDDEN)
    if bad:
        raise ReaderError(f"'{shown}' is not a citation key (no {' '.join(bad)})")
    if len(key) > MAX_NAME_LENGTH:
        raise ReaderError(f"a citation key is at most {MAX_NAME_LENGTH} characters")
    return key
