import { AppError } from '@fpms/common/errors/app-error';
import { ThreadErrorCode } from '@fpms/contracts/errors/threads.errors';

export class ThreadError extends AppError<ThreadErrorCode> {
  static threadNotFound(threadId: string) {
    return new ThreadError(404, ThreadErrorCode.ThreadNotFound, 'Thread not found', { threadId });
  }
  /** Missing, in another thread, or an internal note the caller may not see: all look the same. */
  static messageNotFound(messageId: string) {
    return new ThreadError(404, ThreadErrorCode.MessageNotFound, 'Message not found', { messageId });
  }
  static attachmentInvalid(fileId: string, versionId: string, reason: 'not_found' | 'not_ready' | 'deleted') {
    const why = { not_found: 'is not a file version of this workspace', not_ready: 'has not finished uploading', deleted: 'is deleted' };
    return new ThreadError(422, ThreadErrorCode.AttachmentInvalid, `The attachment ${why[reason]}`, { fileId, versionId, reason });
  }
  static mentionInvalid(userIds: string[], internal: boolean) {
    const who = internal ? 'members of the freelancer side (this is an internal note)' : 'members of this workspace';
    return new ThreadError(422, ThreadErrorCode.MentionInvalid, `Only ${who} can be mentioned`, { userIds });
  }
  static editWindowClosed(windowMinutes: number) {
    return new ThreadError(409, ThreadErrorCode.EditWindowClosed, `Messages can be edited for ${windowMinutes} minutes after posting`, {
      windowMinutes,
    });
  }
  static notAuthor() {
    return new ThreadError(403, ThreadErrorCode.NotAuthor, 'Only the author may change this message');
  }
  static deleted(messageId: string) {
    return new ThreadError(409, ThreadErrorCode.MessageDeleted, 'This message was deleted', { messageId });
  }
  static conflictingCursors() {
    return new ThreadError(400, ThreadErrorCode.ConflictingCursors, 'Page either before or after a cursor, not both');
  }
}
