"""This project's SageMaker Pipeline: preprocess, train, evaluate, and register the model when its
test MSE is at most the threshold.

This module and run_pipeline.py are the only ones that use the SageMaker Python SDK. The scripts
the steps run (scripts/preprocess.py, scripts/evaluate.py) are plain Python you can run locally.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import boto3
from sagemaker import image_uris
from sagemaker.estimator import Estimator
from sagemaker.inputs import TrainingInput
from sagemaker.model import Model
from sagemaker.model_metrics import MetricsSource, ModelMetrics
from sagemaker.processing import ProcessingInput, ProcessingOutput, ScriptProcessor
from sagemaker.sklearn.processing import SKLearnProcessor
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionLessThanOrEqualTo
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.functions import Join, JsonGet
from sagemaker.workflow.model_step import ModelStep
from sagemaker.workflow.parameters import ParameterFloat, ParameterString
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.pipeline_context import PipelineSession
from sagemaker.workflow.properties import PropertyFile
from sagemaker.workflow.steps import ProcessingStep, TrainingStep

SCRIPTS = Path(__file__).resolve().parent / "scripts"

SKLEARN_FRAMEWORK_VERSION = "1.2-1"
XGBOOST_VERSION = "1.7-1"
# Where the registered model may be deployed; the deploy repository's stage configs pick from these.
INFERENCE_INSTANCE_TYPES = ["ml.t2.medium", "ml.m5.large", "ml.m5.xlarge"]
TRANSFORM_INSTANCE_TYPES = ["ml.m5.large", "ml.m5.xlarge"]
XGBOOST_HYPERPARAMETERS = {
    "objective": "reg:squarederror",
    "num_round": 50,
    "max_depth": 5,
    "eta": 0.2,
    "gamma": 4,
    "min_child_weight": 6,
    "subsample": 0.7,
}
PROCESSING_DIR = "/opt/ml/processing"
# Every registered model waits for a person's approval; approval starts the deploy pipeline.
APPROVAL_STATUS = "PendingManualApproval"


@dataclass(frozen=True)
class ProjectContext:
    """What the pipeline needs to know about the SageMaker project (the CI/CD variables)."""

    region: str
    role_arn: str
    artifact_bucket: str
    model_package_group: str
    pipeline_name: str
    project_id: str

    @property
    def job_tags(self) -> list[dict[str, str]]:
        """Every job the pipeline starts carries the project id: the pipeline role may start, watch
        and stop only jobs that do (SageMaker names pipeline jobs alike for every project)."""
        return [{"Key": "sagemaker:project-id", "Value": self.project_id}]


def default_input_data_url(region: str) -> str:
    """The public abalone data set SageMaker's own project templates use, in this region."""
    return f"s3://sagemaker-servicecatalog-seedcode-{region}/dataset/abalone-dataset.csv"


def build_pipeline(project: ProjectContext, boto_session: boto3.Session) -> Pipeline:
    """The pipeline definition; nothing is created in AWS until it is upserted."""
    # Code, outputs and models go to the project's artifact bucket, never to a default bucket.
    session = PipelineSession(boto_session=boto_session, default_bucket=project.artifact_bucket)
    processing_instance_type = ParameterString(name="ProcessingInstanceType", default_value="ml.m5.xlarge")
    training_instance_type = ParameterString(name="TrainingInstanceType", default_value="ml.m5.xlarge")
    input_data_url = ParameterString(name="InputDataUrl", default_value=default_input_data_url(project.region))
    mse_threshold = ParameterFloat(name="MseThreshold", default_value=6.0)
    xgboost_image = image_uris.retrieve(framework="xgboost", region=project.region, version=XGBOOST_VERSION)

    preprocess = ProcessingStep(
        name="PreprocessAbaloneData",
        step_args=SKLearnProcessor(
            framework_version=SKLEARN_FRAMEWORK_VERSION,
            role=project.role_arn,
            instance_type=processing_instance_type,
            instance_count=1,
            sagemaker_session=session,
            tags=project.job_tags,
        ).run(
            code=str(SCRIPTS / "preprocess.py"),
            inputs=[ProcessingInput(source=input_data_url, destination=f"{PROCESSING_DIR}/input")],
            outputs=[
                ProcessingOutput(output_name=split, source=f"{PROCESSING_DIR}/{split}")
                for split in ("train", "validation", "test")
            ],
        ),
    )

    def split_uri(split: str):
        return preprocess.properties.ProcessingOutputConfig.Outputs[split].S3Output.S3Uri

    estimator = Estimator(
        image_uri=xgboost_image,
        role=project.role_arn,
        instance_type=training_instance_type,
        instance_count=1,
        output_path=f"s3://{project.artifact_bucket}/{project.pipeline_name}/models",
        sagemaker_session=session,
        tags=project.job_tags,
    )
    estimator.set_hyperparameters(**XGBOOST_HYPERPARAMETERS)
    train = TrainingStep(
        name="TrainAbaloneModel",
        step_args=estimator.fit(
            inputs={
                "train": TrainingInput(s3_data=split_uri("train"), content_type="text/csv"),
                "validation": TrainingInput(s3_data=split_uri("validation"), content_type="text/csv"),
            }
        ),
    )
    model_data = train.properties.ModelArtifacts.S3ModelArtifacts

    evaluation_report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
    evaluate = ProcessingStep(
        name="EvaluateAbaloneModel",
        step_args=ScriptProcessor(
            image_uri=xgboost_image,
            command=["python3"],
            role=project.role_arn,
            instance_type=processing_instance_type,
            instance_count=1,
            sagemaker_session=session,
            tags=project.job_tags,
        ).run(
            code=str(SCRIPTS / "evaluate.py"),
            inputs=[
                ProcessingInput(source=model_data, destination=f"{PROCESSING_DIR}/model"),
                ProcessingInput(source=split_uri("test"), destination=f"{PROCESSING_DIR}/test"),
            ],
            outputs=[ProcessingOutput(output_name="evaluation", source=f"{PROCESSING_DIR}/evaluation")],
        ),
        property_files=[evaluation_report],
    )
    report_uri = Join(
        on="/",
        values=[evaluate.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri, "evaluation.json"],
    )

    register = ModelStep(
        name="RegisterAbaloneModel",
        step_args=Model(
            image_uri=xgboost_image,
            model_data=model_data,
            role=project.role_arn,
            sagemaker_session=session,
        ).register(
            content_types=["text/csv"],
            response_types=["text/csv"],
            inference_instances=INFERENCE_INSTANCE_TYPES,
            transform_instances=TRANSFORM_INSTANCE_TYPES,
            model_package_group_name=project.model_package_group,
            # Fixed, not a parameter: nothing a CI run passes can approve a model; a person does, in Studio.
            approval_status=APPROVAL_STATUS,
            model_metrics=ModelMetrics(
                model_statistics=MetricsSource(s3_uri=report_uri, content_type="application/json")
            ),
        ),
    )
    test_mse = JsonGet(step_name=evaluate.name, property_file=evaluation_report, json_path="regression_metrics.mse.value")
    reject = FailStep(
        name="RejectAbaloneModel",
        error_message=Join(on=" ", values=["test MSE", test_mse, "is above the threshold", mse_threshold]),
    )
    check_mse = ConditionStep(
        name="CheckAbaloneModelMse",
        conditions=[ConditionLessThanOrEqualTo(left=test_mse, right=mse_threshold)],
        if_steps=[register],
        else_steps=[reject],
    )

    return Pipeline(
        name=project.pipeline_name,
        parameters=[processing_instance_type, training_instance_type, input_data_url, mse_threshold],
        steps=[preprocess, train, evaluate, check_mse],
        sagemaker_session=session,
    )
