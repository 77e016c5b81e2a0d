import { AppError } from '@fpms/common/errors/app-error';
import { MemberErrorCode } from '@fpms/contracts/errors/members.errors';

export class MemberError extends AppError<MemberErrorCode> {
  static memberNotFound(userId: string) {
    return new MemberError(404, MemberErrorCode.MemberNotFound, 'No such member in this workspace', { userId });
  }
  static ownerIsPermanent() {
    return new MemberError(409, MemberErrorCode.OwnerIsPermanent, "The workspace owner's membership cannot be changed or removed");
  }
  /** Client-side roles are the client's to grant, change and remove; freelancer-side roles the owner's. */
  static otherSidesRole(role: string, side: 'freelancer' | 'client') {
    const who = side === 'client' ? 'Only a client admin' : 'Only the workspace owner';
    return new MemberError(403, MemberErrorCode.OtherSidesRole, `${who} grants, changes or removes ${side}-side roles such as ${role}`, {
      role,
      side,
    });
  }
  static crossesSides(from: string, to: string) {
    return new MemberError(
      409,
      MemberErrorCode.CrossesSides,
      `A member cannot move between the freelancer and the client side (${from} → ${to})`,
      { from, to },
    );
  }
  static lastClientAdminWithEscrow() {
    return new MemberError(
      409,
      MemberErrorCode.LastClientAdminWithEscrow,
      'The last client admin cannot leave or be demoted while a milestone holds money awaiting a client decision; name another client admin first',
    );
  }
}
