// jsdom lacks fetch and streaming bodies; the specs read real SSE bytes from a local HTTP
// server, so the browser-like globals fetch relies on are taken from Node.
const JsdomEnvironment = require('jest-preset-angular/environments/jest-jsdom-env').default;

const FROM_NODE = [
  'fetch',
  'Request',
  'Response',
  'Headers',
  'ReadableStream',
  'TextDecoderStream',
  'TextDecoder',
  'TextEncoder',
  'AbortController',
  'AbortSignal',
];

class JsdomWithFetchEnvironment extends JsdomEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of FROM_NODE) this.global[name] = globalThis[name];
  }
}

module.exports = JsdomWithFetchEnvironment;
