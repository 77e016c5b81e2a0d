import { attachmentDisposition } from './content-disposition';

describe('attachmentDisposition', () => {
  it('keeps a plain name', () => {
    expect(attachmentDisposition('report.pdf')).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
  });

  it('cannot break out of the header or the quoted string', () => {
    const value = attachmentDisposition('evil"; filename=x.exe\r\nSet-Cookie: a=b.pdf');
    expect(value).not.toMatch(/[\r\n]/);
    const quoted = /filename="([^"]*)"/.exec(value)![1];
    expect(quoted).not.toContain('"');
    expect(quoted).not.toContain(';');
    expect(value.match(/; filename="/g)).toHaveLength(1);
    expect(value.match(/; filename\*=/g)).toHaveLength(1);
  });

  it('drops directories and backslashes', () => {
    expect(attachmentDisposition('../../etc/passwd')).toContain('filename="passwd"');
    expect(attachmentDisposition('C:\\Users\\me\\a.txt')).toContain('filename="a.txt"');
    expect(attachmentDisposition('..')).toContain('filename="download"');
  });

  it('gives an ASCII fallback and the UTF-8 name for non-ASCII names', () => {
    const value = attachmentDisposition('Résumé 2024 – 日本.pdf');
    expect(value).toContain('filename="Resume 2024 _ __.pdf"');
    expect(value).toContain(`filename*=UTF-8''R%C3%A9sum%C3%A9%202024%20%E2%80%93%20%E6%97%A5%E6%9C%AC.pdf`);
  });

  it('encodes the characters RFC 5987 reserves', () => {
    expect(attachmentDisposition("it's (final)*.txt")).toContain(`filename*=UTF-8''it%27s%20%28final%29%2A.txt`);
  });
});
