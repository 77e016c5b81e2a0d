/** Error codes of milestones (workspace). */
export enum MilestoneErrorCode {
  MilestoneNotFound = 'milestone_not_found',
  InvalidTransition = 'invalid_milestone_transition',
  NotEditable = 'milestone_not_editable',
  DeliverableRequired = 'deliverable_required',
  DeliverableRejected = 'deliverable_rejected',
  StaleVersion = 'milestone_version_conflict',
  NotDisputeOpener = 'dispute_not_yours',
}
