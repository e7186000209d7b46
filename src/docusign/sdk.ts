import { createRequire } from 'node:module';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { RestClient } from './rest.js';

/**
 * The only module that loads docusign-esign (dynamically: it costs ~300 ms). The SDK's typed API
 * classes build the requests; an axios adapter hands every request to esign's own transport
 * (RestClient + Transport), so SDK calls get the same token handling, one re-mint on 401, retries,
 * timeouts, proxy support, rate-limit pacing, redacted --verbose trace and error mapping as every
 * other call. Envelope creation does not go through the SDK: it cannot stream documents as
 * multipart binary parts (see envelopes.ts).
 */

// The SDK is CommonJS and requires its own copy of axios: patch that exact instance.
const require = createRequire(import.meta.url);

interface AxiosLike {
  defaults: { adapter: unknown };
  getUri(config: unknown): string;
}

/** A loaded SDK bound to one RestClient. */
export interface Sdk {
  // The SDK ships no TypeScript types; the wrappers in envelopes.ts give the rest of esign typed results.
  envelopes: {
    createRecipientView(accountId: string, envelopeId: string, opts: { recipientViewRequest: Record<string, unknown> }): Promise<{ url?: string }>;
  };
  accountId: string;
}

let loaded: { docusign: Record<string, any>; axios: AxiosLike } | undefined;
let activeRest: RestClient | undefined;

function load(): { docusign: Record<string, any>; axios: AxiosLike } {
  if (loaded) return loaded;
  const docusign = require('docusign-esign') as Record<string, any>;
  const axiosPath = require.resolve('axios', { paths: [path.dirname(require.resolve('docusign-esign'))] });
  const axios = require(axiosPath) as AxiosLike;
  axios.defaults.adapter = async (config: Record<string, any>) => {
    const rest = activeRest;
    if (!rest) throw new Error('docusign-esign used without an esign RestClient');
    const url = axios.getUri(config);
    const raw = typeof config.headers?.toJSON === 'function' ? config.headers.toJSON() : { ...(config.headers ?? {}) };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (v === undefined || v === null || /^authorization$/i.test(k)) continue;
      headers[k.toLowerCase()] = String(v);
    }
    const res = await rest.sendUrl({ method: String(config.method ?? 'get').toUpperCase(), url, headers, body: config.data ?? undefined, idempotent: true });
    const resHeaders: Record<string, string> = {};
    res.headers.forEach((v, k) => (resHeaders[k] = v));
    return {
      data: config.responseType === 'stream' ? Readable.from([res.body]) : res.text(),
      status: res.status,
      statusText: String(res.status),
      headers: resHeaders,
      config,
      request: {},
    };
  };
  return (loaded = { docusign, axios });
}

/** Loads the SDK and binds it to the account the RestClient uses. */
export async function loadSdk(rest: RestClient): Promise<Sdk> {
  const account = await rest.account();
  const { docusign } = load();
  activeRest = rest;
  const client = new docusign.ApiClient({ basePath: account.restBase });
  // The transport enforces esign's own timeout per request.
  client.timeout = 0;
  return { envelopes: new docusign.EnvelopesApi(client), accountId: account.accountId };
}
