import {
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';

/**
 * Every metric the API exports besides the process's defaults, by name. Labels are bounded sets
 * (a finish reason, a contract error code, a channel, a budget, a transport): never a session,
 * stream, lead or client, whose numbers grow without end. A turn's metrics also name its
 * `assistant_id`: bounded too, since assistants are created by admins (not by visitors) and
 * their ids are checked against `^[a-z0-9-]{1,64}$`, so the series grow with the assistants a
 * deployment runs, not with its traffic.
 */
export const METRIC = {
  turnsStarted: 'chat_turns_started_total',
  turnsFinished: 'chat_turns_finished_total',
  turnErrors: 'chat_turn_errors_total',
  timeToFirstToken: 'chat_time_to_first_token_seconds',
  turnDuration: 'chat_turn_duration_seconds',
  chunksStreamed: 'chat_chunks_streamed_total',
  modelTokens: 'chat_model_tokens_total',
  streamsOpen: 'chat_streams_open',
  leadsCompleted: 'chat_leads_completed_total',
  notificationsQueued: 'chat_notifications_queued_total',
  notificationsSent: 'chat_notifications_sent_total',
  notificationAttemptsFailed: 'chat_notification_attempts_failed_total',
  notificationsFailed: 'chat_notifications_failed_total',
  outboxOldestQueuedAge: 'chat_outbox_oldest_queued_age_seconds',
  rateLimitRefusals: 'chat_rate_limit_refusals_total',
  handoffs: 'chat_handoffs_total',
  firstStaffReply: 'chat_handoff_first_staff_reply_seconds',
} as const;

/** What happens to a conversation between the assistant and a person, for `chat_handoffs_total`. */
export const HANDOFF_METRIC_EVENTS = ['requested', 'taken', 'released'] as const;
export type HandoffMetricEvent = (typeof HANDOFF_METRIC_EVENTS)[number];

export const METRIC_PROVIDERS = [
  makeCounterProvider({
    name: METRIC.handoffs,
    help: 'Handoffs: a person asked for (requested), a staff member taking a conversation (taken), given back to the assistant (released).',
    labelNames: ['event'],
  }),
  makeHistogramProvider({
    name: METRIC.firstStaffReply,
    help: "From a visitor's request for a person to the first staff message after it.",
    buckets: [5, 15, 30, 60, 120, 300, 600, 1800, 3600],
  }),
  makeCounterProvider({
    name: METRIC.turnsStarted,
    help: 'Turns started (accepted, their start event sent), by assistant.',
    labelNames: ['assistant_id'],
  }),
  makeCounterProvider({
    name: METRIC.turnsFinished,
    help: 'Turns over, by assistant and finish reason: stop, length, cancelled, or error (an error event ended it).',
    labelNames: ['assistant_id', 'finish_reason'],
  }),
  makeCounterProvider({
    name: METRIC.turnErrors,
    help: "Turns ended by an error event, by assistant and the contract's error code (upstream_* are the model provider's).",
    labelNames: ['assistant_id', 'code'],
  }),
  makeHistogramProvider({
    name: METRIC.timeToFirstToken,
    help: "From a turn's request reaching the chat service to its first chunk, by assistant.",
    labelNames: ['assistant_id'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  }),
  makeHistogramProvider({
    name: METRIC.turnDuration,
    help: "From a turn's request reaching the chat service to its done or error event, by assistant and finish reason.",
    labelNames: ['assistant_id', 'finish_reason'],
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
  }),
  makeCounterProvider({
    name: METRIC.chunksStreamed,
    help: 'Chunk events streamed (counted when their turn ends), by assistant.',
    labelNames: ['assistant_id'],
  }),
  makeCounterProvider({
    name: METRIC.modelTokens,
    help: 'Tokens the model provider reported using (prompt, completion), where it reports them, by assistant.',
    labelNames: ['assistant_id', 'kind'],
  }),
  makeGaugeProvider({
    name: METRIC.streamsOpen,
    help: "Clients attached to a generation's events: SSE responses and WebSocket subscriptions.",
    labelNames: ['transport'],
  }),
  makeCounterProvider({
    name: METRIC.leadsCompleted,
    help: 'Leads completed (the turn that completed each), by assistant.',
    labelNames: ['assistant_id'],
  }),
  makeCounterProvider({
    name: METRIC.notificationsQueued,
    help: 'Lead notifications queued in the outbox, by channel.',
    labelNames: ['channel'],
  }),
  makeCounterProvider({
    name: METRIC.notificationsSent,
    help: 'Lead notifications delivered, by channel.',
    labelNames: ['channel'],
  }),
  makeCounterProvider({
    name: METRIC.notificationAttemptsFailed,
    help: 'Failed delivery attempts of lead notifications (retried or not), by channel.',
    labelNames: ['channel'],
  }),
  makeCounterProvider({
    name: METRIC.notificationsFailed,
    help: 'Lead notifications given up after their last attempt, by channel.',
    labelNames: ['channel'],
  }),
  makeGaugeProvider({
    name: METRIC.outboxOldestQueuedAge,
    help: 'Age of the oldest notification not yet delivered (queued or being sent), read at scrape time; 0 when none, NaN when the database did not answer.',
  }),
  makeCounterProvider({
    name: METRIC.rateLimitRefusals,
    help: 'Requests refused with rate_limited, by budget (messages, reads) and transport.',
    labelNames: ['budget', 'transport'],
  }),
];
