export { fullName, subjectFor, type AvroField, type AvroRecordSchema, type Json } from './avro-schema.js';
export {
  contracts,
  isEventType,
  lookup,
  UnknownEventTypeError,
  type Contract,
  type EventType,
} from './catalogue.js';
// EventDataByType, Topic and the data type of every event (OrderPlacedV1, OrderPlacedV2, …).
export type * from './generated/types.js';
export { contractUpcasters, upcast, upcastTo } from './upcasters.js';
export {
  defineUpcasters,
  type NewestType,
  type TypedData,
  type Upcasters,
  type UpcastStep,
  type Upcasting,
} from './upcasting.js';
