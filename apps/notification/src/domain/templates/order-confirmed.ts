import { markup } from './html.js';
import { email } from './layout.js';
import { formatMoney } from './money.js';
import type { RenderedEmail, TemplateDataMap } from './types.js';

export function orderConfirmed(data: TemplateDataMap['order-confirmed'], locale?: string): RenderedEmail {
  const total = formatMoney(data.totalMinor, data.currency, locale);
  const next = 'We will e-mail you again when it ships.';
  return email({
    subject: `Your order ${data.orderId} is confirmed`,
    customerName: data.customerName,
    text: [
      `Good news: your payment of ${total} has gone through and your order ${data.orderId} is confirmed.`,
      next,
    ],
    html: [
      markup`<p>Good news: your payment of <strong>${total}</strong> has gone through and your order <strong>${data.orderId}</strong> is confirmed.</p>`,
      markup`<p>${next}</p>`,
    ],
  });
}
