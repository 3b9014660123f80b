import { markup } from './html.js';
import { email } from './layout.js';
import { formatMoney } from './money.js';
import type { RenderedEmail, TemplateDataMap } from './types.js';

export function orderPlaced(data: TemplateDataMap['order-placed'], locale?: string): RenderedEmail {
  const money = (minor: number) => formatMoney(minor, data.currency, locale);
  const lines = data.lines.map((line) => ({
    ...line,
    unitPrice: money(line.unitPriceMinor),
    amount: money(line.quantity * line.unitPriceMinor),
  }));
  const total = money(data.totalMinor);
  const next = 'We will confirm it as soon as your items are reserved and your payment has gone through.';
  const rows = lines.map(
    (l) =>
      markup`<tr><td>${l.sku}</td><td align="right">${l.quantity}</td><td align="right">${l.unitPrice}</td><td align="right">${l.amount}</td></tr>`,
  );
  return email({
    subject: `We received your order ${data.orderId}`,
    customerName: data.customerName,
    text: [
      `Thank you for your order ${data.orderId}. ${next}`,
      [
        ...lines.map((l) => `${l.quantity} × ${l.sku} at ${l.unitPrice}: ${l.amount}`),
        `Total: ${total}`,
      ].join('\n'),
    ],
    html: [
      markup`<p>Thank you for your order <strong>${data.orderId}</strong>. ${next}</p>`,
      markup`<table cellpadding="4">
<thead><tr><th align="left">Item</th><th align="right">Quantity</th><th align="right">Unit price</th><th align="right">Amount</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><th align="left" colspan="3">Total</th><th align="right">${total}</th></tr></tfoot>
</table>`,
    ],
  });
}
