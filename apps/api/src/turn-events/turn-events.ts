import { Injectable, Logger } from '@nestjs/common';
import { filter, Subject, type Subscription } from 'rxjs';
import type { TurnEvent, TurnEventOf, TurnEventType } from './turn-event';

/** What a feature does with an event; a promise it returns is not awaited by the turn. */
export type TurnEventHandler<T extends TurnEventType> = (
  event: TurnEventOf<T>,
) => void | Promise<void>;

/**
 * The chat turn publishes what happened, the features that hang off it subscribe, each in its
 * own module. Delivery is synchronous, in the order of publication, so a subscriber sees a
 * turn's events in the order they happened. A subscriber that throws or rejects is logged: the
 * turn and the other subscribers go on. Nothing here is durable: an effect that must survive a
 * restart goes through the outbox in the turn's transaction, and its event only wakes the work.
 */
@Injectable()
export class TurnEvents {
  private readonly logger = new Logger(TurnEvents.name);
  private readonly events = new Subject<TurnEvent>();

  publish(event: TurnEvent): void {
    this.events.next(event);
  }

  /** Calls `handler` with every event of type `type`, until the subscription is ended. */
  on<T extends TurnEventType>(type: T, handler: TurnEventHandler<T>): Subscription {
    return this.events
      .pipe(filter((event): event is TurnEventOf<T> => event.type === type))
      .subscribe((event) => {
        try {
          const done = handler(event);
          if (done) done.catch((error: unknown) => this.failed(type, error));
        } catch (error) {
          this.failed(type, error);
        }
      });
  }

  private failed(type: TurnEventType, error: unknown): void {
    this.logger.error({ err: error }, `A ${type} subscriber failed`);
  }
}
