import { renderEmail } from './email-templates';

const links = { appUrl: 'https://app.example', unsubscribeUrl: 'https://app.example/api/v1/unsubscribe/a.b' };

describe('email templates', () => {
  it('escapes every user-supplied value in the HTML part and keeps it as written in the text part', () => {
    const name = `<script>alert("x")</script> & Co`;
    const email = renderEmail(
      'notification',
      { recipientName: name, items: [{ type: 't', headline: `File "<img src=x onerror=1>" shared`, createdAt: '' }] },
      links,
    );
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(email.text).toContain(`Hello ${name},`);
    expect(email.text).toContain('Unsubscribe: https://app.example/api/v1/unsubscribe/a.b');
    expect(email.subject).toBe('File "<img src=x onerror=1>" shared');
  });

  it('summarises a merged burst in the subject and lists every item', () => {
    const items = Array.from({ length: 3 }, (_, i) => ({ type: 't', headline: `Update ${i}`, createdAt: '' }));
    const email = renderEmail('notification', { recipientName: 'Ann', items }, { ...links, unsubscribeUrl: null });
    expect(email.subject).toBe('Update 0 (and 2 more updates)');
    expect(email.text.match(/^- Update \d$/gm)).toHaveLength(3);
    expect(email.html).not.toContain('Unsubscribe');
  });

  it('refuses an unknown template', () => {
    expect(() => renderEmail('nope', {}, links)).toThrow('unknown email template nope');
  });
});
