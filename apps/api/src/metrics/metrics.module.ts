import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { metricsConfig } from '../config/metrics.config';
import { TurnEventsModule } from '../turn-events/turn-events.module';
import { ApiMetrics } from './api-metrics';
import { METRIC_PROVIDERS } from './metric-catalogue';
import { MetricsController } from './metrics.controller';
import { MetricsTokenGuard } from './metrics-token.guard';
import { TurnMetrics } from './turn-metrics';

/**
 * The operators' metrics: prom-client's registry through `@willsoto/nestjs-prometheus` (its
 * default process metrics included), the API's own metrics, and {@link ApiMetrics} to record
 * them, global so that any layer above can, and {@link TurnMetrics}, which records the chat
 * turns from their events. The registry is prom-client's default, one per
 * process: the module registers the process metrics once, when it is loaded.
 */
@Global()
@Module({
  imports: [
    ConfigModule.forFeature(metricsConfig),
    PrometheusModule.register({ path: 'metrics', controller: MetricsController }),
    TurnEventsModule,
  ],
  providers: [...METRIC_PROVIDERS, ApiMetrics, MetricsTokenGuard, TurnMetrics],
  // The route's guard is made in PrometheusModule, which holds the controller: it needs the settings.
  exports: [ApiMetrics, ConfigModule],
})
export class MetricsModule {}
