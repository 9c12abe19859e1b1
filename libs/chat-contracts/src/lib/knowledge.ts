/*
 * Knowledge (PROTOCOL.md, "Knowledge (v3)"): the documents an assistant answers from, as staff
 * manage them, and the passages a reply used, as the `sources` event and the transcript name them.
 */

export const KNOWLEDGE_SOURCE_KINDS = ['file', 'url'] as const;
export type KnowledgeSourceKind = (typeof KNOWLEDGE_SOURCE_KINDS)[number];

export const KNOWLEDGE_SOURCE_STATUSES = ['processing', 'ready', 'failed'] as const;
export type KnowledgeSourceStatus = (typeof KNOWLEDGE_SOURCE_STATUSES)[number];

/** The media types a source may have, judged by its content (never by its name or declared type). */
export const KNOWLEDGE_MEDIA_TYPES = [
  'text/markdown',
  'text/plain',
  'text/html',
  'application/pdf',
] as const;
export type KnowledgeMediaType = (typeof KNOWLEDGE_MEDIA_TYPES)[number];

/** One source as `GET /admin/assistants/{id}/knowledge` lists it. */
export interface KnowledgeSourceSummary {
  id: string;
  title: string;
  kind: KnowledgeSourceKind;
  media_type: KnowledgeMediaType;
  /** The file's size. */
  bytes: number;
  /** Its passages (0 until ready). */
  chunks: number;
  status: KnowledgeSourceStatus;
  /** Why it failed, in words staff can act on. */
  error?: string;
  url?: string;
  created_at: string;
  created_by: string;
  updated_at: string;
}

/** A passage a reply used, as the `sources` event and the transcript carry it. */
export interface SourceReference {
  /** The passage's id. */
  id: string;
  source_id: string;
  title: string;
  url?: string;
  snippet: string;
}

/** Body of `POST /admin/assistants/{id}/knowledge/search` ("try a question"). */
export interface KnowledgeSearchRequest {
  query: string;
}

/** One passage a question would be answered from, best first. */
export interface KnowledgeSearchHit extends SourceReference {
  heading: string | null;
  content: string;
  score: number;
}

export interface KnowledgeSearchReply {
  passages: KnowledgeSearchHit[];
}
