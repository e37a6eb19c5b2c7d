"""The words the benchmark papers are made of: research topics (each with its methods, tasks,
objects, datasets and metrics), the sentences of abstracts, made-up method names, and what a
bibliographic record needs (people's names, venues, publishers, arXiv categories).

Each topic has a weight (Zipf-like), so a query like ``diffusion model`` finds a realistic share
of the library; a paper draws most of its words from its one topic, which is what the labelled
benchmark of related papers and recommendations relies on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str
    weight: float
    methods: tuple[str, ...]  # noun phrases naming a kind of method
    tasks: tuple[str, ...]  # what the method is for
    things: tuple[str, ...]  # objects the method works on
    datasets: tuple[str, ...]
    metrics: tuple[str, ...]


def _t(text: str, separator: str = ",") -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(separator) if part.strip())


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


# -- records: people, venues, categories ---------------------------------------------------------

FAMILY_NAMES = _t(
    "Wang, Li, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, Hu, Guo, Lin, "
    "He, Gao, Luo, Kim, Lee, Park, Choi, Nguyen, Tran, Smith, Johnson, Brown, Jones, Miller, "
    "Davis, Garcia, Rodriguez, Wilson, Martinez, Anderson, Taylor, Thomas, Moore, Jackson, "
    "Martin, Thompson, White, Harris, Clark, Lewis, Robinson, Walker, Young, Allen, King, "
    "Wright, Scott, Hill, Green, Adams, Baker, Nelson, Carter, Mitchell, Roberts, Turner, "
    "Phillips, Campbell, Parker, Evans, Edwards, Collins, Stewart, Morris, Murphy, Cook, Rogers, "
    "Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Hoffmann, Koch, Richter, Klein, "
    "Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Dubois, Durand, Lefebvre, Moreau, "
    "Laurent, Simon, Michel, Tanaka, Suzuki, Takahashi, Watanabe, Ito, Yamamoto, Nakamura, "
    "Kobayashi, Sato, Gupta, Sharma, Singh, Kumar, Patel, Reddy, Iyer, Rao, Ivanov, Petrov, "
    "Smirnov, Kuznetsov, Novak, Kowalski, Nowak, Jensen, Hansen, Nielsen, Larsen, Andersson, "
    "Johansson, Karlsson, Silva, Santos, Oliveira, Souza, Pereira, Costa, Cohen, Levy, Ali, Khan"
)
GIVEN_NAMES = _t(
    "Wei, Jing, Yu, Hao, Xin, Yi, Jun, Lei, Tao, Yang, Min, Jie, Ming, Hui, Li, Ying, Chen, Feng, "
    "Jiwoo, Minjun, Seoyeon, Anh, Linh, James, Mary, John, Patricia, Robert, Jennifer, Michael, "
    "Linda, David, Elizabeth, William, Barbara, Richard, Susan, Joseph, Jessica, Thomas, Sarah, "
    "Daniel, Karen, Matthew, Emily, Andrew, Laura, Anna, Maria, Sofia, Lukas, Leon, Felix, "
    "Hannah, Giulia, Marco, Luca, Chiara, Camille, Louis, Chloé, Hugo, Yuki, Haruto, Sakura, "
    "Ren, Aarav, Priya, Rohan, Ananya, Dmitri, Olga, Sergei, Katarzyna, Piotr, Lars, Ingrid, "
    "Erik, Astrid, João, Ana, Pedro, Noam, Yael, Omar, Fatima, Ayesha, Ahmed, Edward J., "
    "Ashish, Yelong, Diederik P., Geoffrey E., Ilya, Kaiming, Ross, Piotr, Aidan N., Lukasz"
)
# Names as arXiv's ``authors_parsed`` and BibTeX files write them, accents in LaTeX.
LATEX_FAMILY_NAMES = (
    ('M{\\"u}ller', "Müller"),
    ("Bal{\\'a}zs", "Balázs"),
    ("Garc{\\'\\i}a", "García"),
    ("Jos{\\'e}", "José"),
    ('Sch{\\"o}lkopf', "Schölkopf"),
    ("Fran{\\c{c}}ois", "François"),
    ("Dvo{\\v{r}}{\\'a}k", "Dvořák"),
    ("{\\O}stergaard", "Østergaard"),
    ("Ng{\\^o}", "Ngô"),
    ("Erd{\\H{o}}s", "Erdős"),
)
JOURNALS = _t(
    "Journal of Machine Learning Research, Transactions on Machine Learning Research, "
    "IEEE Transactions on Pattern Analysis and Machine Intelligence, Nature, "
    "Nature Machine Intelligence, Artificial Intelligence, Machine Learning, "
    "International Journal of Computer Vision, Computational Linguistics, "
    "Transactions of the Association for Computational Linguistics, Neural Computation, "
    "Pattern Recognition, Neural Networks, Science Robotics, IEEE Robotics and Automation Letters"
)
PROCEEDINGS = _t(
    "Advances in Neural Information Processing Systems; "
    "International Conference on Machine Learning; "
    "International Conference on Learning Representations; "
    "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition; "
    "Proceedings of the IEEE/CVF International Conference on Computer Vision; "
    "European Conference on Computer Vision; "
    "Proceedings of the Annual Meeting of the Association for Computational Linguistics; "
    "Proceedings of the Conference on Empirical Methods in Natural Language Processing; "
    "Proceedings of the AAAI Conference on Artificial Intelligence; "
    "International Joint Conference on Artificial Intelligence; Conference on Robot Learning; "
    "Robotics: Science and Systems; "
    "International Conference on Artificial Intelligence and Statistics; "
    "Conference on Uncertainty in Artificial Intelligence; "
    "ACM SIGKDD Conference on Knowledge Discovery and Data Mining; The Web Conference; "
    "Interspeech; International Conference on Acoustics, Speech and Signal Processing",
    ";",
)
PUBLISHERS = _t(
    "Curran Associates, Inc.; PMLR; OpenReview.net; IEEE; Springer; ACM; "
    "Association for Computational Linguistics; AAAI Press; Elsevier; MIT Press",
    ";",
)
# The journal reference arXiv lines give, with its volume and pages.
JOURNAL_REFS = _t(
    "Phys. Rev. D, Phys. Rev. Lett., J. Mach. Learn. Res., IEEE Trans. Pattern Anal. Mach. "
    "Intell., Neural Comput., Proc. NeurIPS, Proc. ICML, Nature, Astrophys. J., Commun. Math. Phys."
)
DOI_PREFIXES = _t(
    "10.1109/CVPR, 10.1109/ICCV, 10.1007/978-3-031, 10.18653/v1, 10.1145/3580305, 10.1038/s41586, "
    "10.1609/aaai, 10.1016/j.artint, 10.1162/neco, 10.1103/PhysRevD"
)
# arXiv categories of each topic, by its name: the first is the primary one.
CATEGORIES = {
    "language models": ("cs.CL", "cs.AI", "cs.LG"),
    "diffusion": ("cs.CV", "cs.LG", "cs.GR"),
    "vision": ("cs.CV", "cs.LG", "eess.IV"),
    "multimodal": ("cs.CV", "cs.CL", "cs.MM"),
    "3d": ("cs.CV", "cs.GR", "cs.RO"),
    "reinforcement learning": ("cs.LG", "cs.AI", "stat.ML"),
    "robotics": ("cs.RO", "cs.AI", "cs.CV"),
    "graphs": ("cs.LG", "cs.SI", "q-bio.BM"),
    "speech": ("eess.AS", "cs.SD", "cs.CL"),
    "efficiency": ("cs.LG", "cs.AR", "cs.CL"),
    "theory": ("stat.ML", "cs.LG", "math.OC"),
    "time series and health": ("cs.LG", "eess.SP", "q-bio.QM"),
}
# Maths as abstracts write it (arXiv keeps it in the title and abstract as typed).
LATEX_SNIPPETS = (
    "$\\mathcal{O}(n \\log n)$",
    "$O(n^2)$",
    "$\\ell_1$",
    "$k$-nearest neighbours",
    "$\\alpha$-divergence",
    "up to $10\\times$",
    "$\\epsilon$-greedy",
    "$L^2$",
)
