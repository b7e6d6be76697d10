/**
 * Parts of an environment variable name that say its value is a credential. Names are split on `_`, `-` and `.`
 * (`AWS_SECRET_ACCESS_KEY` → AWS, SECRET, ACCESS, KEY); a few words are also caught inside a part (`GITHUBTOKEN`).
 */
const SECRET_PARTS = new Set([
  'KEY',
  'APIKEY',
  'PASS',
  'PASSWD',
  'PASSWORD',
  'PWD',
  'AUTH',
  'CREDENTIAL',
  'CREDENTIALS',
  'PRIVATE',
  'SESSION',
  'COOKIE',
  'SIGNATURE',
  'DSN',
  'CERT',
]);
const SECRET_INSIDE = /SECRET|TOKEN|PASSW|CREDENTIAL|APIKEY|PRIVATEKEY/;

/** Whether a variable's value must never be recorded, whoever asks for it. */
export function looksSecret(name: string): boolean {
  const upper = name.toUpperCase();
  if (SECRET_INSIDE.test(upper)) return true;
  return upper.split(/[_.-]+/).some((part) => SECRET_PARTS.has(part));
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,199}$/;

/** Checks a name given with `--env-var`; answers the reason it is refused, or undefined when it may be recorded. */
export function envVarRefusal(name: string): string | undefined {
  if (!ENV_NAME.test(name)) return `'${name}' is not an environment variable name`;
  if (looksSecret(name)) return `'${name}' looks like it holds a secret; its value is never recorded`;
  return undefined;
}
