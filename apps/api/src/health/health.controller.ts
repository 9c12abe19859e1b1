import { Controller, Get, HttpStatus, Inject, Optional, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { GenerationRegistry } from '../chat/generation/generation-registry';
import { DatabaseConnection } from '../database/database';
import type { RedisConnection } from '../redis/redis-connection';
import { REDIS } from '../redis/redis.module';

interface Readiness {
  status: 'ready' | 'unavailable';
  checks: { database: 'up' | 'down'; redis?: 'up' | 'down'; generations: 'accepting' | 'draining' };
  running_generations: number;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: DatabaseConnection,
    private readonly generations: GenerationRegistry,
    @Optional() @Inject(REDIS) private readonly redis: RedisConnection | null = null,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database (and Redis, when configured) answer and new generations are accepted' })
  @ApiOkResponse({ schema: { example: { status: 'ready', checks: { database: 'up', generations: 'accepting' }, running_generations: 0 } } })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down, or the instance is shutting down' })
  async ready(@Res({ passthrough: true }) response: Response): Promise<Readiness> {
    const [databaseUp, redisUp] = await Promise.all([this.database.isReady(), this.redis?.isReady()]);
    const accepting = !this.generations.isDraining;
    const ready = databaseUp && redisUp !== false && accepting;
    if (!ready) response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: ready ? 'ready' : 'unavailable',
      checks: {
        database: databaseUp ? 'up' : 'down',
        ...(redisUp !== undefined && { redis: redisUp ? 'up' : 'down' }),
        generations: accepting ? 'accepting' : 'draining',
      },
      running_generations: this.generations.runningCount,
    };
  }
}
