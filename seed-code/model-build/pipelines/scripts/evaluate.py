"""Scores the trained model on the test split and writes the metrics report.

The pipeline's evaluation step runs this file in the SageMaker XGBoost container; locally:

    python pipelines/scripts/evaluate.py --model-dir model/ --test-dir out/test --output-dir report/

Input: model.tar.gz as the training job wrote it (holding `xgboost-model`) and the headerless
test CSV (target first). Output: evaluation.json in SageMaker's model quality format, read by the
pipeline's condition step and attached to the registered model package.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import xgboost

LOGGER = logging.getLogger("evaluate")

MODEL_ARCHIVE = "model.tar.gz"
MODEL_FILE = "xgboost-model"
REPORT_FILE = "evaluation.json"


class EvaluationError(ValueError):
    """The model or the test data cannot be evaluated; the message says why."""


def regression_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """MSE, RMSE, MAE and R² with the standard deviation of the per-row errors where one exists."""
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise EvaluationError(f"cannot compare {y_pred.size} predictions with {y_true.size} labels")
    errors = y_pred - y_true
    squared = errors**2
    absolute = np.abs(errors)
    variance = float(np.var(y_true))
    mse = float(np.mean(squared))
    return {
        "regression_metrics": {
            "mse": {"value": mse, "standard_deviation": float(np.std(squared))},
            "rmse": {"value": float(np.sqrt(mse))},
            "mae": {"value": float(np.mean(absolute)), "standard_deviation": float(np.std(absolute))},
            "r2": {"value": 1.0 - mse / variance if variance > 0 else 0.0},
        }
    }


def read_test_set(test_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """Labels and features of every CSV file of `test_dir` (target in the first column)."""
    paths = sorted(test_dir.glob("*.csv"))
    if not paths:
        raise EvaluationError(f"no .csv file in {test_dir}")
    rows = np.vstack([np.loadtxt(path, delimiter=",", ndmin=2) for path in paths])
    if rows.shape[0] == 0 or rows.shape[1] < 2:
        raise EvaluationError(f"the test data in {test_dir} holds no row with a label and features")
    return rows[:, 0], rows[:, 1:]


def load_booster(model_dir: Path) -> xgboost.Booster:
    """The XGBoost booster inside `model_dir/model.tar.gz`."""
    archive = model_dir / MODEL_ARCHIVE
    if not archive.is_file():
        raise EvaluationError(f"{archive} does not exist: the training step wrote no model")
    with tempfile.TemporaryDirectory() as extracted, tarfile.open(archive) as tar:
        member = next((item for item in tar.getmembers() if Path(item.name).name == MODEL_FILE), None)
        if member is None:
            raise EvaluationError(f"{archive} holds no {MODEL_FILE}")
        # Copy the one file we need rather than extracting paths chosen by the archive.
        path = Path(extracted) / MODEL_FILE
        path.write_bytes(tar.extractfile(member).read())
        booster = xgboost.Booster()
        try:
            booster.load_model(str(path))
        except xgboost.core.XGBoostError as error:
            raise EvaluationError(f"{MODEL_FILE} in {archive} is not a native XGBoost model: {error}") from error
    return booster


def predict(booster: xgboost.Booster, features: np.ndarray) -> np.ndarray:
    return booster.predict(xgboost.DMatrix(features))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=Path("/opt/ml/processing/model"))
    parser.add_argument("--test-dir", type=Path, default=Path("/opt/ml/processing/test"))
    parser.add_argument("--output-dir", type=Path, default=Path("/opt/ml/processing/evaluation"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    try:
        labels, features = read_test_set(args.test_dir)
        report = regression_metrics(labels, predict(load_booster(args.model_dir), features))
    except EvaluationError as error:
        LOGGER.error("%s", error)
        return 1
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / REPORT_FILE).write_text(json.dumps(report, indent=2))
    metrics = report["regression_metrics"]
    LOGGER.info("test rows %d, mse %.4f, rmse %.4f", labels.size, metrics["mse"]["value"], metrics["rmse"]["value"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
