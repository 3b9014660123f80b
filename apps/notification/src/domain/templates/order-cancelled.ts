import { markup } from './html.js';
import { email } from './layout.js';
import { formatMoney } from './money.js';
import type { CancellationReason, RenderedEmail, TemplateDataMap } from './types.js';

/** Why, in the customer's words. */
const WHY: Record<CancellationReason, string> = {
  STOCK_INSUFFICIENT:
    'Some of the items you ordered are no longer in stock, so we could not fulfil your order.',
  PAYMENT_FAILED: 'We could not take the payment for your order.',
  CUSTOMER_REQUEST: 'We have cancelled your order as you asked.',
  TIMEOUT: 'We could not complete your order in time, so we have cancelled it.',
  OTHER: 'We had to cancel your order.',
};

/** Payment only charges after the stock is reserved, and a failed payment took nothing. */
const NEVER_CHARGED: readonly CancellationReason[] = ['STOCK_INSUFFICIENT', 'PAYMENT_FAILED'];

export function orderCancelled(data: TemplateDataMap['order-cancelled'], locale?: string): RenderedEmail {
  const paragraphs = [`Your order ${data.orderId} has been cancelled. ${WHY[data.reason]}`];
  // Only the payment provider's decline message is meant for the customer; other details are internal.
  if (data.reason === 'PAYMENT_FAILED' && data.detail !== null && data.detail.trim() !== '') {
    paragraphs.push(`Your payment provider said: “${data.detail.trim()}”`);
  }
  paragraphs.push(moneySentence(data, locale));
  return email({
    subject: `Your order ${data.orderId} has been cancelled`,
    customerName: data.customerName,
    text: paragraphs,
    html: paragraphs.map((paragraph) => markup`<p>${paragraph}</p>`),
  });
}

function moneySentence(data: TemplateDataMap['order-cancelled'], locale: string | undefined): string {
  if (data.refund) {
    const amount = formatMoney(data.refund.amountMinor, data.refund.currency, locale);
    return `We are refunding ${amount} to your original payment method. It may take a few days to appear on your statement.`;
  }
  if (NEVER_CHARGED.includes(data.reason)) return 'You have not been charged.';
  // A charge may still have been in flight when the order was cancelled; payment refunds it by itself.
  return 'If any payment was taken, it will be refunded to your original payment method automatically.';
}
