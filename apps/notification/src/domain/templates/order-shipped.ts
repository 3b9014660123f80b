import { markup } from './html.js';
import { email } from './layout.js';
import type { RenderedEmail, TemplateDataMap } from './types.js';

export function orderShipped(data: TemplateDataMap['order-shipped']): RenderedEmail {
  return email({
    subject: `Your order ${data.orderId} is on its way`,
    customerName: data.customerName,
    text: [`Your order ${data.orderId} has shipped and is on its way to you.`],
    html: [markup`<p>Your order <strong>${data.orderId}</strong> has shipped and is on its way to you.</p>`],
  });
}
