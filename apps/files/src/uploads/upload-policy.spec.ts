import { isContentTypeAllowed, multipartLayout } from './upload-policy';

describe('upload policy', () => {
  it('allows listed types and type families only', () => {
    const allowed = ['application/pdf', 'image/*'];
    expect(isContentTypeAllowed('application/pdf', allowed)).toBe(true);
    expect(isContentTypeAllowed('IMAGE/PNG', allowed)).toBe(true);
    expect(isContentTypeAllowed('application/x-msdownload', allowed)).toBe(false);
    expect(isContentTypeAllowed('imagex/png', allowed)).toBe(false);
    expect(isContentTypeAllowed('application/pdf2', allowed)).toBe(false);
  });

  it('splits multipart uploads into parts that add up, at most 10,000 of them', () => {
    const MiB = 1024 * 1024;
    const parts = multipartLayout(21 * MiB + 5, 5 * MiB);
    expect(parts.map((p) => p.size)).toEqual([5 * MiB, 5 * MiB, 5 * MiB, 5 * MiB, MiB + 5]);
    expect(parts.map((p) => p.partNumber)).toEqual([1, 2, 3, 4, 5]);
    const huge = multipartLayout(5 * 1024 * 1024 * MiB, 5 * MiB);
    expect(huge.length).toBeLessThanOrEqual(10_000);
    expect(huge.reduce((sum, p) => sum + p.size, 0)).toBe(5 * 1024 * 1024 * MiB);
  });
});
