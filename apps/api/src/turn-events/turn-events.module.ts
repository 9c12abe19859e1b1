import { Global, Module } from '@nestjs/common';
import { TurnEvents } from './turn-events';

/** The turn's events, one stream for the process; global, so that any feature can subscribe. */
@Global()
@Module({
  providers: [TurnEvents],
  exports: [TurnEvents],
})
export class TurnEventsModule {}
