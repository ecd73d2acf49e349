/**
 * What an operator sees of a request in the Temporal Web UI without decoding anything: the
 * custom search attributes (domain/search-attributes.ts) to filter by, and the workflow's current
 * details (status, who holds it, the next deadline). No personal data: ids, statuses and roles only.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { ORGANIZATION_ID, REGISTRATION_ROLE, REGISTRATION_STATUS, REQUEST_KIND, TRACKING_NUMBER } from '../domain/search-attributes';

interface OperatorFacts {
  kind: 'REGISTRATION' | 'APPLICATION_ROLE';
  role: string;
  status: string;
  trackingNumber?: string;
  organizationId?: string;
  heldBy?: readonly string[];
  nextDeadline?: string;
  dueAt?: string;
}

/** The workflow's details line for the UI (markdown). */
export function currentDetails(facts: OperatorFacts): string {
  const lines = [
    `**${facts.status}**`,
    facts.trackingNumber && `Tracking number: ${facts.trackingNumber}`,
    facts.heldBy?.length ? `Held by: ${facts.heldBy.join(', ')}` : undefined,
    facts.nextDeadline && facts.dueAt ? `Next deadline: ${facts.nextDeadline} at ${facts.dueAt}` : undefined,
  ];
  return lines.filter((line) => line !== undefined && line !== '').join('\n\n');
}

/**
 * Keeps the search attributes and the details up to date: call it whenever the facts may have
 * changed; it upserts only when an attribute did (an upsert is a command in the history).
 */
export function operatorView() {
  let upserted = '';
  return (facts: OperatorFacts): void => {
    setCurrentDetails(currentDetails(facts));
    const pairs: SearchAttributeUpdatePair[] = [
      { key: REQUEST_KIND, value: facts.kind },
      { key: REGISTRATION_ROLE, value: facts.role },
      { key: REGISTRATION_STATUS, value: facts.status },
      ...(facts.trackingNumber ? [{ key: TRACKING_NUMBER, value: facts.trackingNumber }] : []),
      ...(facts.organizationId ? [{ key: ORGANIZATION_ID, value: facts.organizationId }] : []),
    ];
    const json = JSON.stringify(pairs.map((p) => [p.key.name, p.value]));
    if (json === upserted) return;
    upserted = json;
    upsertSearchAttributes(pairs);
  };
}
