"""``padan train-matching`` end to end on a small generated root with its truth: it reads the
inbox as the monthly run does, fits the weights and writes a model file that loads."""

from __future__ import annotations

import shutil
from pathlib import Path

from flows.generate import generate_data_root
from flows.train import train
from rules import load_matching_model


def test_train_matching_writes_a_model_that_loads(tmp_path):
    root, truth = tmp_path / "root", tmp_path / "root.truth"
    generate_data_root(root, persons=3_000, usulan=600, periode="2026-11", seed=11, truth_dir=truth)
    out = tmp_path / "matching.yaml"
    shutil.copy(Path("rules/matching.yaml"), out)
    before = load_matching_model(out).model
    got = train(root, "2026-11", truth, out)
    assert got["pairs"] > 600 and 0 < got["matches"] <= got["pairs"]
    after = load_matching_model(out).model
    assert after.version == got["version"] and after.version.startswith("fs-")
    assert after.thresholds == before.thresholds and after.guards == before.guards  # policy is kept
    assert set(dict(after.weights)) == set(dict(before.weights))  # every comparison still weighed
    assert after.weights != before.weights  # and weighed anew, from this root
