import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import { ApiMetrics } from './api-metrics';
import { MetricsTokenGuard } from './metrics-token.guard';

/**
 * `GET /api/metrics` in Prometheus's text format, for operators with the metrics token. Not part
 * of the chat's API, so not in its OpenAPI document. Its path is set by `PrometheusModule`.
 */
@ApiExcludeController()
@UseGuards(MetricsTokenGuard)
@Controller()
export class MetricsController extends PrometheusController {
  constructor(private readonly metrics: ApiMetrics) {
    super();
  }

  @Get()
  override async index(@Res({ passthrough: true }) response: Response): Promise<string> {
    await this.metrics.measureAtScrape();
    return super.index(response);
  }
}
