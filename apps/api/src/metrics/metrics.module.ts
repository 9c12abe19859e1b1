import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { metricsConfig } from '../config/metrics.config';
import { ApiMetrics } from './api-metrics';
import { METRIC_PROVIDERS } from './metric-catalogue';
import { MetricsController } from './metrics.controller';
import { MetricsTokenGuard } from './metrics-token.guard';

/**
 * The operators' metrics: prom-client's registry through `@willsoto/nestjs-prometheus` (its
 * default process metrics included), the API's own metrics, and {@link ApiMetrics} to record
 * them, global so that any layer above can. The registry is prom-client's default, one per
 * process: the module registers the process metrics once, when it is loaded.
 */
@Global()
@Module({
  imports: [
    ConfigModule.forFeature(metricsConfig),
    PrometheusModule.register({ path: 'metrics', controller: MetricsController }),
  ],
  providers: [...METRIC_PROVIDERS, ApiMetrics, MetricsTokenGuard],
  // The route's guard is made in PrometheusModule, which holds the controller: it needs the settings.
  exports: [ApiMetrics, ConfigModule],
})
export class MetricsModule {}
