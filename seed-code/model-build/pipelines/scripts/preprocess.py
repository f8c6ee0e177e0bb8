"""Feature engineering and train/validation/test split of the abalone data set.

The pipeline's processing step runs this file in the SageMaker scikit-learn container; you can run
it anywhere pandas is installed:

    python pipelines/scripts/preprocess.py --input-dir data/ --output-dir out/

Input: one or more headerless CSV files with the columns of INPUT_COLUMNS. Output: train/,
validation/ and test/ directories, each holding one headerless CSV whose first column is the
target (the layout SageMaker's built-in XGBoost expects) followed by the FEATURES.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import pandas as pd

LOGGER = logging.getLogger("preprocess")

TARGET = "rings"
SEX_CATEGORIES = ("F", "I", "M")
MEASUREMENTS = (
    "length",
    "diameter",
    "height",
    "whole_weight",
    "shucked_weight",
    "viscera_weight",
    "shell_weight",
)
INPUT_COLUMNS = ("sex", *MEASUREMENTS, TARGET)
# Trees do not need scaled inputs, so the endpoint takes raw measurements plus a one-hot sex.
FEATURES = (*MEASUREMENTS, *(f"sex_{category}" for category in SEX_CATEGORIES))
SPLIT_FRACTIONS = {"train": 0.7, "validation": 0.15, "test": 0.15}


class DataError(ValueError):
    """The input data cannot be used; the message says what is wrong and where."""


def read_abalone(input_dir: Path) -> pd.DataFrame:
    """Reads every CSV file of `input_dir`; rows with a missing or non-numeric value are dropped."""
    paths = sorted(input_dir.glob("*.csv"))
    if not paths:
        raise DataError(f"no .csv file in {input_dir}: check the pipeline's InputDataUrl")
    raw = pd.concat([read_csv(path) for path in paths], ignore_index=True)
    numeric = raw[[*MEASUREMENTS, TARGET]].apply(pd.to_numeric, errors="coerce")
    data = pd.concat([raw["sex"].str.strip(), numeric], axis=1)
    complete = data.dropna()
    dropped = len(data) - len(complete)
    if dropped:
        LOGGER.warning("dropped %d of %d rows with a missing or non-numeric value", dropped, len(data))
    unknown = sorted(set(complete["sex"]) - set(SEX_CATEGORIES))
    if unknown:
        raise DataError(f"column sex holds {unknown}; expected one of {list(SEX_CATEGORIES)}")
    return complete.reset_index(drop=True)


def read_csv(path: Path) -> pd.DataFrame:
    """One headerless abalone CSV file, with its column count checked."""
    frame = pd.read_csv(path, header=None, dtype=str, skipinitialspace=True)
    if frame.shape[1] != len(INPUT_COLUMNS):
        raise DataError(
            f"{path.name} has {frame.shape[1]} columns; expected {len(INPUT_COLUMNS)}: {', '.join(INPUT_COLUMNS)}"
        )
    frame.columns = list(INPUT_COLUMNS)
    return frame


def engineer_features(data: pd.DataFrame) -> pd.DataFrame:
    """The target followed by FEATURES, with `sex` one-hot encoded over a fixed set of categories."""
    sex = pd.Categorical(data["sex"], categories=list(SEX_CATEGORIES))
    one_hot = pd.get_dummies(sex, prefix="sex", dtype=float)
    one_hot.index = data.index
    features = pd.concat([data[list(MEASUREMENTS)].astype(float), one_hot], axis=1)
    return pd.concat([data[TARGET].astype(float), features[list(FEATURES)]], axis=1)


def split(data: pd.DataFrame, seed: int) -> dict[str, pd.DataFrame]:
    """Shuffles the rows and cuts them by SPLIT_FRACTIONS; every split must hold at least one row."""
    shuffled = data.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    train_end = int(len(shuffled) * SPLIT_FRACTIONS["train"])
    validation_end = train_end + int(len(shuffled) * SPLIT_FRACTIONS["validation"])
    splits = {
        "train": shuffled.iloc[:train_end],
        "validation": shuffled.iloc[train_end:validation_end],
        "test": shuffled.iloc[validation_end:],
    }
    empty = [name for name, rows in splits.items() if rows.empty]
    if empty:
        raise DataError(f"only {len(data)} usable rows: the {', '.join(empty)} split(s) would be empty")
    return splits


def write_splits(splits: dict[str, pd.DataFrame], output_dir: Path) -> None:
    """Writes `<output_dir>/<split>/<split>.csv`, headerless, target first."""
    for name, rows in splits.items():
        directory = output_dir / name
        directory.mkdir(parents=True, exist_ok=True)
        rows.to_csv(directory / f"{name}.csv", header=False, index=False)
        LOGGER.info("wrote %d rows to %s", len(rows), directory / f"{name}.csv")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input-dir", type=Path, default=Path("/opt/ml/processing/input"))
    parser.add_argument("--output-dir", type=Path, default=Path("/opt/ml/processing"))
    parser.add_argument("--seed", type=int, default=42, help="shuffle seed, for reproducible splits")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    try:
        data = read_abalone(args.input_dir)
        splits = split(engineer_features(data), args.seed)
    except DataError as error:
        LOGGER.error("%s", error)
        return 1
    write_splits(splits, args.output_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
