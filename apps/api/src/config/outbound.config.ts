import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional } from 'class-validator';
import { validateEnv } from './validate-env';

class OutboundEnv {
  /**
   * `true` lets the server reach loopback, private (10/8, 172.16/12, 192.168/16), CGNAT and ULA
   * addresses, for receivers on your own network. Link-local (cloud metadata), unspecified and
   * multicast addresses stay refused whatever it says.
   */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'OUTBOUND_ALLOW_PRIVATE must be true or false' })
  OUTBOUND_ALLOW_PRIVATE?: string;
}

export interface OutboundConfig {
  allowPrivate: boolean;
}

/** The address policy of every URL the server fetches (`common/outbound`). */
export const outboundConfig = registerAs('outbound', (): OutboundConfig => {
  const env = validateEnv(OutboundEnv);
  return { allowPrivate: env.OUTBOUND_ALLOW_PRIVATE === 'true' };
});
