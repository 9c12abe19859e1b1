/** How many finished top-level blocks share a section. */
export const BLOCKS_PER_SECTION = 24;

/**
 * Appends finished blocks' HTML (already sanitised) to a reply, grouped in sections that the
 * browser draws only near the viewport (`.reply-section` in styles.css). Grouping keeps the
 * count of such boxes small: one per block would make the browser's visibility checks and the
 * layout of their parent grow with the reply again.
 */
export function appendFinishedBlocks(container: HTMLElement, html: string): void {
  if (!html) return;
  let section = container.lastElementChild;
  if (!section || !section.classList.contains('reply-section') || section.childElementCount >= BLOCKS_PER_SECTION) {
    section = document.createElement('div');
    section.className = 'reply-section';
    container.appendChild(section);
  }
  section.insertAdjacentHTML('beforeend', html);
}
