import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { knowledgeConfig } from '../config/knowledge.config';
import { detectMediaType } from './knowledge-media-type';
import { KnowledgePages } from './knowledge-page';
import { KnowledgeStore, type ProcessedContent, type SourceClaim } from './knowledge-store';
import { extractSections, htmlTitle, UnreadableDocument } from './knowledge-text';
import { splitIntoPassages } from './passage-splitter';

const BATCH = 4;

/**
 * The durable job of a knowledge source: claim it (with a lease), extract its text, split it
 * into passages and store them, or record why it failed. A source whose instance stopped
 * mid-way is claimed again once its lease expires, so a restart resumes it.
 */
@Injectable()
export class KnowledgeProcessing {
  private readonly logger = new Logger(KnowledgeProcessing.name);

  constructor(
    private readonly store: KnowledgeStore,
    private readonly pages: KnowledgePages,
    @Inject(knowledgeConfig.KEY) private readonly config: ConfigType<typeof knowledgeConfig>,
  ) {}

  /** Processes the sources due now, one after another; answers how many it claimed. */
  async processDue(): Promise<number> {
    await this.store.failAbandoned(this.config.maxAttempts);
    const claims = await this.store.claim(this.config.leaseMs, BATCH, this.config.maxAttempts);
    for (const claim of claims) await this.process(claim);
    return claims.length;
  }

  async process(claim: SourceClaim): Promise<void> {
    let reason: string | undefined;
    try {
      const { bytes, content } = await this.contentOf(claim);
      const sections = await extractSections(
        bytes,
        content?.mediaType ?? claim.mediaType,
        this.config,
      );
      const { passages, truncated } = splitIntoPassages(sections, this.config.maxPassagesPerSource);
      if (truncated) {
        reason = `The document is too long: more than ${this.config.maxPassagesPerSource} passages. Split it into smaller files.`;
      } else if (passages.length === 0) {
        reason = 'The document has no text.';
      } else {
        const outcome = await this.store.complete(
          claim,
          passages,
          this.config.maxPassagesPerAssistant,
          content,
        );
        reason = outcome.refusal;
        if (outcome.stored) {
          this.logger.log(`Knowledge source ${claim.id} is ready: ${passages.length} passages`);
        }
      }
    } catch (error) {
      if (error instanceof UnreadableDocument) {
        reason = error.message;
      } else {
        // Kept in the log for the operators; staff read a reason without internals.
        this.logger.error({ err: error, sourceId: claim.id }, 'Knowledge source processing failed');
        reason = 'The document could not be processed.';
      }
    }
    if (reason !== undefined) await this.store.fail(claim, reason);
  }

  /** A file's stored bytes; a web page fetched now and judged by its content as an upload is. */
  private async contentOf(
    claim: SourceClaim,
  ): Promise<{ bytes: Buffer; content?: ProcessedContent }> {
    if (claim.kind !== 'url' || !claim.url) return { bytes: claim.content };
    const bytes = await this.pages.fetch(claim.url);
    const mediaType = detectMediaType(bytes);
    if (!mediaType) {
      throw new UnreadableDocument('The page is not HTML, text or PDF.');
    }
    const title = mediaType === 'text/html' ? htmlTitle(bytes) : undefined;
    return { bytes, content: { mediaType, bytes: bytes.length, ...(title && { title }) } };
  }
}
