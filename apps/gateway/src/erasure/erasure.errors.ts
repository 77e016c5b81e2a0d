import { AppError } from '@fpms/common/errors/app-error';
import { ErasureBlockerView } from '@fpms/contracts';
import { ErasureErrorCode } from '@fpms/contracts/errors/erasure.errors';

/** Personal-data erasure (issue 18 part 5). */
export class ErasureError extends AppError<ErasureErrorCode> {
  /** 409: money is in flight for the user; `details.blockers` names each (kind, workspace, milestone). */
  static blocked(blockers: ErasureBlockerView[]) {
    const kinds = [...new Set(blockers.map((b) => b.kind))];
    return new ErasureError(
      409,
      ErasureErrorCode.ErasureBlocked,
      `Your account cannot be erased while money is in flight (${kinds.join(', ')})`,
      {
        reasons: kinds,
        blockers,
      },
    );
  }
  static twoFactorCodeRequired() {
    return new ErasureError(
      401,
      ErasureErrorCode.TwoFactorCodeRequired,
      'Two-factor sign-in is on: send a current code or a recovery code with your password',
    );
  }
}
