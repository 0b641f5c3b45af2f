"""Extractive summary and key points: the document's most central sentences, in its own words.

Sentences are scored against the document's centroid (the sum of their TF-IDF vectors, cut to
its heaviest terms), which is linear in the document's size; long documents are read up to a
candidate cap (every sentence of the opening, then paragraph leads only).
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain
from typing import Final, TypeAlias

from app.engine.action_rules import is_chatty, is_imperative, may_be_chatty
from app.engine.document import Document, Span, split_sentences
from app.engine.kind import guess_title, is_dateline
from app.engine.line_shapes import line_shapes

FULL_CANDIDATES = 300  # every sentence up to this many, then paragraph leads only
MAX_CANDIDATES = 1200
MAX_SCAN_CHARS = 400_000  # a summary of a huge document is drawn from its first 400 kB
CENTROID_TERMS = 40
REDUNDANCY = 0.5
KEY_POINTS_MAX = 5
RANK_DEPTH = 40  # MMR re-ranks among this many best candidates; the rest keep their score order
RANK_PICKS = 16  # MMR picks this many (enough for the summary and key points), then stops
LEAD_PARAGRAPH_BOOST = 1.5  # news leads summarise; notes rarely have prose leads to boost
LEAD_BOOST = 1.1  # a later paragraph's first sentence
KEY_POINTS_MIN = 3
KEY_POINT_WORDS = 30
MIN_WORDS = 5
DATELINE_CHARS = 80  # is_dateline only ever accepts texts up to this long

_TOKEN = re.compile(r"[a-z0-9][a-z0-9'’-]*[a-z0-9]")
_STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves may might must shall one two new per via using used use based
    as well including
    """.split()  # noqa: SIM905
)
# An ASCII text's terms are cut as bytes: a translate and a split instead of a regex. Every
# byte a token cannot hold becomes a space; the runs left are the tokens (_TOKEN), give or
# take a lone letter or digit, unless a run opens or ends with ' or - (then _TOKEN_BYTES cuts)
_TOKEN_CHARS = b"abcdefghijklmnopqrstuvwxyz0123456789'-"
_SPACE_NON_TOKENS = bytes(c if c in _TOKEN_CHARS else 0x20 for c in range(256))
_TOKEN_BYTES = re.compile(rb"[a-z0-9][a-z0-9'-]*[a-z0-9]")
_STOP_BYTES = frozenset(word.encode() for word in _STOPWORDS)
# Any other text is cut the same way from its UTF-8 bytes, with "’" (a token character) first
# made "\x7f": every byte of another non-ASCII character becomes a space, and "\x7f" sorts
# after every other token byte as "’" does after every other token character (the centroid
# breaks ties alphabetically). A text that holds both is cut by _TOKEN instead.
_SPACE_NON_TOKENS_7F = _SPACE_NON_TOKENS[:0x7F] + b"\x7f" + _SPACE_NON_TOKENS[0x80:]
_TOKEN_BYTES_7F = re.compile(rb"[a-z0-9][a-z0-9'\x7f-]*[a-z0-9]")
_STOP_OR_SINGLE_BYTES = _STOP_BYTES.union(bytes([c]) for c in _TOKEN_CHARS[:-2])
_LABELS_TO_SKIP = re.compile(
    r"[*_]*(?:attendees|participants|present|invitees|absent|apologies|date|time|location|"
    r"facilitator|chair|note[- ]?taker|scribe|agenda|next sync|next meeting|cc|to|from|"
    r"subject|on (?:the )?call|outgoing|incoming|held|next call|chair|owner|due)[*_]*\s*:",
    re.IGNORECASE,
)
# The longest label _LABELS_TO_SKIP knows ("participants"): its colon is the line's first, and
# what comes before it, less white space and emphasis marks around, is the label
_LABEL_CHARS = 12
# White space other than " " and "\n" (what str.isspace, str.split and regex \s know)
_ASCII_ODD_SPACES = ("\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")
_ODD_SPACES = (
    *_ASCII_ODD_SPACES,
    *"\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a",
    *"\u2028\u2029\u202f\u205f\u3000",
)
# A sentence opening with one of these keeps its case: ASCII, but not a lower-case letter
_KEEPS_CASE = frozenset(map(chr, range(128))).difference("abcdefghijklmnopqrstuvwxyz")
_LEAD_IN = re.compile(
    r"^(?:based on (?:the )?[\w\s'’-]{1,40}, )?it is (?:evident|clear|apparent) that\s+", re.I
)


@dataclass(frozen=True, slots=True)
class Summary:
    """A short extractive summary and a few key points."""

    summary: str
    key_points: list[str]


# A term: a token's bytes ("’" as "\x7f": see _text_terms); _terms' str tokens are its model
_Term: TypeAlias = str | bytes
# Sentences already taken, by their terms: the lower-cased texts (compared token by token)
_Seen: TypeAlias = dict[frozenset[_Term], list[str]]


# A candidate sentence: a plain tuple read by the index constants below (one is made for nearly
# every sentence of a document, and a NamedTuple costs more to make and to read)
_Candidate: TypeAlias = tuple[int, str, frozenset[_Term], int, int, bool, int]
_ORDER: Final = 0  # the position among the candidates (document order)
_TEXT: Final = 1
_TERMS: Final = 2
_SIZE: Final = 3  # len(terms), kept for the Jaccard overlap
_WORDS: Final = 4
_LEAD: Final = 5
_PARAGRAPH: Final = 6


def summarise(doc: Document, *, max_words: int = 120) -> Summary:
    """Summarise a document in at most ``max_words`` words, plus 3–5 key points."""
    candidates = _candidates(doc)
    if not candidates:
        return Summary(summary="", key_points=[])
    ranked = _rank(candidates)
    chosen = _select(ranked, max_words)
    text = " ".join(_as_sentence(c[_TEXT]) for c in sorted(chosen, key=lambda c: c[_ORDER]))
    if not chosen:
        text = _truncate(ranked[0][_TEXT], max_words)
    return Summary(summary=text, key_points=_key_points(ranked, chosen))


def _candidates(doc: Document) -> list[_Candidate]:
    found: list[_Candidate] = []
    title = doc.title or guess_title(doc)
    terms_of = _ascii_terms if doc.text.isascii() else _text_terms
    seen: _Seen = {terms_of(title.lower()): [title.lower()]} if title else {}
    chatty = may_be_chatty(doc.lowered)  # no line can be chatter when the whole text is not
    plain = _plain_spaces(doc.text)
    paragraph = 0
    for line, shape in zip(doc.lines, line_shapes(doc), strict=True):
        if len(found) >= MAX_CANDIDATES or line.start > MAX_SCAN_CHARS:
            break
        if shape.heading or shape.explicit:  # headings and tasks are not summary material
            continue
        marker = shape.marker
        content = line.text[marker:] if marker else line.text
        if not _eligible_line(line.text, content, listed=marker > 0, chatty=chatty):
            continue
        sentences = _line_sentences(doc, line, content, marker, plain=plain)
        if len(found) >= FULL_CANDIDATES:
            sentences = sentences[:1]
        lead = _starts_paragraph(doc.text, line)
        paragraph += 1 if lead and found else 0
        _add_sentences(
            found, seen, sentences, terms_of, lead=lead, paragraph=paragraph, plain=plain
        )
    return found


def _plain_spaces(text: str) -> bool:
    """True when the only white space inside a line is a lone " " (as normalising leaves it).

    A stripped text then has one word more than spaces, and a list marker is followed by
    exactly one space.
    """
    if "  " in text:
        return False
    odd = _ASCII_ODD_SPACES if text.isascii() else _ODD_SPACES
    for char in odd:  # noqa: SIM110 (a few `in` tests beat a regex over the whole text)
        if char in text:
            return False
    return True


def _line_sentences(
    doc: Document, line: Span, content: str, marker: int, *, plain: bool
) -> list[str]:
    """The texts of the sentences of ``content``, the line less its list marker (if any)."""
    if not _may_split(content):
        return [content]
    sentences = doc.sentences_within(line.start, line.end)
    if not marker:  # a line splits into its sentences of the whole text
        return [s.text for s in sentences]
    # A listed line's sentences in the text are its content's (the first one less the
    # marker), unless that first one is a single word: the content alone reads "12. Item"
    # as a numbered item, one sentence, where the whole line ("- 12. Item") cuts after "12."
    head = sentences[0].text[marker:]
    if plain and " " in head:
        return [head, *[s.text for s in sentences[1:]]]
    return [s.text for s in split_sentences(content)]


def _may_split(content: str) -> bool:
    """False when no sentence can end inside the line, so splitting it would be wasted work."""
    return ". " in content or "? " in content or "! " in content or content != content.strip()


def _add_sentences(
    found: list[_Candidate],
    seen: _Seen,
    sentences: list[str],
    terms_of: Callable[[str], frozenset[_Term]],
    *,
    lead: bool,
    paragraph: int,
    plain: bool,
) -> None:
    """Append the sentences of one line that make candidates (long enough, not seen before)."""
    lead_here = lead  # only a paragraph's first sentence leads it
    for text in sentences:
        words = text.count(" ") + 1 if plain else len(text.split())
        if words < MIN_WORDS:  # dropping a lead-in below only ever makes a sentence shorter
            lead_here = False
            continue
        lowered = text.lower()
        if "t is " in lowered or text[0] not in _KEEPS_CASE:
            text, lowered, words = _recased(text, lowered, words)
        if words >= MIN_WORDS:
            terms = terms_of(lowered)
            if (terms not in seen or _unseen(seen[terms], lowered)) and (
                len(text) > DATELINE_CHARS or not is_dateline(text)
            ):
                seen.setdefault(terms, []).append(lowered)
                found.append((len(found), text, terms, len(terms), words, lead_here, paragraph))
        lead_here = False


def _recased(text: str, lowered: str, words: int) -> tuple[str, str, int]:
    """The sentence without a lead-in ("It is clear that"), capitalised; lower-cased; words."""
    if "t is " in lowered:
        text = _LEAD_IN.sub("", text)
        lowered = text.lower()
        words = len(text.split())
    first = text[:1]
    if not first.isascii():  # upper-casing "ß" adds a letter: lower the result again
        text = first.upper() + text[1:]
        lowered = text.lower()
        words = len(text.split())
    elif first.islower():
        text = first.upper() + text[1:]
    return text, lowered, words


def _terms(lowered: str) -> frozenset[_Term]:
    """The distinct tokens of a lower-cased text, less the stop words."""
    return frozenset(_TOKEN.findall(lowered)).difference(_STOPWORDS)


def _ascii_terms(lowered: str) -> frozenset[_Term]:
    """``_terms`` of an ASCII text, as bytes: what a text's tokens are, cut without a regex."""
    spaced = lowered.encode().translate(_SPACE_NON_TOKENS)
    # (the str holds ' and - where the bytes do; a bytes `in` first tries its operand as an
    # int, and raises and clears a TypeError each time)
    if ("-" in lowered or "'" in lowered) and _has_edge_punctuation(spaced):
        return frozenset(_TOKEN_BYTES.findall(spaced)).difference(_STOP_BYTES)
    return frozenset(spaced.split()).difference(_STOP_OR_SINGLE_BYTES)


def _text_terms(lowered: str) -> frozenset[_Term]:
    """``_terms`` of any text, as bytes cut like ``_ascii_terms`` ("’" stands as "\x7f")."""
    quote = "’" in lowered
    if quote:
        if "\x7f" in lowered:  # no placeholder is free: cut by the regex, then encode
            tokens = frozenset(_TOKEN.findall(lowered)).difference(_STOPWORDS)
            return frozenset(token.replace("’", "\x7f").encode() for token in tokens)
        lowered = lowered.replace("’", "\x7f")
    spaced = lowered.encode("utf-8", "surrogatepass").translate(
        _SPACE_NON_TOKENS_7F if quote else _SPACE_NON_TOKENS
    )
    if (("-" in lowered or "'" in lowered) and _has_edge_punctuation(spaced)) or (
        quote and _has_edge_quote(spaced)
    ):
        return frozenset(_TOKEN_BYTES_7F.findall(spaced)).difference(_STOP_BYTES)
    return frozenset(spaced.split()).difference(_STOP_OR_SINGLE_BYTES)


def _has_edge_quote(spaced: bytes) -> bool:
    """True when a run of token bytes opens or ends with "\x7f" (a "’")."""
    return (
        spaced.find(b" \x7f") >= 0
        or spaced.find(b"\x7f ") >= 0
        or spaced.startswith(b"\x7f")
        or spaced.endswith(b"\x7f")
    )


def _has_edge_punctuation(spaced: bytes) -> bool:
    """True when a run of token bytes opens or ends with ' or - (a token leaves them out)."""
    # (find, not `in`: see _ascii_terms)
    return (
        spaced.find(b" -") >= 0
        or spaced.find(b"- ") >= 0
        or spaced.find(b" '") >= 0
        or spaced.find(b"' ") >= 0
        or spaced.startswith((b"'", b"-"))
        or spaced.endswith((b"'", b"-"))
    )


def _unseen(texts: list[str], lowered: str) -> bool:
    """True when no text taken with the same terms has the same tokens as ``lowered``."""
    tokens = _TOKEN.findall(lowered)
    return all(_TOKEN.findall(other) != tokens for other in texts)


def _eligible_line(line: str, content: str, *, listed: bool, chatty: bool) -> bool:
    """A line (neither a heading nor a task) to summarise: not a dateline, chatter or a label.

    ``content`` is the line less its list marker (``listed`` says it had one); ``chatty`` is
    False when the document holds no chatter at all, so the line need not be tested for it.
    """
    if chatty and is_chatty(line):
        return False
    if len(line) <= DATELINE_CHARS and is_dateline(line):
        return False
    colon = line.find(":")
    if (
        colon >= 0
        and (colon <= _LABEL_CHARS or len(line[:colon].strip().strip("*_")) <= _LABEL_CHARS)
        and _LABELS_TO_SKIP.match(line)
    ):
        return False
    return not listed or not is_imperative(content)


def _starts_paragraph(text: str, line: Span) -> bool:
    start = line.start
    return start == 0 or (start >= 2 and text[start - 2] == "\n" and text[start - 1] == "\n")


def _rank(candidates: list[_Candidate]) -> list[_Candidate]:
    """Order by relevance to the centroid, penalising overlap with better sentences (MMR)."""
    _, _, terms, sizes, _, leads, paragraphs = zip(*candidates, strict=True)  # the columns
    scores = _scores(terms, sizes, leads, paragraphs, _centroid(terms))
    # a stable sort keeps equal scores in document order, even reversed (a candidate's order
    # is its position)
    order = sorted(range(len(scores)), key=scores.__getitem__, reverse=True)
    head = order[:RANK_DEPTH]
    picks = _pick(head, terms, sizes, scores)
    picked = set(picks)
    unpicked = [c for i, c in enumerate(head) if i not in picked]
    return [candidates[i] for i in chain([head[i] for i in picks], unpicked, order[RANK_DEPTH:])]


def _pick(
    head: list[int],
    all_terms: tuple[frozenset[_Term], ...],
    all_sizes: tuple[int, ...],
    all_scores: list[float],
) -> list[int]:
    """The first RANK_PICKS of ``head`` (positions) by score less overlap with earlier picks.

    ``head`` holds candidates by their order, which indexes the columns that follow.
    Lazy greedy: a candidate's penalised score only falls as picks are added, so a popped
    entry whose score is current is the true best; stale entries are re-scored and pushed back.
    """
    terms = [all_terms[c] for c in head]
    sizes = [all_sizes[c] for c in head]
    scores = [all_scores[c] for c in head]
    # (key, order, position, picks seen, overlap): the document order breaks ties
    heap = [(-scores[i], c, i, 0, 0.0) for i, c in enumerate(head)]
    picks: list[int] = []
    entry = heapq.heappop(heap) if heap else None
    while entry is not None and len(picks) < RANK_PICKS:
        _, order, i, seen, overlap = entry
        if seen == len(picks):
            picks.append(i)
            entry = heapq.heappop(heap) if heap else None
            continue
        mine, size = terms[i], sizes[i]
        for pick in picks[seen:]:  # Jaccard overlap: this loop is the ranking's hot spot
            shared = len(mine & terms[pick])
            union = size + sizes[pick] - shared
            if union and shared / union > overlap:
                overlap = shared / union
        # re-scored, it is popped at once when still the best (entries differ in their order)
        entry = heapq.heappushpop(heap, (-scores[i] * (1 - overlap), order, i, len(picks), overlap))
    return picks


def _centroid(terms: tuple[frozenset[_Term], ...]) -> dict[_Term, float]:
    """The heaviest terms and their weights (count times smoothed IDF).

    The weight rises strictly with the count (as the count never exceeds the total), so the
    heaviest terms are the most frequent ones, ties going to the alphabetically first.
    """
    df = Counter(chain.from_iterable(terms))
    top: Iterable[_Term] = df
    if len(df) > CENTROID_TERMS:
        floor = sorted(df.values(), reverse=True)[CENTROID_TERMS - 1]
        heavy: list[_Term] = []
        ties: list[_Term] = []
        for term, count in df.items():  # one pass, no pair per term
            if count > floor:
                heavy.append(term)
            elif count == floor:
                ties.append(term)
        ties.sort()
        top = heavy + ties[: CENTROID_TERMS - len(heavy)]
    total = len(terms)
    # A weight depends on the count alone, and many terms share a count: one weight per count
    counts = [df[term] for term in top]
    weights = {count: count * (math.log((1 + total) / (1 + count)) + 1) for count in {*counts}}
    return dict(zip(top, map(weights.__getitem__, counts), strict=True))


def _scores(
    terms: tuple[frozenset[_Term], ...],
    sizes: tuple[int, ...],
    leads: tuple[bool, ...],
    paragraphs: tuple[int, ...],
    centroid: dict[_Term, float],
) -> list[float]:
    """Each candidate's centroid weight per square root of its term count, with lead boosts.

    Every weight is positive, so filtering out the misses (None) keeps exactly the weights of
    the candidate's centroid terms. fsum is exact, so a score does not depend on the set's
    (hash-seeded) iteration order; multiplying by 1.0 changes no score.
    """
    weight = centroid.get
    sqrt, fsum = math.sqrt, math.fsum
    return [
        fsum(filter(None, map(weight, ts)))
        / sqrt(size)
        * (LEAD_PARAGRAPH_BOOST if paragraph == 0 else LEAD_BOOST if lead else 1.0)
        if size
        else 0.0
        for ts, size, lead, paragraph in zip(terms, sizes, leads, paragraphs, strict=True)
    ]


def _select(ranked: list[_Candidate], max_words: int) -> list[_Candidate]:
    chosen: list[_Candidate] = []
    budget = max_words
    for candidate in ranked:
        words = candidate[_WORDS]
        if words <= budget and not _redundant(candidate, chosen):
            chosen.append(candidate)
            budget -= words
        if budget < MIN_WORDS:
            break
    return chosen


def _key_points(ranked: list[_Candidate], chosen: list[_Candidate]) -> list[str]:
    used = {c[_ORDER] for c in chosen}
    picked: list[_Candidate] = []
    unused = (c for c in ranked if c[_ORDER] not in used)  # lazy: a few are read, not all
    pools: tuple[Iterable[_Candidate], ...] = (unused, chosen)
    for pool in pools:
        for candidate in pool:
            if len(picked) >= KEY_POINTS_MAX or (pool is chosen and len(picked) >= KEY_POINTS_MIN):
                break
            if candidate not in picked and not _redundant(candidate, picked):
                picked.append(candidate)
    return [_trim(c[_TEXT]) for c in sorted(picked, key=lambda c: c[_ORDER])]


def _redundant(candidate: _Candidate, others: list[_Candidate]) -> bool:
    """True when the candidate overlaps any of the others by more than REDUNDANCY."""
    terms, size = candidate[_TERMS], candidate[_SIZE]
    for other in others:  # Jaccard overlap; the union's size follows from the sizes
        shared = len(terms & other[_TERMS])
        union = size + other[_SIZE] - shared
        if union and shared / union > REDUNDANCY:
            return True
    return False


def _trim(text: str) -> str:
    words = text.split()
    if len(words) <= KEY_POINT_WORDS:
        return _as_sentence(text)
    head = " ".join(words[:KEY_POINT_WORDS])
    cut = max(head.rfind("; "), head.rfind(", "))
    if cut > len(head) // 2:
        return head[:cut].rstrip(",;") + "."
    return _truncate(text, KEY_POINT_WORDS)


def _truncate(text: str, max_words: int) -> str:
    words = text.split()
    if len(words) <= max_words:
        return _as_sentence(text)
    return " ".join(words[: max_words - 1]).rstrip(",;:") + "…"


def _as_sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…", '"', "”")) else text + "."
