import { Injectable, type MessageEvent } from '@nestjs/common';
import { concat, defer, EMPTY, from, map, merge, mergeMap, type Observable, of } from 'rxjs';
import { encodeEventData, type HandoffStatus } from '@chat/contracts';
import { GenerationRegistry, withoutSessionToken } from '../chat/generation/generation-registry';
import { ApiError } from '../common/api-error';
import { type ChannelItem, isChannelId, SessionChannel } from './session-channel';

/** Where a reader of a session's channel stands: after a channel entry, or inside a turn's stream. */
interface Position {
  after: string;
  /** After event `streamEventId` of the turn the entry `after` started. */
  streamEventId?: number;
}

/** `Last-Event-ID` of a session's channel: `<channel id>` or `<channel id>/<stream event id>`. */
export function parseChannelPosition(value: string | undefined): Position | undefined {
  if (value === undefined || value === '') return undefined;
  const [after, streamEventId, ...rest] = value.split('/');
  if (
    rest.length > 0 ||
    !isChannelId(after) ||
    (streamEventId !== undefined && !/^\d{1,9}$/.test(streamEventId))
  ) {
    throw new ApiError(
      'invalid_request',
      'Last-Event-ID must be the id of an event of this channel.',
    );
  }
  return { after, ...(streamEventId !== undefined && { streamEventId: Number(streamEventId) }) };
}

/**
 * A session's live channel as its readers get it (the visitor's `GET /chat/sessions/{id}/events`
 * and the staff's view of a conversation): the current handoff state first, then the channel's
 * entries after the reader's position; a turn's entry brings the turn's events, followed from
 * its stream wherever it runs, with ids `<entry id>/<stream event id>`.
 */
@Injectable()
export class SessionLive {
  constructor(
    private readonly channel: SessionChannel,
    private readonly generations: GenerationRegistry,
  ) {}

  events$(
    sessionId: string,
    status: HandoffStatus,
    position: Position | undefined,
    options: { turns: boolean } = { turns: true },
  ): Observable<MessageEvent> {
    const first: MessageEvent = { data: encodeEventData({ type: 'handoff', ...status }) };
    // Inside a turn: its stream goes on from where the reader was, beside what came after it.
    const resumedTurn =
      position?.streamEventId !== undefined && options.turns
        ? defer(() => from(this.channel.entry(sessionId, position.after))).pipe(
            mergeMap((entry) =>
              entry && 'turn' in entry
                ? this.turn$(position.after, entry.turn, position.streamEventId ?? 0)
                : EMPTY,
            ),
          )
        : EMPTY;
    const items = this.channel
      .items$(sessionId, position?.after)
      .pipe(mergeMap((item) => this.itemEvents$(item, options.turns)));
    // The state first (synchronously, before any entry), then the rest as it comes.
    return merge(concat(of(first), resumedTurn), items);
  }

  private itemEvents$(item: ChannelItem, turns: boolean): Observable<MessageEvent> {
    const { entry } = item;
    if ('event' in entry) {
      return of(item.id === undefined ? { data: entry.event } : { id: item.id, data: entry.event });
    }
    return turns && item.id !== undefined ? this.turn$(item.id, entry.turn, 0) : EMPTY;
  }

  /** The events of the turn `streamId` after `lastEventId`, as the channel's entry `entryId` names them. */
  private turn$(entryId: string, streamId: string, lastEventId: number): Observable<MessageEvent> {
    return defer(() => from(this.generations.find(streamId))).pipe(
      mergeMap((generation) => generation?.events$(lastEventId) ?? EMPTY),
      map((event) => {
        const shared = withoutSessionToken(event);
        return { id: `${entryId}/${shared.id}`, data: shared.json };
      }),
    );
  }
}
