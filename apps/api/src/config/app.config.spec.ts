import { appConfig } from './app.config';

describe('TRUST_PROXY', () => {
  const saved = process.env['TRUST_PROXY'];
  afterEach(() => (saved === undefined ? delete process.env['TRUST_PROXY'] : (process.env['TRUST_PROXY'] = saved)));

  const trustWith = (value: string | undefined) => {
    if (value === undefined) delete process.env['TRUST_PROXY'];
    else process.env['TRUST_PROXY'] = value;
    return appConfig().trustProxy;
  };

  it('trusts no proxy by default, or a hop count, or a list of addresses and networks', () => {
    expect(trustWith(undefined)).toBe(false);
    expect(trustWith('1')).toBe(1);
    expect(trustWith('10.0.0.0/8, 127.0.0.1,::1')).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
  });

  it('never trusts everything: a client would pick its own address with X-Forwarded-For', () => {
    for (const value of ['true', '*', 'yes']) expect(() => trustWith(value)).toThrow(/TRUST_PROXY/);
  });
});
