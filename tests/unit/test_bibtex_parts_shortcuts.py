"""The shortcuts that keep reading a BibTeX file quick give what the longer ways give: names
read without bibtexparser as bibtexparser reads them."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from reader.importers import bibtex_fields
from reader.importers.latex import tex_to_text
from reader.models import Author


def _person_the_long_way(name: str) -> Author | None:
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    name = name.strip()
    if not name or name.lower() == "others":
        return None
    parts = parse_single_name_into_parts(name, strict=False)
    family = tex_to_text(" ".join([*parts.von, *parts.last, *parts.jr]))
    given = tex_to_text(" ".join(parts.first))
    if family:
        return Author(family, given)
    return Author(given) if given else None


_NAME_PARTS = st.text(alphabet="aZ{}\\'\"O~- .\t\u00e9\u00a0", max_size=10)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_NAME_PARTS, _NAME_PARTS)
@example("{\\O}stergaard", " Linh")
@example("d'Alembert", " Jean")
@example("a}b{", " C")
@example("\\{a}", " C")
@example("{\\'e}", " {\\'E")
@example("van", "  Jan")
def test_a_family_name_of_one_word_reads_as_bibtexparser_reads_it(family: str, given: str) -> None:
    """(Names whose family words all start with a capital were read without bibtexparser
    before, as they still are.)"""
    name = f"{family},{given}"
    assume(not bibtex_fields._plain_family(family.strip()))
    bibtex_fields._person.cache_clear()
    assert bibtex_fields._person(name) == _person_the_long_way(name)
