/** How many finished top-level blocks share a section. */
export const BLOCKS_PER_SECTION = 24;

/** How many sections at the end of a reply are always drawn. */
const DRAWN_SECTIONS = 2;

/**
 * Appends finished blocks' HTML (already sanitised) to a reply, grouped in sections. Sections
 * behind the last two are "settled": the browser draws them only near the viewport
 * (`.reply-section.settled` in styles.css), so a long reply costs no more per frame at its end
 * than at its start. Grouping keeps the count of such boxes small (one per block would make the
 * browser's visibility checks and the layout of their parent grow with the reply again), and
 * the end of a reply, where the reader is, is never left undrawn for a frame, e.g. when its
 * nodes move to the finished view.
 */
export function appendFinishedBlocks(container: HTMLElement, html: string): void {
  if (!html) return;
  let section = container.lastElementChild;
  if (!section || !section.classList.contains('reply-section') || section.childElementCount >= BLOCKS_PER_SECTION) {
    section = document.createElement('div');
    section.className = 'reply-section';
    container.appendChild(section);
    container.children[container.children.length - 1 - DRAWN_SECTIONS]?.classList.add('settled');
  }
  section.insertAdjacentHTML('beforeend', html);
}
