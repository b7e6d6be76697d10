import { Option } from 'commander';

/** Every flag also reads MNEMO_<FLAG> from the environment, so containers can be configured without arguments. */
export function envOption(flags: string, description: string, defaultValue?: string): Option {
  const long = /--([a-z0-9-]+)/.exec(flags)?.[1] ?? '';
  const option = new Option(flags, description).env(`MNEMO_${long.replaceAll('-', '_').toUpperCase()}`);
  return defaultValue === undefined ? option : option.default(defaultValue);
}

export const DEFAULT_TRACKING_URI = 'http://127.0.0.1:5000';

/**
 * Where client commands find the server, in one order for all of them: --tracking-uri, MNEMO_TRACKING_URI,
 * MLFLOW_TRACKING_URI (so a shell set up for MLflow works unchanged), then the local default.
 */
export function trackingUriOption(): Option {
  return new Option('--tracking-uri <uri>', 'address of the Mnemo server')
    .env('MNEMO_TRACKING_URI')
    .default(process.env.MLFLOW_TRACKING_URI || DEFAULT_TRACKING_URI, `MLFLOW_TRACKING_URI or ${DEFAULT_TRACKING_URI}`);
}

/**
 * The token client commands send: MNEMO_TRACKING_TOKEN, else MLFLOW_TRACKING_TOKEN (so a shell set up for MLflow
 * works unchanged). Read from the environment only, never from a flag, so it stays out of shell history and `ps`.
 */
export function clientToken(): string | undefined {
  const source = tokenSource();
  return source === undefined ? undefined : process.env[source];
}

/** The environment variable the token comes from, so messages about it can name the one the user set. */
export function tokenSource(): 'MNEMO_TRACKING_TOKEN' | 'MLFLOW_TRACKING_TOKEN' | undefined {
  if (process.env.MNEMO_TRACKING_TOKEN) return 'MNEMO_TRACKING_TOKEN';
  if (process.env.MLFLOW_TRACKING_TOKEN) return 'MLFLOW_TRACKING_TOKEN';
  return undefined;
}

/** The Authorization header for client commands that call the server with fetch. */
export function authorizationHeader(): Record<string, string> {
  const token = clientToken();
  if (token) return { authorization: `Bearer ${token}` };
  const user = process.env.MLFLOW_TRACKING_USERNAME;
  const password = process.env.MLFLOW_TRACKING_PASSWORD;
  if (user && password) return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
  return {};
}
