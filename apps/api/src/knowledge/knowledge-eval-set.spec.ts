import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { detectMediaType } from './knowledge-media-type';
import { parseSections } from './knowledge-parsing';
import { splitIntoPassages } from './passage-splitter';

/**
 * The bench's evaluation set (`tools/bench/knowledge-eval`, read by `tools/bench/src/knowledge.ts`)
 * is only a measure if each question's expected phrase names one passage: checked here with the
 * extraction and splitter the job runs, so a change to either that breaks the set shows.
 */
const EVAL_DIR = path.resolve(__dirname, '../../../../tools/bench/knowledge-eval');

interface EvalQuestion {
  question: string;
  expect: string;
}

describe('the knowledge evaluation set', () => {
  const documentsDir = path.join(EVAL_DIR, 'documents');
  const documents = readdirSync(documentsDir).map((name) => ({
    name,
    bytes: new Uint8Array(readFileSync(path.join(documentsDir, name))),
  }));
  const { questions } = JSON.parse(readFileSync(path.join(EVAL_DIR, 'questions.json'), 'utf8')) as {
    questions: EvalQuestion[];
  };

  it('has documents the API accepts and 30 or more distinct questions', () => {
    expect(documents.length).toBeGreaterThanOrEqual(5);
    for (const document of documents) expect(detectMediaType(document.bytes)).toBeDefined();
    expect(questions.length).toBeGreaterThanOrEqual(30);
    expect(new Set(questions.map((q) => q.question)).size).toBe(questions.length);
    expect(new Set(questions.map((q) => q.expect)).size).toBe(questions.length);
  });

  it('names, for every question, exactly one document and exactly one passage', async () => {
    const passages: { document: string; content: string }[] = [];
    for (const document of documents) {
      const sections = await parseSections(document.bytes, detectMediaType(document.bytes)!);
      for (const passage of splitIntoPassages(sections, 2000).passages)
        passages.push({ document: document.name, content: passage.content });
    }
    const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
    const problems = questions.flatMap(({ question, expect: phrase }) => {
      const inDocuments = documents.filter((d) => text(d.bytes).includes(phrase)).length;
      const inPassages = passages.filter((p) => p.content.includes(phrase)).length;
      return inDocuments === 1 && inPassages === 1
        ? []
        : [`"${question}": "${phrase}" is in ${inDocuments} documents, ${inPassages} passages`];
    });
    expect(problems).toEqual([]);
  });
});
