import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { acceptedRequestId, createLogger, parseLogLevel, requestContext, requestLevel } from './log.mjs';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ level, destination }), lines };
}

describe('the server log', () => {
  it('writes one JSON object per line with an ISO time, the level by name and the message', () => {
    const { log, lines } = capture();
    log.info({ operation: 'op1', host: 'h1' }, 'operation succeeded');
    expect(lines).toHaveLength(1);
    const [line = {}] = lines;
    expect(line).toMatchObject({ level: 'info', msg: 'operation succeeded', operation: 'op1', host: 'h1', pid: process.pid });
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
  });

  it('puts the request id on every line written while the request is handled, and on no other', async () => {
    const { log, lines } = capture();
    await requestContext.run({ requestId: 'req-1' }, async () => {
      log.info('before an await');
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.warn('after it');
    });
    log.info('outside any request');
    expect(lines.map((l) => l.requestId)).toEqual(['req-1', 'req-1', undefined]);
  });

  it('never writes a secret, wherever it sits in what is logged', () => {
    const { log, lines } = capture();
    log.info({ password: 'hunter2', host: { iloPassword: 'pw-ilo', agent: { token: 'tok-agent' } }, headers: { authorization: 'Bearer sfm_x', cookie: 's=1' } }, 'a careless line');
    const text = JSON.stringify(lines);
    for (const secret of ['hunter2', 'pw-ilo', 'tok-agent', 'sfm_x', 's=1']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ password: '[redacted]', host: { iloPassword: '[redacted]', agent: { token: '[redacted]' } } });
  });

  it('writes an error with its type, message and stack', () => {
    const { log, lines } = capture();
    log.error({ err: new TypeError('no such host') }, 'request failed');
    const [line = {}] = lines;
    expect(line.err).toMatchObject({ type: 'TypeError', message: 'no such host' });
    expect(String((line.err as { stack: string }).stack)).toContain('log.test.ts');
  });

  it('keeps below the level out', () => {
    const { log, lines } = capture('warn');
    log.info('not this');
    log.debug('nor this');
    log.warn('this');
    expect(lines.map((l) => l.msg)).toEqual(['this']);
  });
});

describe('LOG_LEVEL', () => {
  it('defaults to info and takes any level by name, in any case', () => {
    expect(parseLogLevel(undefined)).toEqual({ level: 'info' });
    expect(parseLogLevel('')).toEqual({ level: 'info' });
    expect(parseLogLevel('DEBUG')).toEqual({ level: 'debug' });
    expect(parseLogLevel('silent')).toEqual({ level: 'silent' });
  });

  it('refuses anything else, naming the setting and what it may be', () => {
    expect(parseLogLevel('verbose')).toEqual({ problem: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "verbose"' });
  });
});

describe('request ids and levels', () => {
  it("keeps a proxy's request id only when it cannot break a log line", () => {
    expect(acceptedRequestId('3f2a-91c0.lb:7')).toBe('3f2a-91c0.lb:7');
    expect(acceptedRequestId(['a1', 'b2'])).toBe('a1');
    expect(acceptedRequestId(undefined)).toBeNull();
    expect(acceptedRequestId('a\nb')).toBeNull();
    expect(acceptedRequestId('x'.repeat(65))).toBeNull();
    expect(acceptedRequestId('')).toBeNull();
  });

  it('logs reads at debug, changes at info and failures at error', () => {
    expect(requestLevel('GET', 200)).toBe('debug');
    expect(requestLevel('HEAD', 304)).toBe('debug');
    expect(requestLevel('POST', 400)).toBe('info');
    expect(requestLevel('GET', 503)).toBe('error');
    // The single sign-on's callback is a GET that signs a person in: at info, like the local sign-in's POST.
    expect(requestLevel('GET', 200, '/api/auth/oidc/callback')).toBe('info');
    expect(requestLevel('GET', 200, '/api/hosts')).toBe('debug');
  });
});
