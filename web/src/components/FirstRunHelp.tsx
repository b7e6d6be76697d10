import { useState } from 'react';

type Client = 'mlflow' | 'sdk' | 'cli';

/** What to type to get a first run onto this page: the MLflow client, Mnemo's TypeScript SDK, or `mnemo run`. */
export function FirstRunHelp({ experimentName }: { experimentName?: string }) {
  const [client, setClient] = useState<Client>('mlflow');
  const origin = window.location.origin;
  const name = experimentName ?? 'my-experiment';
  const snippets: Record<Client, string> = {
    mlflow: `import mlflow
mlflow.set_tracking_uri("${origin}")
mlflow.set_experiment(${JSON.stringify(name)})
with mlflow.start_run():
    mlflow.log_param("lr", 0.01)
    mlflow.log_metric("loss", 0.42)`,
    sdk: `const mnemo = new Mnemo({ url: '${origin}' });
const run = await mnemo.startRun({ experimentName: ${JSON.stringify(name)}, params: { lr: 0.01 } });
run.logMetrics({ loss: 0.42 }, 0);
await run.end();`,
    cli: `npx mnemo run --tracking-uri ${origin} --experiment ${JSON.stringify(name)} -- python train.py`,
  };
  const labels: Record<Client, string> = { mlflow: 'MLflow client', sdk: 'Mnemo SDK', cli: 'mnemo run' };
  return (
    <div className="first-run">
      <p>Log a first run from your training code:</p>
      <div className="tabs small" role="tablist">
        {(Object.keys(labels) as Client[]).map((c) => (
          <button
            key={c}
            type="button"
            role="tab"
            aria-selected={client === c}
            className={client === c ? 'active' : ''}
            onClick={() => setClient(c)}
          >
            {labels[c]}
          </button>
        ))}
      </div>
      <pre className="code-block" data-testid="first-run-snippet">
        {snippets[client]}
      </pre>
    </div>
  );
}
