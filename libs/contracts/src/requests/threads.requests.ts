import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsString, Length, ValidateBy, ValidateNested } from 'class-validator';
import { Addressed, NoFields } from './addressed';
import { FIELD_LIMITS } from './field-limits';
import { EntityId, Optional, PageCursor, QueryInt, UniqueBy } from './field-decorators';

/**
 * A message's text is stored and returned exactly as sent (no trimming, never rendered by
 * us): the length is counted on the string as given, and a text of only whitespace is refused.
 */
const MessageText = (): PropertyDecorator => (target, key) => {
  IsString()(target, key);
  Length(FIELD_LIMITS.messageTextLength.min, FIELD_LIMITS.messageTextLength.max)(target, key);
  ValidateBy({
    name: 'notBlank',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && value.trim().length > 0,
      defaultMessage: () => '$property must not be blank',
    },
  })(target, key);
};

/** A file version of the same workspace, ready (uploaded and verified). */
export class MessageAttachmentRef {
  @EntityId()
  fileId!: string;

  @EntityId()
  versionId!: string;
}

export class PostMessageBody {
  @MessageText()
  text!: string;

  @Optional()
  @IsArray()
  @ArrayMaxSize(FIELD_LIMITS.messageAttachmentsMax)
  @ValidateNested({ each: true })
  @Type(() => MessageAttachmentRef)
  @UniqueBy('versionId', 'attachments must not repeat a version')
  attachments?: MessageAttachmentRef[];

  /** An internal note: only the freelancer side sees it (posting one needs a freelancer-side role). */
  @Optional()
  @IsBoolean()
  internal?: boolean;

  /**
   * Members mentioned (user ids; the client resolves @names): each is notified. They must be
   * members of the workspace, and of its freelancer side for an internal note (else 422).
   */
  @Optional()
  @IsArray()
  @ArrayMaxSize(FIELD_LIMITS.messageMentionsMax)
  @ArrayUnique({ message: 'mentions must not repeat a user' })
  @EntityId({ each: true })
  mentions?: string[];
}

export class EditMessageBody {
  @MessageText()
  text!: string;
}

/**
 * Keyset paging over a thread's messages by their `seq`: `before` pages towards older
 * messages, `after` towards newer ones; items are newest first either way. Without
 * either: the newest page.
 */
export class ListMessagesQuery {
  @Optional()
  @QueryInt({ min: 1, max: FIELD_LIMITS.messagePageLimit.max })
  limit: number = FIELD_LIMITS.messagePageLimit.default;

  @Optional()
  @PageCursor()
  before?: string;

  @Optional()
  @PageCursor()
  after?: string;
}

/** Moves the caller's read cursor forward to `messageId` (default: the thread's newest message). */
export class MarkReadBody {
  @Optional()
  @EntityId()
  messageId?: string;
}

export class ThreadRefRequest extends Addressed(NoFields, 'workspaceId', 'threadId') {}
export class ListMessagesRequest extends Addressed(ListMessagesQuery, 'workspaceId', 'threadId') {}
export class PostMessageRequest extends Addressed(PostMessageBody, 'workspaceId', 'threadId') {}
export class EditMessageRequest extends Addressed(EditMessageBody, 'workspaceId', 'threadId', 'messageId') {}
export class MessageRefRequest extends Addressed(NoFields, 'workspaceId', 'threadId', 'messageId') {}
export class MarkReadRequest extends Addressed(MarkReadBody, 'workspaceId', 'threadId') {}
