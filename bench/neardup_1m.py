"""Near-duplicate clusters at scale: `provnews dedup` over synthetic corpora of 100k and 1M articles.

    python bench/neardup_1m.py                          # 100,000 and 1,000,000 articles (target: 1M in <= 300 s, <= 3 GiB)
    python bench/neardup_1m.py --sizes 20000,100000     # a quick run

Articles (~300 syllables) are drawn from the seeds' syllables at their
frequencies, with set phrases of the seeds (5-syllable spans) mixed in per
topic, so that two distinct articles of one topic share about as many
trigrams as two real seed articles do (printed). A known fraction are edited
copies of an earlier article (a changed paragraph, an update, a cut, a wire
credit). Each size is written once as a real corpus (Parquet parts, cached under
--data) and `corpus.dedup.neardup.update_clusters` runs over it from scratch in
a child process: reading, signing, banding, verification on the stored text,
clustering and writing, all included. The parent samples the memory (PSS) of the
child's process tree and takes its CPU seconds (user+sys, workers included).
Wall times depend on what else runs on the machine: the run prints the load
average and the kernel's CPU pressure too.

Side by side, same run: signatures per second of the same texts by numpy batch
MinHash (provnews), datasketch one text per call (what provnews did before),
plain datasketch (SHA-1 per shingle string) and rensa when installed; and the
plain datasketch recipe (MinHash + one MinHashLSH) on --baseline-n articles,
extrapolated to the largest size.
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import os
import resource
import shutil
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.dedup import neardup, signatures  # noqa: E402 (after the path insert)
from corpus.dedup.shingles import SHINGLE_SIZE, shingle_hashes, syllables  # noqa: E402
from corpus.store.parts import ARTICLE_SCHEMA, Corpus, write_atomic  # noqa: E402

SEEDS = ROOT / "corpus" / "data" / "seeds"
SYLLABLES_PER_ARTICLE = 300
SEGMENT = 15            # a set phrase + drawn syllables
PHRASE = 5              # syllables per set phrase
PHRASES_PER_TOPIC = 30  # calibrated: distinct same-topic articles share trigrams like the seeds do
EDITS = ("changed_paragraph", "updated", "abridged", "wire_copy")


# --- synthetic articles -----------------------------------------------------

def _vocabulary():
    words = [w for p in sorted(SEEDS.glob("*.txt")) for w in syllables(p.read_text(encoding="utf-8"))]
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



# --- the corpus -------------------------------------------------------------

def _rows(job) -> pa.Table:
    start, family, topics = job
    texts = [article(start + k, int(f), topics) for k, f in enumerate(family)]
    n = len(texts)
    ids = [hashlib.sha256(t.encode()).hexdigest()[:16] for t in texts]
    urls = [f"https://bench.example.vn/{start + k}-{f}.html" for k, f in enumerate(family.tolist())]
    published = np.datetime64("2024-01-01T00:00", "us") + (start + np.arange(n)).astype("timedelta64[m]")
    columns = {"id": ids, "url": urls, "urls": [[u] for u in urls], "source": ["bench"] * n,
               "site_name": ["bench"] * n, "kind": ["newspaper"] * n, "province": ["Long An"] * n,
               "province_after_2025": ["Tây Ninh"] * n, "title": [t[:60] for t in texts],
               "published": pa.array(published).cast(ARTICLE_SCHEMA.field("published").type),
               "author": [None] * n, "text": texts, "language": ["vi"] * n,
               "word_count": [len(t.split()) for t in texts], "categories": [[]] * n, "tags": [[]] * n,
               "fetched_at": [datetime(2024, 6, 1, tzinfo=timezone.utc)] * n}
    return pa.table(columns, schema=ARTICLE_SCHEMA)


def build_corpus(folder: Path, n: int, dup_fraction: float, topics: int, workers: int) -> Corpus:
    """The synthetic corpus of ``n`` articles (made once; a finished one has a ``complete`` marker)."""
    corpus = Corpus(folder)
    if (folder / "complete").exists():
        return corpus
    shutil.rmtree(folder, ignore_errors=True)
    family = families(n, dup_fraction)
    jobs = [(s, family[s:s + 20_000], topics) for s in range(0, n, 20_000)]
    t0 = time.perf_counter()
    with get_context("fork").Pool(workers) as pool:
        for table in pool.imap(_rows, jobs):
            write_atomic(table, corpus.articles_dir)
    (folder / "complete").write_text(f"{n}\n")
    print(f"  (wrote the {n:,}-article corpus in {time.perf_counter() - t0:.0f} s: {folder})", flush=True)
    return corpus


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

def load() -> str:
    """The load average (1, 5, 15 min) and the share of the last 60 s runnable tasks waited for a CPU."""
    one, five, fifteen = os.getloadavg()
    try:
        with open("/proc/pressure/cpu") as fh:
            pressure = fh.readline().split()[2].split("=")[1] + "%"
    except (OSError, IndexError):
        pressure = "unknown"
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}, CPU pressure avg60 {pressure}"


def _children_cpu() -> float:
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ended.ru_utime + ended.ru_stime


def _dedup(folder: str, workers: int, conn) -> None:
    summary = neardup.update_clusters(folder, workers=workers)
    conn.send(summary)


def run_dedup(corpus: Corpus, workers: int) -> dict:
    """``update_clusters`` from scratch in a child process: wall, CPU (tree), peak PSS (tree), its summary."""
    shutil.rmtree(corpus.root / "dedup", ignore_errors=True)
    ctx = get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    child = ctx.Process(target=_dedup, args=(str(corpus.root), workers, send))
    child.start()
    peak = 0
    while not receive.poll(0.2):
        peak = max(peak, tree_memory(child.pid))
        if not child.is_alive():
            raise SystemExit(f"dedup child died (exit {child.exitcode})")
    summary = receive.recv()
    wall = time.perf_counter() - t0
    child.join(timeout=600)
    return dict(summary=summary, wall=wall, cpu=_children_cpu() - cpu0, peak=peak)


def accuracy(corpus: Corpus) -> tuple[int, int, int]:
    """(planted copies in their original's cluster, planted copies, articles clustered with another family)."""
    rows = corpus.read(columns=["id", "url"])
    index = pc.cast(pc.list_element(pc.split_pattern(pc.utf8_slice_codeunits(rows.column("url"), 25), "-"), 0),
                    pa.int64()).to_numpy()
    family = pc.cast(pc.list_element(pc.split_pattern(pc.utf8_slice_codeunits(rows.column("url"), 25), "-"), 1),
                     pa.string())
    family = pc.cast(pc.replace_substring(family, ".html", ""), pa.int64()).to_numpy()
    clusters = neardup.cluster_table(corpus)
    rep_of = dict(zip(clusters.column("id").to_pylist(), clusters.column("dup_cluster").to_pylist()))
    ids = rows.column("id").to_pylist()
    row_of = {id_: k for k, id_ in enumerate(ids)}
    rep_row = np.array([row_of[rep_of.get(id_, id_)] for id_ in ids])
    copies = np.flatnonzero(family != index)
    original_row = np.empty(index.max() + 1, dtype=np.int64)
    original_row[index] = np.arange(len(index))
    found = int(np.count_nonzero(rep_row[copies] == rep_row[original_row[family[copies]]]))
    mixed = int(np.count_nonzero(family[rep_row] != family))
    return found, len(copies), mixed


def compare_signing(texts: list[str]) -> list[tuple[str, float]]:
    """Signatures per CPU second on the same texts, one process each way."""
    from datasketch import MinHash

    def numpy_batch():
        for lo in range(0, len(texts), 2_000):
            signatures.signatures(texts[lo:lo + 2_000])

    def datasketch_per_text():
        m = MinHash(num_perm=signatures.NUM_PERM, seed=signatures.SEED, hashfunc=int, scheme=signatures.SCHEME)
        empty = m.hashvalues
        for text in texts:
            m.hashvalues = empty
            m.update_batch(shingle_hashes(text).tolist())

    def datasketch_sha1():
        for text in texts:
            words = syllables(text)
            m = MinHash(num_perm=signatures.NUM_PERM)
            m.update_batch([" ".join(words[k:k + SHINGLE_SIZE]).encode()
                            for k in range(max(len(words) - SHINGLE_SIZE + 1, 1))])

    ways = [("numpy batch MinHash (provnews)", numpy_batch),
            ("datasketch, one text per call (provnews before)", datasketch_per_text),
            ("datasketch, SHA-1 per shingle string", datasketch_sha1)]
    try:
        from rensa import RMinHash

        def rensa_strings():
            for text in texts:
                words = syllables(text)
                m = RMinHash(num_perm=signatures.NUM_PERM, seed=signatures.SEED)
                m.update([" ".join(words[k:k + SHINGLE_SIZE]) for k in range(max(len(words) - SHINGLE_SIZE + 1, 1))])
                m.digest()

        ways.append(("rensa RMinHash over shingle strings", rensa_strings))
    except ImportError:
        pass
    out = []
    for name, way in ways:
        t0 = time.process_time()
        way()
        out.append((name, len(texts) / (time.process_time() - t0)))
    return out


def baseline(n: int, dup_fraction: float, topics: int) -> dict:
    """Plain datasketch: SHA-1 per shingle string, one MinHashLSH over everything (own process)."""
    from datasketch import MinHash, MinHashLSH

    family = families(n, dup_fraction)
    texts = [article(i, int(f), topics) for i, f in enumerate(family)]
    before = _pss(os.getpid())
    t0 = time.perf_counter()
    minhashes = []
    for text in texts:
        words = syllables(text)
        m = MinHash(num_perm=signatures.NUM_PERM)
        m.update_batch([" ".join(words[k:k + SHINGLE_SIZE]).encode()
                        for k in range(max(len(words) - SHINGLE_SIZE + 1, 1))])
        minhashes.append(m)
    t_sign = time.perf_counter() - t0
    t1 = time.perf_counter()
    lsh = MinHashLSH(threshold=0.45, num_perm=signatures.NUM_PERM)
    for i, m in enumerate(minhashes):
        lsh.query(m)
        lsh.insert(i, m)
    t_cluster = time.perf_counter() - t1
    return dict(sign=t_sign, cluster=t_cluster, bytes_per_article=(_pss(os.getpid()) - before) / n, bands=(lsh.b, lsh.r))


def distinct_similarity(topics: int, samples: int = 300) -> tuple[float, float]:
    """Median exact trigram Jaccard of distinct same-topic synthetic articles, and of the seed pairs."""
    def jaccard(a, b):
        a, b = set(shingle_hashes(a).tolist()), set(shingle_hashes(b).tolist())
        return len(a & b) / len(a | b)

    synthetic = [jaccard(article(f, f, topics), article(f + topics, f + topics, topics)) for f in range(samples)]
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    real = [jaccard(a, b) for i, a in enumerate(seeds) for b in seeds[i + 1:]]
    return float(np.median(synthetic)), float(np.median(real))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated corpus sizes")
    parser.add_argument("--dup-fraction", type=float, default=0.1)
    parser.add_argument("--topics", type=int, default=10, help="topics with their own set phrases")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--data", default="/tmp/provnews-bench-neardup", help="where the synthetic corpora are kept")
    parser.add_argument("--sign-sample", type=int, default=4_000, help="texts for the signing comparison")
    parser.add_argument("--baseline-n", type=int, default=20_000)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    synthetic, real = distinct_similarity(args.topics)
    print(f"sizes: {', '.join(f'{n:,}' for n in sizes)}  edited copies: ~{args.dup_fraction:.0%}  "
          f"topics: {args.topics}  workers: {args.workers}  cores: {os.cpu_count()}")
    print(f"rule: {neardup.CLUSTER_PARAMS}")
    print(f"median trigram Jaccard of distinct same-topic articles: synthetic {synthetic:.3f}, "
          f"real seed pairs {real:.3f}")
    print(f"at start: {load()}", flush=True)

    print("\nsigning, same texts, one core (signatures per CPU second):")
    sample = [article(i, int(f), args.topics) for i, f in enumerate(families(args.sign_sample, args.dup_fraction))]
    for name, rate in compare_signing(sample):
        print(f"  {name:50} {rate:9,.0f}")

    results = {}
    for n in sizes:
        print(f"\nprovnews dedup, {n:,} articles, from scratch ({load()})", flush=True)
        corpus = build_corpus(Path(args.data) / f"n{n}-d{args.dup_fraction}-t{args.topics}", n,
                              args.dup_fraction, args.topics, args.workers)
        r = results[n] = run_dedup(corpus, args.workers)
        s = r["summary"]
        steps = "  ".join(f"{k} {v:.1f}" for k, v in s.seconds.items())
        print(f"  wall {r['wall']:.1f} s  CPU {r['cpu']:.1f} s (user+sys, all processes)  "
              f"peak memory {r['peak'] / 2**30:.2f} GiB (PSS, process tree)")
        print(f"  steps (s): {steps}")
        print(f"  {s.line()}")
        found, copies, mixed = accuracy(corpus)
        print(f"  planted copies in their original's cluster: {found:,}/{copies:,} ({found / max(copies, 1):.4f}); "
              f"articles in a cluster of another family: {mixed:,}")
        print(f"  at end: {load()}", flush=True)

    print("\ngrowth (per article):")
    print("  articles     wall µs   CPU µs   peak bytes")
    for n, r in results.items():
        print(f"  {n:>9,} {r['wall'] / n * 1e6:10.0f} {r['cpu'] / n * 1e6:8.0f} {r['peak'] / n:12,.0f}")
    if len(results) > 1:
        (a, ra), (b, rb) = list(results.items())[0], list(results.items())[-1]
        print(f"  {b:,} / {a:,}: {b / a:.0f}x the articles, {rb['wall'] / ra['wall']:.1f}x the wall time, "
              f"{rb['cpu'] / ra['cpu']:.1f}x the CPU, {rb['peak'] / ra['peak']:.1f}x the peak memory")

    if args.baseline_n:
        with get_context("spawn").Pool(1) as pool:
            b = pool.apply(baseline, (args.baseline_n, args.dup_fraction, args.topics))
        n, largest = args.baseline_n, max(sizes)
        print(f"\nbaseline: plain datasketch on {n:,} articles (SHA-1 per shingle, one MinHashLSH at 0.45, "
              f"bands={b['bands']}; no verification, no clusters)")
        print(f"  sign:    {n / b['sign']:9,.0f} articles/s on 1 core -> {largest / (n / b['sign']) / 60:6.1f} min "
              f"for {largest:,}")
        print(f"  index:   {n / b['cluster']:9,.0f} articles/s -> {largest / (n / b['cluster']) / 60:6.1f} min; "
              f"signatures + index {b['bytes_per_article'] / 1024:.1f} KiB/article -> "
              f"{b['bytes_per_article'] * largest / 2**30:.1f} GiB for {largest:,}")
    print(f"\nat end: {load()}")


if __name__ == "__main__":
    main()
