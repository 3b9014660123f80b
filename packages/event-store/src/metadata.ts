/** What every event carries besides its data. */
export interface EventMetadata {
  /** The id shared by everything one original request caused (an order's whole saga). */
  correlationId: string;
  /** The id of the message or command that directly caused this event. */
  causationId: string;
  /** W3C trace context of the span that appended the event, so consumers continue the trace. */
  traceparent?: string;
  /** Version of the shape of `data`, for upcasting on read. */
  schemaVersion: number;
  [extra: string]: unknown;
}
