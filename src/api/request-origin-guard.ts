import type { FastifyInstance } from 'fastify';
import {
  crossSiteReason,
  formContentTypeReason,
  type HostAllowList,
  isHostAllowed,
} from '../domain/http/host-allow-list.js';
import { sendError } from './errors.js';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

/**
 * Keeps pages on other sites out of a server a browser can reach (a local one, typically): requests for a host name
 * the server does not answer (DNS rebinding) and state-changing requests sent by another site's page are refused
 * before routing. Every answer also carries headers that stop sniffing, framing and leaking URLs in referrers.
 */
export function installRequestOriginGuard(app: FastifyInstance, hosts: HostAllowList): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    const host = request.headers.host;
    if (!isHostAllowed(host, hosts)) {
      return sendError(
        reply,
        403,
        'PERMISSION_DENIED',
        `This server does not answer for host '${host ?? ''}'; add it with --allowed-hosts (MNEMO_ALLOWED_HOSTS)`,
      );
    }
    const reason = crossSiteReason({
      method: request.method,
      host,
      origin: single(request.headers.origin),
      fetchSite: single(request.headers['sec-fetch-site']),
    });
    if (reason) return sendError(reply, 403, 'PERMISSION_DENIED', `Cross-site request refused: ${reason}`);
    const formReason = formContentTypeReason(request.method, request.headers['content-type']);
    if (formReason) return sendError(reply, 400, 'INVALID_PARAMETER_VALUE', `Request refused: ${formReason}`);
  });
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
