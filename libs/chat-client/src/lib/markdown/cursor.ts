/** Elements the cursor never goes into: they hold no text (or, for code, another text's end). */
const NO_TEXT = new Set(['BR', 'HR', 'IMG', 'INPUT']);

/**
 * Puts the blinking cursor right after the last text of `container`, where the next word goes:
 * in the last element only when that element is what ends the text (`**bold**` at the end), and
 * after it otherwise (`<code>x</code> and more`), skipping trailing whitespace.
 */
export function appendCursor(container: HTMLElement): void {
  let target: Node = container;
  for (;;) {
    const last = lastMeaningfulChild(target);
    if (!(last instanceof Element) || NO_TEXT.has(last.tagName)) break;
    target = last;
  }
  const cursor = document.createElement('span');
  cursor.className = 'cursor';
  cursor.setAttribute('aria-hidden', 'true');
  const last = lastMeaningfulChild(target);
  // After the last text, before any whitespace that follows it (a newline the markup ends with).
  if (last && last.nextSibling) target.insertBefore(cursor, last.nextSibling);
  else target.appendChild(cursor);
}

function lastMeaningfulChild(node: Node): ChildNode | null {
  let child = node.lastChild;
  while (child && child.nodeType === Node.TEXT_NODE && !child.textContent?.trim()) {
    child = child.previousSibling;
  }
  return child;
}
