/** What a bench run measured, as saved in `bench-results/*.json` and rendered by `report.ts`. */
import type { KnowledgeResults } from './knowledge';
import type { PaceResults, PaceStep } from './pace';
import type { ServerKind } from './processes';
import type { ScaleOutResults } from './scale-out';
import type { CancelFigures, IdleFigures, LoadFigures, RetainedFigures } from './scenarios';

export type Mode = 'burst' | 'tick';

export type DatabaseEngine = 'pglite' | 'postgres';

/** `process.memoryUsage()` of the server, in bytes. */
export interface MemoryUsage {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** The API on one database engine: RSS at idle and its peak over a paced step (target 7). */
export interface DatabaseMemoryFigures {
  engine: DatabaseEngine;
  idleRssMiB: number;
  peakRssMiB: number;
  /** In the server at idle, and the sample of the step with the highest RSS. */
  idle: MemoryUsage;
  peak: MemoryUsage;
  step: PaceStep;
}

export interface BenchResults {
  startedAt: string;
  command: string;
  machine: { cpus: number; node: string; fileLimit: number };
  settings: { levels: number[]; reps: number; durationMs: number; tokens: number };
  /** Medians of the repetitions, by mode, level and server. */
  load: Record<Mode, Record<string, Partial<Record<ServerKind, LoadFigures>>>>;
  runs: { mode: Mode; level: number; rep: number; server: ServerKind; figures: LoadFigures }[];
  idle: { level: number; server: ServerKind; figures: IdleFigures }[];
  retained: { server: ServerKind; figures: RetainedFigures }[];
  /** CPU per stream at two reply lengths, split into a cost per turn and one per event. */
  split: {
    server: ServerKind;
    points: { tokens: number; figures: LoadFigures }[];
    perTurnMs: number;
    perEventUs: number;
  }[];
  cancel: { server: ServerKind; figures: CancelFigures }[];
  /** Realistic pace: open-loop arrivals stepped up, replies paced like a model. */
  pace?: PaceResults;
  /** The API on PGlite and on PostgreSQL, at idle and at 100 paced streams. */
  memory?: DatabaseMemoryFigures[];
  /** `--redis`: cancel and resume across two instances, beside the same on one. */
  scaleOut?: ScaleOutResults;
  /** Knowledge: recall by retrieval mode, and what 10,000 passages add to a turn. */
  knowledge?: KnowledgeResults[];
  /** `--compare`: the build under test and `other`, run after run in alternating pairs. */
  compare?: {
    other: string;
    points: { tokens: number; build: LoadFigures[]; other: LoadFigures[] }[];
  };
}
