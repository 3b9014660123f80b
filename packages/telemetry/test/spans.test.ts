import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  activeTraceparent,
  continueTrace,
  endSpan,
  headersWithSendSpan,
  logMixin,
  relayTraceparentHeader,
  spanContextOf,
  startProcessSpan,
  startSendSpan,
  traceparentOf,
  withLogFields,
} from '../src/index.js';

const origin = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const [, originTrace, originSpan] = origin.split('-');

describe('traceparent', () => {
  it('round-trips a span context', () => {
    const parsed = spanContextOf(origin);
    expect(parsed).toMatchObject({ traceId: originTrace, spanId: originSpan, isRemote: true });
    expect(traceparentOf(parsed)).toBe(origin);
  });

  it.each([
    ['missing', undefined],
    ['malformed', 'not-a-traceparent'],
    ['unknown version', '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
    ['all-zero trace id', '00-00000000000000000000000000000000-b7ad6b7169203331-01'],
    ['all-zero span id', '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01'],
  ])('rejects a %s one', (_, value) => {
    expect(spanContextOf(value)).toBeUndefined();
  });
});

// First: the API's tracers keep the provider they found once one was registered.
describe('without an SDK', () => {
  it('spans do not record, the incoming context is carried along and no header is added', () => {
    const span = startProcessSpan({
      topic: 't',
      partition: 0,
      offset: '0',
      group: 'g',
      id: 'm',
      type: 'x',
      traceparent: origin,
    });
    expect(span.isRecording()).toBe(false);
    expect(traceparentOf(span.spanContext())).toBe(origin);
    const headers = { traceparent: origin };
    expect(headersWithSendSpan(headers, startSendSpan({ topic: 't', key: 'k', headers }))).toBe(headers);
  });
});

describe('with an SDK recording spans', () => {
  const exporter = new InMemorySpanExporter();
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
  });
  afterEach(() => {
    exporter.reset();
  });
  afterAll(() => {
    trace.disable();
    context.disable();
  });

  const headers = {
    ce_id: 'm-1',
    ce_type: 'com.acme.order.placed.v2',
    ce_subject: 'o-1',
    traceparent: origin,
  };

  it('a relayed message gets a producer span, a child of the row’s span, named in a header', () => {
    const span = startSendSpan({ topic: 'order.events', key: 'o-1', headers });
    const sent = headersWithSendSpan(headers, span);
    endSpan(span);
    const [finished] = exporter.getFinishedSpans();
    expect(finished).toMatchObject({
      name: 'send order.events',
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.destination.name': 'order.events', 'cloudevents.event_subject': 'o-1' },
    });
    expect(finished?.spanContext().traceId).toBe(originTrace);
    expect(finished?.parentSpanContext?.spanId).toBe(originSpan);
    // The row's own traceparent is kept: consumers become children of the span that wrote it.
    expect(sent.traceparent).toBe(origin);
    expect(sent[relayTraceparentHeader]).toBe(traceparentOf(finished?.spanContext()));
  });

  it('a consumed message gets a consumer span: child of the cause, linked to the relay’s send', () => {
    const relay = '00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01';
    const span = startProcessSpan({
      topic: 'order.events',
      partition: 2,
      offset: '41',
      group: 'inventory',
      id: 'm-1',
      type: 'com.acme.order.placed.v2',
      traceparent: origin,
      relayTraceparent: relay,
    });
    endSpan(span, new Error('stock table locked'));
    const [finished] = exporter.getFinishedSpans();
    expect(finished).toMatchObject({ name: 'process order.events', kind: SpanKind.CONSUMER });
    expect(finished?.parentSpanContext?.spanId).toBe(originSpan);
    expect(finished?.links.map((l) => l.context.spanId)).toEqual(['00f067aa0ba902b7']);
    expect(finished?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'stock table locked' });
    expect(finished?.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('a message without trace context starts a trace of its own', () => {
    const span = startProcessSpan({ topic: 't', partition: 0, offset: '0', group: 'g', id: 'm', type: 'x' });
    endSpan(span);
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.parentSpanContext).toBeUndefined();
    expect(finished?.links).toEqual([]);
  });

  it('continueTrace runs work in a span of the stored trace and hands it that span’s traceparent', async () => {
    const seen = await continueTrace('order.timeout', origin, (traceparent) =>
      Promise.resolve({ traceparent, active: activeTraceparent() }),
    );
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.spanContext().traceId).toBe(originTrace);
    expect(finished?.parentSpanContext?.spanId).toBe(originSpan);
    expect(seen.traceparent).toBe(traceparentOf(finished?.spanContext()));
    expect(seen.active).toBe(seen.traceparent);
  });

  it('continueTrace ends its span as failed when the work fails, and rethrows', async () => {
    await expect(continueTrace('x', origin, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(exporter.getFinishedSpans()[0]?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('log lines carry the active trace and the fields of their scope', async () => {
    expect(logMixin()).toEqual({});
    await continueTrace('handle', origin, () =>
      withLogFields({ correlationId: 'c-1' }, () =>
        withLogFields({ subject: 'o-1' }, () => {
          expect(logMixin()).toEqual({
            correlationId: 'c-1',
            subject: 'o-1',
            traceId: originTrace,
            spanId: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown,
          });
          return Promise.resolve();
        }),
      ),
    );
    expect(logMixin()).toEqual({});
  });
});
