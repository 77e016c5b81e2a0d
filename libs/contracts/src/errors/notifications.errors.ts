/** Error codes of notifications, preferences and unsubscribe links (messaging, gateway). */
export enum NotificationErrorCode {
  NotificationNotFound = 'notification_not_found',
  /** A forged, altered or unknown unsubscribe link (404: it names nothing). */
  UnsubscribeLinkInvalid = 'unsubscribe_link_invalid',
}
