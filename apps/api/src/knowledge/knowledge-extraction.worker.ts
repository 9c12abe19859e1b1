// The extraction worker's entry (see `extractSections`): parses the one document it is given and
// answers its sections, or why it is unreadable. Any other failure is left uncaught, so the
// worker ends with it as an `error` the main thread maps and logs.
import { parentPort, workerData } from 'node:worker_threads';
import { parseSections } from './knowledge-parsing';
import { type ExtractionReply, type ExtractionRequest, UnreadableDocument } from './knowledge-text';

const { bytes, mediaType } = workerData as ExtractionRequest;

void parseSections(bytes, mediaType).then(
  (sections) => reply({ sections }),
  (error: unknown) => {
    if (!(error instanceof UnreadableDocument)) throw error;
    reply({ unreadable: error.message });
  },
);

function reply(message: ExtractionReply): void {
  parentPort?.postMessage(message);
}
