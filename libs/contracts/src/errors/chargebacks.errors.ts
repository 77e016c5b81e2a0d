/** Error codes of chargebacks (billing: the freelancer's choice to answer one personally). */
export enum ChargebackErrorCode {
  /** Billing already submitted its evidence for an open chargeback on this milestone: the choice comes too late for it. */
  EvidenceAlreadySubmitted = 'chargeback_evidence_already_submitted',
}
