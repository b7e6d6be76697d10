import type { FastifyInstance } from 'fastify';

/** The JSON schemas a route validates its input with, where it declares them. */
export interface RouteInputSchemas {
  body?: unknown;
  querystring?: unknown;
  params?: unknown;
  headers?: unknown;
}

export interface RouteEntry {
  method: string;
  url: string;
  /** What the route accepts, as declared: tests generate input from it. */
  schema: RouteInputSchemas;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the server serves, as registered: tests walk it to reach each one. */
    routeTable: RouteEntry[];
  }
}

/** Records each route as it is added; must run before any route is registered. */
export function recordRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route) => {
    const { body, querystring, params, headers } = (route.schema ?? {}) as RouteInputSchemas;
    for (const method of [route.method].flat())
      table.push({ method, url: route.url, schema: { body, querystring, params, headers } });
  });
}
