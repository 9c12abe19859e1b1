import { outboundConfig } from './outbound.config';
import { webhookConfig } from './webhook.config';

const SECRET = `whsec_${Buffer.from('a test secret of 32 bytes, ok!!!').toString('base64')}`;

function withEnv<T>(env: Record<string, string | undefined>, read: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(env);
  try {
    return read();
  } finally {
    apply(saved);
  }
}

describe('OUTBOUND_ALLOW_PRIVATE', () => {
  it('is off unless set to true, and refuses anything but true or false', () => {
    expect(withEnv({ OUTBOUND_ALLOW_PRIVATE: undefined }, outboundConfig)).toEqual({
      allowPrivate: false,
    });
    expect(withEnv({ OUTBOUND_ALLOW_PRIVATE: 'false' }, outboundConfig)).toEqual({
      allowPrivate: false,
    });
    expect(withEnv({ OUTBOUND_ALLOW_PRIVATE: 'true' }, outboundConfig)).toEqual({
      allowPrivate: true,
    });
    for (const value of ['yes', '1', 'TRUE ']) {
      expect(() => withEnv({ OUTBOUND_ALLOW_PRIVATE: value }, outboundConfig)).toThrow(
        /OUTBOUND_ALLOW_PRIVATE/,
      );
    }
  });
});

describe('LEAD_WEBHOOK_URL', () => {
  const read = (url: string) =>
    withEnv({ LEAD_WEBHOOK_URL: url, LEAD_WEBHOOK_SECRET: SECRET }, webhookConfig);

  it('takes http and https URLs only, checked at start', () => {
    expect(read('https://hooks.example.com/leads').url).toBe('https://hooks.example.com/leads');
    expect(read('http://10.0.0.5:8080/leads').url).toBe('http://10.0.0.5:8080/leads');
    for (const url of [
      'file:///etc/passwd',
      'gopher://hooks.example.com/',
      'ftp://hooks.example.com/',
      'redis://127.0.0.1:6379',
      'hooks.example.com/leads',
      'http://',
    ]) {
      expect(() => read(url)).toThrow(/LEAD_WEBHOOK_URL must be an http:\/\/ or https:\/\/ URL/);
    }
  });

  it("needs the secret to sign with; the secret alone signs the assistants' own receivers", () => {
    expect(() =>
      withEnv(
        { LEAD_WEBHOOK_URL: 'https://hooks.example.com/leads', LEAD_WEBHOOK_SECRET: undefined },
        webhookConfig,
      ),
    ).toThrow(/LEAD_WEBHOOK_URL needs LEAD_WEBHOOK_SECRET/);
    expect(
      withEnv({ LEAD_WEBHOOK_URL: undefined, LEAD_WEBHOOK_SECRET: SECRET }, webhookConfig),
    ).toMatchObject({
      url: undefined,
      secret: SECRET,
    });
  });
});
