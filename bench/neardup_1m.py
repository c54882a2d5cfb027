"""Near-duplicate detection at scale: N synthetic Vietnamese articles, signatures, clusters.

    python bench/neardup_1m.py                 # 1,000,000 articles (target: <= 10 min, <= 4 GB)
    python bench/neardup_1m.py --n 50000       # a quick run

Articles (~300 syllables) are drawn from the seeds' syllables at their
frequencies, with set phrases of the seeds (5-syllable spans) mixed in per
topic, so that two distinct articles of one topic share about as many
trigrams as two real seed articles do (printed). A known fraction are edited
copies of an earlier article (a changed paragraph, an update, a cut, a wire
credit). Workers generate and sign the articles (corpus.dedup.neardup.signatures);
corpus.dedup.neardup.similar_pairs compares them (in worker processes) and
assign_clusters forms the clusters; a thread samples the memory (PSS) of the
whole process tree. Wall times depend on what else runs on the machine: the
run prints CPU seconds and the kernel's CPU pressure too.

Baseline, same run: the plain datasketch recipe (MinHash.update with its
default SHA-1 on each shingle string; one MinHashLSH for everything, its own
parameters for the threshold) on --baseline-n articles, extrapolated to N.
"""
from __future__ import annotations

import argparse
import functools
import os
import resource
import sys
import threading
import time
from collections import Counter
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.dedup import neardup  # noqa: E402 (after the path insert)

SEEDS = ROOT / "corpus" / "data" / "seeds"
SYLLABLES_PER_ARTICLE = 300
SEGMENT = 15            # a set phrase + drawn syllables
PHRASE = 5              # syllables per set phrase
PHRASES_PER_TOPIC = 30  # calibrated: distinct same-topic articles share trigrams like the seeds do
EDITS = ("changed_paragraph", "updated", "abridged", "wire_copy")


# --- synthetic articles -----------------------------------------------------

def _vocabulary():
    words = [w for p in sorted(SEEDS.glob("*.txt")) for w in neardup.syllables(p.read_text(encoding="utf-8"))]
    counts = Counter(words)
    vocab = sorted(counts)
    probs = np.array([counts[w] for w in vocab], dtype=np.float64)
    return words, vocab, np.cumsum(probs / probs.sum())


WORDS, VOCAB, CDF = _vocabulary()


@functools.cache
def _topic_phrases(topic: int) -> list[str]:
    rng = np.random.default_rng(10_000 + topic)
    starts = rng.integers(0, len(WORDS) - PHRASE, PHRASES_PER_TOPIC)
    return [" ".join(WORDS[s:s + PHRASE]) for s in starts]


def _drawn(rng, count: int) -> list[str]:
    """Syllables at the seeds' frequencies."""
    picks = np.minimum(np.searchsorted(CDF, rng.random(count)), len(VOCAB) - 1)
    return [VOCAB[k] for k in picks.tolist()]


def _paragraphs(family: int, topics: int) -> list[str]:
    """The original article of a family: paragraphs of 4 sentences, a sentence per segment."""
    rng = np.random.default_rng(family)
    phrases = _topic_phrases(family % topics)
    count, drawn_per = SYLLABLES_PER_ARTICLE // SEGMENT, SEGMENT - PHRASE
    chosen = rng.integers(len(phrases), size=count).tolist()
    where = rng.integers(drawn_per + 1, size=count).tolist()
    drawn = _drawn(rng, count * drawn_per)
    sentences = []
    for k in range(count):
        words = drawn[k * drawn_per:(k + 1) * drawn_per]
        words.insert(where[k], phrases[chosen[k]])
        sentences.append(" ".join(words).capitalize() + ".")
    return [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]


def article(index: int, family: int, topics: int) -> str:
    ps = _paragraphs(family, topics)
    if family != index:  # an edited copy
        rng = np.random.default_rng(1_000_000_007 + index)
        edit = EDITS[index % len(EDITS)]
        if edit == "changed_paragraph":
            ps[rng.integers(1, len(ps))] = " ".join(_drawn(rng, 60)).capitalize() + "."
        elif edit == "updated":
            ps = ps + [" ".join(_drawn(rng, 30)).capitalize() + ".", "(Cập nhật lúc 20:15)"]
        elif edit == "abridged":
            ps = ps[:-1]
        else:
            ps = ps + ["Theo TTXVN"]
            ps[2] = ps[2].split(". ", 1)[-1]
    return "\n".join(ps)


def families(n: int, dup_fraction: float, seed: int = 7) -> np.ndarray:
    """family[i] == i for an original, else the index of the earlier original it copies."""
    rng = np.random.default_rng(seed)
    is_copy = rng.random(n) < dup_fraction
    is_copy[0] = False
    originals = np.flatnonzero(~is_copy)
    before = np.searchsorted(originals, np.arange(n))  # originals earlier than i
    family = np.arange(n)
    copies = np.flatnonzero(is_copy)
    family[copies] = originals[(rng.random(len(copies)) * before[copies]).astype(np.int64)]
    return family


def sign_range(job):
    start, family, topics = job
    t0 = time.process_time()
    texts = [article(start + k, int(f), topics) for k, f in enumerate(family)]
    t1 = time.process_time()
    sigs = neardup.signatures(texts)
    return start, sigs, t1 - t0, time.process_time() - t1


# --- memory of the process tree ---------------------------------------------

def _pss(pid: int) -> int:
    """Proportional set size: shared pages (fork, shared memory) split between their users."""
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        for line in fh:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def tree_memory(root_pid: int) -> int:
    """Summed PSS of a process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        try:
            total += _pss(pid)
        except OSError:  # ended meanwhile
            pass
        todo.extend(children.get(pid, []))
    return total


class PeakMemory(threading.Thread):
    """Samples the memory of this process and its descendants every 0.2 s."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = 0
        self.running = True

    def run(self):
        while self.running:
            self.peak = max(self.peak, tree_memory(os.getpid()))
            time.sleep(0.2)

    def stop(self) -> int:
        self.running = False
        self.join()
        return self.peak


# --- the runs -----------------------------------------------------------------

def cpu_pressure() -> str:
    """Share of the last 60 s in which runnable tasks waited for a CPU (other load on the machine)."""
    try:
        with open("/proc/pressure/cpu") as fh:
            return fh.readline().split()[2].split("=")[1] + "%"
    except (OSError, IndexError):
        return "unknown"


def _cpu() -> float:
    """CPU seconds of this process and its ended children."""
    own, ended = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime


def run_provnews(args) -> dict:
    family = families(args.n, args.dup_fraction)
    memory = PeakMemory()
    memory.start()
    sigs = np.empty((args.n, neardup.NUM_PERM), dtype=np.uint32)
    jobs = [(s, family[s:s + args.batch], args.topics) for s in range(0, args.n, args.batch)]
    gen_cpu = sign_cpu = 0.0
    t0 = time.perf_counter()
    with get_context("fork").Pool(args.workers) as pool:
        for start, block, gen, sign in pool.imap_unordered(sign_range, jobs):
            sigs[start:start + len(block)] = block
            gen_cpu += gen
            sign_cpu += sign
    t_sign = time.perf_counter() - t0
    peak_sign = memory.peak

    cpu1 = _cpu()
    t1 = time.perf_counter()
    ids = pa.array([f"{i:016x}" for i in range(args.n)])
    published = pa.array(np.datetime64("2024-01-01T00:00", "us") + np.arange(args.n).astype("timedelta64[m]"))
    pairs = neardup.similar_pairs(sigs, workers=args.workers, budget=args.index_budget_mb << 20)
    clusters = neardup.assign_clusters(ids, published, pairs)
    t_cluster = time.perf_counter() - t1
    cpu_cluster = _cpu() - cpu1
    peak = memory.stop()

    dup_cluster = np.arange(args.n)
    dup_cluster[np.array([int(i, 16) for i in clusters.column("id").to_pylist()], dtype=np.int64)] = \
        np.array([int(i, 16) for i in clusters.column("dup_cluster").to_pylist()], dtype=np.int64)
    copies = np.flatnonzero(family != np.arange(args.n))
    found = np.count_nonzero(dup_cluster[copies] == dup_cluster[family[copies]])
    # a cluster mixing families: its members' families differ from the representative's
    mixed = np.count_nonzero(family[dup_cluster] != family)
    return dict(sign_wall=t_sign, gen_cpu=gen_cpu, sign_cpu=sign_cpu, cluster=t_cluster, cluster_cpu=cpu_cluster,
                clusters=args.n - int(np.count_nonzero(dup_cluster != np.arange(args.n))),
                copies=len(copies), found=found, mixed=mixed, peak=peak, peak_sign=peak_sign)


def baseline(n: int, dup_fraction: float, topics: int) -> dict:
    """Plain datasketch: SHA-1 per shingle string, one MinHashLSH over everything (own process)."""
    from datasketch import MinHash, MinHashLSH

    family = families(n, dup_fraction)
    texts = [article(i, int(f), topics) for i, f in enumerate(family)]
    before = _pss(os.getpid())
    t0 = time.perf_counter()
    minhashes = []
    for text in texts:
        words = neardup.syllables(text)
        m = MinHash(num_perm=neardup.NUM_PERM)
        for k in range(max(len(words) - neardup.SHINGLE_SIZE + 1, 1)):
            m.update(" ".join(words[k:k + neardup.SHINGLE_SIZE]).encode())
        minhashes.append(m)
    t_sign = time.perf_counter() - t0
    t1 = time.perf_counter()
    lsh = MinHashLSH(threshold=neardup.THRESHOLD, num_perm=neardup.NUM_PERM)
    for i, m in enumerate(minhashes):
        lsh.query(m)
        lsh.insert(i, m)
    t_cluster = time.perf_counter() - t1
    return dict(sign=t_sign, cluster=t_cluster, bytes_per_article=(_pss(os.getpid()) - before) / n, bands=(lsh.b, lsh.r))


def distinct_similarity(topics: int, samples: int = 300) -> tuple[float, float]:
    """Median exact trigram Jaccard of distinct same-topic synthetic articles, and of the seed pairs."""
    def jaccard(a, b):
        a, b = set(neardup.shingle_hashes(a).tolist()), set(neardup.shingle_hashes(b).tolist())
        return len(a & b) / len(a | b)

    synthetic = [jaccard(article(f, f, topics), article(f + topics, f + topics, topics)) for f in range(samples)]
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    real = [jaccard(a, b) for i, a in enumerate(seeds) for b in seeds[i + 1:]]
    return float(np.median(synthetic)), float(np.median(real))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--dup-fraction", type=float, default=0.1)
    parser.add_argument("--topics", type=int, default=10, help="topics with their own set phrases")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=2_000)
    parser.add_argument("--index-budget-mb", type=int, default=neardup.INDEX_BUDGET >> 20,
                        help="memory an LSH index may take, per worker")
    parser.add_argument("--baseline-n", type=int, default=20_000)
    args = parser.parse_args()

    synthetic, real = distinct_similarity(args.topics)
    print(f"articles: {args.n:,}  edited copies: ~{args.dup_fraction:.0%}  topics: {args.topics}  "
          f"workers: {args.workers}")
    print(f"num_perm={neardup.NUM_PERM} shingles={neardup.SHINGLE_SIZE}-syllable threshold={neardup.THRESHOLD} "
          f"LSH bands={neardup.LSH_BANDS}")
    tasks = neardup.plan_tasks(args.n, 0, workers=args.workers, budget=args.index_budget_mb << 20)
    print(f"comparison: {len(tasks)} tasks of {tasks[0][3] - tasks[0][2]} bands x {tasks[0][1] - tasks[0][0]:,} rows, "
          f"index budget {args.index_budget_mb:,} MiB per worker")
    print(f"median trigram Jaccard of distinct same-topic articles: synthetic {synthetic:.3f}, "
          f"real seed pairs {real:.3f}")
    pressure_before = cpu_pressure()
    cpu0 = _cpu()
    t0 = time.perf_counter()
    r = run_provnews(args)
    total = time.perf_counter() - t0
    cpu_total = _cpu() - cpu0
    print("\nprovnews")
    print(f"  generate+sign: {r['sign_wall']:7.1f} s wall  {args.n / r['sign_wall']:9,.0f} articles/s "
          f"(CPU: generating {r['gen_cpu']:.0f} s, signing {r['sign_cpu']:.0f} s = "
          f"{args.n / r['sign_cpu']:,.0f} signatures/s per core)")
    print(f"  cluster:       {r['cluster']:7.1f} s wall  {args.n / r['cluster']:9,.0f} articles/s "
          f"(CPU {r['cluster_cpu']:.0f} s; {r['clusters']:,} clusters)")
    print(f"  total:         {total:7.1f} s wall, {cpu_total:.0f} s CPU (on {args.workers} idle cores: "
          f"at best ~{cpu_total / args.workers:.0f} s)   peak memory (process tree, PSS): {r['peak'] / 2**30:.2f} GiB "
          f"(signing phase {r['peak_sign'] / 2**30:.2f} GiB)")
    print(f"  CPU pressure (tasks waiting for a core, avg60): {pressure_before} before, {cpu_pressure()} after")
    print(f"  planted copies found in their original's cluster: {r['found']:,}/{r['copies']:,} "
          f"({r['found'] / max(r['copies'], 1):.4f}); articles in a cluster of another family: {r['mixed']:,}")
    if args.baseline_n:
        with get_context("spawn").Pool(1) as pool:
            b = pool.apply(baseline, (args.baseline_n, args.dup_fraction, args.topics))
        n = args.baseline_n
        print(f"\nbaseline: plain datasketch on {n:,} articles (SHA-1 per shingle, one MinHashLSH, "
              f"bands={b['bands']})")
        print(f"  sign:    {n / b['sign']:9,.0f} articles/s on 1 core -> {args.n / (n / b['sign']) / 60:6.1f} min "
              f"for {args.n:,}")
        print(f"  cluster: {n / b['cluster']:9,.0f} articles/s -> {args.n / (n / b['cluster']) / 60:6.1f} min; "
              f"signatures + index {b['bytes_per_article'] / 1024:.1f} KiB/article -> "
              f"{b['bytes_per_article'] * args.n / 2**30:.1f} GiB for {args.n:,}")


if __name__ == "__main__":
    main()
