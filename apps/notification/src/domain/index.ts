export { notificationDedupeKey } from './dedupe.js';
export {
  decideNotification,
  notificationDecider,
  notificationStreamId,
  outstandingNotifications,
  type Command,
  type NotificationCommand,
} from './decide.js';
export {
  InvalidNotificationCommandError,
  NotificationDomainError,
  UnknownNotificationError,
} from './errors.js';
export { evolveNotification, initialNotificationState, notificationEventTypes } from './notification.js';
export type {
  DeferredFact,
  NotificationEvent,
  NotificationRequest,
  NotificationState,
  OrderContact,
  Recipient,
} from './notification.js';
export { escapeHtml, markup, SafeHtml } from './templates/html.js';
export { formatMoney } from './templates/money.js';
export { render, renderNotification, type RenderOptions } from './templates/render.js';
export { templateNames } from './templates/types.js';
export type {
  CancellationReason,
  Money,
  Notification,
  OrderLine,
  RenderedEmail,
  TemplateDataMap,
  TemplateName,
} from './templates/types.js';
