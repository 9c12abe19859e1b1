type Fetch = typeof globalThis.fetch;

const LF = 0x0a;

/**
 * Hands `emit` the pieces of `chunk` that end with an event (`\n\n`), then the rest, if any.
 * The openai SDK buffers what it has read and, for every event it finds, copies the rest of the
 * buffer (`data.slice()`): a socket read carrying a whole burst of N events costs it O(N²) bytes
 * copied and a lot of garbage. Fed one event at a time, the same code is linear. The pieces are
 * views of the chunk read, not copies; where the split falls does not change what the SDK parses.
 */
export function forEachEventPiece(chunk: Uint8Array, emit: (piece: Uint8Array) => void): void {
  let start = 0;
  for (let i = chunk.indexOf(LF); i !== -1 && i + 1 < chunk.length; i = chunk.indexOf(LF, i + 1)) {
    if (chunk[i + 1] !== LF) continue;
    emit(chunk.subarray(start, i + 2));
    start = i + 2;
    i++;
  }
  if (start < chunk.length) emit(chunk.subarray(start));
}

/** Responses whose body is cut at events already (by the `fetch` that made them). */
const alignedResponses = new WeakSet<Response>();

export function markEventAligned(response: Response): void {
  alignedResponses.add(response);
}

function splitAtEvents(): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      forEachEventPiece(chunk, (piece) => controller.enqueue(piece));
    },
  });
}

/** `fetch` whose streamed (`text/event-stream`) response bodies reach the SDK one event at a time. */
export function eventAlignedFetch(inner: Fetch): Fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (
      !response.body ||
      alignedResponses.has(response) ||
      !response.headers.get('content-type')?.startsWith('text/event-stream')
    )
      return response;
    return new Response(response.body.pipeThrough(splitAtEvents()), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
