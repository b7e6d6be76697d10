import { randomBytes } from 'node:crypto';

/** The built-in admin's token the access tests configure (MNEMO_ADMIN_TOKEN). */
export const ADMIN_TOKEN = `mnemo_${randomBytes(32).toString('base64url')}`;

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A JSON call to a server as one caller: a token, Basic credentials, or nobody. */
export async function callAs<T = Record<string, unknown>>(
  url: string,
  credentials: string | { user: string; password: string } | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  if (typeof credentials === 'string') headers.authorization = `Bearer ${credentials}`;
  else if (credentials) {
    headers.authorization = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** Creates a user as the admin and returns a token of its own. */
export async function userWithToken(
  url: string,
  name: string,
  options: { teams?: string[]; password?: string; scope?: 'read' | 'write' | 'admin'; kind?: 'user' | 'service' } = {},
): Promise<string> {
  const created = await callAs(url, ADMIN_TOKEN, 'POST', '/api/v1/users', {
    name,
    ...(options.teams ? { teams: options.teams } : {}),
    ...(options.password ? { password: options.password } : {}),
    ...(options.kind ? { kind: options.kind } : {}),
  });
  if (created.status !== 200) throw new Error(`creating ${name}: ${created.status} ${JSON.stringify(created.body)}`);
  return tokenFor(url, name, options.scope);
}

export async function tokenFor(url: string, name: string, scope?: 'read' | 'write' | 'admin'): Promise<string> {
  const token = await callAs<{ token: string }>(url, ADMIN_TOKEN, 'POST', '/api/v1/tokens', {
    user: name,
    ...(scope ? { scope } : {}),
  });
  if (token.status !== 200) throw new Error(`token for ${name}: ${token.status} ${JSON.stringify(token.body)}`);
  return token.body.token;
}

export async function grant(url: string, body: Record<string, unknown>): Promise<void> {
  const reply = await callAs(url, ADMIN_TOKEN, 'POST', '/api/v1/permissions', body);
  if (reply.status !== 200)
    throw new Error(`grant ${JSON.stringify(body)}: ${reply.status} ${JSON.stringify(reply.body)}`);
}

/** Calls that must succeed while setting a test up. */
export async function ok<T = Record<string, unknown>>(reply: Promise<Reply<T>>): Promise<T> {
  const { status, body } = await reply;
  if (status >= 300) throw new Error(`setup call failed: ${status} ${JSON.stringify(body)}`);
  return body;
}
