"""Near-duplicate clusters: accuracy on labelled pairs, incremental updates, export helper, CLI."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pyarrow.parquet as pq
from datasketch import MinHash

from corpus.dedup import neardup
from corpus.cli import main
from corpus.store.compact import file_lock
from corpus.store.parts import Corpus
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


def _precision_recall(predicted_same, labelled):
    tp = sum(1 for a, b, same in labelled if same and predicted_same(a, b))
    fp = sum(1 for a, b, same in labelled if not same and predicted_same(a, b))
    fn = sum(1 for a, b, same in labelled if same and not predicted_same(a, b))
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), tp, fp, fn


def test_labelled_pairs_precision_and_recall(tmp_path):
    """The shipped parameters, end to end through a real corpus: pairs in one cluster vs labels."""
    tp = fp = fn = 0
    for set_name, docs in documents().items():
        corpus, ids = _store(tmp_path / set_name,
                             [(text, DAY0 + timedelta(hours=k)) for k, (_, _, text) in enumerate(docs)])
        neardup.update_clusters(corpus)
        cluster = _dup_cluster(corpus)
        by_doc = {doc: cluster.get(id_, id_) for (doc, _, _), id_ in zip(docs, ids)}
        _, _, t, f, n = _precision_recall(lambda a, b, c=by_doc: c[a] == c[b], labelled_pairs(docs))
        tp, fp, fn = tp + t, fp + f, fn + n
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"\nnear-duplicate pairs (num_perm={neardup.NUM_PERM}, n={neardup.SHINGLE_SIZE}, "
          f"threshold={neardup.THRESHOLD}): precision {precision:.3f} recall {recall:.3f} "
          f"(tp={tp} fp={fp} fn={fn})")
    assert precision >= 0.95 and recall >= 0.95


def test_parameter_sweep_supports_the_choice():
    """Pair-by-pair (no clustering): estimated Jaccard >= threshold vs the labels, per setting."""
    docs = documents()
    pairs = {name: labelled_pairs(d) for name, d in docs.items()}
    print("\nnum_perm  n  threshold  precision  recall  min est. (dup)  max est. (distinct)")
    chosen = None
    for num_perm in (64, 128):
        for n in (1, 2, 3, 4):
            est = {}
            for name, d in docs.items():
                sigs = neardup.signatures([text for _, _, text in d], num_perm=num_perm, n=n)
                row = {doc: k for k, (doc, _, _) in enumerate(d)}
                est.update({(a, b): float(np.mean(sigs[row[a]] == sigs[row[b]])) for a, b, _ in pairs[name]})
            labelled = [p for ps in pairs.values() for p in ps]
            low = min(est[a, b] for a, b, same in labelled if same)
            high = max(est[a, b] for a, b, same in labelled if not same)
            for threshold in (0.2, 0.3, 0.4, 0.5):
                p, r, *_ = _precision_recall(lambda a, b, e=est, t=threshold: e[a, b] >= t, labelled)
                print(f"{num_perm:8}  {n}  {threshold:9}  {p:9.3f}  {r:6.3f}  {low:14.3f}  {high:19.3f}")
                if (num_perm, n, threshold) == (neardup.NUM_PERM, neardup.SHINGLE_SIZE, neardup.THRESHOLD):
                    chosen = (p, r, low, high)
            if n == 1:  # unigrams: distinct same-topic articles look alike
                assert high > 0.3
    p, r, low, high = chosen
    assert p >= 0.95 and r >= 0.95
    assert high < neardup.THRESHOLD < low  # the chosen threshold lies in the gap


def test_distinct_same_topic_seeds_stay_apart(tmp_path):
    texts = ["\n".join(seed_paragraphs(p)) for p in sorted(SEEDS.glob("*.txt"))]
    corpus, _ = _store(tmp_path, [(t, DAY0) for t in texts])
    summary = neardup.update_clusters(corpus)
    assert (summary.articles, summary.clusters, summary.near_duplicates) == (5, 5, 0)
    assert neardup.cluster_table(corpus).num_rows == 0


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
    assert second.signed == 1 and not second.compared_all
    assert _dup_cluster(corpus) == {a: c, c: c}

    # an undated copy never becomes the representative
    _, (d,) = _store(tmp_path, [(variants[0], None)])
    neardup.update_clusters(corpus)
    assert _dup_cluster(corpus) == {a: c, c: c, d: c}

    clusters_file = tmp_path / "dedup" / "clusters.parquet"
    before = clusters_file.stat().st_mtime_ns
    third = neardup.update_clusters(corpus)
    assert third.signed == 0 and clusters_file.stat().st_mtime_ns == before  # nothing new: no write
    assert (third.articles, third.clusters, third.near_duplicates) == (4, 2, 2)

    full = neardup.update_clusters(corpus, full=True)
    assert full.signed == 4 and full.compared_all
    assert _dup_cluster(corpus) == {a: c, c: c, d: c}
    assert len(list((tmp_path / "dedup" / "signatures").glob("part-*.parquet"))) == 1


def test_crash_between_clusters_and_signatures_only_redoes_work(tmp_path):
    docs = _story("003")
    corpus, ids = _store(tmp_path, [(t, DAY0 + timedelta(hours=k)) for k, (_, _, t) in enumerate(docs[:3])])
    neardup.update_clusters(corpus)
    _store(tmp_path, [(t, DAY0 + timedelta(hours=10 + k)) for k, (_, _, t) in enumerate(docs[3:])])
    parts_before = set((tmp_path / "dedup" / "signatures").glob("part-*.parquet"))
    neardup.update_clusters(corpus)
    expected = _dup_cluster(corpus)
    # the state a kill leaves after clusters.parquet was replaced, before the new signatures landed
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
    stale = table.replace_schema_metadata({b"provnews.neardup": b'{"num_perm": 64}'})
    pq.write_table(stale, part)
    summary = neardup.update_clusters(corpus)
    assert summary.signed == 2 and summary.near_duplicates == 1
    assert not part.exists()


def test_signatures_are_datasketch_minhashes_of_syllable_trigrams():
    text = "Nghị quyết Đại hội XIII của Đảng, xây dựng, chỉnh đốn Đảng."
    assert neardup.syllables(text) == ["nghị", "quyết", "đại", "hội", "xiii", "của", "đảng",
                                       "xây", "dựng", "chỉnh", "đốn", "đảng"]
    decomposed = "Nghi\u0323 quyê\u0301t Đại hội XIII của Đảng, xây dựng, chỉnh đốn Đảng."
    assert (neardup.signatures([decomposed]) == neardup.signatures([text])).all()  # NFC first
    expected = MinHash(num_perm=neardup.NUM_PERM, seed=neardup.SEED, hashfunc=int, scheme=neardup.SCHEME)
    for h in neardup.shingle_hashes(text):
        expected.update(int(h))
    assert (neardup.signatures([text])[0] == expected.hashvalues).all()
    assert len(neardup.shingle_hashes(text)) == 10
    assert len(set(neardup.shingle_hashes("một hai ba bốn").tolist()) & set(
        neardup.shingle_hashes("bốn ba hai một").tolist())) == 0  # order matters within an n-gram


def test_tasks_fit_the_memory_budget():
    row_band = neardup.INDEX_BYTES_PER_ROW_BAND
    # everything in one task when it fits
    assert neardup.plan_tasks(1000, 0, (20, 4), budget=1000 * 20 * row_band) == [(0, 1000, 0, 20)]
    # bands shared out between workers
    assert neardup.plan_tasks(1000, 0, (20, 4), workers=2, budget=10**9) == [(0, 1000, 0, 10), (0, 1000, 10, 20)]
    # fewer bands per task, then chunks of new rows, when the budget is tight
    tight = neardup.plan_tasks(1000, 200, (20, 4), budget=800 * 4 * row_band)
    assert tight == [(200, 1000, b, b + 4) for b in range(0, 20, 4)]
    tighter = neardup.plan_tasks(1000, 0, (20, 4), budget=300 * 2 * row_band)
    assert {t[:2] for t in tighter} == {(0, 300), (300, 600), (600, 900), (900, 1000)} and len(tighter) == 40
    assert neardup.plan_tasks(10, 10, (20, 4)) == []


def test_every_plan_finds_the_same_pairs():
    docs = documents()["halves"]
    sigs = neardup.signatures([t for _, _, t in docs])
    row_band = neardup.INDEX_BYTES_PER_ROW_BAND

    def found(**kw):
        return {tuple(sorted(p)) for p in neardup.similar_pairs(sigs, **kw)}

    one = found()
    assert len(one) > 100
    assert found(budget=7 * 2 * row_band) == one  # chunks of 7 rows, 2 bands a task
    assert found(first_new=50, budget=7 * 2 * row_band) == {p for p in one if p[1] >= 50}
    assert found(workers=2, budget=30 * 4 * row_band) == one


def test_dedup_command(tmp_path, capsys):
    _store(tmp_path, [(t, DAY0 + timedelta(hours=k)) for k, (_, _, t) in enumerate(_story("002"))])
    assert main(["dedup", "--corpus", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "articles: 7  clusters: 1  near-duplicates: 6  (new signatures: 7" in out
    assert main(["dedup", "--corpus", str(tmp_path), "--full"]) == 0
    assert "all articles compared" in capsys.readouterr().out


def test_dedup_command_errors(tmp_path, capsys):
    assert main(["dedup", "--corpus", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("provnews: error: no corpus at") and err.count("\n") == 1
    _store(tmp_path, [("một bài báo ngắn", DAY0)])
    assert main(["dedup", "--corpus", str(tmp_path), "--workers", "0"]) == 2
    capsys.readouterr()
    with file_lock(tmp_path / "state" / "dedup.lock", shared=False, wait=True):
        assert main(["dedup", "--corpus", str(tmp_path)]) == 75
    assert "another dedup is running" in capsys.readouterr().err
    assert not (tmp_path / "dedup" / "clusters.parquet").exists()


def test_many_new_articles_are_signed_in_worker_processes(tmp_path, monkeypatch):
    docs = documents()["halves"]
    monkeypatch.setattr(neardup, "PARALLEL_FROM", 10)
    corpus, _ = _store(tmp_path, [(t, DAY0) for _, _, t in docs])
    parallel = neardup.update_clusters(corpus, workers=2)
    in_process = neardup.signatures([t for _, _, t in docs])
    stored = pq.read_table(tmp_path / "dedup" / "signatures")
    by_id = dict(zip(stored.column("id").to_pylist(), stored.column("minhash").to_pylist()))
    ids = [article_row(t)["id"] for _, _, t in docs]
    assert [by_id[i] for i in ids] == in_process.tolist()
    assert (parallel.clusters, parallel.near_duplicates) == (10, 60)
