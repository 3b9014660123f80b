import {
  render,
  renderNotification,
  templateNames,
  type CancellationReason,
  type TemplateDataMap,
} from '../../src/domain/index.js';

const HOSTILE = '<script>alert("x")</script> & Co';

const placed: TemplateDataMap['order-placed'] = {
  orderId: 'order-1',
  customerName: 'Ana',
  lines: [
    { sku: 'MUG-1', quantity: 2, unitPriceMinor: 1050 },
    { sku: 'TEA', quantity: 1, unitPriceMinor: 499 },
  ],
  currency: 'EUR',
  totalMinor: 2599,
};

const cancelled = (
  reason: CancellationReason,
  refund: TemplateDataMap['order-cancelled']['refund'] = null,
  detail: string | null = null,
): TemplateDataMap['order-cancelled'] => ({
  orderId: 'order-1',
  customerName: 'Ana',
  reason,
  detail,
  refund,
});

describe('render', () => {
  it('order-placed: subject, lines and total formatted from minor units', () => {
    const mail = render('order-placed', placed);
    expect(mail.subject).toBe('We received your order order-1');
    expect(mail.text).toContain('Hello Ana,');
    expect(mail.text).toContain('2 × MUG-1 at €10.50: €21.00\n1 × TEA at €4.99: €4.99\nTotal: €25.99');
    expect(mail.html).toContain('<td>MUG-1</td>');
    expect(mail.html).toContain('€21.00');
    expect(mail.html).toContain('€25.99');
    expect(mail.html).toMatch(/^<!doctype html>/);
  });

  it('order-placed in another currency and locale', () => {
    const mail = render(
      'order-placed',
      { ...placed, currency: 'JPY', totalMinor: 2599 },
      { locale: 'en-US' },
    );
    expect(mail.text).toContain('Total: ¥2,599');
  });

  it('order-confirmed: the amount paid', () => {
    const mail = render('order-confirmed', {
      orderId: 'order-1',
      customerName: null,
      currency: 'USD',
      totalMinor: 100000,
    });
    expect(mail.subject).toBe('Your order order-1 is confirmed');
    expect(mail.text).toContain('Hello,\n\n');
    expect(mail.text).toContain('your payment of $1,000.00 has gone through');
    expect(mail.html).toContain('<strong>$1,000.00</strong>');
  });

  it('order-shipped, in full', () => {
    expect(render('order-shipped', { orderId: 'order-1', customerName: 'Ana' })).toEqual({
      subject: 'Your order order-1 is on its way',
      text: 'Hello Ana,\n\nYour order order-1 has shipped and is on its way to you.\n\nAcme Shop\n',
      html: [
        '<!doctype html>',
        '<html lang="en"><head><meta charset="utf-8"><title>Your order order-1 is on its way</title></head>',
        '<body style="font-family: sans-serif; line-height: 1.5">',
        '<p>Hello Ana,</p>',
        '<p>Your order <strong>order-1</strong> has shipped and is on its way to you.</p>',
        '<p>Acme Shop</p>',
        '</body></html>',
        '',
      ].join('\n'),
    });
  });

  describe('order-cancelled, per reason', () => {
    it.each([
      ['STOCK_INSUFFICIENT', 'no longer in stock', 'You have not been charged.'],
      ['PAYMENT_FAILED', 'could not take the payment', 'You have not been charged.'],
      ['CUSTOMER_REQUEST', 'as you asked', 'If any payment was taken, it will be refunded'],
      ['TIMEOUT', 'could not complete your order in time', 'If any payment was taken, it will be refunded'],
      ['OTHER', 'had to cancel your order', 'If any payment was taken, it will be refunded'],
    ] as const)('%s says why and what happens to the money', (reason, why, money) => {
      const mail = render('order-cancelled', cancelled(reason));
      expect(mail.subject).toBe('Your order order-1 has been cancelled');
      expect(mail.text).toContain(why);
      expect(mail.text).toContain(money);
      expect(mail.html).toContain(why);
      expect(mail.text).not.toContain('We are refunding');
    });

    it('mentions the refund, with its amount, when a charge was made', () => {
      const mail = render(
        'order-cancelled',
        cancelled('CUSTOMER_REQUEST', { amountMinor: 2599, currency: 'EUR' }),
      );
      expect(mail.text).toContain('We are refunding €25.99 to your original payment method.');
      expect(mail.html).toContain('We are refunding €25.99');
      expect(mail.text).not.toContain('If any payment was taken');
    });

    it("quotes the payment provider's decline message, and no other detail", () => {
      expect(
        render('order-cancelled', cancelled('PAYMENT_FAILED', null, 'Insufficient funds')).text,
      ).toContain('Your payment provider said: “Insufficient funds”');
      expect(
        render('order-cancelled', cancelled('TIMEOUT', null, 'deadline 12:00 passed')).text,
      ).not.toContain('deadline');
    });
  });

  describe('escaping', () => {
    it('escapes every customer-supplied value in the HTML, keeps the text as written', () => {
      const mail = render('order-placed', {
        ...placed,
        customerName: HOSTILE,
        lines: [{ sku: HOSTILE, quantity: 1, unitPriceMinor: 2599 }],
      });
      expect(mail.html).not.toContain('<script>');
      expect(mail.html).toContain('Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co,');
      expect(mail.html).toContain('<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</td>');
      expect(mail.text).toContain(`Hello ${HOSTILE},`);
    });

    it('escapes the decline message and the order id', () => {
      const mail = render('order-cancelled', {
        ...cancelled('PAYMENT_FAILED', null, HOSTILE),
        orderId: '<o&1>',
      });
      expect(mail.html).not.toContain('<script>');
      expect(mail.html).not.toContain('<o&1>');
      expect(mail.html).toContain('&lt;o&amp;1&gt;');
      expect(mail.html).toContain('<title>Your order &lt;o&amp;1&gt; has been cancelled</title>');
    });

    it('keeps subjects and greetings on one line', () => {
      const mail = render('order-shipped', {
        orderId: 'o-1\r\nBcc: x@evil.test',
        customerName: 'Ana\nBcc: y',
      });
      expect(mail.subject).toBe('Your order o-1 Bcc: x@evil.test is on its way');
      expect(mail.text.startsWith('Hello Ana Bcc: y,\n\n')).toBe(true);
    });
  });

  it('renders every template, also from a stored { template, data } pair', () => {
    const data: TemplateDataMap = {
      'order-placed': placed,
      'order-confirmed': { orderId: 'order-1', customerName: 'Ana', currency: 'EUR', totalMinor: 1 },
      'order-cancelled': cancelled('OTHER'),
      'order-shipped': { orderId: 'order-1', customerName: 'Ana' },
    };
    expect(renderNotification({ template: 'order-placed', data: data['order-placed'] })).toEqual(
      render('order-placed', data['order-placed']),
    );
    expect(renderNotification({ template: 'order-confirmed', data: data['order-confirmed'] })).toEqual(
      render('order-confirmed', data['order-confirmed']),
    );
    expect(renderNotification({ template: 'order-cancelled', data: data['order-cancelled'] })).toEqual(
      render('order-cancelled', data['order-cancelled']),
    );
    expect(renderNotification({ template: 'order-shipped', data: data['order-shipped'] })).toEqual(
      render('order-shipped', data['order-shipped']),
    );
    expect(templateNames).toEqual(Object.keys(data));
    for (const name of templateNames) {
      const mail = renderNotification({ template: name, data: data[name] } as Parameters<
        typeof renderNotification
      >[0]);
      expect(mail.subject).not.toBe('');
      expect(mail.text).toMatch(/Acme Shop\n$/);
      expect(mail.html).toMatch(/<\/html>\s*$/);
    }
  });
});
