// The lazily loaded half of reply rendering (markdown-loader.ts imports it with `import()`):
// marked, DOMPurify and what is built on them. Nothing else imports these modules at run time.
export { renderedText, renderMarkdown, sanitize } from './markdown-html';
export { StreamingMarkdown } from './streaming-markdown';
