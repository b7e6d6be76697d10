/** What to type to get a first run onto this page, with the MLflow client or with Mnemo's own tools. */
export function FirstRunHelp({ experimentName }: { experimentName?: string }) {
  const origin = window.location.origin;
  const experiment = experimentName ? `mlflow.set_experiment(${JSON.stringify(experimentName)})\n` : '';
  return (
    <div className="first-run">
      <p>Log a first run with the official MLflow client:</p>
      <pre className="code-block">
        {`import mlflow
mlflow.set_tracking_uri("${origin}")
${experiment}with mlflow.start_run():
    mlflow.log_param("lr", 0.01)
    mlflow.log_metric("loss", 0.42)`}
      </pre>
      <p>or wrap any training command with Mnemo:</p>
      <pre className="code-block">{`npx mnemo run -- python train.py`}</pre>
    </div>
  );
}
