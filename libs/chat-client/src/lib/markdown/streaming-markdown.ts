import { lexBlocks, renderBlocks } from './markdown-html';

/** What changed in a streaming reply's HTML since the previous update. */
export interface StreamingUpdate {
  /** HTML of blocks that became final; append them once, they never change again. */
  finishedBlocks: string[];
  /** HTML of the unfinished last block; replaces the previous tail. */
  tail: string;
  /** Text is left for the next update: this one stopped at its budget (see `update`). */
  behind: boolean;
}

/**
 * Most characters of new text one update lexes and renders. A reply received in a hidden tab
 * (no animation frames) or joined mid-way arrives as one long text; drawing it a slice per frame
 * keeps every frame short.
 */
export const MAX_CHARACTERS_PER_UPDATE = 8192;

/**
 * Renders a growing markdown reply at a cost that does not grow with its length: top-level
 * blocks followed by another block are final and rendered once; only the text after them (the
 * last, unfinished block) is lexed and rendered again on each update.
 */
export class StreamingMarkdown {
  private finishedLength = 0;
  private readonly finishedHtml: string[] = [];

  update(source: string): StreamingUpdate {
    const end = this.finishedLength + MAX_CHARACTERS_PER_UPDATE;
    if (end < source.length) {
      // A slice of the text is the reply as it was earlier in the stream: its blocks before the
      // last one are final. A single block longer than the slice is drawn whole.
      const update = this.render(source.slice(0, end));
      if (update.finishedBlocks.length > 0) return { ...update, behind: true };
    }
    return { ...this.render(source), behind: false };
  }

  private render(source: string): Omit<StreamingUpdate, 'behind'> {
    const tailSource = source.slice(this.finishedLength);
    const tokens = lexBlocks(closeOpenFence(tailSource));
    const finishedBlocks: string[] = [];

    let lastBlock = tokens.length - 1;
    while (lastBlock >= 0 && tokens[lastBlock].type === 'space') lastBlock--;
    // \r\n is normalised by the lexer, so raw lengths would not match the source; rare in
    // replies, so such a tail is simply rendered whole.
    if (lastBlock > 0 && !tailSource.includes('\r')) {
      const finished = tokens.slice(0, lastBlock);
      const length = finished.reduce((sum, token) => sum + token.raw.length, 0);
      const html = renderBlocks(finished, tokens.links);
      finishedBlocks.push(html);
      this.finishedHtml.push(html);
      this.finishedLength += length;
      return { finishedBlocks, tail: renderBlocks(tokens.slice(lastBlock), tokens.links) };
    }
    return { finishedBlocks, tail: renderBlocks(tokens, tokens.links) };
  }

  /** HTML of the blocks finished so far, batch by batch (for a view attached mid-reply). */
  finishedSoFar(): readonly string[] {
    return this.finishedHtml;
  }

  /** The full HTML of the reply once it is complete (renders only the text not rendered yet). */
  finish(source: string): string {
    const { tail } = this.render(source);
    return this.finishedHtml.join('') + tail;
  }
}

/**
 * Closes a code fence left open by a half-written reply, so that the code shows as code while
 * it streams instead of flickering between paragraph and code block.
 */
export function closeOpenFence(markdown: string): string {
  let open: string | null = null;
  for (const match of markdown.matchAll(/^ {0,3}(`{3,}|~{3,})([^\n]*)$/gm)) {
    const fence = match[1];
    if (open === null) {
      if (fence[0] === '`' && match[2].includes('`')) continue; // not a fence: backticks in the info string
      open = fence;
    } else if (fence[0] === open[0] && fence.length >= open.length && match[2].trim() === '') {
      open = null;
    }
  }
  if (open === null) return markdown;
  return `${markdown}${markdown.endsWith('\n') ? '' : '\n'}${open}\n`;
}
