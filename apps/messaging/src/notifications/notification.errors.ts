import { AppError } from '@fpms/common/errors/app-error';
import { NotificationErrorCode } from '@fpms/contracts/errors';

export class NotificationError extends AppError<NotificationErrorCode> {
  static notificationNotFound(): NotificationError {
    return new NotificationError(404, NotificationErrorCode.NotificationNotFound, 'Notification not found');
  }
}
