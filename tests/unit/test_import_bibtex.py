"""BibTeX import: good files, refused and skipped bad entries, LaTeX escapes, detection."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.importers.bibtex import BibEntry, looks_like_bibtex, parse_bibtex, tex_to_text
from reader.models import ReaderError

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
    entries, warnings = parse_bibtex(GOOD, "refs.bib")
    assert warnings == []
    assert entries[0] == BibEntry(
        key="vaswani2017attention",
        title="Attention Is All You Need",
        abstract="The dominant sequence transduction models are based on complex recurrent or "
        "convolutional neural networks.",
        url="https://arxiv.org/abs/1706.03762",
        tags=("transformers", "attention", "nlp/seq2seq"),
        listed=None,
    )
    assert entries[1].title == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert entries[1].url == "https://doi.org/10.48550/arXiv.2106.09685"
    assert entries[1].listed == "Mar 11"
    assert entries[1].abstract == ""
    assert entries[1].tags == ()
    assert entries[2].title == "Café Über Naïve Çañon: 50% of $5 & R&D a b"
    assert entries[2].url == "https://arxiv.org/abs/2401.00001"
    assert len(entries) == 3


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
    text = "@misc{k, title={T}, keywords={ ml , cv/detection; {NLP}; ml ;; a\\_b }}"
    (entry,), _ = parse_bibtex(text, "x.bib")
    assert entry.tags == ("ml", "cv/detection", "NLP", "a_b")


def test_url_cleanup() -> None:
    text = (
        "@misc{u, title={T}, url={https://example.org/a\\_b\n    /c\\%20d}}\n"
        "@misc{v, title={V}, url={ftp://example.org/file}}\n"
    )
    entries, warnings = parse_bibtex(text, "x.bib")
    assert entries[0].url == "https://example.org/a_b/c%20d"
    assert entries[1].url is None
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
    assert [entry.key for entry in entries] == ["good", "fine"]
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


@settings(max_examples=300, deadline=None)
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
