"""Stands in for SageMaker's built-in XGBoost training job in the jest tests.

    python train_model.py TRAIN_CSV MODEL_DIR

Trains on a headerless CSV (target first) and writes MODEL_DIR/model.tar.gz holding the booster,
saved natively as `xgboost-model`, which is what the training job leaves for the evaluation step.
"""
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import xgboost

rows = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
booster = xgboost.train(
    {"objective": "reg:squarederror", "max_depth": 3, "eta": 0.3},
    xgboost.DMatrix(rows[:, 1:], label=rows[:, 0]),
    num_boost_round=30,
)
model_dir = Path(sys.argv[2])
model_dir.mkdir(parents=True, exist_ok=True)
with tempfile.TemporaryDirectory() as scratch:
    model_file = Path(scratch) / "xgboost-model"
    booster.save_model(str(model_file))
    with tarfile.open(model_dir / "model.tar.gz", "w:gz") as archive:
        archive.add(model_file, arcname="xgboost-model")
