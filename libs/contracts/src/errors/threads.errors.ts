/** Error codes of threads, messages and read state (messaging). */
export enum ThreadErrorCode {
  ThreadNotFound = 'thread_not_found',
  MessageNotFound = 'message_not_found',
  /** An attachment that is not a ready file version of the same workspace. */
  AttachmentInvalid = 'attachment_invalid',
  /** A mention of someone who is not a member (or, in an internal note, not on the freelancer side). */
  MentionInvalid = 'mention_invalid',
  /** Edits are allowed only within the edit window after posting. */
  EditWindowClosed = 'message_edit_window_closed',
  /** Only the author edits or deletes a message. */
  NotAuthor = 'message_not_author',
  MessageDeleted = 'message_deleted',
  /** A page may go `before` or `after` a cursor, not both. */
  ConflictingCursors = 'conflicting_cursors',
}
