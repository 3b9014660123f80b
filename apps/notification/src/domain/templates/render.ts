import { orderCancelled } from './order-cancelled.js';
import { orderConfirmed } from './order-confirmed.js';
import { orderPlaced } from './order-placed.js';
import { orderShipped } from './order-shipped.js';
import type { Notification, RenderedEmail, TemplateDataMap, TemplateName } from './types.js';

export interface RenderOptions {
  /** BCP 47 locale for money (default en-US); the wording is English. */
  locale?: string;
}

// A renderer per template: a template added to TemplateDataMap without one here does not compile.
const renderers: {
  [K in TemplateName]: (data: TemplateDataMap[K], options: RenderOptions) => RenderedEmail;
} = {
  'order-placed': (data, { locale }) => orderPlaced(data, locale),
  'order-confirmed': (data, { locale }) => orderConfirmed(data, locale),
  'order-cancelled': (data, { locale }) => orderCancelled(data, locale),
  'order-shipped': (data) => orderShipped(data),
};

/**
 * The e-mail of one lifecycle event, as subject, plain text and HTML. Pure.
 *
 * @example
 *   render('order-shipped', { orderId: 'o-1', customerName: 'Ana' }).subject // 'Your order o-1 is on its way'
 */
export function render<K extends TemplateName>(
  template: K,
  data: TemplateDataMap[K],
  options: RenderOptions = {},
): RenderedEmail {
  return renderers[template](data, options);
}

/** `render` for a stored `{ template, data }` pair, e.g. a NotificationRequested event. */
export function renderNotification(notification: Notification, options: RenderOptions = {}): RenderedEmail {
  switch (notification.template) {
    case 'order-placed':
      return render(notification.template, notification.data, options);
    case 'order-confirmed':
      return render(notification.template, notification.data, options);
    case 'order-cancelled':
      return render(notification.template, notification.data, options);
    case 'order-shipped':
      return render(notification.template, notification.data, options);
    default: {
      const unknown: never = notification;
      throw new Error(`unknown template: ${JSON.stringify(unknown)}`);
    }
  }
}
