"""Near-duplicate clusters: verified pairs, no chaining, hard negatives, incremental runs, --rebuild, CLI."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from datasketch import MinHash

from corpus.cli import main
from corpus.dedup import candidates, neardup, shingles, signatures, storage, verify
from corpus.dedup.clusters import compare, ranks, representatives
from corpus.store.compact import file_lock
from corpus.store.parts import Corpus
from data import hard_negatives
from data.neardup_pairs import SEEDS, article_row, documents, labelled_pairs, seed_paragraphs

VN = timezone(timedelta(hours=7))
DAY0 = datetime(2023, 5, 1, 8, 0, tzinfo=VN)


def _store(root, texts_and_dates) -> tuple[Corpus, list[str]]:
    corpus = Corpus(root)
    rows = [article_row(text, published) for text, published in texts_and_dates]
    corpus.append(rows)
    return corpus, [r["id"] for r in rows]


def _dup_cluster(corpus) -> dict[str, str]:
    table = neardup.cluster_table(corpus)
    return dict(zip(table.column("id").to_pylist(), table.column("dup_cluster").to_pylist()))


def _counts(predicted_same, labelled) -> tuple[int, int, int]:
    tp = sum(1 for a, b, same in labelled if same and predicted_same(a, b))
    fp = sum(1 for a, b, same in labelled if not same and predicted_same(a, b))
    fn = sum(1 for a, b, same in labelled if same and not predicted_same(a, b))
    return tp, fp, fn


def _hard_negative_dates(docs) -> list[datetime]:
    """Each event on its own day; the update 27 h later, the syndicated copy 3 h, the shortened one 5 h."""
    later = {"original": 0, "_changed_later": 27, "_syndicated": 3, "_shortened": 5}
    dates = []
    for k, (doc, _, _) in enumerate(docs):
        kind = next(suffix for suffix in later if doc.endswith(suffix))
        dates.append(DAY0 + timedelta(days=k // 4, hours=later[kind]))
    return dates


def _labelled_sets():
    """{name: (docs, dates, labelled pairs)} for the seed set, its halves and the hard negatives."""
    sets = {name: (docs, [DAY0 + timedelta(hours=k) for k in range(len(docs))], labelled_pairs(docs))
            for name, docs in documents().items()}
    docs = hard_negatives.documents()
    sets["hard_negatives"] = (docs, _hard_negative_dates(docs), hard_negatives.labelled_pairs(docs))
    return sets


def test_precision_and_recall_end_to_end_on_hard_negatives_and_near_duplicates(tmp_path):
    """The shipped rule through a real corpus: pairs that share a dup_cluster vs the labels."""
    print("\nset              near-dup pairs  distinct pairs  precision  recall   tp   fp  fn")
    totals = defaultdict(int)
    for name, (docs, dates, labelled) in _labelled_sets().items():
        corpus, ids = _store(tmp_path / name, [(text, when) for (_, _, text), when in zip(docs, dates)])
        neardup.update_clusters(corpus)
        cluster = _dup_cluster(corpus)
        by_doc = {doc: cluster.get(id_, id_) for (doc, _, _), id_ in zip(docs, ids)}
        tp, fp, fn = _counts(lambda a, b: by_doc[a] == by_doc[b], labelled)
        negatives = sum(1 for *_, same in labelled if not same)
        print(f"{name:16} {tp + fn:14} {negatives:15} {tp / max(tp + fp, 1):10.4f} {tp / (tp + fn):7.4f} "
              f"{tp:4} {fp:4} {fn:3}")
        for key, value in (("tp", tp), ("fp", fp), ("fn", fn)):
            totals[key] += value
        if name == "hard_negatives":
            assert fp == 0 and tp / (tp + fn) >= 0.95   # precision 1.0 (>= 0.999) over 2,688 distinct template pairs
    assert totals["tp"] / (totals["tp"] + totals["fp"]) >= 0.999
    assert totals["tp"] / (totals["tp"] + totals["fn"]) >= 0.95


def test_threshold_sweep_on_exact_similarities_supports_the_rule():
    """Pair by pair, exact sets (no LSH, no clusters): the rule's thresholds sit in the measured gap."""
    measured = []   # (jaccard, containment, near-duplicate?, set name)
    for name, (docs, _, labelled) in _labelled_sets().items():
        sets = verify.ShingleSets.of(text for _, _, text in docs)
        row = {doc: k for k, (doc, _, _) in enumerate(docs)}
        pairs = np.array([(row[a], row[b]) for a, b, _ in labelled])
        jaccard, containment = verify.similarity(sets, pairs)
        measured += [(j, c, same, name) for j, c, (_, _, same) in zip(jaccard, containment, labelled)]
    negatives = [(j, c) for j, c, same, name in measured if not same and name == "hard_negatives"]
    print(f"\nhard negatives: max Jaccard {max(j for j, _ in negatives):.3f}, "
          f"max containment {max(c for _, c in negatives):.3f}")
    print("jaccard  containment  precision  recall (all pairs, exact sets)")
    for j_min in (0.3, 0.4, 0.45, 0.5, 0.6):
        for c_min in (0.6, 0.7, 0.8, 0.9):
            predicted = [(j >= j_min or c >= c_min, same) for j, c, same, _ in measured]
            tp = sum(p and s for p, s in predicted)
            fp = sum(p and not s for p, s in predicted)
            fn = sum(s and not p for p, s in predicted)
            print(f"{j_min:7} {c_min:12} {tp / max(tp + fp, 1):10.4f} {tp / (tp + fn):7.4f}")
    assert max(j for j, _ in negatives) < verify.JACCARD and max(c for _, c in negatives) < verify.CONTAINMENT
    assert min(j for j, _ in negatives) < 0.1 < max(j for j, _ in negatives) > 0.36   # as hard as issue 13's


def test_clusters_do_not_chain_through_members():
    """A~B and B~C but not A~C: C stays out of A's cluster (union-find would put all three together)."""
    ps = [p for path in sorted(SEEDS.glob("*.txt"))[:2] for p in seed_paragraphs(path) if len(p.split()) > 25]
    a, b, c = ("\n".join(ps[i:i + 4]) for i in (0, 1, 2))
    sets = verify.ShingleSets.of([a, b, c])
    jaccard, containment = verify.similarity(sets, np.array([[0, 1], [1, 2], [0, 2]]))
    linked = verify.near_duplicate(jaccard, containment)
    assert linked.tolist() == [True, True, False]
    rank = np.array([0, 1, 2])
    rep = representatives(rank, np.array([[0, 1], [1, 2]]), jaccard[:2])
    assert rep.tolist() == [0, 0, 2]
    # C linked to both A and B joins A (the representative), never through B
    assert representatives(rank, np.array([[1, 2], [0, 1], [0, 2]]), np.array([0.9, 0.6, 0.5])).tolist() == [0, 0, 0]


def test_representative_choice_is_the_most_similar_earlier_representative():
    rank = np.array([0, 1, 2])
    assert representatives(rank, np.array([[0, 2], [1, 2]]), np.array([0.5, 0.8])).tolist() == [0, 1, 1]
    assert representatives(rank, np.array([[1, 2], [0, 2]]), np.array([0.7, 0.7])).tolist() == [0, 1, 0]


def test_distinct_same_topic_seeds_stay_apart(tmp_path):
    texts = ["\n".join(seed_paragraphs(p)) for p in sorted(SEEDS.glob("*.txt"))]
    corpus, _ = _store(tmp_path, [(t, DAY0) for t in texts])
    summary = neardup.update_clusters(corpus)
    assert (summary.articles, summary.clusters, summary.in_clusters, summary.near_duplicates) == (5, 5, 0, 0)
    assert neardup.cluster_table(corpus).num_rows == 0


def test_signatures_are_datasketch_minhashes_of_syllable_trigrams():
    text = "Nghị quyết Đại hội XIII của Đảng, xây dựng, chỉnh đốn Đảng."
    assert shingles.syllables(text) == ["nghị", "quyết", "đại", "hội", "xiii", "của", "đảng",
                                        "xây", "dựng", "chỉnh", "đốn", "đảng"]
    decomposed = "Nghi\u0323 quyê\u0301t Đại hội XIII của Đảng, xây dựng, chỉnh đốn Đảng."
    assert (signatures.signatures([decomposed]) == signatures.signatures([text])).all()  # NFC first
    texts = [t for _, _, t in documents()["halves"]] + ["", "một", "một hai", text]
    batch = signatures.signatures(texts)
    for t, row in zip(texts, batch):
        expected = MinHash(num_perm=signatures.NUM_PERM, seed=signatures.SEED, hashfunc=int,
                           scheme=signatures.SCHEME)
        expected.update_batch(shingles.shingle_hashes(t).tolist())
        assert (row == expected.hashvalues).all()
    assert (batch[-4] == signatures.EMPTY).all()
    hashes, counts = shingles.batch_shingles64(texts)
    assert [len(shingles.shingles64(t)) for t in texts] == counts.tolist()
    assert (hashes == np.concatenate([shingles.shingles64(t) for t in texts])).all()
    assert len(shingles.shingle_hashes(text)) == 10
    assert len(set(shingles.shingle_hashes("một hai ba bốn").tolist()) & set(
        shingles.shingle_hashes("bốn ba hai một").tolist())) == 0  # order matters within an n-gram


def test_exact_similarity_is_set_jaccard_and_containment():
    texts = [t for _, _, t in documents()["full"][:8]]
    sets = verify.ShingleSets.joined([verify.ShingleSets.of(texts[:3]), verify.ShingleSets.of(texts[3:])])
    pairs = np.array([(i, j) for i in range(8) for j in range(i + 1, 8)])
    jaccard, containment = verify.similarity(sets, pairs)
    for (i, j), jac, con in zip(pairs.tolist(), jaccard, containment):
        a, b = set(shingles.shingles64(texts[i]).tolist()), set(shingles.shingles64(texts[j]).tolist())
        assert jac == len(a & b) / len(a | b) and con == len(a & b) / min(len(a), len(b))


def test_sort_based_banding_finds_what_bucket_dicts_find():
    docs = documents()["halves"]
    sigs = signatures.signatures([t for _, _, t in docs])
    rank = np.arange(len(sigs))[::-1].copy()   # the later row is the earlier article
    bands, rows_per_band = candidates.LSH_BANDS
    expected = set()
    for band in range(bands):
        buckets = defaultdict(list)
        for i, sig in enumerate(sigs):
            buckets[sig[band * rows_per_band:(band + 1) * rows_per_band].tobytes()].append(i)
        for members in buckets.values():
            expected |= {tuple(sorted((i, j), key=rank.__getitem__)) for i in members for j in members if i != j}
    found = candidates.candidate_pairs(sigs, rank)
    assert set(map(tuple, found.tolist())) == expected and len(expected) > 100
    assert (rank[found[:, 0]] < rank[found[:, 1]]).all()
    is_new = np.arange(len(sigs)) >= 50
    assert set(map(tuple, candidates.candidate_pairs(sigs, rank, is_new).tolist())) == {
        p for p in expected if max(p) >= 50}


def test_a_crowded_bucket_pairs_its_members_with_its_earliest_only():
    sigs = np.tile(signatures.signatures(["một bài báo về kỳ họp thường kỳ của tỉnh"]), (100, 1))
    pairs = candidates.candidate_pairs(sigs, np.arange(100), cap=5)
    assert len(pairs) == sum(min(k, 5) for k in range(100))
    assert set(pairs[:, 0].tolist()) == set(range(5))
    empty = np.full((3, signatures.NUM_PERM), signatures.EMPTY, dtype=np.uint32)
    assert len(candidates.candidate_pairs(empty, np.arange(3))) == 0   # texts without syllables


def _story(name: str) -> list[tuple[str, str, str]]:
    return [d for d in documents()["full"] if d[1] == name]


def test_incremental_update_signs_only_new_articles_and_moves_the_representative(tmp_path):
    original, *variants = (text for _, _, text in _story("004"))
    other = "\n".join(seed_paragraphs(min(SEEDS.glob("000_*.txt"))))
    corpus, (a, _) = _store(tmp_path, [(original, DAY0 + timedelta(days=2)), (other, DAY0)])
    first = neardup.update_clusters(corpus)
    assert (first.signed, first.clusters, first.near_duplicates) == (2, 2, 0)

    # a wire copy fetched later but published earlier becomes the cluster's id
    wire = next(t for doc, _, t in _story("004") if doc.endswith("wire_copy"))
    _, (c,) = _store(tmp_path, [(wire, DAY0 + timedelta(days=1))])
    second = neardup.update_clusters(corpus)
    assert second.signed == 1 and not second.compared_all and second.verified >= 1
    assert _dup_cluster(corpus) == {a: c, c: c}

    # an undated copy never becomes the representative
    _, (d,) = _store(tmp_path, [(variants[0], None)])
    neardup.update_clusters(corpus)
    assert _dup_cluster(corpus) == {a: c, c: c, d: c}

    clusters_file = tmp_path / "dedup" / "clusters.parquet"
    before = clusters_file.stat().st_mtime_ns
    third = neardup.update_clusters(corpus)
    assert third.signed == 0 and clusters_file.stat().st_mtime_ns == before  # nothing new: no write
    assert (third.articles, third.clusters, third.in_clusters, third.near_duplicates) == (4, 2, 3, 2)

    full = neardup.update_clusters(corpus, full=True)
    assert full.signed == 4 and full.compared_all
    assert _dup_cluster(corpus) == {a: c, c: c, d: c}
    assert len(list((tmp_path / "dedup" / "signatures").glob("part-*.parquet"))) == 1


def test_incremental_runs_end_where_one_run_over_everything_ends(tmp_path):
    docs = hard_negatives.documents()
    dates = _hard_negative_dates(docs)
    rows = list(zip((t for _, _, t in docs), dates))
    step, _ = _store(tmp_path / "steps", rows[1::2])     # odd documents first, the rest later
    neardup.update_clusters(step)
    _store(tmp_path / "steps", rows[::2])
    assert not neardup.update_clusters(step).compared_all
    once, _ = _store(tmp_path / "once", rows[::-1])       # everything at once, stored in reverse
    neardup.update_clusters(once)
    assert neardup.cluster_table(step).equals(neardup.cluster_table(once))
    assert pq.read_table(storage.pairs_path(step)).equals(pq.read_table(storage.pairs_path(once)))
    assert neardup.cluster_table(once).num_rows > 100


def test_shingle_sets_kept_from_signing_verify_as_the_stored_texts_do(tmp_path, monkeypatch):
    """_sign keeps the new texts' shingle sets for _verify (one pass over their syllables): the pairs
    and clusters are those of sets made again from the stored texts (KEEP_SHINGLES = 0)."""
    rows = list(zip((t for _, _, t in hard_negatives.documents()), _hard_negative_dates(hard_negatives.documents())))
    kept, _ = _store(tmp_path / "kept", rows)
    neardup.update_clusters(kept)
    monkeypatch.setattr(neardup, "KEEP_SHINGLES", 0)
    read, _ = _store(tmp_path / "read", rows)
    neardup.update_clusters(read)
    assert pq.read_table(storage.pairs_path(kept)).equals(pq.read_table(storage.pairs_path(read)))
    assert neardup.cluster_table(kept).equals(neardup.cluster_table(read))
    assert pq.read_table(storage.pairs_path(kept)).num_rows > 100


def test_signing_past_the_kept_shingle_budget_keeps_none_and_signs_every_batch(tmp_path, monkeypatch):
    """Over KEEP_SHINGLES, later batches still arrive with their sets: all are signed, none kept."""
    rows = list(zip((t for _, _, t in hard_negatives.documents()), _hard_negative_dates(hard_negatives.documents())))
    read, _ = _store(tmp_path / "read", rows)
    monkeypatch.setattr(neardup, "KEEP_SHINGLES", 0)
    neardup.update_clusters(read)
    monkeypatch.setattr(neardup, "BATCH_ROWS", 16)
    monkeypatch.setattr(neardup, "KEEP_SHINGLES", 3_000)    # passed after a few batches
    corpus, _ = _store(tmp_path / "over", rows)
    ids, sigs, kept = neardup._sign(corpus.dataset(), None, len(rows), None)
    assert kept is None and len(ids) == len(rows) and sigs.shape == (len(rows), signatures.NUM_PERM)
    summary = neardup.update_clusters(corpus)
    assert summary.signed == len(rows)
    assert pq.read_table(storage.pairs_path(corpus)).equals(pq.read_table(storage.pairs_path(read)))


def test_crash_before_signatures_only_redoes_work(tmp_path):
    docs = _story("003")
    corpus, ids = _store(tmp_path, [(t, DAY0 + timedelta(hours=k)) for k, (_, _, t) in enumerate(docs[:3])])
    neardup.update_clusters(corpus)
    _store(tmp_path, [(t, DAY0 + timedelta(hours=10 + k)) for k, (_, _, t) in enumerate(docs[3:])])
    parts_before = set((tmp_path / "dedup" / "signatures").glob("part-*.parquet"))
    neardup.update_clusters(corpus)
    expected = _dup_cluster(corpus)
    # the state a kill leaves after pairs and clusters were replaced, before the new signatures landed
    for part in set((tmp_path / "dedup" / "signatures").glob("part-*.parquet")) - parts_before:
        part.unlink()
    again = neardup.update_clusters(corpus)
    assert again.signed == len(docs) - 3
    assert _dup_cluster(corpus) == expected and set(expected.values()) == {ids[0]}


def test_changed_parameters_recompute_stale_signatures(tmp_path):
    corpus, _ = _store(tmp_path, [(t, DAY0) for _, _, t in _story("001")[:2]])
    neardup.update_clusters(corpus)
    part = next((tmp_path / "dedup" / "signatures").glob("part-*.parquet"))
    table = pq.read_table(part)
    pq.write_table(table.replace_schema_metadata({storage.PARAMS_KEY: b'{"num_perm": 64}'}), part)
    summary = neardup.update_clusters(corpus)
    assert summary.signed == 2 and summary.near_duplicates == 1
    assert not part.exists()


def _old_rule_corpus(tmp_path):
    """A corpus clustered by the old rule: the five distinct seeds chained into one cluster, a real copy apart."""
    texts = ["\n".join(seed_paragraphs(p)) for p in sorted(SEEDS.glob("*.txt"))]
    wire = next(t for doc, _, t in _story("002") if doc.endswith("wire_copy"))
    corpus, ids = _store(tmp_path, [(t, DAY0 + timedelta(hours=k)) for k, t in enumerate(texts + [wire])])
    old = pa.table({"id": ids[:5], "dup_cluster": [ids[0]] * 5})
    storage.clusters_path(corpus).parent.mkdir()
    pq.write_table(old.replace_schema_metadata({storage.PARAMS_KEY: b'{"threshold": 0.3}'}),
                   storage.clusters_path(corpus))
    return corpus, ids


def test_rebuild_reclusters_with_the_new_rule_and_reports_splits_and_joins(tmp_path, capsys):
    corpus, ids = _old_rule_corpus(tmp_path)
    assert main(["dedup", "--corpus", str(tmp_path), "--rebuild"]) == 0
    out = capsys.readouterr().out
    assert "in clusters: 2  near-duplicates: 1" in out and "all articles compared" in out
    assert "clusters split: 1  joined: 1  articles moved: 5" in out   # the chain split; seed 002 + its copy joined
    assert _dup_cluster(corpus) == {ids[2]: ids[2], ids[5]: ids[2]}
    assert main(["dedup", "--corpus", str(tmp_path), "--rebuild"]) == 0
    assert "clusters split: 0  joined: 0  articles moved: 0" in capsys.readouterr().out


def test_rebuild_that_fails_leaves_the_old_clusters(tmp_path, monkeypatch):
    corpus, ids = _old_rule_corpus(tmp_path)
    before = storage.clusters_path(corpus).read_bytes()
    real_write = storage.write

    def dies_at_clusters(table, params, folder, name=None):
        if name == "clusters.parquet":
            raise KeyboardInterrupt   # killed while writing the clusters
        real_write(table, params, folder, name)

    monkeypatch.setattr(storage, "write", dies_at_clusters)
    try:
        neardup.update_clusters(corpus, rebuild=True)
    except KeyboardInterrupt:
        pass
    assert storage.clusters_path(corpus).read_bytes() == before
    assert not list(storage.clusters_path(corpus).parent.glob(".*.tmp"))
    monkeypatch.undo()
    summary = neardup.update_clusters(corpus)   # the next run finishes the job
    assert summary.compared_all and _dup_cluster(corpus) == {ids[2]: ids[2], ids[5]: ids[2]}


def test_cluster_changes_count_splits_joins_and_moves():
    def table(mapping):
        return pa.table({"id": list(mapping), "dup_cluster": list(mapping.values())})

    before = table({"a": "a", "b": "a", "c": "a", "d": "d", "e": "d"})
    after = table({"a": "a", "b": "a", "d": "d", "e": "d", "f": "d"})
    assert (compare(before, after).split, compare(before, after).joined, compare(before, after).moved) == (1, 1, 2)
    assert compare(after, after).line() == "clusters split: 0  joined: 0  articles moved: 0"


def test_dedup_command(tmp_path, capsys):
    _store(tmp_path, [(t, DAY0 + timedelta(hours=k)) for k, (_, _, t) in enumerate(_story("002"))])
    assert main(["dedup", "--corpus", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "articles: 7  clusters: 1  in clusters: 7  near-duplicates: 6  (new signatures: 7" in out
    assert main(["dedup", "--corpus", str(tmp_path), "--full"]) == 0
    assert "all articles compared" in capsys.readouterr().out


def test_dedup_command_errors(tmp_path, capsys):
    assert main(["dedup", "--corpus", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("provnews: error: no corpus at") and err.count("\n") == 1
    _store(tmp_path, [("một bài báo ngắn", DAY0)])
    assert main(["dedup", "--corpus", str(tmp_path), "--workers", "0"]) == 2
    assert main(["dedup", "--corpus", str(tmp_path), "--full", "--rebuild"]) == 2
    capsys.readouterr()
    with file_lock(tmp_path / "state" / "dedup.lock", shared=False, wait=True):
        assert main(["dedup", "--corpus", str(tmp_path)]) == 75
    assert "another dedup is running" in capsys.readouterr().err
    assert not (tmp_path / "dedup" / "clusters.parquet").exists()


def test_many_articles_are_signed_and_verified_in_worker_processes(tmp_path, monkeypatch):
    docs = documents()["halves"]
    monkeypatch.setattr(neardup, "PARALLEL_FROM", 10)
    monkeypatch.setattr(neardup, "BATCH_ROWS", 16)
    corpus, ids = _store(tmp_path / "parallel", [(t, DAY0 + timedelta(hours=k)) for k, (_, _, t) in enumerate(docs)])
    parallel = neardup.update_clusters(corpus, workers=2)
    stored = pq.read_table(tmp_path / "parallel" / "dedup" / "signatures")
    by_id = dict(zip(stored.column("id").to_pylist(), stored.column("minhash").to_pylist()))
    assert [by_id[i] for i in ids] == signatures.signatures([t for _, _, t in docs]).tolist()
    monkeypatch.setattr(neardup, "PARALLEL_FROM", 10**9)
    alone, _ = _store(tmp_path / "alone", [(t, DAY0 + timedelta(hours=k)) for k, (_, _, t) in enumerate(docs)])
    in_process = neardup.update_clusters(alone)
    assert neardup.cluster_table(corpus).equals(neardup.cluster_table(alone))
    assert (parallel.clusters, parallel.verified) == (in_process.clusters, in_process.verified)
    assert parallel.clusters == 11   # ten stories; 002a-combined (Jaccard 0.43 to its original) stays alone


def test_ranks_put_unknown_dates_last_and_break_ties_by_id():
    ids = pa.array(["b", "a", "c", "d"])
    published = pa.array([DAY0, DAY0, None, DAY0 - timedelta(days=1)], pa.timestamp("us", tz="Asia/Ho_Chi_Minh"))
    assert ranks(ids, published).tolist() == [2, 1, 3, 0]
