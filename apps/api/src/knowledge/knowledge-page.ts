import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { OutboundError, outboundRequest } from '../common/outbound/outbound-request';
import { knowledgeConfig } from '../config/knowledge.config';
import { outboundConfig } from '../config/outbound.config';
import { UnreadableDocument } from './knowledge-text';

/** How long fetching a page may take, from resolving its name to its last byte. */
const PAGE_TIMEOUT_MS = 15_000;

/**
 * Fetches a web page source through the outbound guard, as webhooks are sent: no loopback,
 * private, link-local or metadata address (unless `OUTBOUND_ALLOW_PRIVATE`), no redirect
 * followed, at most the file limit read, within a timeout. A failure is an
 * {@link UnreadableDocument} whose message staff can act on (never the address it resolved to).
 */
@Injectable()
export class KnowledgePages {
  constructor(
    @Inject(knowledgeConfig.KEY) private readonly config: ConfigType<typeof knowledgeConfig>,
    @Inject(outboundConfig.KEY) private readonly outbound: ConfigType<typeof outboundConfig>,
  ) {}

  async fetch(url: string): Promise<Buffer> {
    let response;
    try {
      response = await outboundRequest(
        url,
        {
          method: 'GET',
          headers: { accept: 'text/html, text/plain, text/markdown, application/pdf' },
        },
        {
          allowPrivate: this.outbound.allowPrivate,
          timeoutMs: PAGE_TIMEOUT_MS,
          maxResponseBytes: this.config.maxFileBytes,
        },
      );
    } catch (error) {
      throw new UnreadableDocument(pageFailure(error));
    }
    if (response.status >= 300 && response.status < 400) {
      throw new UnreadableDocument(
        `The page redirects (HTTP ${response.status}): add the address it redirects to instead.`,
      );
    }
    if (response.status !== 200) {
      throw new UnreadableDocument(`The page answered HTTP ${response.status}.`);
    }
    return response.body;
  }
}

function pageFailure(error: unknown): string {
  const reason = error instanceof OutboundError ? error.reason : 'unreachable';
  switch (reason) {
    case 'address_refused':
      return 'The page is on an address the server may not fetch (internal addresses are refused).';
    case 'invalid_url':
      return 'The URL is not a valid http or https address.';
    case 'timeout':
      return 'The page did not answer in time.';
    case 'too_large':
      return 'The page is larger than the file limit.';
    default:
      return 'The page could not be reached.';
  }
}
