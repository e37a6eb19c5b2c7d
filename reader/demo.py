"""The bundled sample: about forty well-known papers, and a little curation on top.

Used by ``reader demo``, the welcome screen's "load the sample" key, the screenshots and tests,
so that every view has something in it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from reader.demo_records import demo_records
from reader.importers.listing import parse_listing
from reader.incoming import ImportSummary
from reader.store import Library

DEMO_LIST = "Reading group: foundations"


def sample_texts() -> list[tuple[str, str]]:
    """(file name, text) of each bundled listing, in date order."""
    folder = resources.files("reader") / "data" / "sample"
    names = ["listing-mar-11.txt", "listing-apr-02.txt", "listing-may-22.txt"]
    return [(name, (folder / name).read_text(encoding="utf-8")) for name in names]


def import_sample(library: Library) -> ImportSummary:
    """The sample's listings, then the facts that make each paper citable."""
    listings = [parse_listing(text, name) for name, text in sample_texts()]
    summary = library.import_listings(listings)
    for prefix, record in demo_records():
        library.enrich_paper(library.resolve(prefix), record)
    return summary


def seed_demo(library: Library) -> None:
    """Import the sample and curate a few papers: tags, ratings, a note and a reading list."""
    import_sample(library)
    attention = library.resolve("attention-is-all-you-need")
    lora = library.resolve("lora-low-rank")
    resnet = library.resolve("deep-residual-learning")
    ddpm = library.resolve("denoising-diffusion-probabilistic")
    vit = library.resolve("an-image-is-worth")
    clip = library.resolve("learning-transferable-visual-models")
    sam = library.resolve("segment-anything")
    for paper_id, tags in [
        (attention, ["nlp/transformers", "classic"]),
        (lora, ["nlp/fine-tuning", "to-try"]),
        (resnet, ["vision", "classic"]),
        (ddpm, ["generative/diffusion"]),
        (vit, ["vision", "nlp/transformers"]),
        (clip, ["vision", "multimodal"]),
        (sam, ["vision/segmentation", "to-try"]),
    ]:
        library.tag(paper_id, tags)
    for paper_id, stars in [(attention, 5), (resnet, 5), (lora, 4), (ddpm, 4), (clip, 3)]:
        library.rate(paper_id, stars)
    library.set_status(attention, "read")
    library.set_status(resnet, "read")
    library.set_status(lora, "reading")
    library.add_note(
        lora,
        "Only the small update matrices train, so one base model can serve **many** tasks.\n\n"
        "- try rank 8 on the summarisation model\n- compare with full fine-tuning",
        quote="It adds no extra inference latency.",
    )
    library.create_list(DEMO_LIST, "Six papers to read before the first session.")
    library.add_to_list(DEMO_LIST, [attention, vit, clip, lora, ddpm, sam])
    library.clear_undo()


def create_demo_library(folder: Path) -> Path:
    path = folder / "demo.db"
    with Library(path) as library:
        seed_demo(library)
    return path
