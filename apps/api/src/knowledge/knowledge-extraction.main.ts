// The extraction process's entry (see `extractSections`): parses the one document it is sent and
// answers its sections, or why it is unreadable. Any other failure is left uncaught, so the
// process exits with it on its stderr, which the server maps and logs.
import { parseSections } from './knowledge-parsing';
import { type ExtractionReply, type ExtractionRequest, UnreadableDocument } from './knowledge-text';

process.once('message', ({ bytes, mediaType }: ExtractionRequest) => {
  void parseSections(bytes, mediaType).then(
    (sections) => reply({ sections }),
    (error: unknown) => {
      if (!(error instanceof UnreadableDocument)) throw error;
      reply({ unreadable: error.message });
    },
  );
});

/** Answers, then lets the process end: the IPC channel is all that keeps it alive. */
function reply(message: ExtractionReply): void {
  process.send?.(message, () => process.disconnect());
}
