import { chargeableAmountProblem } from './currency-rules';

describe('amounts Stripe can charge', () => {
  it('takes any whole minor unit in two- and zero-decimal currencies', () => {
    expect(chargeableAmountProblem(1234, 'EUR')).toBeNull();
    expect(chargeableAmountProblem(1234, 'JPY')).toBeNull();
  });

  it('needs three-decimal amounts in steps of 10', () => {
    expect(chargeableAmountProblem(1235, 'KWD')).toMatch(/multiple of 10/);
    expect(chargeableAmountProblem(1230, 'KWD')).toBeNull();
  });
});
