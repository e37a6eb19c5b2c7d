"""Deterministic synthetic listing dumps for the benchmarks.

The papers are built from a seeded random generator, so the same size and seed always give the
same files. Each paper has a main topic, drawn with Zipf-like weights, that supplies most of its
words: queries like ``diffusion model`` then hit a realistic share of the library (a few per cent)
instead of nothing or everything. Made-up method names and acronyms ("FlexDiff-2", "QTRiM") give
the titles a vocabulary of tens of thousands of words, as real titles have, which matters for the
typo correction that searches the title vocabulary.

Titles are 60-120 characters, abstracts about 1,200; about one abstract in ten gives a GitHub URL.
Papers are split into files of 1,000, each with its own date line, in the layout with a blank line
between every line.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from reader.importers.listing import paper_key

GENERATOR_VERSION = 1
PAPERS_PER_FILE = 1_000
DEFAULT_SEED = 20240311
HEADER = (
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "byAK and the research community",
)
MANIFEST = "manifest.json"

# -- vocabulary ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    name: str
    weight: float
    methods: tuple[str, ...]  # noun phrases naming a kind of method
    tasks: tuple[str, ...]  # what the method is for
    things: tuple[str, ...]  # objects the method works on
    datasets: tuple[str, ...]
    metrics: tuple[str, ...]


def _t(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


TOPICS: tuple[Topic, ...] = (
    Topic(
        "language models",
        10,
        _t(
            "large language models, language models, instruction tuning, chain-of-thought "
            "prompting, retrieval-augmented generation, preference optimization, reward models, "
            "mixture of experts, speculative decoding, in-context learning, tool use, "
            "direct preference optimization, process supervision, self-consistency"
        ),
        _t(
            "mathematical reasoning, code generation, long-context understanding, question "
            "answering, instruction following, alignment, hallucination detection, summarization, "
            "machine translation, multi-step reasoning, dialogue, fact verification"
        ),
        _t(
            "tokens, prompts, reasoning chains, instructions, human preferences, documents, "
            "retrieved passages, context windows, attention heads, language agents"
        ),
        _t("GSM8K, MATH, MMLU, HumanEval, MBPP, TruthfulQA, BIG-Bench, AlpacaEval, LongBench"),
        _t("accuracy, pass@1, win rate, exact match, perplexity"),
    ),
    Topic(
        "diffusion",
        7,
        _t(
            "diffusion models, latent diffusion, score-based generative models, flow matching, "
            "consistency models, denoising diffusion, classifier-free guidance, diffusion "
            "transformers, rectified flow, diffusion distillation"
        ),
        _t(
            "text-to-image generation, image editing, video generation, image synthesis, "
            "inpainting, super-resolution, personalized generation, controllable generation, "
            "text-to-video synthesis, style transfer"
        ),
        _t(
            "images, videos, noise schedules, latent codes, text prompts, sampling steps, "
            "attention maps, denoisers, generated samples"
        ),
        _t("ImageNet, COCO, LAION, FFHQ, UCF-101, DrawBench, CelebA-HQ"),
        _t("FID, CLIP score, Inception score, human preference"),
    ),
    Topic(
        "vision",
        6,
        _t(
            "vision transformers, convolutional networks, self-supervised learning, masked "
            "autoencoders, contrastive learning, object detectors, segmentation models, "
            "foundation models, state space models, neural architecture search"
        ),
        _t(
            "image classification, object detection, semantic segmentation, instance "
            "segmentation, depth estimation, visual tracking, open-vocabulary detection, "
            "representation learning, video understanding, pose estimation"
        ),
        _t(
            "images, patches, feature maps, bounding boxes, visual tokens, masks, backbones, "
            "video frames, pixels, receptive fields"
        ),
        _t("ImageNet, COCO, ADE20K, Cityscapes, Kinetics-400, LVIS, Pascal VOC"),
        _t("top-1 accuracy, mAP, mIoU, AP, throughput"),
    ),
    Topic(
        "multimodal",
        5,
        _t(
            "vision-language models, multimodal large language models, contrastive "
            "language-image pretraining, visual instruction tuning, multimodal transformers, "
            "audio-visual models, cross-modal retrieval"
        ),
        _t(
            "visual question answering, image captioning, visual grounding, document "
            "understanding, video question answering, referring expression comprehension, "
            "multimodal reasoning, chart understanding"
        ),
        _t(
            "image-text pairs, visual tokens, captions, interleaved documents, charts, "
            "screenshots, video clips, region descriptions"
        ),
        _t("VQAv2, GQA, TextVQA, MMBench, ScienceQA, NoCaps, Flickr30k, DocVQA"),
        _t("accuracy, CIDEr, recall@1, BLEU"),
    ),
    Topic(
        "3d",
        4,
        _t(
            "neural radiance fields, Gaussian splatting, implicit neural representations, "
            "point cloud networks, mesh generation, multi-view diffusion, signed distance fields"
        ),
        _t(
            "novel view synthesis, 3D reconstruction, scene understanding, avatar animation, "
            "text-to-3D generation, SLAM, relighting, shape completion"
        ),
        _t(
            "point clouds, meshes, camera poses, radiance fields, 3D Gaussians, depth maps, "
            "voxels, multi-view images"
        ),
        _t("ScanNet, ShapeNet, KITTI, nuScenes, Objaverse, Replica, DTU, LLFF"),
        _t("PSNR, SSIM, LPIPS, Chamfer distance, F-score"),
    ),
    Topic(
        "reinforcement learning",
        4,
        _t(
            "reinforcement learning, offline reinforcement learning, policy optimization, "
            "model-based reinforcement learning, actor-critic methods, inverse reinforcement "
            "learning, multi-agent reinforcement learning, world models"
        ),
        _t(
            "continuous control, exploration, decision making, reward design, sequential "
            "decision making, game playing, planning, credit assignment"
        ),
        _t(
            "policies, value functions, rewards, trajectories, agents, environments, "
            "demonstrations, replay buffers"
        ),
        _t("Atari, MuJoCo, D4RL, Procgen, Meta-World, NetHack, DeepMind Control Suite"),
        _t("normalized return, success rate, sample efficiency, regret"),
    ),
    Topic(
        "robotics",
        3,
        _t(
            "vision-language-action models, imitation learning, diffusion policies, "
            "sim-to-real transfer, embodied agents, legged locomotion controllers, "
            "task and motion planning"
        ),
        _t(
            "robotic manipulation, navigation, dexterous grasping, humanoid locomotion, "
            "long-horizon tasks, autonomous driving, mobile manipulation"
        ),
        _t(
            "robots, demonstrations, end effectors, trajectories, grippers, occupancy maps, "
            "tactile signals, language instructions"
        ),
        _t("RLBench, CALVIN, Habitat, LIBERO, nuPlan, Open X-Embodiment"),
        _t("success rate, collision rate, completion time"),
    ),
    Topic(
        "graphs",
        3,
        _t(
            "graph neural networks, message passing networks, graph transformers, knowledge "
            "graph embeddings, equivariant networks, graph contrastive learning"
        ),
        _t(
            "node classification, link prediction, molecular property prediction, "
            "recommendation, drug discovery, protein structure prediction, traffic forecasting"
        ),
        _t(
            "graphs, nodes, edges, molecules, proteins, knowledge graphs, subgraphs, "
            "heterogeneous graphs"
        ),
        _t("OGB, Cora, QM9, ZINC, PCQM4Mv2, MovieLens, FB15k-237"),
        _t("ROC-AUC, MAE, Hits@10, NDCG, accuracy"),
    ),
    Topic(
        "speech",
        3,
        _t(
            "speech language models, neural audio codecs, text-to-speech models, self-supervised "
            "speech representations, speech recognizers, voice conversion models"
        ),
        _t(
            "speech recognition, speech synthesis, speaker verification, speech translation, "
            "music generation, audio captioning, spoken dialogue"
        ),
        _t("waveforms, spectrograms, speakers, audio tokens, phonemes, utterances, music"),
        _t("LibriSpeech, VCTK, Common Voice, AudioCaps, MusicCaps, VoxCeleb"),
        _t("word error rate, MOS, speaker similarity, FAD"),
    ),
    Topic(
        "efficiency",
        4,
        _t(
            "low-rank adaptation, quantization, structured pruning, knowledge distillation, "
            "sparse attention, parameter-efficient fine-tuning, KV cache compression, "
            "linear attention, early exiting"
        ),
        _t(
            "efficient inference, memory-efficient training, model compression, on-device "
            "deployment, long-sequence modeling, serving large models, efficient fine-tuning"
        ),
        _t(
            "weights, activations, attention heads, KV caches, GPUs, adapters, tokens, "
            "layers, sparse kernels"
        ),
        _t("WikiText-2, C4, GLUE, LongBench, ImageNet, MMLU"),
        _t("perplexity, speedup, memory footprint, latency, throughput"),
    ),
    Topic(
        "theory",
        2,
        _t(
            "stochastic gradient descent, adaptive optimizers, kernel methods, overparameterized "
            "networks, Bayesian neural networks, optimal transport, scaling laws"
        ),
        _t(
            "generalization, convergence analysis, uncertainty estimation, implicit bias, "
            "sample complexity, robustness certification, calibration"
        ),
        _t(
            "gradients, loss landscapes, learning rates, hidden layers, random features, "
            "posteriors, step sizes"
        ),
        _t("CIFAR-10, CIFAR-100, MNIST, synthetic data, UCI datasets"),
        _t("test error, generalization gap, expected calibration error"),
    ),
    Topic(
        "time series and health",
        2,
        _t(
            "time series foundation models, forecasting transformers, federated learning, "
            "medical foundation models, clinical language models, anomaly detectors"
        ),
        _t(
            "time series forecasting, anomaly detection, medical image segmentation, "
            "clinical prediction, weather forecasting, privacy-preserving learning"
        ),
        _t(
            "time series, sensor readings, patients, radiology reports, CT scans, "
            "electronic health records, weather fields"
        ),
        _t("ETTh1, Weather, MIMIC-IV, BraTS, ERA5, CheXpert"),
        _t("MSE, MAE, Dice score, AUROC, F1"),
    ),
)

ADJECTIVES = _t(
    "Efficient, Scalable, Robust, Unified, Adaptive, Simple, Fast, Generalizable, Interpretable, "
    "Hierarchical, Modular, Sparse, Dense, Lightweight, Training-Free, Zero-Shot, Few-Shot, "
    "Self-Supervised, Multi-Scale, Controllable, Faithful, Compositional, Data-Efficient, "
    "Open-Vocabulary, Continual, Federated, Causal, Probabilistic, Differentiable, Universal, "
    "Consistent, Calibrated, Energy-Efficient, Memory-Efficient, Long-Horizon, Real-Time"
)
VERBS = _t(
    "improves, outperforms, matches, surpasses, reduces, accelerates, stabilizes, simplifies, "
    "generalizes, scales"
)
INTRO_VERBS = _t("propose, introduce, present, develop, study, revisit, investigate")
NAME_HEADS = _t(
    "Flex, Omni, Mamba, Hyper, Fast, Meta, Neo, Uni, Any, Deep, Sparse, Long, Octo, Mix, Dream, "
    "Insta, Magic, Pixel, Token, Graph, Robo, Sound, Wave, Light, Quant, Lo, Mo, Co, Open, Star, "
    "Tiny, Mega, Vid, Lumi, Astra, Echo, Nova, Zen, Swift, Prism, Atlas, Orca, Lynx, Kite"
)
NAME_TAILS = _t(
    "Gen, Former, Diff, Net, LM, Fusion, GPT, Mind, Bench, Agent, Edit, Flow, Splat, Nav, Coder, "
    "Seg, Det, Voice, Bot, Rank, Cast, Sim, Zero, Tune, Mix, Pilot, Scope, Sync, Craft, Vision, "
    "Chat, Grasp, Map"
)
NAME_SUFFIXES = ("", "", "", "", "-2", "-3", "-XL", "++", "v2", "-R1", "-Lite", "-Pro")
ORGS = _t(
    "openai, google-research, facebookresearch, microsoft, nvlabs, huggingface, "
    "apple, alibaba, thudm, baaivision, mit-han-lab, stanford-crfm, allenai, "
    "deepseek-ai, salesforce, tencent, bytedance, open-mmlab, cvg, ylab"
)
SMALL_WORDS = frozenset(
    ("a", "an", "the", "of", "for", "with", "via", "in", "on", "to", "and", "from", "by", "at")
    + ("as", "is", "are", "into", "over", "under", "beyond")
)
FILLER_OPENERS = (
    "Despite rapid progress, {task} remains challenging because {things} are scarce, noisy "
    "and expensive to annotate.",
    "Recent work on {method} has shown strong results, yet its cost grows quickly with the "
    "number of {things}.",
    "{Task} is a central problem in machine learning, with applications ranging from science "
    "to everyday software.",
    "Existing approaches to {task} rely on hand-designed heuristics that fail to transfer "
    "across domains.",
)
FILLER_SENTENCES = (
    "We {intro} {name}, a {adj} framework that combines {method} with {method2} to handle "
    "{things} at scale.",
    "Our key observation is that {things} carry redundant information, which {method} can "
    "exploit without additional supervision.",
    "The approach requires no task-specific tuning and adds negligible overhead at inference time.",
    "We further introduce a {adj} training objective that aligns {things} with {things2}, "
    "together with a curriculum over increasingly difficult examples.",
    "Experiments on {dataset} and {dataset2} show that {name} {verb} strong baselines by "
    "{number} points of {metric} while using {factor} fewer parameters.",
    "On {dataset}, our model reaches {percent}% {metric}, a new state of the art among "
    "methods of similar size.",
    "Ablation studies confirm that each component contributes to the final performance and "
    "that the gains hold across model scales from {small} to {large} parameters.",
    "We analyze the failure modes of prior {method} and show theoretically that they stem "
    "from a mismatch between training and evaluation distributions.",
    "In addition, {name} generalizes to unseen {things} and to {task} without retraining.",
    "Human evaluations indicate that outputs of our system are preferred in {percent}% of "
    "pairwise comparisons.",
    "We release a benchmark of {count} curated examples for {task} to support future research.",
    "Compared with {method}, our approach is {factor} faster and more stable across random seeds.",
)


def _title_case(text: str) -> str:
    words = text.split(" ")
    out = []
    for index, word in enumerate(words):
        if index and word.lower() in SMALL_WORDS:
            out.append(word.lower())
        elif word[:1].islower():
            out.append("-".join(part[:1].upper() + part[1:] for part in word.split("-")))
        else:
            out.append(word)
    return " ".join(out)


class PaperFactory:
    """Makes one paper at a time from a seeded generator; titles are unique by paper key."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.weights = [topic.weight for topic in TOPICS]
        self.keys: set[str] = set()

    def name(self) -> str:
        rng = self.rng
        if rng.random() < 0.6:
            return rng.choice(NAME_HEADS) + rng.choice(NAME_TAILS) + rng.choice(NAME_SUFFIXES)
        letters = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVW") for _ in range(rng.randint(3, 6)))
        if rng.random() < 0.4:  # mixed case, as in QLoRA or ViTDet
            index = rng.randrange(1, len(letters))
            letters = letters[:index] + letters[index].lower() + letters[index + 1 :]
        return letters

    def topic(self) -> Topic:
        return self.rng.choices(TOPICS, weights=self.weights)[0]

    def title(self, topic: Topic, name: str) -> str:
        rng = self.rng
        for _ in range(50):
            method = rng.choice(topic.methods)
            task = rng.choice(topic.tasks)
            thing = rng.choice(topic.things)
            adj = rng.choice(ADJECTIVES)
            other = self.topic()
            pattern = rng.randrange(10)
            if pattern == 0:
                text = f"{name}: {adj} {method} for {task}"
            elif pattern == 1:
                text = f"{adj} {task} with {method} and {rng.choice(other.methods)}"
            elif pattern == 2:
                text = f"Towards {adj} {task} via {method}"
            elif pattern == 3:
                text = f"On the {rng.choice(('Limits', 'Robustness', 'Role', 'Scaling'))} of "
                text += f"{method} for {task}"
            elif pattern == 4:
                text = f"{name}: Learning {thing} with {method}"
            elif pattern == 5:
                text = f"{method} Are {adj} Learners of {thing}"
            elif pattern == 6:
                text = f"When {method} Meet {rng.choice(other.methods)}: {adj} {task}"
            elif pattern == 7:
                text = f"{name}: Scaling {method} to {rng.randint(2, 900)}B {thing}"
            elif pattern == 8:
                text = f"{adj} {method} Improves {task} on {rng.choice(topic.datasets)}"
            else:
                text = f"{name}: {adj} and {rng.choice(ADJECTIVES)} {task} from {thing}"
            text = _title_case(text)
            while len(text) < 60:
                text += rng.choice(
                    (
                        f" with {_title_case(rng.choice(topic.things))}",
                        f" in {_title_case(rng.choice(other.tasks))}",
                        f" at Scale ({name})",
                    )
                )
            if len(text) > 120:
                continue
            key = paper_key(text)
            if key not in self.keys:
                self.keys.add(key)
                return text
            # A clash: the same words again; a distinguishing name almost always fixes it.
            name = self.name()
        raise RuntimeError("could not make a unique title")

    def abstract(self, topic: Topic, name: str) -> str:
        rng = self.rng
        target = max(700, min(1800, int(rng.gauss(1200, 160))))

        def fill(template: str) -> str:
            method, method2 = rng.sample(topic.methods, 2)
            things, things2 = rng.sample(topic.things, 2)
            dataset, dataset2 = rng.sample(topic.datasets, 2)
            task = rng.choice(topic.tasks)
            return template.format(
                intro=rng.choice(INTRO_VERBS),
                name=name,
                adj=rng.choice(ADJECTIVES).lower(),
                method=method,
                method2=method2,
                things=things,
                things2=things2,
                task=task,
                Task=task[:1].upper() + task[1:],
                dataset=dataset,
                dataset2=dataset2,
                verb=rng.choice(VERBS),
                metric=rng.choice(topic.metrics),
                number=f"{rng.uniform(0.5, 12):.1f}",
                percent=f"{rng.uniform(40, 95):.1f}",
                factor=f"{rng.choice((1.5, 2, 3, 4, 5, 8, 10))}x",
                small=f"{rng.choice((7, 60, 125, 350))}M",
                large=f"{rng.choice((1, 3, 7, 13, 70))}B",
                count=f"{rng.randrange(1, 60) * 500:,}",
            )

        sentences = [fill(rng.choice(FILLER_OPENERS))]
        if rng.random() < 0.7:  # most abstracts name their method early on
            sentences.append(fill(FILLER_SENTENCES[0]))
        length = sum(len(s) + 1 for s in sentences)
        pool = list(FILLER_SENTENCES[1:])
        while length < target - 60:
            sentence = fill(rng.choice(pool))
            sentences.append(sentence)
            length += len(sentence) + 1
        if rng.random() < 0.10:
            repo = re.sub(r"[^A-Za-z0-9-]+", "-", name).strip("-") or "code"
            sentences.append(f"Code: https://github.com/{rng.choice(ORGS)}/{repo}.")
        elif rng.random() < 0.03:
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "project"
            sentences.append(f"Project page: https://{slug}.example.org/.")
        return " ".join(sentences)

    def paper(self) -> tuple[str, str]:
        topic = self.topic()
        name = self.name()
        return self.title(topic, name), self.abstract(topic, name)


def listing_text(listed: str, papers: list[tuple[str, str]]) -> str:
    lines = [*HEADER, listed]
    for title, abstract in papers:
        lines += [title, abstract]
    return "\n\n".join(lines) + "\n"


@dataclass(frozen=True)
class Dump:
    """A generated folder of listings."""

    folder: Path
    papers: int
    files: int
    bytes: int


def generate(count: int, folder: Path, *, seed: int = DEFAULT_SEED) -> Dump:
    """Write ``count`` papers into ``folder`` (created), ~1,000 per file with its own date."""
    folder.mkdir(parents=True, exist_ok=True)
    factory = PaperFactory(random.Random(f"{seed}-{count}"))
    start = date(2024, 1, 2)
    total = 0
    files = 0
    for index, first in enumerate(range(0, count, PAPERS_PER_FILE)):
        size = min(PAPERS_PER_FILE, count - first)
        day = start + timedelta(days=index % 365)
        listed = f"{day:%b} {day.day}"
        text = listing_text(listed, [factory.paper() for _ in range(size)])
        data = text.encode("utf-8")
        (folder / f"listing-{index + 1:04d}.txt").write_bytes(data)
        total += len(data)
        files += 1
    return Dump(folder, count, files, total)


def cached_dump(count: int, cache: Path, *, seed: int = DEFAULT_SEED) -> Dump:
    """The dump for ``count`` papers, generated once into the cache and reused afterwards."""
    folder = cache / f"listings-{count}-seed{seed}-v{GENERATOR_VERSION}"
    manifest = cache / f"{folder.name}.{MANIFEST}"  # beside the folder: import reads *.json
    if manifest.exists():
        data = json.loads(manifest.read_text())
        return Dump(folder, data["papers"], data["files"], data["bytes"])
    if folder.exists():  # an interrupted run: start that folder again
        shutil.rmtree(folder)
    dump = generate(count, folder, seed=seed)
    manifest.write_text(
        json.dumps({"papers": dump.papers, "files": dump.files, "bytes": dump.bytes}) + "\n"
    )
    return dump


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic listing dump.")
    parser.add_argument("count", type=int, help="how many papers")
    parser.add_argument("folder", type=Path, help="where to write the listing files")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    dump = generate(args.count, args.folder, seed=args.seed)
    print(f"{dump.papers} papers in {dump.files} files ({dump.bytes:,} bytes) in {dump.folder}")


if __name__ == "__main__":
    main()
