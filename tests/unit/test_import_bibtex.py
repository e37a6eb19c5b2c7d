"""BibTeX import: good files, refused and skipped bad entries, LaTeX escapes, detection, and
the fast splitter reading every file as bibtexparser does."""

from __future__ import annotations

import bibtexparser
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from property_examples import examples

from reader.importers.bibtex import looks_like_bibtex, parse_bibtex, tex_to_text
from reader.importers.bibtex_syntax import from_bibtexparser, resolve, split_fast
from reader.models import Author, Link, ReaderError

GOOD = r"""% Exported from a reference manager
@comment{jabref-meta: databaseType:bibtex;}

@Article{vaswani2017attention,
  Title     = {Attention Is All You Need},
  Author    = {Vaswani, Ashish and Shazeer, Noam},
  Journal   = {Advances in Neural Information Processing Systems},
  Year      = {2017},
  Keywords  = {transformers; attention , nlp/seq2seq,,},
  Url       = {https://arxiv.org/abs/1706.03762},
  Abstract  = {The dominant sequence transduction models are based on complex
               recurrent or convolutional neural networks.},
}

@misc{hu2021lora,
  title = {{LoRA}: Low-Rank Adaptation of Large Language Models},
  doi = {10.48550/arXiv.2106.09685},
  note = {Listed March 11th},
}

@inproceedings{caf\'e,
  title = "Caf{\'e} {\"U}ber Na{\"\i}ve \c{C}a\~{n}on: \emph{50\%} of \$5 \& {R\&D} a~b",
  eprint = {2401.00001},
  archivePrefix = {arXiv},
}
"""


def test_good_file() -> None:
    papers, warnings = parse_bibtex(GOOD, "refs.bib")
    assert warnings == [
        "refs.bib: caf\\'e: 'caf\\'e' is not a citation key (no ' \\); export will make one"
    ]
    first = papers[0]
    assert first.title == "Attention Is All You Need"
    assert first.abstract == (
        "The dominant sequence transduction models are based on complex recurrent or "
        "convolutional neural networks."
    )
    assert first.authors == (Author("Vaswani", "Ashish"), Author("Shazeer", "Noam"))
    assert (first.entry_type, first.citekey, first.year) == (
        "article",
        "vaswani2017attention",
        2017,
    )
    assert first.venue == "Advances in Neural Information Processing Systems"
    assert first.arxiv == "1706.03762"
    assert first.url is None  # the arXiv page follows from the id
    assert first.tags == ("transformers", "attention", "nlp/seq2seq")
    assert first.source == "refs.bib" and first.listed is None
    second = papers[1]
    assert second.title == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert second.doi == "10.48550/arxiv.2106.09685"
    assert second.arxiv == "2106.09685"  # an arXiv DOI names the arXiv id
    assert second.listed == "Mar 11"
    assert second.abstract == "" and second.tags == ()
    third = papers[2]
    assert third.title == "Café Über Naïve Çañon: 50% of $5 & R&D a b"
    assert third.arxiv == "2401.00001" and third.entry_type == "inproceedings"
    assert third.citekey is None
    assert len(papers) == 3


def test_listed_note_as_written_by_the_exporter() -> None:
    text = "@misc{a,\n  title = {{A}},\n  note = {Listed Mar 11, 2024; Apr 2},\n}\n"
    (entry,), _ = parse_bibtex(text, "x.bib")
    assert entry.listed == "Mar 11, 2024"


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        (r"{{Braces}} {kept} {{{deep}}}", "Braces kept deep"),
        (r"\& \% \_ \# \$ \{ \}", "& % _ # $ { }"),
        (r"\textbraceleft{}x\textbraceright{} \textbackslash{}n", "{x} \\n"),
        (r"\textasciicircum{}2 \textasciitilde{}1 \^{} \~{}", "^2 ~1 ^ ~"),
        (r"\textless{}b\textgreater{} a\textbar{}b", "<b> a|b"),
        (
            r"{\'e}t{\'e} \`a \^o \"u \~n \=a \.z \u{g} \v{s} \H{o} \c{c} \k{a} \r{a}",
            "été à ô ü ñ ā ż ğ š ő ç ą å",
        ),
        (r"\'{\i}ndice \ss{} {\o} \AA{} \l", "índice ß ø Å ł"),
        (r"\emph{Em} \textbf{bold} \texttt{tt}", "Em bold tt"),
        (r"$\alpha$-divergence", r"$\alpha$-divergence"),
        ("line\n   wrapped\ttext", "line wrapped text"),
        (r"Hyphen\-ation", "Hyphenation"),
        (r"trailing backslash \\", "trailing backslash"),
    ],
)
def test_tex_to_text(raw: str, plain: str) -> None:
    assert tex_to_text(raw) == plain


def test_keywords_become_tags() -> None:
    text = "@misc{k, title={T}, keywords={ ml , cv/detection; {NLP}; ml ;; a\\_b, deep  learning }}"
    (paper,), _ = parse_bibtex(text, "x.bib")
    assert paper.tags == ("ml", "cv/detection", "NLP", "a_b", "deep-learning")


def test_url_cleanup() -> None:
    text = (
        "@misc{u, title={T}, url={https://example.org/a\\_b\n    /c\\%20d}}\n"
        "@misc{v, title={V}, url={ftp://example.org/file}}\n"
        "@misc{w, title={W}, url={\\url{https://github.com/a/b}}}\n"
    )
    papers, warnings = parse_bibtex(text, "x.bib")
    assert papers[0].url == "https://example.org/a_b/c%20d"
    assert papers[0].links == (Link("https://example.org/a_b/c%20d", "web"),)
    assert papers[1].url is None
    assert papers[2].url is None and papers[2].links == (Link("https://github.com/a/b", "code"),)
    assert warnings == ["x.bib: v: ignored url that is not http(s): ftp://example.org/file"]


BAD = """@misc{good, title={Good}}
@misc{notitle, note={no title here}}
@misc{good, title={A different paper}}
@misc{broken, title={unclosed {brace}
@misc{twice, title={One}, title={Two}}
@misc{fine, title={Fine}}
"""


def test_malformed_entries_are_refused_in_one_line() -> None:
    with pytest.raises(ReaderError) as caught:
        parse_bibtex(BAD, "refs.bib")
    message = str(caught.value)
    assert "\n" not in message
    assert message == (
        "refs.bib: malformed BibTeX entries: notitle, good, broken, twice "
        "(pass --skip-bad to skip them)"
    )


def test_skip_bad_keeps_the_good_entries_and_names_the_rest() -> None:
    entries, warnings = parse_bibtex(BAD, "refs.bib", skip_bad=True)
    assert [entry.citekey for entry in entries] == ["good", "fine"]
    assert entries[0].title == "Good"
    assert warnings == [
        "refs.bib: skipped malformed entry notitle: no title",
        "refs.bib: skipped malformed entry good: key used again for a different title",
        "refs.bib: skipped malformed entry broken: not valid BibTeX",
        "refs.bib: skipped malformed entry twice: field given twice (title)",
    ]


def test_repeated_entry_with_the_same_title_is_not_an_error() -> None:
    text = "@misc{a, title={Same Title}}\n@misc{a, title={{same title}}}\n"
    entries, warnings = parse_bibtex(text, "x.bib")
    assert [entry.title for entry in entries] == ["Same Title"]
    assert warnings == ["x.bib: skipped repeated entry a"]


def test_entry_without_key_is_malformed() -> None:
    with pytest.raises(ReaderError, match=r"malformed BibTeX entries: \(entry on line 2\)"):
        parse_bibtex("@misc{a, title={A}}\n@misc{, title={B}}\n", "x.bib")


def test_many_bad_keys_are_summarised() -> None:
    text = "".join(f"@misc{{k{i}, note={{x}}}}\n" for i in range(15))
    with pytest.raises(ReaderError) as caught:
        parse_bibtex(text, "x.bib")
    assert str(caught.value).endswith("k9 and 5 more (pass --skip-bad to skip them)")


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n", "just some text\nwith lines", "% only a comment\n", "@comment{nothing}"],
)
def test_no_entries(text: str) -> None:
    with pytest.raises(ReaderError, match=r"^notes\.txt: no BibTeX entries found$"):
        parse_bibtex(text, "notes.txt")


def test_all_bad_with_skip_bad_returns_nothing_but_warnings() -> None:
    entries, warnings = parse_bibtex("@misc{x, note={no title}}\n", "x.bib", skip_bad=True)
    assert entries == []
    assert warnings == ["x.bib: skipped malformed entry x: no title"]


def test_parser_output_is_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    parse_bibtex(BAD, "refs.bib", skip_bad=True)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@article{x,\n title={T}}", True),
        ("@MISC{x, title={T}}", True),
        ("\ufeff  @Misc {x, title={T}}", True),
        ("% a comment\n\n   % another\n@inproceedings( x, title={T})", True),
        ("@comment{x}", True),
        ("", False),
        ("% only comments\n", False),
        ("new\nGet trending papers in your email inbox!\n@misc{x,", False),
        ("email me @home{not bibtex}", False),
        ("@misc without a brace", False),
    ],
)
def test_looks_like_bibtex(text: str, expected: bool) -> None:
    assert looks_like_bibtex(text) is expected


@settings(max_examples=examples(300), deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from('@misc{}()"=,% \n\\#abc~^$&_x') | st.characters(),
        max_size=80,
    )
)
def test_never_raises_anything_but_reader_error(text: str) -> None:
    try:
        entries, warnings = parse_bibtex(text, "fuzz.bib", skip_bad=True)
    except ReaderError as error:
        assert "\n" not in str(error)
    else:
        assert all(entry.title for entry in entries)
        assert all(isinstance(warning, str) for warning in warnings)


# -- the fast splitter against bibtexparser -------------------------------------------------

_PIECES = st.sampled_from(
    [
        "@misc{", "@Article {", "@string{", "@comment{", "@preamble{", "@misc(", "@{",
        "key", "k2", "title", "Title", "month", " = ", "=", ",", ", ", "}", "{", "{{", "}}",
        '"', '{"}', "\\{", "\\}", '\\"', "\\", "#", " # ", "jan", "2017", "@", " @ ", "\n",
        "\n@misc{x,", "\n  ", "\t", " ", "a", "LoRA", "caf{\\'e}", "$x^{2}$", ")", "(", "%",
    ]
)  # fmt: skip
_BIBTEXISH = st.lists(_PIECES, max_size=40).map("".join)
_ENTRY = st.builds(
    lambda kind, key, fields: (
        f"@{kind}{{{key},\n" + ",\n".join(f"  {name} = {value}" for name, value in fields) + "\n}\n"
    ),
    st.sampled_from(["misc", "article", "InProceedings"]),
    st.sampled_from(["a", "b", "key:1", ""]),
    st.lists(
        st.tuples(
            st.sampled_from(["title", "author", "year", "month", "note", "title"]),
            st.one_of(
                _BIBTEXISH.map(lambda text: "{" + text + "}"),
                st.sampled_from(["2017", "jan", '"quoted"', '{a} # " b"', "{x {y} z}"]),
            ),
        ),
        max_size=4,
    ),
)
_FILES = st.one_of(_BIBTEXISH, st.lists(_ENTRY, max_size=4).map("".join))


def _slow(text: str) -> object:
    blocks = from_bibtexparser(bibtexparser.parse_string(text, parse_stack=[]))
    return blocks.items, blocks.strings


@settings(max_examples=examples(600), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_FILES)
@example("\n@misc{x,\\=key}}")  # "\=" is an escaped "=" to bibtexparser: no field there
@example("\n@misc{x,a\\ = {v}, b = 1}")
def test_the_fast_splitter_reads_what_bibtexparser_reads(text: str) -> None:
    fast = split_fast(text)
    if fast is not None:
        assert (fast.items, fast.strings) == _slow(text)


def test_the_fast_splitter_reads_the_usual_shapes() -> None:
    text = (
        '@string{conf = "Conference"}\n@comment{whatever {nested}}\n'
        "@Article{a,\n  title = {A {B} \\{c},\n  year = 2017,\n  month = jan,\n"
        '  note = "q {x} y",\n  venue = conf # { 2020},\n}\n'
        "@misc{b}\n"
    )
    fast = split_fast(text)
    assert fast is not None
    assert (fast.items, fast.strings) == _slow(text)
    values = {name: resolve(value, fast.strings) for name, value in fast.items[0].fields}
    assert values == {
        "title": "A {B} \\{c",
        "year": "2017",
        "month": "jan",
        "note": "q {x} y",
        "venue": "Conference 2020",
    }


@pytest.mark.parametrize(
    "text",
    [
        "@misc(a, title = {T})\n",  # parenthesised
        "@misc{a, title = {T}\n@misc{b, title = {U}}\n",  # unclosed
        "@misc{a, title = {T},, year = 1}\n",  # a stray comma
        "@misc{a, title}\n",  # a name without a value
    ],
)
def test_the_fast_splitter_hands_odd_files_to_bibtexparser(text: str) -> None:
    assert split_fast(text) is None
    parse_bibtex(text, "x.bib", skip_bad=True)  # and the file is still read
