import { AppError } from '@fpms/common/errors/app-error';

export enum MemberErrorCode {
  MemberNotFound = 'member_not_found',
  OwnerIsPermanent = 'owner_is_permanent',
}

export class MemberError extends AppError {
  static memberNotFound(userId: string) {
    return new MemberError(404, MemberErrorCode.MemberNotFound, 'No such member in this workspace', { userId });
  }
  static ownerIsPermanent() {
    return new MemberError(409, MemberErrorCode.OwnerIsPermanent, "The workspace owner's membership cannot be changed or removed");
  }
}
