import { IsIn } from 'class-validator';
import { INVITABLE_ROLE_VALUES } from '@fpms/contracts';

export class ChangeRoleDto {
  @IsIn(INVITABLE_ROLE_VALUES, { message: `role must be one of ${INVITABLE_ROLE_VALUES.join(', ')}` })
  role: (typeof INVITABLE_ROLE_VALUES)[number];
}
